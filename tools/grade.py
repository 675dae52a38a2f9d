#!/usr/bin/env python3
"""grade.py [options] [kata...]

The grader behind `./kata grade`. For each kata (all of them when none is named):

  1. checks the submitted header against the header policy (docs/header_policy.md), on the parsed
     header with the build's own flags for every variant: any finding is tampering, and the kata
     scores 0 (its tests still run, so the report shows what else it did);
  2. builds the learner's test binaries and benchmark, keeping going past a kata that does not
     compile (its first compiler error is reported, file:line);
  3. runs the kata's tests in every variant (plain, tsan, asan), each binary in as few processes as
     it can (tools/test_runner.py), and checks, from gtest's own XML reports, that every expected
     test really ran and passed: an exit code alone is never trusted (a header that calls
     std::exit(0) would otherwise "pass"). Every process that holds the learner's code, tests and
     benchmark alike, runs in a sandbox (tools/sandbox.py, docs/sandbox.md), and what it tried
     there (a write into the project, a process left behind, the network, a forged report) is a
     finding that scores the kata 0;
  4. if every test passed, runs the benchmark: each workload's learner and reference rows
     interleaved in a process of their own, round after round for the kata's time box (every
     workload at least twice); a workload's ratio is the median over its processes of the ratio
     within each, and the workloads are weighted by how steady the reference was there;
  5. scores it (docs/scoring.md) and writes the scorecard, report.json (docs/report.md), report.md
     and junit.xml.

Exit status: 0 when every graded kata passes (full correctness), 1 otherwise, 2 on a usage error
or when the sandbox is required (KATA_REQUIRE_SANDBOX=1, --require-sandbox) and cannot start.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import itertools
import json
import math
import os
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import typing
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import failure_kinds  # noqa: E402
import failure_protocol as protocol  # noqa: E402
import gtest_run  # noqa: E402
import header_policy  # noqa: E402
import progress as progress_line  # noqa: E402
import sandbox  # noqa: E402
import schedule_trace  # noqa: E402
import scoring  # noqa: E402
import test_runner  # noqa: E402
import validate_report  # noqa: E402
from failure_kinds import Kind  # noqa: E402
from report_types import Build as BuildResult  # noqa: E402
from report_types import Document, Failure, KataReport, TestResult  # noqa: E402
from scoring import Json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_VERSION = validate_report.SCHEMA_VERSION
# Benchmark repetitions of a workload in one process; processes run round after round over the
# workloads for BENCH_SECONDS per kata, or what the kata's benchmark declares (docs/scoring.md).
DEFAULT_REPETITIONS = 2
BENCH_SECONDS = 15
# Seconds Google Benchmark runs each repetition of a row for (rows in fixed windows ignore it).
BENCH_MIN_TIME = 0.05
# Seconds one benchmark process may take (it takes 1-3): one that takes longer has a call that
# never returned.
BENCH_PROCESS_SECONDS = 300
TEST_NAME = re.compile(r"^(?:(?P<instance>\w+)/)?(?P<category>\w+)\.L(?P<level>\d+)_(?P<test>[^/]+)"
                       r"(?:/(?P<param>.*))?$")
# TEST-ONLY: set to 1, the static checks of the header (stage 1) are skipped, so that the project's
# own tests (tools/tests/grader_test.py) prove the sandbox a defence on its own, with headers that
# the static checks would stop first. Read here only; never set it to grade a learner.
SKIP_STATIC_CHECKS_ENV = "KATA_GRADER_TEST_SKIP_POLICY"


def progress(message: str) -> None:
    bold, reset = ("\033[1m", "\033[0m") if sys.stderr.isatty() else ("", "")
    print(f"{bold}==> {message}{reset}", file=sys.stderr, flush=True)


def registered_katas(build_dir: Path) -> dict[str, Json]:
    """{name: manifest} of the katas the build registered (cmake/Kata.cmake writes them)."""
    return {p.stem: json.loads(p.read_text()) for p in sorted((build_dir / "katas").glob("*.json"))}


# The manifest's word for each side the grader grades: the learner's header ("kata" in the CTest
# names and JUnit classes) or the reference's.
ROLE = {"kata": "learner", "reference": "reference"}


def test_target(manifest: Json, who: str, variant: str) -> str:
    """The name of `who`'s test binary in `variant`, as kata_add() registered it in the manifest."""
    return str(manifest["targets"][ROLE[who]][variant])


def benchmark_target(manifest: Json, who: str) -> str | None:
    """The benchmark binary that measures `who` (the reference's is the self-check), if any."""
    target = manifest["targets"]["self-check" if who == "reference" else "benchmark"]
    return None if target is None else str(target)


def answer_manifest(known: Json, spec: str) -> Json | None:
    """The manifest of the kata of answer `spec` ("<kata>/<name>", docs/answers.md) with the answer
    in the learner's place, in the variants its verdict needs, and no benchmark; None if the build
    registered no such answer."""
    kata, _, name = spec.partition("/")
    for answer in known.get(kata, {}).get("answers", []):
        if answer["name"] == name:
            targets = dict(known[kata]["targets"], learner=answer["targets"], benchmark=None)
            return dict(known[kata], learner_header=answer["header"], targets=targets,
                        variants=list(answer["targets"]), benchmark=False, answer=name)
    return None


# ---------------------------------------------------------------------------------------------
# 1. Tampering: the header policy (docs/header_policy.md), static, before anything is built

def tamper_findings(build_dir: Path, manifest: Json) -> list[str]:
    """Every violation of the header policy by the learner's header, `file:line: rule: what`,
    checked with the flags of every build of it (compile_commands.json). A check that cannot run
    is a finding too: the policy fails closed."""
    if os.environ.get(SKIP_STATIC_CHECKS_ENV) == "1":
        return []
    findings = header_policy.check_registered(build_dir, manifest, who="kata")
    # The learner's helper headers (katas/<kata>/*.h neither the kata's nor provided) are code
    # that runs in the test process as much as the kata's header is: the same policy.
    import submission  # noqa: E402  (tools/submission.py: what a helper header is, said once)
    helpers = [] if manifest.get("fixture") else submission.helper_headers(
        Path(manifest["dir"]), manifest["name"])
    for helper in helpers:
        findings += header_policy.check_registered(build_dir, manifest, who="kata",
                                                   header=str(helper))
    return [str(f) for f in findings]


