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
RATIO_CAP = 1.0  # matching the reference earns every performance point; beating it earns no more


def level_reached(tests):
    levels = sorted({t["level"] for t in tests})
    reached = 0
    for level in levels:
        if all(t["passed"] for t in tests if t["level"] <= level):
            reached = level
        else:
            break
    return reached, (levels[-1] if levels else 0)


def ratios(benchmark):
    """{workload: (median ratio, lowest, highest)} of learner / reference throughput."""
    out = {}
    for workload, impls in (benchmark or {}).get("workloads", {}).items():
        mine, ref = impls.get("learner"), impls.get("reference")
        if mine and ref and ref["median"] > 0 and ref["min"] > 0:
            out[workload] = (mine["median"] / ref["median"], mine["min"] / ref["max"],
                             mine["max"] / ref["min"])
    return out


def score(report):
    tests = report["tests"]
    reached, top = level_reached(tests)
    tampered = bool(report.get("tampering"))
    correctness = 0 if tampered else sum(LEVEL_POINTS.get(l, 0) for l in range(1, reached + 1))
    all_passed = bool(tests) and all(t["passed"] for t in tests) and not tampered
    performance, geomean, note = 0.0, None, None
    found = ratios(report.get("benchmark"))
    if not all_passed:
        note = "no performance points until every test passes in every variant"
    elif not found:
        note = (report.get("benchmark") or {}).get("error") or "no benchmark results"
    else:
        geomean = math.exp(sum(math.log(r[0]) for r in found.values()) / len(found))
        performance = round(PERFORMANCE_POINTS * min(geomean, RATIO_CAP), 1)
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
