#!/usr/bin/env python3
"""The grader graded against itself (ctest: grader/self_check, label harness).

Grades every reference solution as if it were a learner's: each kata must get full correctness
marks. Then runs the self-check benchmark (the reference in the learner's place) and checks that the
grader finds a learner/reference ratio for every workload.

The ratio's VALUE is reported, not asserted: speed is measured, never a pass/fail timing check (on a
shared 2-core machine the same code differs by several percent from run to run). To measure the
calibration bar (1.00 +- 0.05), run it by hand on a quiet machine:
    tools/tests/self_check_test.py --build-dir build --ratio-katas all --runs 5
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import grade  # noqa: E402
import scoring  # noqa: E402
import validate_report  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--ratio-katas", default="bounded_queue",
                        help="comma-separated katas whose ratio to measure, or 'all'")
    parser.add_argument("--runs", type=int, default=1, help="benchmark runs per kata")
    args = parser.parse_args()
    build = Path(args.build_dir)
    out = build / "self-check-report"
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), "--self-check",
                           "--no-bench", "--build-dir", str(build), "--out", str(out)],
                          capture_output=True, text=True, timeout=1100)
    print(proc.stdout[-4000:])
    problems = []
    document = json.loads((out / "report.json").read_text())
    problems += [f"report.json: {p}" for p in validate_report.problems(document)]
    katas = document["katas"]
    for kata in katas:
        s = kata["score"]
        if not s["passed"] or s["correctness"] != s["correctness_max"]:
            problems.append(f"{kata['kata']}: the reference scored {s['correctness']}/"
                            f"{s['correctness_max']} correctness")
        # Each failed test by name, as ctest would list it (this is where ./kata selftest runs
        # the references' sanitizer suites: README.md, "The project's own tests"), with the
        # first lines of its report.
        for test in kata["tests"]:
            if not test["passed"]:
                failure = test.get("failure") or {}
                detail = "\n    ".join(str(failure.get("detail", "")).splitlines()[:6])
                replay = f"\n    replay: {failure['replay']}" if failure.get("replay") else ""
                problems.append(f"{kata['kata']}/reference/{test['variant']}/{test['name']}: "
                                f"{failure.get('kind', '?')}: {detail}{replay}")
    wanted = None if args.ratio_katas == "all" else set(args.ratio_katas.split(","))
    for kata in katas:
        name = kata["kata"]
        if wanted is not None and name not in wanted:
            continue
        if not (build / f"{name}_benchmark_selfcheck").exists():
            print(f"{name}: no benchmark yet, ratio not checked")
            continue
        ratios = []
        for _ in range(args.runs):
            result = grade.run_benchmark(build, name, grade.DEFAULT_REPETITIONS, False, "reference")
            found = scoring.ratios(result)
            workloads = (result or {}).get("workloads", {})
            if not found or len(found) != len(workloads):
                problems.append(f"{name}: the grader found no learner/reference ratio for some "
                                f"workloads: {sorted(set(workloads) - set(found)) or result}")
                break
            ratios.append(scoring.score_ratio(result)[0])
        print(f"{name}: learner/reference ratio (same code) over {len(ratios)} run(s): "
              + ", ".join(f"{r:.3f}" for r in ratios))
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