# ---------------------------------------------------------------------------------------------
# 2. Build

FIRST_ERROR = re.compile(r"^(?P<where>[^\s:]+:\d+:\d+): (?:fatal )?error: (?P<what>.*)$", re.M)


def clean_binaries(build_dir: Path, manifest: Json, who: str) -> None:
    """Removes the learner's test binaries and benchmark: a header that no longer compiles must show
    as not built, never as its last good binary."""
    if who != "kata":
        return
    bench = benchmark_target(manifest, who)
    for variant in manifest["variants"]:
        (build_dir / test_target(manifest, who, variant)).unlink(missing_ok=True)
    if bench:
        (build_dir / bench).unlink(missing_ok=True)


class Build:
    """A build another thread may stop: the tests that would need the rest of it will not run."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[str] | None = None
        self.stopped = False

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            self._kill()

    def yield_to_tests(self) -> None:
        """The build, and every compiler it runs from now on, at nice 10: on 2 cores the first
        variant's tests, which start while the others compile, then run at full speed (a niced
        process's children inherit its nice value)."""
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                return
            for pid in _descendants(self.proc.pid):
                try:
                    os.setpriority(os.PRIO_PROCESS, pid, 10)
                except OSError:
                    pass  # ended meanwhile

    def _kill(self) -> None:
        # The whole group: cmake, ninja and the compilers (ninja removes what they left half-made).
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def _descendants(root: int) -> list[int]:
    """`root` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue += children.get(pid, [])
    return found


def build_targets(build_dir: Path, targets: list[str], jobs: int,
                  status: progress_line.Status | None = None,
                  linked: typing.Callable[[str], None] | None = None,
                  control: Build | None = None) -> str | None:
    """Builds `targets`, keeping going past one that does not compile, each step shown in `status`
    as ninja ends it, and `linked` told the name of each binary as soon as it is linked; returns
    the first compiler error (file:line: what), or None. `control.stop()` ends it early."""
    if status:
        status.set("build", f"of {', '.join(targets)}")
    control = control or Build()
    with control.lock:
        # A process group of its own, so that stop() ends the compilers too.
        proc = subprocess.Popen(["cmake", "--build", str(build_dir), "--parallel", str(jobs),
                                 "--target", *targets, "--", "-k", "0"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace",
                                process_group=0)
        control.proc = proc
        if control.stopped:
            control._kill()
    assert proc.stdout is not None
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            step = progress_line.ninja_step(line)
            if step and status:
                status.set("build", step)
            binary = progress_line.ninja_linked(line)
            if binary and linked:
                linked(binary)
    except BaseException:
        control._kill()  # ^C: no build left running on
        raise
    if proc.wait() == 0 or control.stopped:
        return None
    output = "".join(lines)
    match = FIRST_ERROR.search(output)
    error = f"{match['where']}: {match['what']}" if match else output.strip().splitlines()[-1]
    return error.replace(str(ROOT) + "/", "")


# ---------------------------------------------------------------------------------------------
# 3. Tests

def test_lister(manifest: Json) -> str:
    """The binary the suite's tests are listed from: the reference's (same sources), or in a
    learner's repository, which has no reference (./kata export-template), the skeleton's."""
    return test_target(manifest, "reference" if manifest.get("reference", True) else "skeleton",
                       "plain")


# What a learner's repository (no solutions/) says of what it cannot grade.
NO_REFERENCE_NOTE = ("performance and the copy check are scored by the class grader: they need the "
                     "references, which this repository does not have")


def expected_tests(build_dir: Path, manifest: Json, lister: str | None = None,
                   variant: str | None = None) -> list[str]:
    """The tests the suite defines, listed from the reference's binary (same sources), or
    `lister`'s (test_lister); those `variant` runs, for one the manifest gives a filter (`tests`:
    the sched variant's is cmake/Variants.cmake's KATA_SCHED_TESTS)."""
    binary = build_dir / (lister or test_target(manifest, "reference", "plain"))
    if not binary.exists():
        raise SystemExit(f"grade.py: {binary.name} was not built: the project itself is broken "
                         f"(run ./kata selftest)")
    return gtest_run.list_tests(str(binary), manifest.get("tests", {}).get(variant))


# The variant built and run first, whose verdict is shown while the others build, and in how many
# processes side by side its tests run.
FIRST_VARIANT = "plain"
FIRST_SHARDS = 2
# Variants in which a hang costs no wait: the sched variant's scheduler gives its verdict at the
# step where every test thread is blocked, with each one's blocked call and the interleaving that
# led there (docs/schedules.md). They run every test whatever hung in the others: that verdict is
# the one that explains the hang.
HANG_FREE_VARIANTS = {"sched"}


class Tested(typing.NamedTuple):
    """build_and_test's result."""
    built: dict[str, bool]             # variant -> its test binary was built
    error: str | None                  # the first compiler error
    expected: dict[str, list[str]]     # variant -> the tests the suite defines that it runs
    verdicts: dict[str, dict[str, Json]]  # variant -> test -> test_runner's verdict
    findings: list[str]                # what the sandbox saw, each naming its variant


