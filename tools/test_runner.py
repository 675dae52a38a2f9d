"""Runs one kata test binary for the grader, in as few processes as it can, and says per test what
happened.

One process for the whole suite is 2-3x faster than one process per test (ctest's way): most of a
sanitizer build's time per test is its start-up. But a submission may end the process in the
middle (a crash, a sanitizer report, the watchdog, std::exit), so the run goes in rounds:

  1. run every test not yet decided in one process, gtest writing its own XML report;
  2. if the process finished, gtest's report decides every test it ran;
  3. if it did not, the test it was in (the last `[ RUN ]` without its end) is decided from its
     output, as is any test that printed `[  FAILED  ]`; tests that printed `[ OK ]` are run again,
     since only gtest's own report counts as a pass (a header that prints "[ OK ]" and exits 0 must
     not pass);
  4. repeat with the tests left. A round that decides nothing (the process died before its first
     test, or between two tests) switches to one process per test, where a death is that test's.

Each process gets the same limits as a ctest run: TEST_TIMEOUT seconds per test (measured from its
`[ RUN ]` line, so a suite's length does not count against one test), EXIT_GRACE seconds from
gtest's summary line to its exit (static destructors and the sanitizers' checks at exit; a header
whose static object never lets the process end would otherwise cost TEST_TIMEOUT for every test
run alone to find whose it is), and OUTPUT_LIMIT bytes of output (RLIMIT_FSIZE, see limit_output:
a process that writes more is killed by SIGXFSZ, and its test reported).

Each process runs in the grader's sandbox (tools/sandbox.py, docs/sandbox.md), in a fresh directory
of its own that is the only place it can write: what it tried there that it must not (a write into
the project, a process left behind, the network) comes back as findings, as does a report that its
own output contradicts (_forged).
"""
from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import time
import typing
import xml.etree.ElementTree as ET
from pathlib import Path

import sandbox
from gtest_run import FAILED_TEST, OK, RUN

TEST_TIMEOUT = 120
EXIT_GRACE = 30
# When this many tests, each run alone, passed and then their process did not exit either, the
# hang at exit is the process's, whatever test it runs: the rest of those tests are decided
# without a process each.
ALONE_HANGS_AT_EXIT = 2
OUTPUT_LIMIT = 256 << 20
POLL_SECONDS = 0.2

# A test's verdict: {"passed": bool, "seconds": float, "output": str}, and for a test the way
# its process ended decided, "cause" and "ended" (run_suite).
Verdict = dict[str, typing.Any]
SUMMARY = re.compile(r"^\[==========\] ", re.M)
# A binary that repeats its tests (the sched variant's budget of schedules: gtest's --gtest_repeat)
# prints this as each repetition starts, and gtest rewrites its XML report as each one ends.
REPETITION = re.compile(r"^Repeating all tests \(iteration \d+\)", re.M)
REPETITION_END = re.compile(r"^\[==========\] \d+ tests? from \d+ test suites? ran\.", re.M)


def _report_of_an_earlier_repetition(output: str) -> bool:
    """Whether the process ended inside a repetition after the first that it never finished (a
    sched verdict or a crash in schedule k): its XML report is then the previous repetition's,
    in which the test that ended it may have passed. Its verdicts come from the output, as for a
    process that wrote no report."""
    starts = list(REPETITION.finditer(output))
    return len(starts) >= 2 and REPETITION_END.search(output, starts[-1].end()) is None


def limit_output() -> None:
    """Caps the size of any file this process and its children write at OUTPUT_LIMIT. Call it
    once, before the first run_suite: set here rather than in each child (preexec_fn is unsafe in
    a threaded parent), and nothing the grader itself writes comes near it."""
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if hard == resource.RLIM_INFINITY or hard > OUTPUT_LIMIT:
        resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, hard))


def _clip(text: str, keep: int = 100_000) -> str:
    """The start and the end of a long output: the not-implemented message comes first, sanitizer
    and watchdog reports last."""
    if len(text) <= 2 * keep:
        return text
    return text[:keep] + "\n[... output cut ...]\n" + text[-keep:]


