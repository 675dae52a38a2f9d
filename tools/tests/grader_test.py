#!/usr/bin/env python3
"""The grader against bad submissions (ctest: grader/bad_submissions, label harness).

Configures a build directory of its own with the fixture kata `counter` registered once per header
in harness/tests/grader/submissions/, grades them all in ONE grader run, and checks that each bad
header gets its named verdict, that the others are still graded, and that the grader finishes.
The red team (forge_*, blind_*, fool_*, outside_*, bench_*) is static tampering: each is flagged by
the header policy (docs/header_policy.md) under the rule named, and scores 0.
The sandbox_* headers, which go after what lies outside their process, are graded in a run of
their own with the static checks off (docs/sandbox.md), and every file they aim at must come out
unchanged. The runtime_* headers cheat the benchmark in ways no static rule sees (a call-count
bomb, a thread left spinning): graded with every check on and the fixture's benchmark run, which
must stop them (bench::ContractBroken, docs/scoring.md).
"""
import argparse
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = ROOT / "harness" / "tests" / "grader" / "submissions"
sys.path.insert(0, str(ROOT / "tools"))
import scoring  # noqa: E402
import validate_report  # noqa: E402
from scoring import Json  # noqa: E402

# A verdict's check: None when the report is right, else what is wrong.
Check = Callable[[Json], str | None]

# submission -> check(report) returning None when the verdict is right, else what is wrong.


def failure_kinds(report: Json) -> set[str]:
    return {t["failure"]["kind"] for t in report["tests"] if not t["passed"]}


def details(report: Json) -> str:
    return " ".join(t["failure"]["detail"] for t in report["tests"] if not t["passed"])


def expect_pass(report: Json) -> str | None:
    return None if report["score"]["passed"] else f"should pass, got {failure_kinds(report)}"


def expect_kind(kind: str, mention: str | None = None) -> Check:
    def check(report: Json) -> str | None:
        if report["score"]["passed"]:
            return f"should fail with {kind}, but passed"
        if kind not in failure_kinds(report):
            return f"should fail with {kind}, got {failure_kinds(report)}: {details(report)[:300]}"
        if mention and mention not in details(report):
            return f"the {kind} report should mention {mention!r}: {details(report)[:300]}"
        return None
    return check


def expect_tampering(rule: str, mention: str = "") -> Check:
    """Flagged by the header policy under `rule` (a finding `file:line: rule: ...` that mentions
    `mention`), and scored 0."""
    def check(report: Json) -> str | None:
        found = [f for f in report["tampering"] if f": {rule}: " in f and mention in f]
        if not found:
            return (f"should be flagged as tampering ({rule}: ...{mention}...), got "
                    f"{report['tampering'][:6]}")
        if report["score"]["total"] != 0 or report["score"]["passed"]:
            return f"tampering should score 0, got {report['score']['total']}"
        return None
    return check


def expect_all_tests_pass(report: Json) -> str | None:
    """Every test passed: what scores the kata 0 is the policy alone."""
    failed = [t["name"] for t in report["tests"] if not t["passed"]]
    return f"its tests should pass, {len(failed)} failed: {failed[:3]}" if failed else None


def clean(check: Check) -> Check:
    """`check`, and no policy finding: honest code, however wrong, is not tampering."""
    def both(report: Json) -> str | None:
        if report["tampering"]:
            return f"honest code flagged as tampering: {report['tampering'][:3]}"
        return check(report)
    return both


def all_of(*checks: Check) -> Check:
    def each(report: Json) -> str | None:
        return next((p for p in (c(report) for c in checks) if p), None)
    return each


def expect_runtime_finding(*words: str, kind: str | None = None) -> Check:
    """The sandbox names what the process tried ("at run time ..." in `tampering`, every one of
    `words`), and the kata scores 0; with `kind`, its tests also fail with it."""
    def check(report: Json) -> str | None:
        found = " | ".join(report["tampering"])
        missing = [w for w in words if w not in found]
        if missing:
            return f"should name {missing} at run time, got {report['tampering']}"
        if report["score"]["total"] != 0:
            return f"a finding at run time should score 0, got {report['score']['total']}"
        if kind:
            return expect_kind(kind)(report)
        return None
    return check


def expect_contract_broken(*words: str) -> Check:
    """The benchmark stopped the learner's rows as it ran (bench::ContractBroken: the class broke
    its contract on the object measured, or left a thread running), naming every one of `words`,
    and the kata scores 0 although its tests pass."""
    def check(report: Json) -> str | None:
        stopped = ((report.get("benchmark") or {}).get("errors") or {}).get("learner") or ""
        if not stopped.startswith(scoring.CONTRACT_BROKEN):
            return (f"the benchmark should stop the learner's rows ({scoring.CONTRACT_BROKEN}...), "
                    f"got {stopped or report.get('benchmark')!r:.300}")
        missing = [w for w in words if w not in stopped]
        if missing:
            return f"the benchmark's verdict should name {missing}: {stopped!r}"
        if report["score"]["total"] != 0:
            return f"a broken contract should score 0, got {report['score']['total']}"
        return None
    return check