def build_and_test(args: argparse.Namespace, build_dir: Path, manifest: Json, who: str,
                   status: progress_line.Status) -> Tested:
    """Builds and runs `who`'s tests, the first variant (FIRST_VARIANT) first: one build of every
    variant (and of the benchmark, unless --no-bench), in which ninja starts the first variant's
    compilation first, and each variant's tests start as soon as its binary is linked: the first
    variant's verdict is shown while the others still build. The others run once it is known,
    without the tests that hung in it (but HANG_FREE_VARIANTS); in every variant, once a test has
    hung the tests of its level and above are not run (not_run_after_hang). Each test process runs
    in the sandbox `args.sandbox`."""
    variants = list(manifest["variants"])
    first = FIRST_VARIANT if FIRST_VARIANT in variants else variants[0]
    lister = test_lister(manifest)
    bench = None if args.no_bench else benchmark_target(manifest, who)
    clean_binaries(build_dir, manifest, who)
    # The lister on its own first (up to date in the learner's loop: a second): the tests are
    # listed from it before any of them runs.
    error = build_targets(build_dir, [lister], args.jobs, status)
    expected = expected_tests(build_dir, manifest, lister)
    in_variant = {v: expected_tests(build_dir, manifest, lister, v)
                  if v in manifest.get("tests", {}) else expected for v in variants}
    work = build_dir / "grade-runs" / manifest["name"] / manifest.get("answer", who)
    shutil.rmtree(work, ignore_errors=True)
    verdicts: dict[str, dict[str, Json]] = {}
    findings: list[str] = []
    first_over = threading.Event()

    def run(variant: str, skip: dict[str, str]) -> None:
        # The first variant's tests in FIRST_SHARDS processes side by side: many of them wait
        # (a timeout, a thread seen asleep), and its verdict is the one the learner waits for.
        shards = FIRST_SHARDS if variant == first else 1
        counts = [(0, 0)] * shards

        def shown(shard: int, done: int, failed: int) -> None:
            counts[shard] = (done, failed)
            status.set(f"{variant} tests", progress_line.tests_text(
                sum(c[0] for c in counts), len(in_variant[variant]), sum(c[1] for c in counts)))

        def after(name: str, verdict: Json, left: list[str]) -> dict[str, str]:
            level = hang_level(manifest["name"], name, verdict)
            return {} if level is None else not_run_after_hang(name, variant, level, left)

        def shard(index: int) -> test_runner.Suite:
            return test_runner.run_suite(
                build_dir / test_target(manifest, who, variant), in_variant[variant][index::shards],
                work / variant / f"shard-{index}", args.setarch, args.sandbox,
                lambda done, failed: shown(index, done, failed), skip, after)
        with concurrent.futures.ThreadPoolExecutor(max_workers=shards) as pool:
            suites = list(pool.map(shard, range(shards)))
        verdicts[variant] = {name: verdict for suite in suites
                             for name, verdict in suite.verdicts.items()}
        findings.extend(dict.fromkeys(f"at run time ({variant}): {finding}"
                                      for suite in suites for finding in suite.findings))
        status.done(f"{variant} tests",
                    f"    {variant}: {verdict_line(manifest['name'], verdicts[variant])}")

    skip: dict[str, str] = {}  # what the others do not run, once the first variant has run
    build = Build()

    def run_first() -> None:
        try:
            build.yield_to_tests()
            run(first, {})
            for name, verdict in verdicts.get(first, {}).items():
                level = hang_level(manifest["name"], name, verdict)
                if level is not None:
                    skip.update(not_run_after_hang(name, first, level, expected))
            if set(expected) <= set(skip):
                # A hang at level 1: the others would run nothing, and no benchmark runs after a
                # failed test.
                build.stop()
        finally:
            first_over.set()

    def run_later(variant: str) -> None:
        first_over.wait()
        run(variant, {} if variant in HANG_FREE_VARIANTS else skip)

    binaries = {test_target(manifest, who, v): v for v in variants}
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(variants)) as pool:
        runs: dict[str, concurrent.futures.Future[None]] = {}

        def linked(target: str) -> None:
            variant = binaries.get(target)
            if variant and variant not in runs:
                runs[variant] = pool.submit(run_first) if variant == first else pool.submit(
                    run_later, variant)
        try:
            error = build_targets(build_dir, list(binaries) + ([bench] if bench else []),
                                  args.jobs, status, linked, build) or error
            status.done("build")
            built = {v: (build_dir / test_target(manifest, who, v)).exists() for v in variants}
            for target, variant in binaries.items():
                if built[variant]:
                    linked(target)  # up to date: ninja said nothing of it
        finally:
            if first not in runs:
                first_over.set()  # not built: the others run whole
        for future in runs.values():
            future.result()
    for variant in variants:
        if not built[variant] and build.stopped and variant in HANG_FREE_VARIANTS:
            # The build was stopped for the others' sake: this one explains the hang, build it.
            target = test_target(manifest, who, variant)
            error = build_targets(build_dir, [target], args.jobs, status) or error
            status.done("build")
            built[variant] = (build_dir / target).exists()
            if built[variant]:
                run(variant, {})
        if not built[variant] and build.stopped:
            # Not built because not needed: every test of it is one not to run (run_first).
            verdicts[variant] = {name: test_runner.not_run(why) for name, why in skip.items()
                                 if name in in_variant[variant]}
            status.say(f"    {variant}: not built: "
                       f"{verdict_line(manifest['name'], verdicts[variant])}")
    return Tested(built, error, in_variant, verdicts, findings)


def test_level(name: str) -> int:
    """The level in a test's name (`<Category>.L<level>_<What>`); 0 for a name without one."""
    match = TEST_NAME.match(name)
    return int(match["level"]) if match else 0


def hang_level(kata: str, name: str, verdict: Json) -> int | None:
    """The level of test `name` if it hung (the watchdog's verdict, or killed by the time limit),
    else None. Not a test that passed and whose process then did not exit: test_runner has its
    own way with those."""
    if verdict["passed"] or verdict.get("cause") == test_runner.HUNG_AT_EXIT:
        return None
    return test_level(name) if explain(verdict["output"], kata, verdict)[0] == Kind.HANG else None


def not_run_after_hang(name: str, variant: str, level: int, left: list[str]) -> dict[str, str]:
    """{test: why not run} for the tests of `left` of level `level` or above, test `name` having
    hung in `variant` at that level. They cannot change the level reached (every test of levels
    1..N must pass for level N) nor the score, which is by level; run, each that hangs too would
    cost the watchdog's limit (2 s, 4 s under a sanitizer) and a new process."""
    why = (f"not run: {name} hung in {variant} at level {level}, and a test of level {level} or "
           f"above cannot change the level reached; fix that hang first")
    return {test: why for test in left if test_level(test) >= level}


