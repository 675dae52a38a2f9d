#!/usr/bin/env python3
"""Failures that explain themselves (ctest: grader/failure_report, label harness).

  1. What the grader keeps of a failed test's output: at most 8 KB, its first lines (name, seed),
     its failure report and its last lines, every cut marked and counted (synthetic outputs).
  2. The scorecard shows the first failures' messages whole up to a space (never cut inside a
     number), with their seed and replay command.
  3. The seed line the harness prints is the one the grader reads, and the variable the grader's
     replay command sets is the one the harness reads: a real test binary (--harness-test) run with
     the grader's replay command prints the seed it was given.
  4. A sched-variant failure (--sched-binary: a mutant only controlled schedules catch) gives the
     grader its schedule: the variables that replay it and its trace, which names the header's
     lines; the grader's replay command, run twice, fails with that very trace both times; the
     scorecard shows the trace within its line budget. Shrunk (KATA_SCHED_SHRINK=1), the same
     failure comes with fewer preemptions, and its replay line gives its trace again.
  5. Every failure of the grader's fixture report (--report, written by grader/bad_submissions:
     deadlocks, crashes, runaway allocation, exit(0) ...) carries a seed and a replay command, and
     that command, run from the repository's root, fails again with the same seed and the same
     kind of failure.
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import failure_kinds  # noqa: E402
import failure_protocol as protocol  # noqa: E402
import grade  # noqa: E402
import schedule_trace  # noqa: E402
import scorecard  # noqa: E402
import validate_report  # noqa: E402
from report_types import TestResult  # noqa: E402

LIMIT = validate_report.OUTPUT_LIMIT_BYTES
CUT = re.compile(re.escape(validate_report.CUT_MARK).replace(re.escape("{}"), r"(\d+)"))
# Kinds the output alone decides (the others come from how the process ended).
KINDS_FROM_OUTPUT = failure_kinds.FROM_OUTPUT


def gtest_block(name: str, seed: int, body: str) -> str:
    return (f"[ RUN      ] {name}\nSEED: {seed}\n{body}  seed {seed}: replay with KATA_SEED={seed} "
            f"(variant plain)\n[  FAILED  ] {name} (12 ms)\n")


def check_failure_text() -> list[str]:
    problems = []
    noise = "".join(f"progress line {i}\n" for i in range(2000))
    assertion = (f"{ROOT}/katas/k/tests/contract_test.cc:130: Failure\n"
                 "Expected equality of these values:\n"
                 "  half.available()\n    Which is: 1\n  0\nrate 0.5: a permit after 1 s\n")
    race = ("==1==WARNING: ThreadSanitizer: data race (pid=1)\n"
            + "    #3 frame in f k.h:12\n" * 900
            + "SUMMARY: ThreadSanitizer: data race k.h:12 in f\n")
    cases = {
        "short": (gtest_block("C.L1_A", 11, assertion), "rate 0.5: a permit after 1 s"),
        "assertion after noise": (gtest_block("C.L1_A", 11, noise + assertion + noise),
                                  "rate 0.5: a permit after 1 s"),
        "sanitizer report": (gtest_block("C.L1_A", 11, noise + race), "WARNING: ThreadSanitizer"),
        "watchdog at the end": (gtest_block("C.L1_A", 11, noise + "\nWATCHDOG: C.L1_A: pop() by "
                                            "consumer 2 blocked 2.0 s\n"), "WATCHDOG: C.L1_A"),
        "no newline at all": ("x" * 30000, None),
    }
    for case, (output, must_keep) in cases.items():
        text, cut = grade.failure_text(output)
        size = len(text.encode())
        marks = [int(n) for n in CUT.findall(text)]
        kept = size - sum(len(f"\n{validate_report.CUT_MARK.format(n)}\n") for n in marks)
        if size > LIMIT:
            problems.append(f"failure_text, {case}: {size} bytes, over {LIMIT}")
        if len(output) <= LIMIT and (text != output or cut):
            problems.append(f"failure_text, {case}: an output that fits must be kept whole")
        if len(output) > LIMIT:
            if not marks or sum(marks) != cut:
                problems.append(f"failure_text, {case}: cut {cut} bytes, marked {marks}")
            if kept + cut != len(output.encode()):
                problems.append(f"failure_text, {case}: kept {kept} + cut {cut} bytes is not the "
                                f"output's {len(output.encode())}")
            if size < LIMIT - 200:
                problems.append(f"failure_text, {case}: kept only {size} bytes of {LIMIT}")
        if must_keep and must_keep not in text:
            problems.append(f"failure_text, {case}: lost {must_keep!r}")
        if must_keep and "SEED: 11" not in text:
            problems.append(f"failure_text, {case}: lost the seed line")
        if must_keep and "[  FAILED  ] C.L1_A" not in text:
            problems.append(f"failure_text, {case}: lost gtest's verdict")
    kind, detail = grade.explain(gtest_block("C.L1_A", 11, noise + assertion), "k")
    if kind != "assertion" or not detail.endswith("Which is: 1 / 0 / rate 0.5: a permit after 1 s"):
        problems.append(f"explain: the assertion's own message is lost: {kind}: {detail!r}")
    if not detail.startswith("katas/k/tests/contract_test.cc:130: "):
        problems.append(f"explain: the assertion's detail should start where it failed: {detail!r}")
    if grade.test_seed(cases["short"][0], "C.L1_A") != 11:
        problems.append("test_seed: did not read the seed line")
    if grade.test_seed(gtest_block("C.L1_B", 5, ""), "C.L1_A") is not None:
        problems.append("test_seed: took another test's seed")
    return problems


def check_scorecard() -> list[str]:
    problems = []
    message = ("after 531441 refill steps (1594323000 ns since empty, 15 taken): available() is "
               "0, want 1; rate 10/s, burst 1000000000, the double-based bucket holds "
               "0.99999999999785105 permits where the integer one holds exactly 1 ") * 2
    tests: list[TestResult] = []
    for i in range(5):
        name = f"Contract.L1_Test{i}"
        tests.append({"name": name, "variant": "plain", "category": "Contract", "level": 1,
                      "passed": False,
                      "failure": {"kind": "assertion", "detail": failure_kinds.shorten(message),
                                  "seed": 1000 + i,
                                  "replay": grade.replay_command(ROOT / "build" / "k_kata_plain",
                                                                 name, 1000 + i)}})
    lines = scorecard.failure_lines("k", tests)
    shown = "\n".join(lines)
    words = set(message.split()) | {"..."}
    for line in lines:
        if line.startswith("      ") and "replay:" not in line:
            split = [word for word in line.split() if word not in words]
            if split:
                problems.append(f"scorecard: {split} cut out of the message's words: {line!r}")
    for line in lines:  # a message's lines; a replay command is never broken
        if line.startswith("      ") and "replay:" not in line and len(line) > scorecard.WIDTH:
            problems.append(f"scorecard: a line of {len(line)} characters: {line!r}")
    for i in range(scorecard.FAILURES_EXPLAINED):
        want = (f"seed {1000 + i}, replay: KATA_SEED={1000 + i} build/k_kata_plain "
                f"--gtest_filter=Contract.L1_Test{i}")
        if want not in shown:
            problems.append(f"scorecard: failure {i + 1} should show {want!r}:\n{shown}")
    if "KATA_SEED=1003" in shown:
        problems.append("scorecard: only the first failures get a replay line")
    if "0.99999999999785105" not in shown:
        problems.append(f"scorecard: the number that explains the failure is cut off:\n{shown}")
    return problems


def check_harness_binary(binary: str) -> list[str]:
    """The harness's seed line and replay variable against the grader's reading of them."""
    problems = []
    test = "BackgroundOp.RethrowsWhatTheOperationThrew"
    listed = subprocess.run([binary, "--gtest_list_tests"], capture_output=True, text=True,
                            timeout=60).stdout
    if "RethrowsWhatTheOperationThrew" not in listed:
        return [f"{binary} has no test {test}"]
    command = grade.replay_command(binary, test, 424242)
    proc = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    seed = grade.test_seed(proc.stdout, test)
    if proc.returncode != 0 or seed != 424242:
        problems.append(f"`{command}` (from {ROOT}): exit {proc.returncode}, seed read {seed}, "
                        f"want 424242:\n{proc.stdout[-2000:]}")
    proc = subprocess.run([binary, f"--gtest_filter={test}"], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin"})
    if grade.test_seed(proc.stdout, test) is None:
        problems.append(f"{binary}: no seed line the grader can read:\n{proc.stdout[-2000:]}")
    return problems


def replay_problems(what: str, command: str, want: schedule_trace.Schedule) -> list[str]:
    """`command`, run as the grader runs a replay, must fail with `want`'s very trace."""
    proc = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    again = schedule_trace.schedule_of(proc.stdout + proc.stderr)
    if proc.returncode == 0 or again is None or again.trace != want.trace:
        return [f"{what}, `{command}`: exit {proc.returncode}, another schedule:\n{again}\n"
                f"want:\n{want}"]
    return []