def expect_build_error(report: Json) -> str | None:
    error = report["build"]["first_error"] or ""
    if "does_not_compile.h:" not in error:
        return f"should report the first compiler error at does_not_compile.h:LINE, got {error!r}"
    return None


# The honest controls and the runtime failures keep the verdicts they had before the header policy;
# those that break the policy are now also flagged (detects_grader: fopen and getenv are file and
# environment calls, so under a policy that fails closed it is tampering, though its tests pass).
EXPECTED: dict[str, Check] = {
    "correct": clean(expect_pass),
    "flood": clean(expect_pass),
    "detects_grader": all_of(expect_tampering("call", "getenv"), expect_all_tests_pass),
    "does_not_compile": all_of(expect_build_error, expect_tampering("cannot-check", "compile")),
    "segfault": clean(expect_kind("crash")),
    "terminate": clean(expect_kind("crash")),
    "deadlock": clean(expect_kind("hang", "add()")),
    "spin": clean(expect_kind("hang", "add()")),
    "unbounded_alloc": clean(expect_kind("memory")),
    "exit_at_startup": all_of(expect_kind("missing"), expect_tampering("call", "exit")),
    "exit_in_method": all_of(expect_kind("tampering", "std::exit"),
                             expect_tampering("call", "_exit")),
    "quick_exit": all_of(expect_kind("tampering", "std::exit"),
                         expect_tampering("call", "quick_exit")),
    "redefines_macros": expect_tampering("macro", "EXPECT_EQ"),
    "includes_reference": expect_tampering("include", "solution/counter.h"),
    # Red team, static tampering (docs/header_policy.md): each names the rule that stops it.
    # Forging the verdict in process.
    "forge_xml_at_startup": expect_tampering("call", "getenv"),
    "forge_result_reporter": expect_tampering("include", "gtest/gtest-spi.h"),
    "forge_weak_main": expect_tampering("linkage", 'extern "C"'),
    "forge_xml_rewrite_at_exit": expect_tampering("include", "<fstream>"),
    "forge_exit_by_pointer": expect_tampering("call", "quick_exit"),
    # Blinding the sanitizers.
    "blind_tsan_suppressions": all_of(expect_tampering("sanitizer-name",
                                                       "__tsan_default_suppressions"),
                                      expect_all_tests_pass),
    "blind_lsan_hooks": all_of(expect_tampering("sanitizer-name", "__lsan_is_turned_off"),
                               expect_all_tests_pass),
    "blind_annotate": all_of(expect_tampering("sanitizer-name", "AnnotateHappensBefore"),
                             expect_all_tests_pass),
    "blind_no_sanitize": all_of(expect_tampering("attribute", "no_sanitize"),
                                expect_all_tests_pass),
    "blind_lock_only_under_tsan": all_of(expect_tampering("conditional", "__SANITIZE_THREAD__"),
                                         expect_all_tests_pass),
    "blind_token_paste": all_of(expect_tampering("macro", "JOIN"),
                                expect_tampering("sanitizer-name", "__tsan_ignore_writes_begin"),
                                expect_all_tests_pass),
    # Fooling the static checks.
    "fool_optimize_include": expect_tampering("conditional", "__OPTIMIZE__"),
    "fool_error_outside_flags": expect_tampering("error-directive", "#error"),
    "fool_macro_harness_names": expect_tampering("macro", "#define scaled"),
    "fool_digraph_conditional": expect_tampering("conditional", "__has_include"),
    "fool_testing_alias": expect_tampering("harness-name", "testing"),
    # Reaching outside the process.
    "outside_system": all_of(expect_tampering("call", "system"), expect_all_tests_pass),
    "outside_fopen_tools": all_of(expect_tampering("call", "fopen"),
                                  expect_tampering("path-literal", "tools/scoring.py")),
    "outside_fork": expect_tampering("call", "fork"),
    "outside_pointer_to_system": all_of(expect_tampering("call", "system"), expect_all_tests_pass),
    # Cheating the benchmark.
    "bench_specialise_solution": all_of(expect_tampering("outside-namespace", "solution"),
                                        expect_all_tests_pass),
    "bench_proc_self_exe": expect_tampering("path-literal", "/proc/self/cmdline"),
    "bench_only_macro": expect_tampering("build-macro", "KATA_REFERENCE_HEADER"),
    "bench_base_file": all_of(expect_tampering("reserved-name", "__BASE_FILE__"),
                              expect_all_tests_pass),
    # Cheating the benchmark at run time, where no static rule can see it: honest-looking code that
    # passes the policy and the tests, graded with the benchmark (RUNTIME), which stops it.
    "runtime_bench_time_bomb": clean(all_of(expect_contract_broken("lost adds"),
                                            expect_all_tests_pass)),
    # Found by the census of threads at the row's end or by the row's CPU account, whichever
    # looks first (both seen in CI runs): each names the class's thread.
    "runtime_bench_lazy_hog": clean(all_of(expect_contract_broken("thread"),
                                           expect_all_tests_pass)),
    "runtime_bench_hog_respawn": clean(all_of(expect_contract_broken("thread"),
                                              expect_all_tests_pass)),
    # The sandbox (docs/sandbox.md), alone: graded with the static checks off. The files each one
    # aims at are in PROTECTED, and must come out unchanged.
    "sandbox_rewrites_scoring": expect_runtime_finding(
        "at run time (plain): the test process wrote tools/scoring.py (discarded"),
    "sandbox_rewrites_grader_module": expect_runtime_finding("wrote tools/scorecard.py",
                                                             kind="assertion"),
    "sandbox_writes_build": expect_runtime_finding(
        # the fixtures' build directory, wherever --build-dir puts it
        "/counter_sandbox_writes_build_reference_plain (discarded",
        "/bench-counter_sandbox_writes_build.json (discarded"),
    "sandbox_writes_katas": expect_runtime_finding("wrote katas/bounded_queue/bounded_queue.h",
                                                   "wrote katas/sandbox_writes_katas.txt"),
    "sandbox_leaves_process": expect_runtime_finding("left 1 process(es) running when it ended",
                                                     "counter_sandbox_leaves_process_kata_plain"),
    "sandbox_forges_xml": expect_runtime_finding("XML report is not gtest's",
                                                 "the output shows 0 started", kind="missing"),
    "sandbox_rewrites_xml_at_exit": expect_runtime_finding("XML report is not gtest's",
                                                           kind="assertion"),
    "sandbox_rewrites_bench_json": expect_runtime_finding(
        "at run time (benchmark): the benchmark process's JSON report differs"),
    "sandbox_opens_socket": expect_runtime_finding("tried to use the network", "Tcp:ActiveOpens",
                                                   "Ip:OutNoRoutes"),
    "sandbox_unmounts_overlay": expect_runtime_finding("wrote tools/scoring.py"),
    "sandbox_attacks_monitor": expect_runtime_finding("wrote tools/test_runner.py"),
}