def verdict_line(kata: str, verdicts: dict[str, Json]) -> str:
    """`58/58 passed`, or `49/58 passed, 9 failed (hang 9): first Liveness.L3_X`: a variant's
    tests, as soon as they have run."""
    not_run = [name for name, verdict in verdicts.items()
               if verdict.get("cause") == test_runner.SKIPPED]
    failed = [name for name, verdict in verdicts.items()
              if not verdict["passed"] and name not in not_run]
    line = f"{len(verdicts) - len(failed) - len(not_run)}/{len(verdicts)} passed"
    if failed:
        kinds = collections.Counter(explain(verdicts[name]["output"], kata, verdicts[name])[0]
                                    for name in failed)
        kinds_text = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())
        line += f", {len(failed)} failed ({kinds_text}): first {failed[0]}"
    if not_run:
        line += f"; {len(not_run)} not run after a hang"
    return line


def first_learner_frame(output: str, kata: str) -> str | None:
    match = re.search(rf"(katas/{kata}/{kata}\.h:\d+)", output)
    return match.group(1) if match else None


# report.json keeps at most this many bytes of a failed test's output (failure_text says which).
OUTPUT_LIMIT = validate_report.OUTPUT_LIMIT_BYTES
OUTPUT_HEAD = 512    # the test's first lines: its `[ RUN ]` line and its seed
OUTPUT_TAIL = 1024   # its last lines: gtest's verdict, the seed again, the end of a report


SEED_VARIABLE = protocol.SEED_VARIABLE
SEED_LINE = re.compile("^" + re.escape(protocol.SEED_MARKER) + r"(\d+)\s*$", re.M)
# Where a failure's report starts in a test's output: where each marker of the classifier matches.
FAILURE_START = [marker.pattern for marker in failure_kinds.MARKERS]


def test_seed(output: str, name: str) -> int | None:
    """The seed the test ran with, from the line the harness prints as a test starts; None when
    it printed none (the test never started)."""
    start = output.find(f"[ RUN      ] {name}\n")
    if start < 0 and gtest_run.RUN.search(output):
        return None  # other tests' output, not this one's
    match = SEED_LINE.search(output, max(start, 0))
    return int(match.group(1)) if match else None


def failure_text(output: str, limit: int = OUTPUT_LIMIT) -> tuple[str, int]:
    """(text, bytes cut): a failed test's output, whole when it fits in `limit` bytes (UTF-8). A
    longer one keeps its first lines (the test's name and seed), its failure report from where
    it starts (the assertion's message, the head of a sanitizer's report, the watchdog's line) as
    far as it fits, and its last lines (gtest's verdict, the seed again, a sanitizer's SUMMARY);
    each cut is marked in the text with the number of bytes it left out."""
    data = output.encode("utf-8", "replace")
    n = len(data)
    if n <= limit:
        return output, 0

    def offset(index: int) -> int:  # a character index of `output` as a byte offset of `data`
        return len(output[:index].encode("utf-8", "replace"))

    note = "\n" + validate_report.CUT_MARK + "\n"
    note_room = len(note.format(n))
    seed = SEED_LINE.search(output)
    if seed and offset(seed.end()) < OUTPUT_HEAD:
        head = offset(seed.end()) + 1
    else:
        head = data.rfind(b"\n", 0, OUTPUT_HEAD) + 1 or OUTPUT_HEAD
    tail = data.find(b"\n", n - OUTPUT_TAIL) + 1 or n - OUTPUT_TAIL
    starts = [m.start() for pattern in FAILURE_START for m in [pattern.search(output)] if m]
    anchor = max(head, data.rfind(b"\n", 0, offset(min(starts))) + 1) if starts else head
    if anchor - head < OUTPUT_HEAD // 2:
        anchor = head  # a cut that small would save less than it costs to read
    room = limit - head - (n - tail) - 2 * note_room
    if anchor >= tail:  # the report is in the last lines: keep as many of them as fit
        pieces = [(0, head), (n - (limit - head - note_room), n)]
    elif anchor + room >= tail:  # from the report's start to the end fits
        pieces = [(0, head), (anchor, n)]
    else:
        end = data.rfind(b"\n", anchor, anchor + room) + 1 or anchor + room
        pieces = [(0, head), (anchor, end), (tail, n)]
    text, last, cut = "", 0, 0
    for begin, end in pieces:
        begin = max(begin, last)
        if begin > last:
            text += note.format(begin - last)
            cut += begin - last
        text += data[begin:end].decode("utf-8", "ignore")
        last = end
    return text, cut


def replay_command(binary: str | Path, name: str, seed: int | None,
                   setarch: Sequence[str] = (), variables: Sequence[str] = ()) -> str:
    """The one-line shell command that runs test `name` alone in `binary` (one variant's), the way
    the grader ran it, with the seed it had, or with `variables` when the run printed the ones that
    replay it exactly (the sched variant's schedule, which includes the seed). Run from the
    repository's root (where ./kata runs): the binary's path is relative to it when the build is
    inside it."""
    binary = Path(binary).resolve()
    shown = str(binary.relative_to(ROOT)) if binary.is_relative_to(ROOT) else str(binary)
    words = list(variables) or ([f"{SEED_VARIABLE}={seed}"] if seed is not None else [])
    words += list(setarch)
    return " ".join(shlex.quote(w) for w in words + [shown, f"--gtest_filter={name}"])


def explain(output: str, kata: str, verdict: Json | None = None) -> tuple[str, str]:
    """(kind, detail) of why a test failed (failure_kinds.classify: from its output and, if the way
    its process ended decided it, that: test_runner's "cause" and "ended"), a sanitizer's report
    naming the first frame in the learner's header."""
    found = failure_kinds.classify(output, (verdict or {}).get("cause"),
                                   (verdict or {}).get("ended"))
    detail = found.detail
    if found.kind in failure_kinds.SANITIZER_VARIANT:
        frame = first_learner_frame(output, kata)
        detail += f" at {frame}" if frame else ""
    return str(found.kind), detail


