#!/usr/bin/env python3
"""tools/scoring.py on made-up results (ctest: grader/scoring, label harness): the correctness
points of each level in a kata of 1 to 6 levels (docs/scoring.md, Correctness), and the performance
ratio on made-up benchmark summaries: how workloads are weighted (docs/scoring.md, Performance),
that nothing the learner's rows do can move a weight, and that a ratio is taken within each
benchmark process (grade.summarize_benchmark), so what slowed a whole process cancels out, also
when the two ran in turns in one row."""
import math
import re
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import grade  # noqa: E402
import scoring  # noqa: E402
from scoring import Json  # noqa: E402


def row(center: float, spread: float, runs: int = 10) -> Json:
    """A summary as grade.summarize_benchmark writes it, of `runs` repetitions around `center`."""
    return {"iqm": center, "median": center, "min": center / math.exp(2 * spread),
            "max": center * math.exp(2 * spread), "runs": runs, "log_spread": spread}


def bench(**workloads: tuple[Json, Json]) -> Json:
    """{name: (learner row, reference row)} -> a benchmark summary."""
    return {"unit": "items_per_second",
            "workloads": {w: {"learner": mine, "reference": ref}
                          for w, (mine, ref) in workloads.items()}}


def ratio_of(benchmark: Json) -> tuple[float, dict[str, scoring.Ratio]]:
    """scoring.score_ratio of `benchmark`, which has a ratio."""
    ratio, found = scoring.score_ratio(benchmark)
    assert ratio is not None, f"no ratio in {benchmark}"
    return ratio, found


class Weights(unittest.TestCase):
    def test_a_swinging_workload_counts_for_less_than_a_steady_one(self) -> None:
        steady = (row(90, 0.05), row(100, 0.05))
        ratio, found = ratio_of(bench(steady=steady, steady2=steady, steady3=steady,
                                      swinging=(row(200, 1.0), row(100, 1.0))))
        self.assertGreater(found["steady"].weight, 10 * found["swinging"].weight)
        self.assertLess(ratio, 1.0)  # the steady workload's 0.9 decides, not the swinging 2.0

    def test_equal_spreads_give_the_plain_geometric_mean(self) -> None:
        ratio, _ = ratio_of(bench(a=(row(80, 0.2), row(100, 0.2)),
                                  b=(row(125, 0.2), row(100, 0.2))))
        self.assertAlmostEqual(ratio, math.sqrt(0.8 * 1.25))

    def test_the_learners_spread_across_processes_moves_no_weight(self) -> None:
        quiet = bench(a=(row(50, 0.05), row(100, 0.05)), b=(row(100, 0.05), row(100, 0.05)))
        noisy = bench(a=(row(50, 2.0), row(100, 0.05)), b=(row(100, 0.05), row(100, 0.05)))
        self.assertAlmostEqual(ratio_of(quiet)[0], ratio_of(noisy)[0])

    def test_no_workload_takes_the_whole_score_because_its_runs_agreed(self) -> None:
        _, found = ratio_of(bench(exact=(row(100, 0.0), row(100, 0.0)),
                                  usual=(row(100, 0.2), row(100, 0.2))))
        shares = scoring.weight_shares(found)
        self.assertLess(shares["exact"], 0.75)

    def test_a_spread_from_three_runs_is_pulled_toward_the_katas_typical_one(self) -> None:
        few = {"lucky": row(100, 0.01, runs=3), "a": row(100, 0.5), "b": row(100, 0.5),
               "c": row(100, 0.5)}
        unshrunk = 3 / (0.01 ** 2 + scoring.EXTRA_SPREAD ** 2)
        self.assertLess(scoring.weights({w: ({}, ref) for w, ref in few.items()})["lucky"],
                        unshrunk / 2)

    def test_per_process_ratios_that_agree_raise_a_weight(self) -> None:
        ref = row(100, 0.5)
        agreeing = dict(row(100, 0.5), paired_log_ratios=[0.01, -0.01, 0.0, 0.02, -0.02])
        noisy = dict(row(100, 0.5), paired_log_ratios=[0.5, -0.5, 0.0, 0.6, -0.6])
        found = scoring.ratios(bench(turns=(agreeing, ref), turns2=(agreeing, ref),
                                     turns3=(agreeing, ref), alone=(noisy, ref),
                                     plain=(row(100, 0.5), ref)))
        self.assertGreater(found["turns"].weight, 3 * found["plain"].weight)
        self.assertEqual(found["alone"].weight, found["plain"].weight)

    def test_a_noisy_learner_lowers_no_weight_below_the_references(self) -> None:
        # Slow (0.5) on workload "slow"; gaming, also erratic there from process to process.
        ref = row(100, 0.3)
        fast = (dict(row(100, 0.3), paired_log_ratios=[0.0] * 5), ref)
        steady = [math.log(0.5)] * 5
        erratic = [math.log(0.5) + d for d in (1.5, -1.5, 0.0, 1.4, -1.4)]
        honest = bench(slow=(dict(row(50, 0.3), paired_log_ratios=steady), ref), fast=fast)
        gaming = bench(slow=(dict(row(50, 0.3), paired_log_ratios=erratic), ref), fast=fast)
        references_only = scoring.weights({"slow": ({}, ref), "fast": ({}, ref)})
        self.assertGreaterEqual(scoring.ratios(gaming)["slow"].weight, references_only["slow"])
        self.assertLessEqual(ratio_of(gaming)[0], ratio_of(honest)[0] + 1e-9)