def check_sched_failure(binary: str) -> list[str]:
    """A real controlled-schedule failure, read, replayed and shown the way the grader does."""
    run = subprocess.run([binary, "--gtest_fail_fast"], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "KATA_SEED": "3"}, cwd=ROOT)
    failed = re.search(r"^\[  FAILED  \] (\S+)", run.stdout, re.M)
    schedule = schedule_trace.schedule_of(run.stdout + run.stderr)
    if run.returncode == 0 or not failed or schedule is None:
        return [f"{binary} (KATA_SEED=3): exit {run.returncode}, no failure with a schedule to "
                f"read:\n{run.stdout[-2000:]}"]
    problems = []
    header = Path(binary).name.split("_mutant_", 1)[-1] + ".h:"
    if not schedule.trace or not any(header in line for line in schedule.trace):
        problems.append(f"the trace names no line of {header}: {schedule.trace}")
    command = grade.replay_command(binary, failed[1], 3, variables=schedule.replay)
    if not all(variable in command.split() for variable in schedule.replay):
        problems.append(f"`{command}` does not set {schedule.replay}")
    for attempt in (1, 2):
        problems += replay_problems(f"replay {attempt}", command, schedule)
    test: TestResult = {"name": failed[1], "variant": "sched", "category": "Linearizability",
                        "level": 3, "passed": False,
                        "failure": {"kind": "assertion", "detail": "not linearizable",
                                    "replay": command, "schedule": schedule.trace}}
    lines = scorecard.failure_lines("k", [test])
    shown = [line for line in lines if line.startswith("        ")]
    if not shown or len(shown) > scorecard.SCHEDULE_LINES:
        problems.append(f"scorecard: {len(shown)} lines of the schedule shown:\n"
                        + "\n".join(lines))
    if not any(schedule.trace[-1][:60] in line for line in shown):
        problems.append("scorecard: the schedule's last step is not shown:\n" + "\n".join(lines))
    return problems