def grade_tests(kata: str, expected: dict[str, list[str]], built: dict[str, bool],
                verdicts: dict[str, Json],
                build_dir: Path | None = None, binaries: dict[str, str] | None = None,
                setarch: Sequence[str] = ()) -> list[TestResult]:
    """One entry per test and variant. A failed test's carries why (kind, detail), its output
    (failure_text), its seed and the command that replays it (for the binary `binaries[variant]`
    in `build_dir`)."""
    tests: list[TestResult] = []
    for variant in built:
        for name in expected[variant]:
            match = TEST_NAME.match(name)
            if not match:
                continue
            entry: TestResult = {"name": name, "variant": variant,
                                 "category": match["category"], "level": int(match["level"]),
                                 "passed": False}
            verdict = verdicts.get(variant, {}).get(name)
            if verdict is None:  # not built, nor decided without it (build_and_test)
                entry["failure"] = {"kind": str(Kind.BUILD), "detail": "did not compile"}
            else:
                if verdict["passed"]:
                    entry["passed"] = True
                else:
                    kind, detail = explain(verdict["output"], kata, verdict)
                    text, cut = failure_text(verdict["output"])
                    seed = test_seed(verdict["output"], name)
                    failure: Failure = {"kind": kind, "detail": detail, "output": text,
                                        "output_cut": cut}
                    not_run = verdict.get("cause") == test_runner.SKIPPED  # not_run_after_hang
                    if not_run:
                        failure["not_run"] = True
                    if seed is not None:
                        failure["seed"] = seed
                    schedule = schedule_trace.schedule_of(verdict["output"])
                    if schedule and schedule.trace:
                        failure["schedule"] = schedule.trace
                    # A test not run has no failure to replay.
                    if build_dir is not None and binaries is not None and not not_run:
                        failure["replay"] = replay_command(
                            Path(build_dir) / binaries[variant], name, seed, setarch,
                            schedule.replay if schedule else ())
                    entry["failure"] = failure
                entry["seconds"] = round(verdict["seconds"], 3)
            tests.append(entry)
    return tests


def write_junit(path: Path, reports: list[KataReport], who: str) -> None:
    """JUnit XML of every graded test, for CI systems that show test results."""
    root = ET.Element("testsuites")
    for report in reports:
        suite = ET.SubElement(root, "testsuite", name=report["kata"],
                              tests=str(len(report["tests"])),
                              failures=str(sum(not t["passed"] for t in report["tests"])))
        for test in report["tests"]:
            case = ET.SubElement(suite, "testcase",
                                 classname=f"{report['kata']}/{who}/{test['variant']}",
                                 name=test["name"], time=str(test.get("seconds", 0)))
            if not test["passed"]:
                failure = test["failure"]
                ET.SubElement(case, "failure",
                              message=f"{failure['kind']}: {failure['detail']}"[:1000])
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


# ---------------------------------------------------------------------------------------------
# 4. Benchmark

# BM_Transfer<learner>/pairs:2/cap:4, BM_Body<learner, Setting>/real_time/threads:4, ...: the first
# template argument names the implementation, the rest of the name the workload. A row
# BM_Mix<learner, reference>/... measures the two in turns (bench::for_window) and reports each
# one's rate in its own counter (PAIRED_COUNTERS, in that order).
BENCH_NAME = re.compile(r"^(?P<body>\w+)<(?P<impl>\w+)(?:, *(?P<extra>[^>]+))?>(?P<args>/.*)?$")
PAIRED_WITH = "reference"
PAIRED_COUNTERS = ("first_items_per_second", "second_items_per_second")


def _paired(match: re.Match[str]) -> bool:
    return match["impl"] == "learner" and match["extra"] == PAIRED_WITH


def _regex_escape(text: str) -> str:
    """`text` as a literal in Google Benchmark's filter (a POSIX extended regular expression,
    which has no \\w and few escapes: special characters go in brackets)."""
    special = {"]": "[]]", "^": "\\^", "\\": "\\\\"}
    return "".join(special.get(c, f"[{c}]" if c in ".[(){}*+?|$" else c) for c in text)


def _workload_filters(binary: Path, peers: bool, box: sandbox.Sandbox | None = None,
                      findings: list[str] | None = None) -> tuple[list[str], str | None]:
    """One --benchmark_filter per workload, from the binary's list of rows: each matches the
    workload's learner and reference rows (every implementation's, with `peers`); ([], error).
    The binary holds the learner's code: it runs in the sandbox `box`, and what the sandbox saw
    it try goes to `findings`."""
    box = box or sandbox.unsandboxed(ROOT, "not asked for")
    out_dir = Path(binary).parent / "grade-runs" / Path(binary).name / "list"
    shutil.rmtree(out_dir, ignore_errors=True)
    code, stdout, _, seen = box.run([str(binary), "--benchmark_list_tests",
                                     "--benchmark_filter=<learner[,>]"], out_dir, 60,
                                    who="the benchmark process")
    if findings is not None:
        findings += seen
    if code is None:
        return [], "the benchmark did not list its rows in 60 s"
    filters = []
    for name in (line.strip() for line in stdout.splitlines()):
        match = BENCH_NAME.match(name)
        if not match or match["impl"] != "learner":
            continue
        if _paired(match):
            impls = "(learner, reference|[A-Za-z0-9_]+)" if peers else "learner, reference"
            rest = name[match.end("extra"):]
        else:
            impls = "[A-Za-z0-9_]+" if peers else "(learner|reference)"
            rest = name[match.end("impl"):]
        filters.append("^" + _regex_escape(name[:match.start("impl")]) + impls
                       + _regex_escape(rest) + "$")
    if not filters:
        return [], f"the benchmark lists no learner rows (exit code {code})"
    return filters, None


def _printed_results(stdout: str) -> Json | None:
    """The JSON document the benchmark printed (--benchmark_format=json), or None when the
    process's other output garbled it."""
    start = stdout.find('{\n  "context"')
    try:
        return json.JSONDecoder().raw_decode(stdout[start:])[0] if start >= 0 else None
    except ValueError:
        return None


