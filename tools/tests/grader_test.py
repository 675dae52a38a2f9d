#!/usr/bin/env python3
"""The grader against bad submissions (ctest: grader/bad_submissions, label harness).

Configures a build directory of its own with the fixture kata `counter` registered once per header
in harness/tests/grader/submissions/, grades them all in ONE grader run, and checks that each bad
header gets its named verdict, that the others are still graded, and that the grader finishes.
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import validate_report  # noqa: E402

# submission -> check(report) returning None when the verdict is right, else what is wrong.
def failure_kinds(report):
    return {t["failure"]["kind"] for t in report["tests"] if not t["passed"]}


def details(report):
    return " ".join(t["failure"]["detail"] for t in report["tests"] if not t["passed"])


def expect_pass(report):
    return None if report["score"]["passed"] else f"should pass, got {failure_kinds(report)}"


def expect_kind(kind, mention=None):
    def check(report):
        if report["score"]["passed"]:
            return f"should fail with {kind}, but passed"
        if kind not in failure_kinds(report):
            return f"should fail with {kind}, got {failure_kinds(report)}: {details(report)[:300]}"
        if mention and mention not in details(report):
            return f"the {kind} report should mention {mention!r}: {details(report)[:300]}"
        return None
    return check


def expect_tampering(mention):
    def check(report):
        found = " ".join(report["tampering"])
        if mention not in found:
            return f"should be flagged as tampering ({mention!r}), got {report['tampering']}"
        if report["score"]["total"] != 0:
            return f"tampering should score 0, got {report['score']['total']}"
        return None
    return check


def expect_build_error(report):
    error = report["build"]["first_error"] or ""
    if "does_not_compile.h:" not in error:
        return f"should report the first compiler error at does_not_compile.h:LINE, got {error!r}"
    return None


EXPECTED = {
    "correct": expect_pass,
    "detects_grader": expect_pass,
    "flood": expect_pass,
    "does_not_compile": expect_build_error,
    "segfault": expect_kind("crash"),
    "terminate": expect_kind("crash"),
    "deadlock": expect_kind("hang", "add()"),
    "spin": expect_kind("hang", "add()"),
    "unbounded_alloc": expect_kind("memory"),
    "exit_at_startup": expect_kind("missing"),
    "exit_in_method": expect_kind("tampering", "std::exit"),
    "quick_exit": expect_kind("tampering", "std::exit"),
    "redefines_macros": expect_tampering("EXPECT_EQ"),
    "includes_reference": expect_tampering("includes the reference"),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    args = parser.parse_args()
    build = Path(args.build_dir)
    subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja",
                    "-DKATA_GRADER_FIXTURES=ON"], check=True, capture_output=True)
    katas = [f"counter_{name}" for name in EXPECTED]
    out = build / "reports"
    (out / "report.json").unlink(missing_ok=True)  # a report left from an earlier run proves nothing
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), "--build-dir",
                           str(build), "--out", str(out), "--no-bench", *katas],
                          capture_output=True, text=True, timeout=1100)
    seconds = time.monotonic() - started
    print(proc.stdout[-6000:])
    print(proc.stderr[-2000:])
    problems = []
    if proc.returncode != 1:
        problems.append(f"the grader should exit 1 (some katas fail), exited {proc.returncode}")
    report_file = out / "report.json"
    if not report_file.exists():
        problems.append("no report.json")
    else:
        size = report_file.stat().st_size
        if size > 2_000_000:
            problems.append(f"report.json is {size} bytes: a flood of output leaked into it")
        document = json.loads(report_file.read_text())
        problems += [f"report.json: {p}" for p in validate_report.problems(document)]
        reports = {k["kata"]: k for k in document["katas"]}
        for name, check in EXPECTED.items():
            report = reports.get(f"counter_{name}")
            problem = "not graded" if report is None else check(report)
            status = "ok  " if problem is None else "FAIL"
            print(f"{status} {name}: " + (problem or "verdict as expected"))
            if problem:
                problems.append(f"{name}: {problem}")
    print(f"graded {len(katas)} submissions in {seconds:.0f} s")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