SANDBOX = "sandbox_"  # the headers graded in the first run, static checks off
RUNTIME = "runtime_"  # the headers graded in the second run, every check on and the benchmark run
# submission -> the files it aims at (relative to the project; BUILD/ is the fixtures' build
# directory), each of which must come out of the grading as it went in (absent if it was).
PROTECTED = {
    "sandbox_rewrites_scoring": ["tools/scoring.py"],
    "sandbox_rewrites_grader_module": ["tools/scorecard.py"],
    "sandbox_writes_build": ["BUILD/counter_sandbox_writes_build_reference_plain",
                             "BUILD/bench-counter_sandbox_writes_build.json"],
    "sandbox_writes_katas": ["katas/bounded_queue/bounded_queue.h",
                             "katas/sandbox_writes_katas.txt"],
    "sandbox_unmounts_overlay": ["tools/scoring.py"],
    "sandbox_attacks_monitor": ["tools/test_runner.py"],
}


def protected_files(build: Path) -> list[Path]:
    return sorted({build / p[len("BUILD/"):] if p.startswith("BUILD/") else ROOT / p
                   for paths in PROTECTED.values() for p in paths})


def snapshot(paths: list[Path]) -> dict[Path, bytes | None]:
    return {p: p.read_bytes() if p.exists() else None for p in paths}


def changed_since(before: dict[Path, bytes | None]) -> list[str]:
    """The protected files not as they were, each put back as it was (a broken sandbox must not
    leave the project damaged)."""
    changed = []
    for path, content in before.items():
        now = path.read_bytes() if path.exists() else None
        if now != content:
            changed.append(str(path.relative_to(ROOT)))
            if content is None:
                path.unlink()
            else:
                path.write_bytes(content)
    return changed