def _benchmark_batch(binary: Path, out_dir: Path, repetitions: int, row_filter: str,
                     min_time: float, box: sandbox.Sandbox | None = None
                     ) -> tuple[Json | None, str | None, list[str]]:
    """One run of the benchmark binary on the rows `row_filter` matches, in the sandbox `box`, its
    own directory out_dir: (its JSON document, or None, an error, [findings]). The document is
    the file the benchmark writes at the end, checked against the one it printed as it went: a
    process that rewrites its file at exit is named (docs/sandbox.md)."""
    box = box or sandbox.unsandboxed(ROOT, "not asked for")
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [str(binary), f"--benchmark_filter={row_filter}",
           f"--benchmark_repetitions={repetitions}",
           "--benchmark_enable_random_interleaving=true", f"--benchmark_min_time={min_time}",
           "--benchmark_format=json", f"--benchmark_out={box.inside(out_dir)}/bench.json",
           "--benchmark_out_format=json"]
    code, stdout, _, findings = box.run(cmd, out_dir, BENCH_PROCESS_SECONDS,
                                        who="the benchmark process")
    if code is None:
        return None, _hung(row_filter), findings
    try:
        data = json.loads((out_dir / "bench.json").read_text())
    except (OSError, ValueError):
        return None, f"the benchmark wrote no results (exit code {code})", findings
    printed = _printed_results(stdout)
    if printed is not None and printed.get("benchmarks") != data.get("benchmarks"):
        findings.append("the benchmark process's JSON report differs from the results it printed "
                        "as it ran: rewritten by the code under test")
    return data, None, findings


def _hung(row_filter: str) -> str:
    return f"the benchmark of {row_filter} did not finish in {BENCH_PROCESS_SECONDS} s"


def _stopped(data: Json | None, error: str | None, hung: bool) -> Json:
    """The benchmark that stopped: no workload is scored (scoring the ones that ran would let a
    header drop those it is slow on), but the errors of the rows that ran are kept (a broken
    contract seen in one process scores the kata 0 whatever another did); and a process that
    never finished, in any round, is the learner's broken contract: the rows are windows of 0.05 s,
    so one of its calls never returned under the benchmark's load (a deadlock the tests missed)."""
    errors = summarize_benchmark(data)["errors"] if data else {}
    learner = errors.get(scoring.LEARNER) or ""
    if hung and not learner.startswith(scoring.CONTRACT_BROKEN):
        errors[scoring.LEARNER] = f"{scoring.CONTRACT_BROKEN}a call never returned: {error}"
    return {"error": error, "workloads": {}, "errors": errors}


def _rounds(filters: list[str]) -> typing.Iterator[tuple[int, str]]:
    """(round number, filter) for ever: every workload once a round, in an order shuffled per round
    (the same for every grading)."""
    for round_number in itertools.count():
        order = list(filters)
        random.Random(round_number).shuffle(order)
        for row_filter in order:
            yield round_number, row_filter


def run_benchmark(build_dir: Path, kata: str, repetitions: int, peers: bool, who: str,
                  min_time: float = BENCH_MIN_TIME, budget: float | None = None,
                  box: sandbox.Sandbox | None = None,
                  findings: list[str] | None = None) -> Json | None:
    """Runs the kata's benchmark one workload at a time: a process runs `repetitions` of the
    workload's learner and reference rows, interleaved, so the two are measured within a second or
    so of each other and a slow spell of the machine hits both. Round after round over every
    workload (in a shuffled order), the first round whole, until `budget` seconds are spent; with no
    budget given, the one the benchmark declares (KATA_GRADER_SECONDS in
    benchmarks/support/protocol.h), else BENCH_SECONDS. Writes every row to bench-<kata>.json, each
    tagged with the number of the process that ran it ("process"); returns
    summarize_benchmark of them (or {"error": ...}). Each process runs in the sandbox `box`; what
    the sandbox saw one try is added to `findings`, prefixed "at run time (benchmark)"."""
    bench = benchmark_target(registered_katas(build_dir)[kata], who)
    binary = build_dir / bench if bench else None
    if binary is None or not binary.exists():
        return None
    seen: list[str] = []
    findings = findings if findings is not None else []
    try:
        return _run_benchmark(build_dir, kata, binary, repetitions, peers, min_time, budget, box,
                              seen)
    finally:
        findings += [f"at run time (benchmark): {finding}" for finding in dict.fromkeys(seen)]


def _run_benchmark(build_dir: Path, kata: str, binary: Path, repetitions: int, peers: bool,
                   min_time: float, budget: float | None, box: sandbox.Sandbox | None,
                   seen: list[str]) -> Json | None:
    filters, error = _workload_filters(binary, peers, box, seen)
    if error:
        return {"error": error}
    runs = build_dir / "grade-runs" / kata / "benchmark"
    started = time.monotonic()
    data, process = None, 0
    for round_number, row_filter in _rounds(filters):
        if round_number > 0:
            assert budget is not None  # set from the first round's results
            if time.monotonic() - started >= budget:
                break
        batch, error, found = _benchmark_batch(binary, runs / f"process-{process}", repetitions,
                                               row_filter, min_time, box)
        seen += found
        if batch is None and (round_number == 0 or error == _hung(row_filter)):
            shutil.rmtree(runs, ignore_errors=True)
            return _stopped(data, error, error == _hung(row_filter))
        if batch is None:
            break
        for row in batch.get("benchmarks", []):
            # pairs the learner's rows with the reference's they ran beside
            row["process"] = process
        process += 1
        if data is None:
            data = batch
            if budget is None:
                budget = float(data.get("context", {}).get("kata_grader_seconds", BENCH_SECONDS))
        else:
            data["benchmarks"] += batch.get("benchmarks", [])
    shutil.rmtree(runs, ignore_errors=True)
    (build_dir / f"bench-{kata}.json").write_text(json.dumps(data))
    assert data is not None  # the first round ran, or it returned
    summary = summarize_benchmark(data)
    if not summary["workloads"]:
        summary["error"] = "no benchmark rows for the learner and the reference"
    return summary


def workload_name(match: re.Match[str]) -> str:
    """BM_Body<learner, Setting>/real_time/threads:4 -> BM_Body<Setting>/threads:4, and
    BM_Mix<learner, reference>/iterations:1/threads:2 -> BM_Mix/threads:2: the settings that do not
    tell workloads apart (timing mode, a fixed window's iterations:1) are dropped."""
    extra = match["extra"] if match["extra"] and not _paired(match) else None
    workload = match["body"] + (f"<{extra}>" if extra else "") + (match["args"] or "")
    for setting in ("/process_time", "/real_time", "/iterations:1"):
        workload = workload.replace(setting, "")
    return workload