class _Progress:
    """Follows a running test binary's output: which test it is in, and since when."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.read = 0
        self.current: str | None = None
        self.since = time.monotonic()
        self.summary_at: float | None = None  # when gtest's summary line came: its tests are over
        # The tests the output shows ended, for the progress shown on screen only: a verdict is
        # never taken from them.
        self.ended_ok: set[str] = set()
        self.ended_failed: set[str] = set()

    def update(self) -> None:
        with open(self.log, "rb") as f:
            f.seek(self.read)
            chunk = f.read()
        # Only whole lines: a marker split across two reads is seen on the next one.
        cut = chunk.rfind(b"\n") + 1
        self.read += cut
        text = chunk[:cut].decode("utf-8", "replace")
        markers: list[tuple[int, str | None]] = [(m.start(), m.group(1))
                                                 for m in RUN.finditer(text)]
        markers += [(m.start(), None) for pattern in (OK, FAILED_TEST)
                    for m in pattern.finditer(text)]
        for _, running in sorted(markers, key=lambda marker: marker[0]):
            self.current = running
            self.since = time.monotonic()
        if self.summary_at is None:  # after it, gtest lists the failed tests again
            self.ended_ok.update(m.group(1) for m in OK.finditer(text))
            self.ended_failed.update(m.group(1) for m in FAILED_TEST.finditer(text))
        if self.summary_at is None and SUMMARY.search(text):
            self.summary_at = time.monotonic()


# Called as a suite runs with (tests ended so far, of which failed), as far as the output shows.
OnProgress = typing.Callable[[int, int], None]
# Called with each test decided, its verdict and the tests not yet run: {test not to run: why}.
SkipAfter = typing.Callable[[str, Verdict, list[str]], typing.Mapping[str, str]]


def _run_process(command: list[str], log: Path, out_dir: Path, box: sandbox.Sandbox,
                 on_progress: typing.Callable[[_Progress], None] | None = None
                 ) -> tuple[int | None, str | None, list[str]]:
    """Runs command with output to log, in the sandbox `box`, its private directory out_dir;
    returns (exit code or signal as -N, test killed by the timeout or '' when killed between
    tests or AT_EXIT when killed after its summary, None when not killed, what the sandbox saw
    it try). `on_progress` is called with the output's progress after each look at it."""
    with open(log, "wb") as out:
        # Its own session, so a timeout kills the test and anything it started.
        proc = box.start(command, out_dir, stdout=out, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True)
    progress = _Progress(log)
    while proc.popen.poll() is None:
        time.sleep(POLL_SECONDS)
        progress.update()
        if on_progress:
            on_progress(progress)
        summary_at = progress.summary_at  # set: gtest's tests are over
        if summary_at is not None and progress.current is None and \
                time.monotonic() - summary_at > EXIT_GRACE:
            killed_in = AT_EXIT
        elif time.monotonic() - progress.since > TEST_TIMEOUT:
            killed_in = progress.current or ""
        else:
            continue
        try:
            os.killpg(proc.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.popen.wait()
        proc.outcome(killed=True)
        return proc.popen.returncode, killed_in, []
    outcome = proc.outcome(who="the test process")
    code = outcome.status if outcome.status is not None else proc.popen.returncode
    return code, None, outcome.findings


def _gtest_report(xml: Path) -> dict[str, tuple[str, float]] | None:
    """{test: (verdict, seconds)} from gtest's XML report; None if there is none (the process
    did not finish)."""
    try:
        root = ET.parse(xml).getroot()
    except (OSError, ET.ParseError):
        return None
    report: dict[str, tuple[str, float]] = {}
    for case in root.iter("testcase"):
        name = f"{case.get('classname')}.{case.get('name')}"
        if case.get("status") != "run" or case.get("result") not in (None, "completed"):
            verdict = "skipped"
        else:
            verdict = "failed" if case.find("failure") is not None else "passed"
        report[name] = (verdict, float(case.get("time") or 0))
    return report


def _blocks(output: str) -> dict[str, tuple[str, str | None]]:
    """{test: (its output from `[ RUN ]` to the next test, how it ended: 'OK', 'FAILED' or
    None)}."""
    starts = [(m.start(), m.group(1)) for m in RUN.finditer(output)]
    summary = SUMMARY.search(output, starts[-1][0]) if starts else None
    blocks: dict[str, tuple[str, str | None]] = {}
    for i, (start, name) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else (summary.start() if summary
                                                            else len(output))
        text = output[start:end]
        ends = [(m.start(), how) for how, pattern in (("OK", OK), ("FAILED", FAILED_TEST))
                for m in pattern.finditer(text) if m.group(1) == name]
        blocks[name] = (_clip(text), min(ends)[1] if ends else None)
    return blocks


def _describe_exit(code: int | str | None) -> str:
    if code == AT_EXIT:
        return f"did not exit within {EXIT_GRACE} s of its last test and was killed"
    if code is None:
        return "did not finish"
    assert isinstance(code, int)
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else ""
        extra = " (over the output limit)" if -code == signal.SIGXFSZ else ""
        return f"was killed by signal {-code} {name}{extra}".strip()
    return f"exited with status {code}"


# Why the process, and not an assertion, decided a failed test (verdict["cause"]):
TIMEOUT = "timeout"      # killed after TEST_TIMEOUT seconds in the test (or before any test)
# EXIT_0: the process exited 0 in the middle of the test, or before gtest reported it
EXIT_0 = "exit_0"
NOT_RUN = "not_run"      # the process ended before the test started, or gtest skipped it
DIED = "died"            # a signal or an unexpected exit status, during the test or after it passed
HUNG_AT_EXIT = "hung_at_exit"  # passed, then its process did not exit within EXIT_GRACE seconds
SKIPPED = "skipped"      # not run: the caller said why (run_suite's `skip`)
AT_EXIT = "<at exit>"    # _run_process: killed after gtest's summary, not in a test


def not_run(why: str) -> Verdict:
    """The verdict of a test not run, for the reason `why` (cause SKIPPED)."""
    return _failed("", 0.0, SKIPPED, why)


def _failed(output: str, seconds: float = 0.0, cause: str | None = None,
            why: str | None = None) -> Verdict:
    verdict: Verdict = {"passed": False, "seconds": seconds, "output": output}
    if cause:
        verdict.update(cause=cause, ended=why)
    return verdict


def _decide_finished(batch: list[str], report: dict[str, tuple[str, float]],
                     blocks: dict[str, tuple[str, str | None]], output: str,
                     code: int | str | None) -> tuple[dict[str, Verdict], bool]:
    """The verdicts of a process that wrote its report: ({test: verdict}, whether a failure after
    the report, owned by no test, means each passing test must run again on its own)."""
    failed_any = any(report.get(name, ("failed",))[0] != "passed" for name in batch)
    # gtest exits 1 when a test failed; anything else after a complete report (a leak report at
    # exit, a crash in a static destructor, a process that does not end) belongs to no test in
    # particular.
    after = _describe_exit(code) if code != (1 if failed_any else 0) else None
    cause = HUNG_AT_EXIT if code == AT_EXIT else DIED
    now: dict[str, Verdict] = {}
    for name in batch:
        verdict, seconds = report.get(name, ("missing", 0.0))
        text = blocks.get(name, ("", None))[0]
        if verdict == "passed" and after is None:
            now[name] = {"passed": True, "seconds": seconds, "output": ""}
        elif verdict == "passed" and len(batch) == 1:
            tail = output[max(output.rfind("[==========] "), 0):]
            now[name] = _failed(_clip(tail), seconds, cause,
                                f"the test passed, then the process {after}")
        elif verdict == "passed":
            continue  # run it again on its own to see whose it is
        elif verdict == "failed":
            now[name] = _failed(text, seconds)
        else:
            why = ("gtest skipped the test" if verdict == "skipped"
                   else "the test binary finished without running this test")
            now[name] = _failed(text, seconds, NOT_RUN, why)
    return now, after is not None


def _decide_died(batch: list[str], blocks: dict[str, tuple[str, str | None]], code: int | None,
                 killed_in: str | None, seconds: float) -> dict[str, Verdict]:
    """The verdicts a process that died (or was killed) without its report still gives: the tests
    it reported failed, and the one it was in."""
    now: dict[str, Verdict] = {}
    for name, (text, ended) in blocks.items():
        if name not in batch or ended == "OK":
            continue  # an OK line is not gtest's report: the test runs again
        if ended == "FAILED":
            now[name] = _failed(text)
        elif killed_in == name:
            now[name] = _failed(text, seconds, TIMEOUT,
                                f"the test did not finish in {TEST_TIMEOUT} s and was killed")
        elif code == 0:
            now[name] = _failed(text, seconds, EXIT_0,
                                "the process exited 0 in the middle of this test")
        else:
            now[name] = _failed(text, seconds, DIED,
                                f"the process {_describe_exit(code)} during this test")
    return now


def _decide_alone(name: str, blocks: dict[str, tuple[str, str | None]], output: str,
                  code: int | None, killed_in: str | None) -> Verdict:
    """The verdict of a test run on its own whose process said nothing about it."""
    if killed_in is not None:
        return _failed(_clip(output), 0.0, TIMEOUT,
                       f"the test binary hung for {TEST_TIMEOUT} s before running this test")
    if code == 0 and name in blocks:
        return _failed(_clip(output), 0.0, EXIT_0,
                       "the process exited 0 before gtest reported this test")
    if code == 0:
        return _failed(_clip(output), 0.0, NOT_RUN,
                       "the test binary exited 0 without running this test")
    return _failed(_clip(output), 0.0, NOT_RUN,
                   f"the test binary {_describe_exit(code)} before running this test")


def _forged(report: dict[str, tuple[str, float]], output: str) -> str | None:
    """Why gtest's XML report of a process cannot be gtest's own, by what its output says, or None.
    gtest prints `[ RUN      ]` as each test starts and `[       OK ]` or `[  FAILED  ]` as it
    ends, each marker in one write whatever else the process prints around it; a report of more
    tests run or passed than the output shows, or of a test passed that the output shows failed,
    was written by someone else. It catches a forger that writes the report but not the output to
    match; that one only the header policy stops (docs/sandbox.md)."""
    ran = [name for name, (verdict, _) in report.items() if verdict != "skipped"]
    passed = [name for name, (verdict, _) in report.items() if verdict == "passed"]
    started, ended_ok = output.count("[ RUN      ] "), output.count("[       OK ] ")
    if len(ran) > started:
        return f"it says {len(ran)} test(s) ran, the output shows {started} started"
    if len(passed) > ended_ok:
        return f"it says {len(passed)} test(s) passed, the output shows {ended_ok}"
    contradicted = sorted(set(passed) & set(FAILED_TEST.findall(output)))
    if contradicted:
        return f"it says {contradicted[0]} passed, the output that it failed"
    return None


def _decide_hung_at_exit(left: list[str], hung_at_exit: set[str], now: dict[str, Verdict],
                         alone_hangs: int) -> dict[str, Verdict]:
    """The tests not yet run alone that passed in a process that did not exit, once
    ALONE_HANGS_AT_EXIT tests run alone did the same: the process hangs at exit whatever test it
    runs (a static object of the header's), and each would cost EXIT_GRACE seconds to show it."""
    return {name: _failed("", 0.0, HUNG_AT_EXIT,
                          f"the test passed, then the process {_describe_exit(AT_EXIT)}; "
                          f"not run alone: {alone_hangs} tests run alone before it passed and then "
                          "did not exit either, so the process hangs at exit whatever test it runs")
            for name in left if name in hung_at_exit and name not in now}


class Suite(typing.NamedTuple):
    """run_suite's result: {test: verdict}, and the findings (sentences) of the sandbox and of the
    reports' cross-check: each a thing the test process must not have done."""
    verdicts: dict[str, Verdict]
    findings: list[str]


def run_suite(binary: str | Path, tests: list[str], work_dir: str | Path,
              setarch: typing.Sequence[str] = (), box: sandbox.Sandbox | None = None,
              on_progress: OnProgress | None = None,
              skip: typing.Mapping[str, str] | None = None,
              skip_after: SkipAfter | None = None) -> Suite:
    """Runs `tests` (full gtest names) of one binary, each process in the sandbox `box` (none if
    None). Returns a Suite, where a verdict is {"passed": bool, "seconds": float, "output": str
    for a failed test}, and for a test that the way its process ended decided, "cause" (TIMEOUT,
    EXIT_0, NOT_RUN, DIED, HUNG_AT_EXIT) and "ended" (the words for it). `on_progress`, if
    given, is told how many tests have ended (or are not to run), and failed, as the output shows
    them. The tests in `skip` are not run: each fails, its cause SKIPPED, ended with the reason
    `skip` gives; so do those that `skip_after` names once a test is decided (the rest of a suite
    after a hang)."""
    box = box or sandbox.unsandboxed(work_dir, "not asked for")
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    decided: dict[str, Verdict] = {name: not_run(why)
                                   for name, why in (skip or {}).items() if name in tests}
    findings: list[str] = []

    def show(running: _Progress | None = None) -> None:
        if on_progress is None:
            return
        failed = sum(not verdict["passed"] and verdict.get("cause") != SKIPPED
                     for verdict in decided.values())
        ended_ok = running.ended_ok - decided.keys() if running else set()
        ended_failed = running.ended_failed - decided.keys() if running else set()
        on_progress(len(decided) + len(ended_ok | ended_failed), failed + len(ended_failed))

    left = [name for name in tests if name not in decided]
    one_by_one = False
    round_number = 0
    hung_at_exit: set[str] = set()  # passed in a process that then did not exit
    alone_hangs = 0  # of those, run alone and hung at exit again
    while left:
        batch = left[:1] if one_by_one else left
        round_number += 1
        # A fresh directory per process, the only place it may write: its XML report goes there.
        out_dir = work_dir / f"round-{round_number}"
        shutil.rmtree(out_dir, ignore_errors=True)
        log = work_dir / f"round-{round_number}.log"
        xml = f"{box.inside(out_dir)}/report.xml"
        started = time.monotonic()
        # --gtest_brief=0 whatever the environment says: every test's markers in the output.
        command = list(setarch) + [str(binary), "--gtest_filter=" + ":".join(batch),
                                   f"--gtest_output=xml:{xml}", "--gtest_brief=0"]
        code, killed_in, seen = _run_process(command, log, out_dir, box, show)
        output = log.read_bytes().decode("utf-8", "replace")
        blocks = _blocks(output)
        report = _gtest_report(out_dir / "report.xml")
        if report is not None and _report_of_an_earlier_repetition(output):
            report = None
        forged = _forged(report, output) if report is not None else None
        if forged:
            named = "the test process's XML report is not gtest's"
            if not any(finding.startswith(named) for finding in findings):  # once a suite
                seen.append(f"{named} ({forged}): rewritten or forged by the code under test")
            report = None  # decided from the output alone, as for a process that wrote none
        findings += [finding for finding in seen if finding not in findings]
        if report is not None and killed_in in (None, AT_EXIT):
            now, rerun_alone = _decide_finished(batch, report, blocks, output,
                                                AT_EXIT if killed_in == AT_EXIT else code)
            one_by_one = one_by_one or rerun_alone
            if killed_in == AT_EXIT:
                hung_at_exit.update(name for name in batch if name not in now or
                                    now[name].get("cause") == HUNG_AT_EXIT)
                if len(batch) == 1 and now.get(batch[0], {}).get("cause") == HUNG_AT_EXIT:
                    alone_hangs += 1
                if alone_hangs >= ALONE_HANGS_AT_EXIT:
                    now.update(_decide_hung_at_exit(left, hung_at_exit, now, alone_hangs))
        else:
            now = _decide_died(batch, blocks, code, killed_in, round(time.monotonic() - started, 3))
            if not now and len(batch) == 1:
                now = {batch[0]: _decide_alone(batch[0], blocks, output, code, killed_in)}
        if not now:
            one_by_one = True
        decided.update(now)
        for name, verdict in now.items() if skip_after is not None else ():
            assert skip_after is not None
            not_yet = [test for test in left if test not in decided]
            decided.update({test: not_run(why)
                            for test, why in skip_after(name, verdict, not_yet).items()})
        left = [name for name in left if name not in decided]
        show()
    return Suite(decided, findings)