def rows(process: int, impl: str, *rates: float,
         workload: str = "BM_Put<{}>/threads:2") -> list[Json]:
    """Google Benchmark iteration rows of one implementation in one benchmark process."""
    return [{"name": workload.format(impl), "run_type": "iteration", "items_per_second": rate,
             "process": process} for rate in rates]


class Pairing(unittest.TestCase):
    def test_a_slow_process_slows_both_and_cancels_out(self) -> None:
        # The same code; process 1 ran at half speed throughout (another job on the machine).
        data = {"benchmarks": rows(0, "learner", 100, 100) + rows(0, "reference", 100, 100)
                + rows(1, "learner", 50, 50) + rows(1, "reference", 50, 50)
                + rows(2, "reference", 100, 100) + rows(2, "learner", 50, 50)}
        summary = grade.summarize_benchmark(data)
        pairs = summary["workloads"]["BM_Put/threads:2"]["learner"]["paired_log_ratios"]
        self.assertEqual(len(pairs), 3)
        self.assertAlmostEqual(pairs[1], 0.0)
        self.assertAlmostEqual(pairs[2], math.log(0.5), places=5)
        # The median of the per-process ratios: 1, not the 0.71 of the pooled repetitions' centers.
        self.assertAlmostEqual(ratio_of(summary)[0], 1.0)

    def test_the_ratio_is_the_median_of_the_processes(self) -> None:
        mine = dict(row(100, 0.1), paired_log_ratios=[0.0, math.log(0.9), math.log(0.9),
                                                      math.log(0.9), math.log(3.0)])
        ratio, _ = ratio_of(bench(w=(mine, row(100, 0.1))))
        self.assertAlmostEqual(ratio, 0.9)

    def test_the_range_shown_is_the_processes(self) -> None:
        mine = dict(row(100, 1.0), paired_log_ratios=[math.log(0.9), 0.0, math.log(1.2)])
        found = scoring.ratios(bench(w=(mine, row(100, 1.0))))["w"]
        self.assertAlmostEqual(found.low, 0.9)
        self.assertAlmostEqual(found.high, 1.2)

    def test_rows_without_a_process_are_scored_on_their_centers(self) -> None:
        data = {"benchmarks": [{k: v for k, v in r.items() if k != "process"}
                               for r in rows(0, "learner", 80, 80)
                               + rows(0, "reference", 100, 100)]}
        summary = grade.summarize_benchmark(data)
        self.assertNotIn("paired_log_ratios", summary["workloads"]["BM_Put/threads:2"]["learner"])
        self.assertAlmostEqual(ratio_of(summary)[0], 0.8)