def _measured_rows(data: Json) -> tuple[list[tuple[str, str, Json]], dict[str, str]]:
    """(workload, impl, row) of every repetition that measured a rate, row["items_per_second"]
    being the impl's (a row of the learner and the reference in turns gives one of each);
    {impl: error} of the rest."""
    rows: list[tuple[str, str, Json]] = []
    errors: dict[str, str] = {}
    for row in data.get("benchmarks", []):
        if row.get("run_type") != "iteration":
            continue
        match = BENCH_NAME.match(row.get("run_name", row["name"]))
        if not match:
            continue
        if row.get("error_occurred"):
            errors[match["impl"]] = row.get("error_message", "error")
        elif _paired(match):
            for impl, counter in zip((match["impl"], PAIRED_WITH), PAIRED_COUNTERS):
                if row.get(counter):
                    rows.append((workload_name(match), impl,
                                 dict(row, items_per_second=row[counter])))
        elif row.get("items_per_second"):
            rows.append((workload_name(match), match["impl"], row))
    return rows, errors


def _rates(rows: list[tuple[str, str, Json]]) -> dict[str, dict[str, list[float]]]:
    """{workload: {impl: [items/s of each repetition]}} of _measured_rows."""
    runs: dict[str, dict[str, list[float]]] = {}
    for workload, impl, row in rows:
        runs.setdefault(workload, {}).setdefault(impl, []).append(row["items_per_second"])
    return runs


def rates_by_workload(data: Json) -> tuple[dict[str, dict[str, list[float]]], dict[str, str]]:
    """({workload: {impl: [items/s of each repetition]}}, {impl: error}) from a Google Benchmark
    JSON document."""
    rows, errors = _measured_rows(data)
    return _rates(rows), errors


def _paired_log_ratios(rows: list[tuple[str, str, Json]]) -> dict[str, dict[str, list[float]]]:
    """{workload: {impl: [log(impl / reference) of each process]}} of _measured_rows: in each
    benchmark process (rows tagged "process" by run_benchmark), the mean log rate of the
    implementation's repetitions minus the reference's, for every implementation that ran beside
    the reference."""
    logs: dict[tuple[str, int], dict[str, list[float]]] = {}
    for workload, impl, row in rows:
        if "process" in row:
            logs.setdefault((workload, row["process"]), {}).setdefault(impl, []).append(
                math.log(row["items_per_second"]))
    pairs: dict[str, dict[str, list[float]]] = {}
    for (workload, _), impls in sorted(logs.items(), key=lambda kv: kv[0][1]):
        ref = impls.get("reference")
        for impl, values in impls.items():
            if ref and impl != "reference":
                pairs.setdefault(workload, {}).setdefault(impl, []).append(
                    statistics.mean(values) - statistics.mean(ref))
    return pairs


