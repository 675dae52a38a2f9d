#!/usr/bin/env python3
"""tools/test_runner.py against a fake test binary (ctest: grader/test_runner, label harness).

The fake speaks just enough gtest (`[ RUN ]` / `[ OK ]` / `[ FAILED ]` lines, an XML report at
the end, exit status 1 when a test failed) and does to each test what its name says, so every way
a process can end is tried without compiling anything: each case checks which tests pass, what
ended the failing one, and how many processes the run took. Every case runs twice: without a
sandbox, and in the grader's sandbox (tools/sandbox.py), where the fake also tries what the
sandbox must stop and name: writing into the project, leaving a process behind, the network.
Run whole, each case runs in a process of its own, several at once (their waits overlap);
named (`test_runner_test.py Class.test_name`), in this process.
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import typing
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import sandbox  # noqa: E402
import sandbox_init  # noqa: E402
import test_runner  # noqa: E402
from report_types import Document  # noqa: E402
from test_runner import Verdict  # noqa: E402

FAKE = r'''#!PYTHON
import os, socket, sys, time
tests = next(a for a in sys.argv if a.startswith("--gtest_filter="))[15:].split(":")
xml = next(a for a in sys.argv if a.startswith("--gtest_output=xml:"))[19:]
here = os.path.dirname(os.path.abspath(sys.argv[0]))


def write_xml(failed):
    with open(xml, "w") as f:
        f.write("<testsuites>")
        for t in tests:
            suite, name = t.split(".")
            body = "<failure message='x'/>" if t in failed else ""
            f.write("<testcase classname='%s' name='%s' status='run' result='completed' "
                    "time='0.001'>%s</testcase>" % (suite, name, body))
        f.write("</testsuites>")


if any(t.endswith("exit_at_startup") for t in tests):  # as a header's static initialiser would
    sys.exit(0)
if any(t.endswith("forgexml") for t in tests):  # writes gtest's report itself, all passed
    write_xml([])
    sys.exit(0)
if any(t.endswith("diesinrepetition") for t in tests):  # the sched variant's budget, as gtest
    # repeats: every test passes the first schedule, the report written; the second ends the
    # process at that test with a verdict (its report stays the first repetition's).
    for iteration in (1, 2):
        print("\nRepeating all tests (iteration %d) . . .\n" % iteration, flush=True)
        for t in tests:
            print("[ RUN      ] " + t, flush=True)
            if iteration == 2 and t.endswith("diesinrepetition"):
                print("SCHED: %s: every test thread is blocked" % t, flush=True)
                print("[  FAILED  ] %s (SCHED)" % t, flush=True)
                os._exit(3)
            print("[       OK ] %s (1 ms)" % t, flush=True)
        print("[==========] %d tests from 1 test suite ran. (1 ms total)" % len(tests), flush=True)
        write_xml([])
    sys.exit(0)
failed, leak = [], False
for t in tests:
    print("[ RUN      ] " + t, flush=True)
    what = t.rsplit("_", 1)[-1]
    if what in ("fail", "rewritexml"):
        print("fake.cc:1: Failure\nExpected: 1 == 2", flush=True)
        print("[  FAILED  ] %s (1 ms)" % t, flush=True)
        failed.append(t)
        continue
    if what == "crash":
        os.kill(os.getpid(), 11)
    if what == "exit0":
        os._exit(0)
    if what == "forgedok":
        print("[       OK ] %s (1 ms)" % t, flush=True)
        os._exit(0)
    if what == "hang":
        time.sleep(3600)
    if what == "leak":
        leak = True
    if what == "writeproject":
        try:
            with open(os.path.join(here, "written-by-the-test"), "w") as f:
                f.write("x")
        except OSError:
            pass
    if what == "endingchild" and os.fork() == 0:  # as a sanitizer's symbolizer: ends just after
        time.sleep(0.3)
        os._exit(0)
    if what == "leaveprocess" and os.fork() == 0:
        os.setsid()
        time.sleep(float(os.environ["KATA_FAKE_LINGER"]))
        with open(os.path.join(here, "written-by-a-process-left-behind"), "w") as f:
            f.write("x")
        os._exit(0)
    if what == "environment" and ("FAKE_SECRET_TOKEN" in os.environ
                                  or os.environ.get("KATA_FAKE_SEED") != "7"):
        print("fake.cc:1: Failure\nthe environment: %s" % sorted(os.environ), flush=True)
        print("[  FAILED  ] %s (1 ms)" % t, flush=True)
        failed.append(t)
        continue
    if what == "network":
        try:
            socket.create_connection(("127.0.0.1", int(os.environ["KATA_FAKE_PORT"])), 1).send(b"x")
        except OSError:
            pass
    print("[       OK ] %s (1 ms)" % t, flush=True)
print("[==========] %d tests ran." % len(tests), flush=True)
write_xml(failed)
if any(t.endswith("rewritexml") for t in tests):  # at exit: the report rewritten, all passed
    write_xml([])
    sys.exit(0)
if any(t.endswith("hangatexit") for t in tests):  # a static destructor that never returns
    time.sleep(3600)
if leak:
    print("ERROR: LeakSanitizer: detected memory leaks", flush=True)
    sys.exit(23)
sys.exit(1 if failed else 0)
'''.replace("PYTHON", sys.executable)


class RunSuiteTest(unittest.TestCase):
    sandboxed = False

    def setUp(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.work = Path(self.dir.name)
        self.binary = self.work / "fake_test"
        self.binary.write_text(FAKE)
        self.binary.chmod(0o755)
        self.box = None
        if self.sandboxed:
            self.box = sandbox.probe(self.work, [str(self.work)])
            self.assertTrue(self.box.active and self.box.writes_named,
                            f"the sandbox does not start here: {self.box.describe()}")

    def tearDown(self) -> None:
        self.dir.cleanup()

    def run_suite(self, *names: str) -> dict[str, Verdict]:
        tests = [f"Fake.L1_{name}" for name in names]
        suite = test_runner.run_suite(self.binary, tests, self.work / "runs", box=self.box)
        self.assertEqual(sorted(suite.verdicts), sorted(tests), "every test gets a verdict")
        self.processes = len(list((self.work / "runs").glob("round-*.log")))
        self.findings = suite.findings
        return {name.split("_", 1)[1]: v for name, v in suite.verdicts.items()}

    def assert_passed(self, verdicts: dict[str, Verdict], *names: str) -> None:
        for name in names:
            self.assertTrue(verdicts[name]["passed"], f"{name}: {verdicts[name]}")

    def assert_failed(self, verdict: Verdict, ended: str | None = None, output: str | None = None,
                      cause: str | None = None) -> None:
        self.assertFalse(verdict["passed"], verdict)
        if ended:
            self.assertIn(ended, verdict.get("ended", ""), verdict)
            self.assertEqual(verdict.get("cause"), cause, verdict)
        if output:
            self.assertIn(output, verdict["output"], verdict)

    def assert_finding(self, *words: str) -> None:
        self.assertTrue(any(all(w in f for w in words) for f in self.findings),
                        f"no finding with {words}: {self.findings}")

    def test_a_passing_suite_takes_one_process(self) -> None:
        verdicts = self.run_suite("a_pass", "b_pass", "c_pass")
        self.assert_passed(verdicts, "a_pass", "b_pass", "c_pass")
        self.assertEqual(self.processes, 1)
        self.assertEqual(self.findings, [])

    def test_a_failed_assertion_is_that_tests_and_the_run_goes_on(self) -> None:
        verdicts = self.run_suite("a_pass", "b_fail", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_fail"], output="Expected: 1 == 2")
        self.assertNotIn("cause", verdicts["b_fail"])
        self.assertEqual(self.processes, 1)
        self.assertEqual(self.findings, [])

    def test_a_crash_is_the_running_tests_and_the_rest_run_again(self) -> None:
        verdicts = self.run_suite("a_pass", "b_crash", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_crash"], ended="killed by signal 11",
                           cause=test_runner.DIED)
        self.assertEqual(self.processes, 2)

    def test_a_verdict_in_a_later_repetition_fails_its_test_and_forges_nothing(self) -> None:
        # The report is the first repetition's, in which the test passed: not gtest's last word,
        # and not a forgery either. The others passed both repetitions they ran.
        verdicts = self.run_suite("a_pass", "b_diesinrepetition", "c_pass")
        self.assert_failed(verdicts["b_diesinrepetition"], output="every test thread is blocked")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assertEqual(self.findings, [])

    def test_exit_0_in_a_test_does_not_pass_it(self) -> None:
        verdicts = self.run_suite("a_pass", "b_exit0", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_exit0"], ended="exited 0 in the middle of this test",
                           cause=test_runner.EXIT_0)

    def test_a_forged_ok_line_does_not_pass_a_test(self) -> None:
        verdicts = self.run_suite("a_pass", "b_forgedok", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_forgedok"], ended="exited 0 before gtest reported",
                           cause=test_runner.EXIT_0)

    def test_a_failure_after_the_report_is_found_by_running_each_test_alone(self) -> None:
        verdicts = self.run_suite("a_pass", "b_leak", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_leak"], ended="then the process exited with status 23",
                           output="LeakSanitizer", cause=test_runner.DIED)

    def test_tests_to_skip_are_not_run_and_a_verdict_can_skip_the_rest(self) -> None:
        # As the grader does after a hang: the tests of its level and above are not run.
        tests = ["Fake.L1_a_pass", "Fake.L1_b_crash", "Fake.L2_c_pass", "Fake.L1_d_pass",
                 "Fake.L1_e_pass"]
        shown: list[tuple[int, int]] = []

        def after(name: str, verdict: Verdict, left: list[str]) -> dict[str, str]:
            return {} if verdict["passed"] else {t: f"after {name}" for t in left if ".L2_" in t}
        suite = test_runner.run_suite(self.binary, tests, self.work / "runs", box=self.box,
                                      on_progress=lambda done, failed: shown.append((done, failed)),
                                      skip={"Fake.L1_e_pass": "told not to"}, skip_after=after)
        verdicts = suite.verdicts
        self.assertEqual(sorted(verdicts), sorted(tests))
        self.assert_passed({n: verdicts[f"Fake.L1_{n}"] for n in ("a_pass", "d_pass")},
                           "a_pass", "d_pass")
        self.assert_failed(verdicts["Fake.L1_b_crash"], cause=test_runner.DIED,
                           ended="killed by signal 11")
        self.assert_failed(verdicts["Fake.L2_c_pass"], cause=test_runner.SKIPPED,
                           ended="after Fake.L1_b_crash")
        self.assert_failed(verdicts["Fake.L1_e_pass"], cause=test_runner.SKIPPED,
                           ended="told not to")
        logs = "".join(log.read_text() for log in (self.work / "runs").glob("round-*.log"))
        self.assertNotIn("e_pass", logs, "a test to skip never runs")
        self.assertNotIn("c_pass", logs, "the process died before it; then it was skipped")
        self.assertEqual(shown[-1], (5, 1), f"the last progress: 5 done, 1 failed (2 not run): "
                                            f"{shown}")

    def short_exit_grace(self, *names: str) -> dict[str, Verdict]:
        saved = test_runner.EXIT_GRACE
        test_runner.EXIT_GRACE = 2
        try:
            return self.run_suite(*names)
        finally:
            test_runner.EXIT_GRACE = saved

    def test_a_hang_at_exit_is_killed_after_the_grace_and_found_by_running_each_test_alone(
            self) -> None:
        started = time.monotonic()
        verdicts = self.short_exit_grace("a_pass", "b_hangatexit", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_hangatexit"], ended="did not exit within 2 s",
                           cause=test_runner.HUNG_AT_EXIT)
        self.assertEqual(self.processes, 4)
        # Two processes hang for the grace, not for TEST_TIMEOUT (120 s).
        self.assertLess(time.monotonic() - started, test_runner.TEST_TIMEOUT)

    def test_a_hang_at_exit_of_every_process_is_not_run_alone_for_every_test(self) -> None:
        names = [f"{letter}_hangatexit" for letter in "abcdef"]
        verdicts = self.short_exit_grace(*names)
        for name in names:
            self.assert_failed(verdicts[name], ended="did not exit within 2 s",
                               cause=test_runner.HUNG_AT_EXIT)
        # The suite's process, then ALONE_HANGS_AT_EXIT tests alone; the rest decided by them.
        self.assertEqual(self.processes, 1 + test_runner.ALONE_HANGS_AT_EXIT)
        self.assertIn("not run alone", verdicts["f_hangatexit"]["ended"])

    def test_exit_at_startup_leaves_every_test_unrun(self) -> None:
        verdicts = self.run_suite("a_exit_at_startup", "b_exit_at_startup")
        for verdict in verdicts.values():
            self.assert_failed(verdict, ended="without running this test",
                               cause=test_runner.NOT_RUN)

    def test_a_hang_is_killed_after_the_timeout_and_named(self) -> None:
        # Long enough for the fake (an interpreter, in a sandbox) to start on a loaded machine:
        # the clock runs from the process's start until its first `[ RUN ]`.
        saved = test_runner.TEST_TIMEOUT
        test_runner.TEST_TIMEOUT = 5
        try:
            verdicts = self.run_suite("a_pass", "b_hang", "c_pass")
        finally:
            test_runner.TEST_TIMEOUT = saved
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_hang"], ended="did not finish in 5 s and was killed",
                           cause=test_runner.TIMEOUT)

    def test_an_xml_report_written_at_startup_passes_nothing_and_is_named(self) -> None:
        verdicts = self.run_suite("a_forgexml", "b_pass")
        self.assert_failed(verdicts["a_forgexml"], ended="without running this test",
                           cause=test_runner.NOT_RUN)
        self.assert_finding("XML report is not gtest's", "it says 2 test(s) ran",
                            "shows 0 started")

    def test_an_xml_report_rewritten_at_exit_passes_nothing_and_is_named(self) -> None:
        verdicts = self.run_suite("a_pass", "b_rewritexml")
        self.assert_failed(verdicts["b_rewritexml"], output="Expected: 1 == 2")
        self.assert_passed(verdicts, "a_pass")
        self.assert_finding("XML report is not gtest's", "it says 2 test(s) passed",
                            "the output shows 1")


class SandboxedRunSuiteTest(RunSuiteTest):
    """The same, each process in the sandbox; and what only the sandbox stops."""
    sandboxed = True

    def test_a_write_into_the_project_fails_and_is_named(self) -> None:
        verdicts = self.run_suite("a_pass", "b_writeproject")
        self.assert_passed(verdicts, "a_pass", "b_writeproject")
        self.assertFalse((self.work / "written-by-the-test").exists(), "the write reached the tree")
        self.assert_finding("wrote", "written-by-the-test", "discarded")

    def test_a_process_left_behind_ends_with_the_test_and_is_named(self) -> None:
        # It waits longer than the sandbox lets a process end on its own after the test's.
        linger = sandbox_init.GRACE + 1
        os.environ["KATA_FAKE_LINGER"] = str(linger)
        try:
            verdicts = self.run_suite("a_leaveprocess", "b_pass")
        finally:
            del os.environ["KATA_FAKE_LINGER"]
        self.assert_passed(verdicts, "a_leaveprocess", "b_pass")
        self.assert_finding("left 1 process(es) running", "fake_test")
        time.sleep(linger + 1)  # past the time the process waits before it writes
        self.assertFalse((self.work / "written-by-a-process-left-behind").exists(),
                         "the process left behind outlived the test")

    def test_a_process_that_ends_just_after_the_test_is_not_left_behind(self) -> None:
        verdicts = self.run_suite("a_endingchild")
        self.assert_passed(verdicts, "a_endingchild")
        self.assertEqual(self.findings, [])

    def test_the_grader_environment_stays_out_but_the_harness_variables(self) -> None:
        os.environ.update(FAKE_SECRET_TOKEN="hunter2", KATA_FAKE_SEED="7")
        try:
            verdicts = self.run_suite("a_environment")
        finally:
            del os.environ["FAKE_SECRET_TOKEN"], os.environ["KATA_FAKE_SEED"]
        self.assert_passed(verdicts, "a_environment")

    def test_the_network_is_unreachable_and_its_use_is_named(self) -> None:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(5)
        accepted = []

        def accept() -> None:
            try:
                accepted.append(listener.accept())
            except OSError:
                pass
        thread = threading.Thread(target=accept)
        thread.start()
        os.environ["KATA_FAKE_PORT"] = str(listener.getsockname()[1])
        try:
            verdicts = self.run_suite("a_network")
        finally:
            del os.environ["KATA_FAKE_PORT"]
            listener.close()
            thread.join()
        self.assert_passed(verdicts, "a_network")
        self.assertEqual(accepted, [], "the test process reached the grader's machine")
        self.assert_finding("tried to use the network", "Tcp:ActiveOpens 1")


class WithoutTheSandboxTest(unittest.TestCase):
    """Where bubblewrap cannot start: the probe, the scorecard and the grader say so plainly."""

    def test_without_bubblewrap_the_probe_says_so(self) -> None:
        saved = os.environ["PATH"]
        os.environ["PATH"] = "/nonexistent"
        try:
            box = sandbox.probe("/", [])
        finally:
            os.environ["PATH"] = saved
        self.assertFalse(box.active)
        self.assertIn("bwrap is not installed", box.problem or "")
        self.assertEqual(box.describe()["problem"], box.problem)
        self.assertFalse(box.describe()["isolated"])

    def test_the_scorecard_says_not_sandboxed_first(self) -> None:
        import scorecard
        box = sandbox.unsandboxed("/", "bwrap is not installed")
        document = {"katas": [], "sandbox": box.describe()}
        first = scorecard.render(typing.cast(Document, document), color=False).splitlines()[0]
        self.assertIn("NOT SANDBOXED: bwrap is not installed", first)

    def test_class_grading_refuses_to_grade_without_the_sandbox(self) -> None:
        grade = Path(__file__).resolve().parents[1] / "grade.py"
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run([sys.executable, str(grade), "--build-dir", tmp, "--out", tmp],
                                  capture_output=True, text=True, timeout=60,
                                  env={**os.environ, "PATH": "/nonexistent",
                                       sandbox.REQUIRE_ENV: "1"})
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn("the sandbox is required", proc.stderr)
            self.assertFalse((Path(tmp) / "report.json").exists(), "it graded anyway")


# Cases run at once by main(): most of a case's time is a wait (a hang's timeout, an exit's grace,
# a process left behind), not work, so that several overlap even on 2 busy cores.
SIDE_BY_SIDE = 6
CASE_TIMEOUT = 300  # seconds one case may take in its process (the slowest takes about 8)


def case_ids(suite: unittest.TestSuite) -> list[str]:
    """The ids (`Class.test_name`) of every case in `suite`."""
    ids: list[str] = []
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            ids += case_ids(test)
        else:
            ids.append(test.id().split(".", 1)[1])  # without the module (__main__)
    return ids


def run_case(case: str) -> tuple[str, int, str, float]:
    """One case in a process of its own (the cases set module globals and the environment):
    (case, exit status, its output, seconds)."""
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, __file__, case], capture_output=True, text=True,
                              timeout=CASE_TIMEOUT)
        status, output = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as timeout:
        status, output = 1, f"{case} did not finish in {CASE_TIMEOUT} s: {timeout.stderr!r}"
    return case, status, output, time.monotonic() - started


def run_side_by_side() -> int:
    """Every case of this file, each in a process of its own, SIDE_BY_SIDE at once: each still
    asserts what it does run alone (unittest.main runs it there); 1 if any failed or none ran."""
    import concurrent.futures
    cases = case_ids(unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]))
    failed = []
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=SIDE_BY_SIDE) as pool:
        for case, status, output, seconds in pool.map(run_case, cases):
            print(f"{'ok  ' if status == 0 else 'FAIL'} {case} ({seconds:.1f} s)", flush=True)
            if status != 0:
                failed.append(case)
                print(output, flush=True)
    print(f"{len(cases) - len(failed)} of {len(cases)} cases passed, {SIDE_BY_SIDE} at once, in "
          f"{time.monotonic() - started:.0f} s")
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    os.environ.pop("GTEST_FILTER", None)
    if len(sys.argv) == 1:
        sys.exit(run_side_by_side())
    unittest.main()  # the cases named (Class or Class.test_name), in this process
