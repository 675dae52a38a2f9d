#!/usr/bin/env python3
"""The learner's loop as the grader shows it (ctest: grader/progress, label harness): the status
line (tools/progress.py), on a terminal and in a log; the tests not run after a hang
(grade.not_run_after_hang) and how the scorecard counts them.
"""
import io
import os
import sys
import tempfile
import time
import typing
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import grade  # noqa: E402
import progress  # noqa: E402
import scorecard  # noqa: E402
import test_runner  # noqa: E402
from report_types import KataReport  # noqa: E402

WATCHDOG_OUTPUT = ("[ RUN      ] Liveness.L1_EveryPopWakesAWaitingProducer\nSEED: 7\n"
                   "WATCHDOG: Liveness.L1_EveryPopWakesAWaitingProducer: push() by producer 0 "
                   "blocked 2.0 s, with no progress anywhere\n")


class StatusTest(unittest.TestCase):
    def test_ninja_steps_read_as_what_was_built(self) -> None:
        self.assertEqual(progress.ninja_step(
            "[3/7] Building CXX object "
            "CMakeFiles/bounded_queue_kata_tsan.dir/Unity/unity_0_cxx.cxx.o\n"),
            "[3/7] compiled bounded_queue_kata_tsan")
        self.assertEqual(
            progress.ninja_step("[7/7] Linking CXX executable bounded_queue_kata_tsan"),
            "[7/7] linked bounded_queue_kata_tsan")
        self.assertIsNone(progress.ninja_step("katas/x.h:3:1: error: expected ';'"))
        self.assertIsNone(progress.ninja_step("[0/2] Re-checking globbed directories..."))
        # A variant's tests start the moment its binary is linked.
        self.assertEqual(
            progress.ninja_linked("[4/7] Linking CXX executable bounded_queue_kata_plain\n"),
            "bounded_queue_kata_plain")
        self.assertIsNone(progress.ninja_linked(
            "[3/7] Building CXX object "
            "CMakeFiles/bounded_queue_kata_plain.dir/Unity/unity_0_cxx.cxx.o"))

    def test_not_a_terminal_gets_plain_lines(self) -> None:
        out = io.StringIO()
        status = progress.Status(out, tty=False)
        status.set("plain tests", progress.tests_text(3, 58, 1))
        status.set("plain tests", progress.tests_text(4, 58, 1))  # within the interval: no line
        status.done("plain tests", "    plain: 57/58 passed")
        status.close()
        text = out.getvalue()
        self.assertNotIn("\033", text)
        self.assertNotIn("\r", text)
        self.assertEqual(text.splitlines(), ["    plain tests 3/58 done, 1 failed, 0 s",
                                             "    plain: 57/58 passed"])

    def test_a_terminal_gets_one_line_redrawn(self) -> None:
        out = io.StringIO()
        status = progress.Status(out, tty=True)
        status.set("build", "[1/4] compiled bounded_queue_kata_plain")
        status.set("plain tests", progress.tests_text(10, 58, 0))
        status.say("==> a stage")
        status.close()
        text = out.getvalue()
        self.assertIn("build [1/4] compiled bounded_queue_kata_plain, 0 s | plain tests 10/58 done",
                      text)
        self.assertIn("\r\033[K==> a stage\n", text, "a line that stays clears the status first")
        self.assertTrue(text.endswith("\r\033[K"), "closing leaves no status line behind")