def summarize_benchmark(data: Json) -> Json:
    """{workload: {impl: {iqm, median, min, max, runs, log_spread[, paired_log_ratios]}}} of items
    per second, from the repetitions; iqm is the interquartile mean (the mean of the middle half);
    paired_log_ratios, per process, is what the score's ratio is the median of (docs/scoring.md)."""
    rows, errors = _measured_rows(data)
    pairs = _paired_log_ratios(rows)
    workloads: dict[str, dict[str, Json]] = {}
    for workload, impls in sorted(_rates(rows).items()):
        workloads[workload] = {}
        for impl, rates in impls.items():
            rates.sort()
            summary: Json = {"iqm": scoring.interquartile_mean(rates),
                             "median": rates[len(rates) // 2],
                             "min": rates[0], "max": rates[-1], "runs": len(rates),
                             "log_spread": scoring.log_spread(rates)}
            if pairs.get(workload, {}).get(impl):
                summary["paired_log_ratios"] = [round(x, 6) for x in pairs[workload][impl]]
            workloads[workload][impl] = summary
    return {"unit": "items_per_second", "workloads": workloads, "errors": errors}


# ---------------------------------------------------------------------------------------------
# 5. Report

def grade_kata(args: argparse.Namespace, build_dir: Path, manifest: Json, index: int,
               total: int) -> KataReport:
    started = time.monotonic()
    kata = manifest["name"]
    who = "reference" if args.self_check else "kata"
    progress(f"[{index}/{total}] {kata}: checking the header; building and testing "
             f"{', '.join(manifest['variants'])}, {FIRST_VARIANT} first")
    status = progress_line.Status()
    try:
        def check_header() -> list[str]:
            # Beside the build (it reads the header and the build's flags only), at a lower
            # priority: on 2 cores it takes no time from the first variant's compilation, and the
            # scorecard waits for it only at the end. A thread's nice value is its own (Linux).
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
            return [] if args.self_check else tamper_findings(build_dir, manifest)

        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as checker:
            tampering = checker.submit(check_header)
            built, error, expected, verdicts, found = build_and_test(args, build_dir, manifest,
                                                                     who, status)
            findings = tampering.result()
    finally:
        status.close()
    # A variant not built because none of its tests was to run (a hang at level 1) is not a
    # failed build: its tests are each reported not run.
    build: BuildResult = {"ok": all(built[v] or v in verdicts for v in built),
                          "first_error": error, "variants_built": [v for v in built if built[v]]}
    findings += found
    binaries = {v: test_target(manifest, who, v) for v in built}
    tests = grade_tests(kata, expected, built, verdicts, build_dir, binaries, args.setarch)
    correct = all(t["passed"] for t in tests) and not findings
    benchmark = None
    if correct and not args.no_bench:
        progress(f"[{index}/{total}] {kata}: benchmarking against the reference")
        status = progress_line.Status()  # its clock: the benchmark's time box is 15 to 30 s
        try:
            status.set("benchmark", "against the reference")
            benchmark = run_benchmark(build_dir, kata, args.repetitions, args.peers, who,
                                      budget=args.bench_seconds, box=args.sandbox,
                                      findings=findings)
        finally:
            status.close()
    score = scoring.score({"tests": tests, "tampering": findings, "benchmark": benchmark})
    report: KataReport = {"kata": kata, "tampering": findings, "build": build, "tests": tests,
                          "benchmark": benchmark, "score": score, "seconds": 0.0}
    if not manifest.get("reference", True):
        note = report["score"]["note"] if not report["score"]["passed"] else None
        report["score"]["note"] = f"{note}; {NO_REFERENCE_NOTE}" if note else NO_REFERENCE_NOTE
    copy_check(args, build_dir, manifest, report)
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


def copy_check(args: argparse.Namespace, build_dir: Path, manifest: Json,
               report: KataReport) -> None:
    """Copy detection (tools/similarity.py): report["copied"] says how close the learner's header
    is to the closest reference or answer of the corpus (None where there is no corpus: a
    learner's repository). A copy scores 0 in class grading (--class) and is a note in practice."""
    if args.self_check or manifest.get("fixture"):
        return
    import similarity  # noqa: E402  (only needed here)
    kata = manifest["name"]
    skeleton = build_dir / similarity.PRISTINE_SKELETONS / f"{kata}.h"
    verdict = similarity.check(kata, Path(manifest["learner_header"]), ROOT, skeleton)
    report["copied"] = verdict
    if verdict and verdict["copied"]:
        what = (f"copied: {verdict['similarity']:.0%} of its code is {verdict['of']}'s "
                f"(threshold {verdict['threshold']:.0%})")
        if args.class_mode:
            report["score"].update({"correctness": 0, "performance": 0.0, "total": 0.0,
                                    "passed": False,
                                    "note": what + ": scores 0 in class grading"})
        progress(f"{kata}: {what}" + ("" if args.class_mode
                                      else " (a note here; class grading scores it 0)"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("katas", nargs="*")
    parser.add_argument("--build-dir", default=str(ROOT / "build"))
    parser.add_argument("--out", default=str(ROOT / "reports"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repetitions", type=int, default=DEFAULT_REPETITIONS,
                        help="benchmark repetitions of a workload in one process")
    parser.add_argument("--bench-seconds", type=float, default=None,
                        help="time for each kata's benchmark, more repetitions if it allows "
                             f"(default: what the benchmark declares, else {BENCH_SECONDS})")
    parser.add_argument("--no-bench", action="store_true", help="skip the benchmarks")
    parser.add_argument("--peers", action="store_true",
                        help="benchmark the baselines and peers too")
    parser.add_argument("--setarch", action="store_true", help="run tests under setarch -R (TSan)")
    parser.add_argument("--self-check", action="store_true",
                        help="grade the reference solutions as if they were the learner's")
    parser.add_argument("--class", dest="class_mode", action="store_true",
                        help="class grading: a submission copied from a reference or an answer "
                             "scores 0 (practice mode notes it)")
    parser.add_argument("--answer", action="append", default=[], metavar="KATA/NAME",
                        help="grade an answer of the corpus (solutions/KATA/answers/NAME.h, "
                             "docs/answers.md) as if it were the learner's, without benchmark")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run the tests and benchmarks outside the sandbox (the report says "
                             "so)")
    parser.add_argument("--require-sandbox", action="store_true",
                        default=os.environ.get(sandbox.REQUIRE_ENV) == "1",
                        help="refuse to grade without the sandbox (class grading; also "
                             f"{sandbox.REQUIRE_ENV}=1)")
    args = parser.parse_args()
    args.setarch = ["setarch", os.uname().machine, "-R"] if args.setarch else []

    build_dir = Path(args.build_dir).resolve()
    test_runner.limit_output()
    if args.no_sandbox:
        args.sandbox = sandbox.unsandboxed(ROOT, "turned off by --no-sandbox")
    else:
        Path(args.out).mkdir(parents=True, exist_ok=True)  # overlaid too, if outside the project
        trees = sandbox.trees_for(ROOT, build_dir, Path(args.out).resolve())
        args.sandbox = sandbox.probe(ROOT, trees)
    if not args.sandbox.active:
        progress(f"WARNING: NOT SANDBOXED: {args.sandbox.problem}. The learner's code runs with "
                 f"your permissions, and this grading's verdicts are only as good as the code is "
                 f"honest (docs/sandbox.md).")
        if args.require_sandbox:
            print(f"grade.py: the sandbox is required ({sandbox.REQUIRE_ENV}=1 or "
                  f"--require-sandbox) and cannot start: {args.sandbox.problem}", file=sys.stderr)
            return 2
    known = registered_katas(build_dir)
    if not known:
        print(f"grade.py: no katas are registered in {build_dir}: it is not a configured build "
              f"directory (configure it with `cmake --preset default`, or run ./kata grade)",
              file=sys.stderr)
        return 2
    katas = args.katas or [k for k in known if not known[k].get("fixture")]
    unknown = [k for k in katas if k not in known]
    if unknown:
        print(f"unknown kata(s): {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    manifests = [known[kata] for kata in katas]
    if args.answer:
        if args.katas or args.self_check:
            print("--answer grades answers only: no kata names, no --self-check", file=sys.stderr)
            return 2
        found = [answer_manifest(known, spec) for spec in args.answer]
        wrong = [spec for spec, m in zip(args.answer, found) if m is None]
        if wrong:
            names = [f"{k}/{a['name']}" for k in known for a in known[k].get("answers", [])]
            print(f"unknown answer(s): {', '.join(wrong)}; known: {', '.join(names) or 'none'}",
                  file=sys.stderr)
            return 2
        manifests = [m for m in found if m is not None]
        args.no_bench = True
    reports = [grade_kata(args, build_dir, manifest, i + 1, len(manifests))
               for i, manifest in enumerate(manifests)]
    document: Document = {"schema_version": SCHEMA_VERSION, "generated_by": "tools/grade.py",
                          "graded": "reference (self-check)" if args.self_check else "learner",
                          "machine": {"cores": os.cpu_count()},
                          "sandbox": args.sandbox.describe(), "katas": reports}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(document, indent=2) + "\n")
    import report_md  # noqa: E402  (only needed here)
    (out / "report.md").write_text(report_md.render(document))
    write_junit(out / "junit.xml", reports, "reference" if args.self_check else "kata")
    import history  # noqa: E402  (one line per graded kata in reports/history.jsonl)
    history.append(out, document)
    import scorecard  # noqa: E402
    print(scorecard.render(document, color=sys.stdout.isatty()))
    print(f"reports: {out / 'report.json'}, {out / 'report.md'}, {out / 'junit.xml'}")
    return 0 if all(r["score"]["passed"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
