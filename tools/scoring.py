"""The score of one graded kata, computed from its results alone (docs/scoring.md)."""
import collections
import math

VARIANTS = ["plain", "tsan", "asan"]


def category_counts(tests):
    """{(category, variant): [passed, total]} over a kata's test results."""
    counts = collections.defaultdict(lambda: [0, 0])
    for t in tests:
        counts[(t["category"], t["variant"])][1] += 1
        counts[(t["category"], t["variant"])][0] += t["passed"]
    return counts

LEVEL_POINTS = {1: 30, 2: 20, 3: 20}  # correctness: 70 in all
PERFORMANCE_POINTS = 30
# Matching the reference earns every performance point; beating it earns no more. "Matching" is
# within the run-to-run noise of the reference against itself: 5% on the development machine
# (docs/scoring.md, Calibration), so the reference graded as the learner gets full marks.
FULL_MARKS_RATIO = 0.95
# A workload whose reference repetitions differ by more than this factor (fastest / slowest) in a
# run measured the machine's schedule, not the code: it is shown, not scored, in that run.
STEADY_SPREAD = 3.0

Ratio = collections.namedtuple("Ratio", "center low high steady")


def interquartile_mean(values):
    """The mean of the middle half of `values` (all of them when there are fewer than 4)."""
    values = sorted(values)
    middle = values[len(values) // 4: len(values) - len(values) // 4]
    return sum(middle) / len(middle)


def center(rates):
    """The estimate of one implementation's throughput on a workload: the interquartile mean of
    its repetitions (docs/scoring.md, Calibration), or the median in a report from before it."""
    return rates.get("iqm", rates["median"])


def ratios(benchmark):
    """{workload: Ratio} of learner / reference throughput: the ratio of centers, its range
    (slowest learner run / fastest reference run .. fastest / slowest), and whether it is steady."""
    out = {}
    for workload, impls in (benchmark or {}).get("workloads", {}).items():
        mine, ref = impls.get("learner"), impls.get("reference")
        if mine and ref and center(ref) > 0 and ref["min"] > 0:
            out[workload] = Ratio(center(mine) / center(ref), mine["min"] / ref["max"],
                                  mine["max"] / ref["min"], ref["max"] <= STEADY_SPREAD * ref["min"])
    return out


def level_reached(tests):
    levels = sorted({t["level"] for t in tests})
    reached = 0
    for level in levels:
        if all(t["passed"] for t in tests if t["level"] <= level):
            reached = level
        else:
            break
    return reached, (levels[-1] if levels else 0)


def score_ratio(benchmark):
    """(geometric mean of the steady workloads' ratios, {workload: Ratio} it is taken over). When
    no workload is steady, all of them count: a number, noisy, beats no number."""
    found = ratios(benchmark)
    scored = {w: r for w, r in found.items() if r.steady} or found
    if not scored:
        return None, {}
    return math.exp(sum(math.log(r.center) for r in scored.values()) / len(scored)), scored


def score(report):
    tests = report["tests"]
    reached, top = level_reached(tests)
    tampered = bool(report.get("tampering"))
    correctness = 0 if tampered else sum(LEVEL_POINTS.get(l, 0) for l in range(1, reached + 1))
    all_passed = bool(tests) and all(t["passed"] for t in tests) and not tampered
    performance, geomean, note = 0.0, None, None
    ratio, found = score_ratio(report.get("benchmark"))
    if not all_passed:
        note = "no performance points until every test passes in every variant"
    elif not found:
        note = (report.get("benchmark") or {}).get("error") or "no benchmark results"
    else:
        geomean = ratio
        performance = round(PERFORMANCE_POINTS * min(geomean / FULL_MARKS_RATIO, 1.0), 1)
    return {
        "level": reached,
        "max_level": top,
        "correctness": correctness,
        "correctness_max": sum(LEVEL_POINTS.get(l, 0) for l in range(1, top + 1)),
        "performance": performance,
        "performance_max": PERFORMANCE_POINTS,
        "ratio_geomean": round(geomean, 3) if geomean else None,
        "total": round(correctness + performance, 1),
        "passed": all_passed,
        "note": note,
    }
