#!/usr/bin/env python3
"""The grader against the answers corpus (ctest: answers/<kata>/<name>, label answers).

Grades one answer of solutions/<kata>/answers/ with the grader itself (tools/grade.py --answer, the
answer in the learner's place, no benchmark) and fails when its verdict differs from the one the
answer declares (docs/answers.md): the level reached, and for a flawed answer, that the declared
test failed in some variant with the declared kind and that no test of a lower level failed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import answers  # noqa: E402
import validate_report  # noqa: E402

# Below the ctest TIMEOUT of answers/<kata>/<name> (cmake/Kata.cmake), so a slow grading is reported
# as such rather than killed without a word.
GRADE_SECONDS = 1400


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("answer", metavar="KATA/NAME")
    args = parser.parse_args()
    build = Path(args.build_dir).resolve()
    known = answers.registered(build)
    if args.answer not in known:
        print(f"unknown answer {args.answer}; known: {', '.join(known) or 'none'}")
        return 2
    try:
        expectation = answers.expectation_of(known[args.answer])
    except answers.BadAnswer as e:
        print(f"PROBLEM: {e}")
        return 1
    out = build / "answers-reports" / args.answer
    # a report left from an earlier run proves nothing
    (out / "report.json").unlink(missing_ok=True)
    command = [sys.executable, str(ROOT / "tools" / "grade.py"), "--answer", args.answer,
               "--build-dir", str(build), "--out", str(out), "--jobs", str(args.jobs)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=GRADE_SECONDS)
    except subprocess.TimeoutExpired:
        print(f"PROBLEM: the grader did not finish in {GRADE_SECONDS} s")
        return 1
    print(proc.stdout[-6000:])
    if not (out / "report.json").exists():
        print(proc.stderr[-3000:])
        print(f"PROBLEM: the grader wrote no report (exit code {proc.returncode})")
        return 1
    document = json.loads((out / "report.json").read_text())
    problems = [f"report.json: {p}" for p in validate_report.problems(document)]
    report = document["katas"][0]
    problems += answers.problems(expectation, report)
    declared = f"level {expectation.level}" + (
        f", caught first by {expectation.caught_by} ({expectation.kind})"
        if expectation.caught_by else "")
    print(f"{args.answer}: declares {declared}; graded level {report['score']['level']} "
          f"in {report['seconds']} s")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