def in_turns(process: int, *pairs: tuple[float, float],
             workload: str = "BM_Mix<learner, reference>/iterations:1/threads:1") -> list[Json]:
    """Rows of bench::for_window with two objects: the learner and the reference in turns."""
    return [{"name": workload, "run_type": "iteration", "first_items_per_second": mine,
             "second_items_per_second": ref, "process": process} for mine, ref in pairs]


class InTurns(unittest.TestCase):
    def test_a_row_of_the_two_in_turns_is_a_row_of_each(self) -> None:
        data = {"benchmarks": in_turns(0, (90, 100), (90, 100)) + in_turns(1, (45, 50), (45, 50))}
        summary = grade.summarize_benchmark(data)
        self.assertEqual(list(summary["workloads"]), ["BM_Mix/threads:1"])
        impls = summary["workloads"]["BM_Mix/threads:1"]
        self.assertEqual(impls["reference"]["runs"], 4)
        self.assertAlmostEqual(impls["reference"]["max"], 100)
        self.assertEqual([round(x, 5) for x in impls["learner"]["paired_log_ratios"]],
                         [round(math.log(0.9), 5)] * 2)
        self.assertAlmostEqual(ratio_of(summary)[0], 0.9, places=5)

    def test_an_error_in_turns_is_the_learners(self) -> None:
        row_ = dict(in_turns(0, (1, 1))[0], error_occurred=True, error_message="not implemented: X")
        summary = grade.summarize_benchmark({"benchmarks": [row_]})
        self.assertEqual(summary["errors"], {"learner": "not implemented: X"})
        self.assertEqual(summary["workloads"], {})

    def test_one_process_per_workload_whichever_way_its_rows_run(self) -> None:
        listed = ["BM_Mix<learner, reference>/read_pct:99/iterations:1/real_time/threads:2",
                  "BM_Mix<learner>/read_pct:99/iterations:1/real_time/threads:4",
                  "BM_Mix<reference>/read_pct:99/iterations:1/real_time/threads:4",
                  "BM_Mix<std_mutex>/read_pct:99/iterations:1/real_time/threads:2",
                  "BM_Mix<std_mutex>/read_pct:99/iterations:1/real_time/threads:4"]
        with tempfile.TemporaryDirectory() as tmp:
            binary = Path(tmp) / "bench"
            binary.write_text("#!/bin/sh\ncat <<'EOF'\n" + "\n".join(listed) + "\nEOF\n")
            binary.chmod(0o755)
            for peers, expected in ((False, [[0], [1, 2]]), (True, [[0, 3], [1, 2, 4]])):
                filters, error = grade._workload_filters(binary, peers)
                self.assertIsNone(error)
                # Google Benchmark's filters are POSIX extended expressions; these need no more.
                self.assertEqual([[i for i, name in enumerate(listed) if re.search(f, name)]
                                  for f in filters], expected)


def graded(passed_by_level: dict[int, bool]) -> Json:
    """A report of one test per level, {level: passed}, with no benchmark."""
    return {"tests": [{"name": f"Contract.L{level}_X", "variant": "plain", "category": "Contract",
                       "level": level, "passed": passed}
                      for level, passed in passed_by_level.items()], "tampering": []}


class Levels(unittest.TestCase):
    """Correctness points by level (docs/scoring.md, Correctness)."""

    def test_every_kata_is_out_of_70_whatever_its_level_count(self) -> None:
        for top in range(1, 7):
            self.assertEqual(sum(scoring.level_points(top).values()), 70, top)

    def test_three_levels_keep_30_20_20_and_four_split_the_top_20(self) -> None:
        self.assertEqual(scoring.level_points(3), {1: 30, 2: 20, 3: 20})
        self.assertEqual(scoring.level_points(4), {1: 30, 2: 20, 3: 10, 4: 10})

    def test_the_interview_pass_earns_50_in_a_kata_of_3_or_4_levels(self) -> None:
        for top in (3, 4):
            levels = {level: level <= 2 for level in range(1, top + 1)}
            score = scoring.score(graded(levels))
            self.assertEqual((score["level"], score["max_level"]), (2, top))
            self.assertEqual((score["correctness"], score["correctness_max"]), (50, 70))

    def test_level_4_reached_is_full_correctness(self) -> None:
        score = scoring.score(graded({1: True, 2: True, 3: True, 4: True}))
        self.assertEqual((score["level"], score["correctness"]), (4, 70))
        score = scoring.score(graded({1: True, 2: True, 3: True, 4: False}))
        self.assertEqual((score["level"], score["correctness"]), (3, 60))

    def test_a_level_is_reached_only_with_every_level_below_it(self) -> None:
        score = scoring.score(graded({1: True, 2: False, 3: True, 4: True}))
        self.assertEqual((score["level"], score["correctness"]), (1, 30))


