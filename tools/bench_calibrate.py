#!/usr/bin/env python3
"""bench_calibrate.py BUILD_DIR [--runs 5] [--katas a,b] [--out DIR]

Measures how far the grader's performance ratio strays when the learner IS the reference: runs each
kata's self-check benchmark --runs times with the grader's own settings, keeps every raw result,
and prints, per kata, the scored ratio of each run under the grader's estimator, the unpaired one
(ratios of the implementations' centers) and a few candidate ones, plus the wall time of each run.
The numbers in docs/scoring.md come from here.
"""
import argparse
import copy
import json
import math
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grade  # noqa: E402
import scoring  # noqa: E402


ESTIMATORS: dict[str, Callable[[list[float]], float]] = {
    "median": lambda xs: statistics.median(xs),
    "iqm": scoring.interquartile_mean,
    "harmonic mean": statistics.harmonic_mean,
    "best": max,
    "2nd-best": lambda xs: sorted(xs)[-2] if len(xs) > 1 else xs[0],
    "upper-half mean": lambda xs: statistics.mean(sorted(xs)[len(xs) // 2:]),
}


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def log_sd(values: list[float | None]) -> float:
    logs = [math.log(v) for v in values if v]
    return statistics.stdev(logs) if len(logs) > 1 else float("nan")


def without_pairs(summary: dict[str, Any] | None) -> dict[str, Any] | None:
    """The summary as the grader scored it before processes were paired: ratios of centers."""
    summary = copy.deepcopy(summary)
    for impls in (summary or {}).get("workloads", {}).values():
        for rates in impls.values():
            rates.pop("paired_log_ratios", None)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--katas", default="")
    parser.add_argument("--out", default="")
    parser.add_argument("--repetitions", type=int, default=grade.DEFAULT_REPETITIONS)
    parser.add_argument("--min-time", type=float, default=grade.BENCH_MIN_TIME)
    parser.add_argument("--bench-seconds", type=float, default=None)
    args = parser.parse_args()
    build = Path(args.build_dir).resolve()  # the sandbox runs binaries from their output directory
    # Every kata whose self-check benchmark (the manifest's role self-check) is built.
    katas = args.katas.split(",") if args.katas else sorted(
        name for name, manifest in grade.registered_katas(build).items()
        if manifest["targets"]["self-check"]
        and (build / manifest["targets"]["self-check"]).exists())
    out = Path(args.out) if args.out else build / "calibration"
    out.mkdir(parents=True, exist_ok=True)
    for kata in katas:
        scored: list[float | None] = []
        unpaired: list[float | None] = []
        seconds: list[float] = []
        raws: list[dict[str, dict[str, list[float]]]] = []
        for run in range(args.runs):
            started = time.monotonic()
            summary = grade.run_benchmark(build, kata, args.repetitions, False, "reference",
                                          args.min_time, args.bench_seconds)
            seconds.append(time.monotonic() - started)
            scored.append(scoring.score_ratio(summary)[0])
            unpaired.append(scoring.score_ratio(without_pairs(summary))[0])
            raw_path = build / f"bench-{kata}.json"
            shutil.copy(raw_path, out / f"{kata}-{run}.json")
            raws.append(grade.rates_by_workload(json.loads(raw_path.read_text()))[0])
        reps = sorted({len(xs) for raw in raws for impls in raw.values() for xs in impls.values()})
        print(f"## {kata}: {len(raws[0])} workloads, {reps[0]}-{reps[-1]} repetitions of "
              f"{args.min_time} s, "
              f"wall time per run {min(seconds):.0f}-{max(seconds):.0f} s")
        for name, values in (("scored (grader)", scored), ("unpaired, weighted", unpaired)):
            print(f"  {name:>16}: " + ", ".join(f"{r:.3f}" if r else "-" for r in values)
                  + f"   (sd of log {log_sd(values):.3f})")
        for name, estimate in ESTIMATORS.items():
            per_run = []
            for raw in raws:
                per_run.append(geomean([estimate(impls["learner"]) / estimate(impls["reference"])
                                        for impls in raw.values()
                                        if impls.get("learner") and impls.get("reference")]))
            print(f"  {name:>16}: " + ", ".join(f"{r:.3f}" for r in per_run)
                  + f"   (max |r-1| {max(abs(r - 1) for r in per_run):.3f})")
        worst: dict[str, float] = {}
        for raw in raws:
            for workload, impls in raw.items():
                for impl, xs in impls.items():
                    worst[workload] = max(worst.get(workload, 1), max(xs) / min(xs))
        noisy = sorted(worst.items(), key=lambda kv: -kv[1])[:4]
        print("  widest spread (max/min of one row): "
              + ", ".join(f"{w} {s:.1f}x" for w, s in noisy))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