def check_shrink(binary: str) -> list[str]:
    """Shrinking a controlled-schedule failure (KATA_SCHED_SHRINK=1) gives the same failure under
    fewer preemptions, with its replay line and its trace; that replay, run as the grader runs a
    replay, fails with that very trace."""
    run = subprocess.run([binary, "--gtest_fail_fast"], capture_output=True, text=True, timeout=600,
                         env={"PATH": "/usr/bin:/bin", "KATA_SEED": "3",
                              protocol.SHRINK_VARIABLE: "1"}, cwd=ROOT)
    output = run.stdout + run.stderr
    failed = re.search(r"^\[  FAILED  \] (\S+)", run.stdout, re.M)
    at = output.find(protocol.SHRUNK_MARKER)
    counts = re.match(r"the same failure with (\d+) preemptions \(of (\d+)\)",
                      output[at + len(protocol.SHRUNK_MARKER):])
    if run.returncode == 0 or not failed or at < 0 or not counts:
        return [f"{binary} (KATA_SEED=3, {protocol.SHRINK_VARIABLE}=1): exit {run.returncode}, no "
                f"shrunk failure:\n{output[-3000:]}"]
    problems = []
    kept, made = int(counts[1]), int(counts[2])
    print(f"shrunk: {kept} preemptions of {made}")
    if kept >= made:
        problems.append(f"shrinking kept {kept} preemptions of {made}")
    shrunk = schedule_trace.schedule_of(output[at:])
    if shrunk is None or not shrunk.trace:
        return problems + [f"no replay line or trace after the shrunk line:\n{output[at:]}"]
    if not any(v.startswith(protocol.PREEMPTIONS_VARIABLE + "=") for v in shrunk.replay):
        problems.append(f"the shrunk replay {shrunk.replay} sets no preemption bound")
    steps = [line for line in shrunk.trace if line.startswith(schedule_trace.STEP)]
    if len(steps) > 40:
        problems.append(f"the shrunk trace has {len(steps)} steps, more than 40")
    command = grade.replay_command(binary, failed[1], 3, variables=shrunk.replay)
    return problems + replay_problems("the shrunk replay", command, shrunk)


