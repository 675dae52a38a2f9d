#!/usr/bin/env python3
"""tools/test_runner.py against a fake test binary (ctest: grader/test_runner, label harness).

The fake speaks just enough gtest (`[ RUN ]` / `[ OK ]` / `[ FAILED ]` lines, an XML report at
the end, exit status 1 when a test failed) and does to each test what its name says, so every way
a process can end is tried without compiling anything: each case checks which tests pass, what
ended the failing one, and how many processes the run took.
"""
import os
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import test_runner  # noqa: E402

FAKE = r'''#!/usr/bin/env python3
import os, sys, time
tests = next(a for a in sys.argv if a.startswith("--gtest_filter="))[15:].split(":")
xml = next(a for a in sys.argv if a.startswith("--gtest_output=xml:"))[19:]
if any(t.endswith("exit_at_startup") for t in tests):  # as a header's static initialiser would
    sys.exit(0)
failed, leak = [], False
for t in tests:
    print("[ RUN      ] " + t, flush=True)
    what = t.rsplit("_", 1)[-1]
    if what == "fail":
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
    print("[       OK ] %s (1 ms)" % t, flush=True)
print("[==========] %d tests ran." % len(tests), flush=True)
with open(xml, "w") as f:
    f.write("<testsuites>")
    for t in tests:
        suite, name = t.split(".")
        body = "<failure message='x'/>" if t in failed else ""
        f.write("<testcase classname='%s' name='%s' status='run' result='completed' time='0.001'>"
                "%s</testcase>" % (suite, name, body))
    f.write("</testsuites>")
if leak:
    print("ERROR: LeakSanitizer: detected memory leaks", flush=True)
    sys.exit(23)
sys.exit(1 if failed else 0)
'''


class RunSuiteTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.work = Path(self.dir.name)
        self.binary = self.work / "fake_test"
        self.binary.write_text(FAKE)
        self.binary.chmod(0o755)

    def tearDown(self):
        self.dir.cleanup()

    def run_suite(self, *names):
        tests = [f"Fake.L1_{name}" for name in names]
        verdicts = test_runner.run_suite(self.binary, tests, self.work / "runs")
        self.assertEqual(sorted(verdicts), sorted(tests), "every test gets a verdict")
        self.processes = len(list((self.work / "runs").glob("round-*.log")))
        return {name.split("_", 1)[1]: v for name, v in verdicts.items()}

    def assert_passed(self, verdicts, *names):
        for name in names:
            self.assertTrue(verdicts[name]["passed"], f"{name}: {verdicts[name]}")

    def assert_failed(self, verdict, ended=None, output=None, cause=None):
        self.assertFalse(verdict["passed"], verdict)
        if ended:
            self.assertIn(ended, verdict.get("ended", ""), verdict)
            self.assertEqual(verdict.get("cause"), cause, verdict)
        if output:
            self.assertIn(output, verdict["output"], verdict)

    def test_a_passing_suite_takes_one_process(self):
        verdicts = self.run_suite("a_pass", "b_pass", "c_pass")
        self.assert_passed(verdicts, "a_pass", "b_pass", "c_pass")
        self.assertEqual(self.processes, 1)

    def test_a_failed_assertion_is_that_tests_and_the_run_goes_on(self):
        verdicts = self.run_suite("a_pass", "b_fail", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_fail"], output="Expected: 1 == 2")
        self.assertNotIn("cause", verdicts["b_fail"])
        self.assertEqual(self.processes, 1)

    def test_a_crash_is_the_running_tests_and_the_rest_run_again(self):
        verdicts = self.run_suite("a_pass", "b_crash", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_crash"], ended="killed by signal 11",
                           cause=test_runner.DIED)
        self.assertEqual(self.processes, 2)

    def test_exit_0_in_a_test_does_not_pass_it(self):
        verdicts = self.run_suite("a_pass", "b_exit0", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_exit0"], ended="exited 0 in the middle of this test",
                           cause=test_runner.EXIT_0)

    def test_a_forged_ok_line_does_not_pass_a_test(self):
        verdicts = self.run_suite("a_pass", "b_forgedok", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_forgedok"], ended="exited 0 before gtest reported",
                           cause=test_runner.EXIT_0)

    def test_a_failure_after_the_report_is_found_by_running_each_test_alone(self):
        verdicts = self.run_suite("a_pass", "b_leak", "c_pass")
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_leak"], ended="then the process exited with status 23",
                           output="LeakSanitizer", cause=test_runner.DIED)

    def test_exit_at_startup_leaves_every_test_unrun(self):
        verdicts = self.run_suite("a_exit_at_startup", "b_exit_at_startup")
        for verdict in verdicts.values():
            self.assert_failed(verdict, ended="without running this test", cause=test_runner.NOT_RUN)

    def test_a_hang_is_killed_after_the_timeout_and_named(self):
        saved = test_runner.TEST_TIMEOUT
        test_runner.TEST_TIMEOUT = 1
        try:
            verdicts = self.run_suite("a_pass", "b_hang", "c_pass")
        finally:
            test_runner.TEST_TIMEOUT = saved
        self.assert_passed(verdicts, "a_pass", "c_pass")
        self.assert_failed(verdicts["b_hang"], ended="did not finish in 1 s and was killed",
                           cause=test_runner.TIMEOUT)


if __name__ == "__main__":
    os.environ.pop("GTEST_FILTER", None)
    unittest.main()
