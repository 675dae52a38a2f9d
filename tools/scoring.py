"""The score of one graded kata, computed from its results alone (docs/scoring.md)."""
import collections
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

# Json (a report's part that report_types.py does not type) is re-exported: tools import it here.
from report_types import Json as Json, Score

# The variants a kata's tests may run in, in the order they are shown and their failures explained.
# A build has the first three (cmake/Variants.cmake, KATA_VARIANTS), and sched for the katas in
# KATA_SCHED_KATAS when configured with KATA_SCHED=ON (docs/schedules.md); a kata's manifest lists
# its own, and the scorecard shows the ones its tests ran in.
VARIANTS = ["plain", "tsan", "asan", "sched"]


def shown_variants(tests: Iterable[Mapping[str, Any]]) -> list[str]:
    """The variants `tests` ran in, in VARIANTS' order (all of them when there is no test)."""
    present = {t["variant"] for t in tests}
    return [v for v in VARIANTS if v in present] or VARIANTS


def category_counts(tests: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], list[int]]:
    """{(category, variant): [passed, total]} over a kata's test results."""
    counts: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for t in tests:
        counts[(t["category"], t["variant"])][1] += 1
        counts[(t["category"], t["variant"])][0] += t["passed"]
    return counts


# Correctness: 70 points in every kata, by level (docs/scoring.md, Correctness). Levels 1 and 2 are
# the interview pass in every kata (the textbook answer reaches level 2), worth 30 and 20: such an
# answer earns the same 50 whichever kata it is. What lies beyond the textbook (exact arithmetic, a
# lock-free fast path, fairness) is worth the other 20, shared equally by the kata's levels above 2,
# so a kata with more of them does not weigh more in a grading of several. A kata with no level
# above 2 gives its levels all 70, in the pass's proportions.
CORRECTNESS_POINTS = 70
PASS_POINTS = (30, 20)
BEYOND_POINTS = CORRECTNESS_POINTS - sum(PASS_POINTS)
PERFORMANCE_POINTS = 30
# The learner's rows in a benchmark summary (grade.summarize_benchmark).
LEARNER = "learner"
# How a benchmark row's error starts when the body saw the class break its contract
# (benchmarks/support/protocol.h, kContractBroken; scoring_test checks they agree).
CONTRACT_BROKEN = "contract broken in the benchmark: "
# Matching the reference earns every performance point; beating it earns no more. "Matching" is
# within the run-to-run noise of the reference against itself: 5% on the development machine
# (docs/scoring.md, Calibration), so the reference graded as the learner gets full marks.
FULL_MARKS_RATIO = 0.95
# The kata's ratio is a weighted geometric mean over its workloads, each weighted by how well this
# run pinned the reference down there: the count of its repetitions over the variance of their log
# throughput (an inverse-variance mean: a workload whose runs swing 10x says less than one whose
# runs agree). A variance from a few repetitions is mostly chance, so it is pulled toward the kata's
# typical one as if SHRINK_RUNS more repetitions had shown that; and EXTRA_SPREAD squared is added,
# so no workload is trusted past a 20% spread a repetition however well its runs happened to agree
# (docs/scoring.md, Weights). Only the reference's runs decide this weight: the learner cannot move
# it off a workload it is slow on.
SHRINK_RUNS = 4
EXTRA_SPREAD = 0.2
# Where the ratio was taken within each benchmark process, the spread of those per-process log
# ratios says how well the run pinned the ratio down, and where the two took turns in one row
# (docs/benchmarks.md) it is often several times narrower than the reference's own repetitions'
# spread: a workload then weighs the larger of the two weights, the paired one with the same
# shrinking and this floor. The learner's rows can raise a weight that way (by agreeing with the
# reference's, process by process), never lower it below what the reference's repetitions set:
# noise a learner adds to a workload it is slow on moves no weight off it (docs/scoring.md,
# Weights).
PAIRED_EXTRA_SPREAD = 0.05


