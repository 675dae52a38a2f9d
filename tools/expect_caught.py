#!/usr/bin/env python3
"""expect_caught.py --filter PATTERN BINARY

Runs a mutant's test binary (the kata's suite built against a deliberately wrong implementation)
and succeeds only if the suite catches it: the run fails, with a test failure, a watchdog report, a
sanitizer report or an assertion, in the tests the mutant names. A suite that passes on the
mutant, or a binary that fails for some other reason (it does not start), makes this test fail.
"""
import argparse
import re
import sys

import failure_kinds
import gtest_run

# The verdict line of a caught mutant, which tools/mutant_stats.py reads back: how, how fast, why,
# and the tests that failed.
CAUGHT = re.compile(r"^CAUGHT by (\S+) in ([\d.]+) s: .*\n  failed: (.*)$", re.M)


def caught_line(kind: str, seconds: float, detail: str, tests: str) -> str:
    """The verdict line CAUGHT matches."""
    return f"CAUGHT by {kind} in {seconds:.1f} s: {detail}\n  failed: {tests}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--filter", required=True, help="the gtest filter the mutant names")
    parser.add_argument("--timeout", type=float, default=240)
    parser.add_argument("binary")
    args = parser.parse_args()

    code, output, seconds = gtest_run.run(
        args.binary, [f"--gtest_filter={args.filter}", "--gtest_fail_fast"], args.timeout)
    caught = failure_kinds.in_output(output)
    tests = ", ".join(gtest_run.failed_tests(output)) or "(none named)"
    if code == 0:
        print(output[-3000:])
        print(f"MUTANT SURVIVED: the tests matching {args.filter} all passed ({seconds:.1f} s)")
        return 1
    if code is None:
        print(output[-3000:])
        print(f"MUTANT NOT CAUGHT IN TIME: the run passed its {args.timeout:.0f} s limit")
        return 1
    if caught is None:
        print(output[-3000:])
        print(f"SUITE BROKE: exit code {code}, but no test failure, watchdog or sanitizer report")
        return 1
    print(output[-2000:])
    print(caught_line(caught.kind, seconds, caught.detail, tests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