def check_fixture_report(report_path: str) -> list[str]:
    """Each fixture failure's replay command fails again, the same way, with the same seed."""
    problems, replayed = [], 0
    document = json.loads(Path(report_path).read_text())
    problems += [f"{report_path}: {p}" for p in validate_report.problems(document)]
    seen = set()
    for kata in document["katas"]:
        for test in kata["tests"]:
            failure = test.get("failure")
            if (not failure or failure["kind"] == "build" or failure.get("not_run")
                    or (kata["kata"], failure["kind"]) in seen):
                continue  # not_run: not run after a hang, so no failure of its own to replay
            seen.add((kata["kata"], failure["kind"]))
            where = f"{kata['kata']} {test['name']} [{test['variant']}]"
            if failure["kind"] != "missing" and "seed" not in failure:
                problems.append(f"{where}: no seed ({failure['kind']})")
            if "replay" not in failure:
                problems.append(f"{where}: no replay command")
                continue
            replayed += 1
            proc = subprocess.run(["bash", "-c", failure["replay"]], cwd=ROOT, timeout=120,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            output = proc.stdout.decode("utf-8", "replace")
            passed = proc.returncode == 0 and "[  PASSED  ] 1 test." in output
            seed = grade.test_seed(output, test["name"])
            kind = grade.explain(output, kata["kata"])[0]
            print(f"{where} {failure['kind']}: `{failure['replay']}` -> exit {proc.returncode}, "
                  f"seed {seed}, {kind}")
            if passed:
                problems.append(f"{where}: `{failure['replay']}` passed: it does not replay the "
                                f"failure")
            if "seed" in failure and seed != failure["seed"]:
                problems.append(f"{where}: the replay ran with seed {seed}, not {failure['seed']}")
            # A process that keeps allocating is ended by whichever of the watchdog's limits it
            # reaches first, the memory limit or the test's time limit, and that depends on how fast
            # the machine hands out fresh pages (on a VM at load 20: 25 MB/s, 1 GiB in 40 s against
            # a 30 s limit). Either way the replay is the watchdog ending the same allocation.
            slow_memory = (failure["kind"] == "memory" and kind == "hang"
                           and "the test ran longer than" in output)
            if failure["kind"] in KINDS_FROM_OUTPUT and kind != failure["kind"] and not slow_memory:
                problems.append(f"{where}: the replay failed as {kind}, not {failure['kind']}")
    if replayed < 5:
        problems.append(f"{report_path}: only {replayed} failures to replay; the fixtures have "
                        f"more")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--harness-test", required=True, help="the harness_test binary")
    parser.add_argument("--report", required=True,
                        help="report.json of the grader's fixtures (grader/bad_submissions)")
    parser.add_argument("--sched-binary",
                        help="a sched-variant mutant's binary whose tests fail (KATA_SEED=3)")
    args = parser.parse_args()
    problems = check_failure_text() + check_scorecard() + check_harness_binary(args.harness_test)
    if args.sched_binary:
        problems += check_sched_failure(args.sched_binary) + check_shrink(args.sched_binary)
    if not Path(args.report).exists():
        problems.append(f"{args.report} does not exist: grader/bad_submissions writes it")
    else:
        problems += check_fixture_report(args.report)
    for problem in problems:
        print("PROBLEM:", problem)
    print("failures explain themselves" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