class Performance(unittest.TestCase):
    def report(self, ratio: float) -> Json:
        test = {"name": "Contract.L1_X", "variant": "plain", "category": "Contract", "level": 1,
                "passed": True}
        return {"tests": [test], "tampering": [],
                "benchmark": bench(w=(row(100 * ratio, 0.1), row(100, 0.1)))}

    def test_full_marks_from_0_95_and_nothing_more_above(self) -> None:
        self.assertEqual(scoring.score(self.report(0.95))["performance"], 30)
        self.assertEqual(scoring.score(self.report(1.5))["performance"], 30)
        self.assertEqual(scoring.score(self.report(0.475))["performance"], 15)

    def test_a_learners_row_that_stopped_takes_every_performance_point(self) -> None:
        report = self.report(1.5)  # the workloads that did run were fast
        report["benchmark"]["errors"] = {"learner": "threw: a reader saw a write half done"}
        score = scoring.score(report)
        self.assertEqual(score["performance"], 0)
        self.assertIn("a reader saw a write half done", score["note"] or "")
        # a peer's error is not the learner's
        report["benchmark"]["errors"] = {"std_mutex": "threw: x"}
        self.assertEqual(scoring.score(report)["performance"], 30)

    def test_a_contract_broken_in_the_benchmark_scores_0(self) -> None:
        report = self.report(1.5)
        report["benchmark"]["errors"] = {
            "learner": scoring.CONTRACT_BROKEN + "a reader saw a write half done"}
        score = scoring.score(report)
        self.assertEqual((score["total"], score["level"], score["passed"]), (0, 0, False))
        self.assertIn("a reader saw a write half done", score["note"] or "")

    def test_a_stopped_benchmark_keeps_the_broken_contracts_it_saw(self) -> None:
        # One process stopped the learner's rows (a torn read), the next one hung: the hang must
        # not throw the first away, and nothing of the workloads that ran is scored.
        data = {"benchmarks": [{"name": "BM_Mix<learner, reference>/threads:1",
                                "run_type": "iteration", "error_occurred": True,
                                "error_message": scoring.CONTRACT_BROKEN + "a torn read"}]}
        stopped = grade._stopped(data, "a failure", hung=False)
        self.assertEqual(stopped["workloads"], {})
        self.assertEqual(stopped["errors"]["learner"], scoring.CONTRACT_BROKEN + "a torn read")
        report = self.report(1.5)
        report["benchmark"] = stopped
        self.assertEqual(scoring.score(report)["total"], 0)

    def test_a_benchmark_process_that_never_finished_is_a_broken_contract(self) -> None:
        hung = grade._hung("^BM_Mix<(learner|reference)>/threads:8$")
        stopped = grade._stopped(None, hung, hung=True)
        self.assertTrue(stopped["errors"]["learner"].startswith(scoring.CONTRACT_BROKEN))
        report = self.report(1.5)
        report["benchmark"] = stopped
        self.assertEqual(scoring.score(report)["total"], 0)
        # Any other failure to run only takes the performance points.
        report["benchmark"] = grade._stopped(None, "the benchmark wrote no results", hung=False)
        self.assertEqual(scoring.score(report)["total"], 70)

    def test_the_benchmark_and_the_grader_spell_a_broken_contract_alike(self) -> None:
        protocol_h = Path(__file__).resolve().parents[2] / "benchmarks/support/protocol.h"
        bench_h = protocol_h.read_text()
        self.assertIn(f'kContractBroken[] = "{scoring.CONTRACT_BROKEN}";', bench_h)


if __name__ == "__main__":
    unittest.main()