class BuildTest(unittest.TestCase):
    """grade.build_targets with a stand-in cmake that prints ninja's lines, then compiles for ever
    (a sleeping child of its own, as ninja's compilers are)."""

    def test_each_link_is_told_and_a_stopped_build_ends_with_its_compilers(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            bin_dir = Path(tmp)
            pid_file = bin_dir / "compiler.pid"
            cmake = bin_dir / "cmake"
            cmake.write_text(f"""#!/usr/bin/env bash
sleep 600 &
echo $! > {pid_file}
echo '[1/3] Building CXX object CMakeFiles/k_kata_plain.dir/Unity/unity_0_cxx.cxx.o'
echo '[2/3] Linking CXX executable k_kata_plain'
wait
""")
            cmake.chmod(0o755)
            saved = os.environ["PATH"]
            os.environ["PATH"] = f"{bin_dir}:{saved}"
            build = grade.Build()
            linked = []

            def on_link(binary: str) -> None:
                linked.append(binary)
                build.stop()  # as build_and_test does once the sanitizer variants are not needed
            try:
                started = time.monotonic()
                error = grade.build_targets(bin_dir, ["k_kata_plain", "k_kata_asan"], 2, None,
                                            on_link, build)
            finally:
                os.environ["PATH"] = saved
            self.assertEqual(linked, ["k_kata_plain"])
            self.assertIsNone(error, "a build stopped on purpose is not a compiler error")
            self.assertLess(time.monotonic() - started, 60, "stop() ends the build")
            pid = int(pid_file.read_text())
            for _ in range(50):  # the compiler gets SIGTERM with its group; give it a moment
                stat = Path(f"/proc/{pid}/stat")
                if not stat.exists() or stat.read_text().split()[2] == "Z":
                    break
                time.sleep(0.1)
            else:
                self.fail(f"the stand-in compiler {pid} outlived the stopped build")


class NotRunAfterHangTest(unittest.TestCase):
    def test_a_hang_is_found_and_skips_its_level_and_above(self) -> None:
        hung = {"passed": False, "seconds": 2.0, "output": WATCHDOG_OUTPUT}
        self.assertEqual(grade.hang_level("bounded_queue",
                                          "Liveness.L1_EveryPopWakesAWaitingProducer", hung), 1)
        failed = {"passed": False, "seconds": 0.1, "output": "x.cc:3: Failure\nExpected 1\n"}
        self.assertIsNone(grade.hang_level("bounded_queue", "Contract.L2_X", failed))
        at_exit = {"passed": False, "seconds": 0.1, "output": "", "cause": test_runner.HUNG_AT_EXIT,
                   "ended": "the test passed, then the process did not exit"}
        self.assertIsNone(grade.hang_level("bounded_queue", "Contract.L2_X", at_exit),
                          "a hang at exit is test_runner's to handle")
        left = ["Contract.L1_A", "Threads/Concurrency.L2_B/p1", "Liveness.L3_C", "Contract.L2_D"]
        skipped = grade.not_run_after_hang("Liveness.L2_X", "plain", 2, left)
        self.assertEqual(sorted(skipped), ["Contract.L2_D", "Liveness.L3_C",
                                           "Threads/Concurrency.L2_B/p1"])
        self.assertIn("Liveness.L2_X hung in plain at level 2", skipped["Liveness.L3_C"])

    def test_a_test_not_run_is_reported_so_with_nothing_to_replay(self) -> None:
        why = grade.not_run_after_hang("Liveness.L1_H", "plain", 1, ["Contract.L1_A"])
        verdicts = {"tsan": {"Contract.L1_A": test_runner.not_run(why["Contract.L1_A"])}}
        [entry] = grade.grade_tests("bounded_queue", {"tsan": ["Contract.L1_A"]}, {"tsan": False},
                                    verdicts,
                                    Path("build"), {"tsan": "bounded_queue_kata_tsan"})
        self.assertFalse(entry["passed"])
        self.assertEqual(entry["failure"]["kind"], "missing")
        self.assertTrue(entry["failure"]["not_run"])
        self.assertIn("Liveness.L1_H hung in plain", entry["failure"]["detail"])
        self.assertNotIn("replay", entry["failure"])
        self.assertNotIn("seed", entry["failure"])

    def test_the_scorecard_counts_them_apart_and_lists_only_the_hang(self) -> None:
        why = grade.not_run_after_hang("Liveness.L1_H", "plain", 1, ["Contract.L1_A"])
        tests = [{"name": "Liveness.L1_H", "variant": "plain", "category": "Liveness", "level": 1,
                  "passed": False, "failure": {"kind": "hang", "detail": "push() blocked"}}]
        for variant in ("plain", "tsan", "asan"):
            tests.append({"name": "Contract.L1_A", "variant": variant, "category": "Contract",
                          "level": 1, "passed": False,
                          "failure": {"kind": "missing", "detail": why["Contract.L1_A"],
                                      "not_run": True}})
        report = {"kata": "bounded_queue", "tests": tests, "build": {"first_error": None},
                  "score": {"level": 0, "max_level": 3, "total": 0, "correctness": 0,
                            "correctness_max": 70, "performance": 0, "performance_max": 30,
                            "passed": False, "note": None}}
        text = "\n".join(scorecard.render_kata(typing.cast(KataReport, report)))
        self.assertIn("3 tests (plain 1, tsan 1, asan 1) not run: Liveness.L1_H hung in plain",
                      text)
        self.assertIn("Liveness.L1_H [plain] hang", text)
        self.assertNotIn("Contract.L1_A [", text, "a test not run is not a failure to read")


if __name__ == "__main__":
    unittest.main()