class Listener:
    """A TCP port on the grader's machine that sandbox_opens_socket.h phones: nothing may arrive."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.arrived: list[bytes] = []
        self.stop = False
        self.thread = threading.Thread(target=self.accept)
        self.thread.start()

    def accept(self) -> None:
        while not self.stop:
            try:
                connection, _ = self.server.accept()
                self.arrived.append(connection.recv(1000))
            except OSError:
                continue

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.server.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    args = parser.parse_args()
    build = Path(args.build_dir)
    # ccache, when installed, makes a second run of this test compile next to nothing.
    launcher = ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"] if shutil.which("ccache") else []
    subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja",
                    "-DKATA_GRADER_FIXTURES=ON", *launcher], check=True, capture_output=True)
    unexpected = sorted(p.stem for p in SUBMISSIONS.glob("*.h") if p.stem not in EXPECTED)
    problems = [f"{name}.h: a submission without an expected verdict" for name in unexpected]
    reports: dict[str, Json] = {}
    started = time.monotonic()
    # The sandbox run first: the static run's report is the one grader/failure_report reads.
    problems += grade_in_sandbox(build, [name for name in EXPECTED if name.startswith(SANDBOX)],
                                 reports)
    problems += grade(build, [name for name in EXPECTED if name.startswith(RUNTIME)],
                      ["--bench-seconds", "1"], {}, reports, timeout=600)
    static = [name for name in EXPECTED if not name.startswith((SANDBOX, RUNTIME))]
    problems += grade(build, static, ["--no-bench"], {}, reports, timeout=1700)
    seconds = time.monotonic() - started
    for name, check in EXPECTED.items():
        report = reports.get(f"counter_{name}")
        problem = "not graded" if report is None else check(report)
        status = "ok  " if problem is None else "FAIL"
        print(f"{status} {name}: " + (problem or "verdict as expected"))
        if problem:
            problems.append(f"{name}: {problem}")
    print(f"graded {len(EXPECTED)} submissions in {seconds:.0f} s")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


def grade(build: Path, names: list[str], options: list[str], env: dict[str, str],
          reports: dict[str, Json], timeout: float) -> list[str]:
    """One grader run over the named submissions; their reports into `reports`; the problems."""
    katas = [f"counter_{name}" for name in names]
    out = build / "reports"
    # a report left from an earlier run proves nothing
    (out / "report.json").unlink(missing_ok=True)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), "--build-dir",
                           str(build), "--out", str(out), *options, *katas],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **env})
    print(proc.stdout[-6000:])
    print(proc.stderr[-2000:])
    print(f"graded {len(katas)} submissions in {time.monotonic() - started:.0f} s")
    problems = []
    if proc.returncode != 1:
        problems.append(f"the grader should exit 1 (some katas fail), exited {proc.returncode}")
    report_file = out / "report.json"
    if not report_file.exists():
        return problems + ["no report.json"]
    size = report_file.stat().st_size
    if size > 2_000_000:
        problems.append(f"report.json is {size} bytes: a flood of output leaked into it")
    document = json.loads(report_file.read_text())
    problems += [f"report.json: {p}" for p in validate_report.problems(document)]
    sandbox = document.get("sandbox") or {}
    if not (sandbox.get("isolated") and sandbox.get("writes_named")):
        problems.append(f"the grader did not run the tests in its sandbox: {sandbox}")
    reports.update((k["kata"], k) for k in document["katas"])
    return problems


def grade_in_sandbox(build: Path, names: list[str], reports: dict[str, Json]) -> list[str]:
    """The sandbox_* headers, static checks off (docs/sandbox.md), benchmarks on (the fixture's
    benchmark runs for the `bench` ones): every protected file must come out unchanged, the report
    must not be rewritten after the grader exits, and the listener must hear nothing."""
    # The reference binary one of them replaces is built first, so that the grading, which only
    # finds it up to date, leaves it as it was.
    subprocess.run(["cmake", "--build", str(build), "--target",
                    "counter_sandbox_writes_build_reference_plain"],
                   check=True, capture_output=True)
    before = snapshot(protected_files(build))
    listener = Listener()
    try:
        problems = grade(build, names, ["--bench-seconds", "1"],
                         {"KATA_GRADER_TEST_SKIP_POLICY": "1",
                          "KATA_SANDBOX_TEST_PORT": str(listener.port)}, reports, timeout=400)
        report_file = build / "reports" / "report.json"
        written = report_file.read_bytes() if report_file.exists() else None
        time.sleep(3)  # sandbox_leaves_process.h's process rewrites it a second after it appears
        if report_file.exists() and report_file.read_bytes() != written:
            problems.append("report.json was rewritten after the grader exited: a process outlived "
                            "its test")
    finally:
        listener.close()
    if listener.arrived:
        problems.append(f"a test process reached the grader's machine: {listener.arrived}")
    changed = changed_since(before)
    if changed:
        problems.append(f"the graded headers changed {changed} (put back as they were)")
    digest = hashlib.sha256(b"".join(c or b"" for c in before.values())).hexdigest()[:12]
    print(f"protected files unchanged: {len(before) - len(changed)} of {len(before)} "
          f"(sha256 of their contents before: {digest})")
    return problems


if __name__ == "__main__":
    sys.exit(main())