class Ratio(NamedTuple):
    center: float
    low: float
    high: float
    weight: float


def interquartile_mean(values: Iterable[float]) -> float:
    """The mean of the middle half of `values` (all of them when there are fewer than 4)."""
    values = sorted(values)
    middle = values[len(values) // 4: len(values) - len(values) // 4]
    return sum(middle) / len(middle)


def log_spread(values: list[float]) -> float:
    """The standard deviation of the natural log of `values` (0 for fewer than two)."""
    return statistics.stdev(math.log(v) for v in values) if len(values) > 1 else 0.0


def _shrunk_weights(samples: dict[str, tuple[int, float]],
                    extra_spread: float) -> dict[str, float]:
    """{workload: n / (v + extra_spread^2)} from {workload: (n, s^2)}, v being s^2 pulled toward the
    kata's median s^2 as if SHRINK_RUNS more samples had shown that."""
    typical = statistics.median(s2 for _, s2 in samples.values())
    shrunk = {w: ((n - 1) * s2 + SHRINK_RUNS * typical) / (n - 1 + SHRINK_RUNS)
              for w, (n, s2) in samples.items()}
    return {w: n / (shrunk[w] + extra_spread ** 2) for w, (n, _) in samples.items()}


def weights(pairs: dict[str, tuple[Json, Json]]) -> dict[str, float]:
    """{workload: weight} from each workload's (learner summary, reference summary): the reference's
    repetitions' weight, raised to the paired one where the per-process ratios pin the ratio down
    better (PAIRED_EXTRA_SPREAD); every weight 1 in a report from before spreads were recorded,
    where the workloads counted the same."""
    references = {w: ref for w, (_, ref) in pairs.items()}
    if not references or any("log_spread" not in ref for ref in references.values()):
        return {w: 1.0 for w in references}
    out = _shrunk_weights({w: (ref["runs"], ref["log_spread"] ** 2)
                           for w, ref in references.items()}, EXTRA_SPREAD)
    paired = {w: mine["paired_log_ratios"] for w, (mine, _) in pairs.items()
              if mine.get("paired_log_ratios")}
    if paired:
        samples = {w: (len(p), statistics.variance(p) if len(p) > 1 else 0.0)
                   for w, p in paired.items()}
        for w, weight in _shrunk_weights(samples, PAIRED_EXTRA_SPREAD).items():
            out[w] = max(out[w], weight)
    return out


def center(rates: Json) -> float:
    """The estimate of one implementation's throughput on a workload: the interquartile mean of
    its repetitions (docs/scoring.md, Calibration), or the median in a report from before it."""
    return float(rates.get("iqm", rates["median"]))


def ratio_to_reference(mine: Json, ref: Json) -> float:
    """One workload's throughput ratio of an implementation to the reference: the median over
    benchmark processes of the ratio within each (docs/scoring.md, Calibration), or the ratio of
    centers in a report from before processes were paired."""
    if mine.get("paired_log_ratios"):
        return math.exp(statistics.median(mine["paired_log_ratios"]))
    return center(mine) / center(ref)


def ratio_range(mine: Json, ref: Json) -> tuple[float, float]:
    """(lowest, highest) of the per-process ratios, or in a report from before processes were
    paired, slowest learner run / fastest reference run .. fastest / slowest."""
    if mine.get("paired_log_ratios"):
        return math.exp(min(mine["paired_log_ratios"])), math.exp(max(mine["paired_log_ratios"]))
    return mine["min"] / ref["max"], mine["max"] / ref["min"]


def ratios(benchmark: Json | None) -> dict[str, Ratio]:
    """{workload: Ratio} of learner / reference throughput: ratio_to_reference, ratio_range and the
    workload's weight."""
    pairs: dict[str, tuple[Json, Json]] = {}
    for workload, impls in (benchmark or {}).get("workloads", {}).items():
        mine, ref = impls.get(LEARNER), impls.get("reference")
        if mine and ref and center(ref) > 0 and ref["min"] > 0:
            pairs[workload] = (mine, ref)
    weight = weights(pairs)
    return {w: Ratio(ratio_to_reference(mine, ref), *ratio_range(mine, ref), weight[w])
            for w, (mine, ref) in pairs.items()}


def level_points(top: int) -> dict[int, int]:
    """{level: points} for a kata whose tests go up to level `top` (1 to top; {} for none): 30, 20,
    then BEYOND_POINTS split as evenly as whole points allow, the lower levels taking any odd
    point; with fewer than three levels, CORRECTNESS_POINTS in PASS_POINTS's proportions."""
    if top <= 0:
        return {}
    if top <= len(PASS_POINTS):
        shares = PASS_POINTS[:top]
        points = [CORRECTNESS_POINTS * p // sum(shares) for p in shares]
        points[0] += CORRECTNESS_POINTS - sum(points)
        return dict(enumerate(points, start=1))
    beyond = top - len(PASS_POINTS)
    each, odd = divmod(BEYOND_POINTS, beyond)
    points = list(PASS_POINTS) + [each + (i < odd) for i in range(beyond)]
    return dict(enumerate(points, start=1))


def level_reached(tests: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    levels = sorted({t["level"] for t in tests})
    reached = 0
    for level in levels:
        if all(t["passed"] for t in tests if t["level"] <= level):
            reached = level
        else:
            break
    return reached, (levels[-1] if levels else 0)


def score_ratio(benchmark: Json | None) -> tuple[float | None, dict[str, Ratio]]:
    """(the weighted geometric mean of the workloads' ratios, {workload: Ratio})."""
    found = ratios(benchmark)
    if not found:
        return None, {}
    shares = weight_shares(found)
    return math.exp(sum(shares[w] * math.log(r.center) for w, r in found.items())), found


def weight_shares(found: dict[str, Ratio]) -> dict[str, float]:
    """{workload: its share of the kata's ratio, 0 to 1} for ratios() `found`."""
    total = sum(r.weight for r in found.values())
    return {w: r.weight / total for w, r in found.items()}


def score(report: Mapping[str, Any]) -> Score:
    tests = report["tests"]
    reached, top = level_reached(tests)
    tampered = bool(report.get("tampering"))
    points = level_points(top)
    correctness = 0 if tampered else sum(points[level] for level in range(1, reached + 1))
    all_passed = bool(tests) and all(t["passed"] for t in tests) and not tampered
    performance, geomean, note = 0.0, None, None
    ratio, found = score_ratio(report.get("benchmark"))
    # A row of the learner's that stopped (it threw, or broke an invariant the benchmark checks)
    # takes every performance point: scoring the other workloads would let a header drop the ones
    # it is slow on.
    stopped = ((report.get("benchmark") or {}).get("errors") or {}).get(LEARNER)
    if stopped and stopped.startswith(CONTRACT_BROKEN):
        # The class measured is not a correct one: what the tests saw is not what ran.
        reached, correctness, all_passed = 0, 0, False
        note = f"no points: the {stopped} (the tests did not see it)"
    elif not all_passed:
        note = "no performance points until every test passes in every variant"
    elif stopped:
        note = f"no performance points: the benchmark stopped the learner's rows ({stopped})"
    elif not found:
        note = (report.get("benchmark") or {}).get("error") or "no benchmark results"
    else:
        assert ratio is not None  # score_ratio found ratios
        geomean = ratio
        performance = round(PERFORMANCE_POINTS * min(geomean / FULL_MARKS_RATIO, 1.0), 1)
    return {
        "level": reached,
        "max_level": top,
        "correctness": correctness,
        "correctness_max": sum(points.values()),
        "performance": performance,
        "performance_max": PERFORMANCE_POINTS,
        "ratio_geomean": round(geomean, 3) if geomean else None,
        "total": round(correctness + performance, 1),
        "passed": all_passed,
        "note": note,
    }
