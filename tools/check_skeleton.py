#!/usr/bin/env python3
"""check_skeleton.py BINARY

The untouched skeleton must fail every test fast and readably: each test, run on its own, fails
with the not-implemented message, without crashing, hanging, or a sanitizer report. Prints the
slowest test's time.
"""
import sys

import gtest_run

LIMIT_SECONDS = 5  # a skeleton test takes milliseconds; this only guards against a hang


def main():
    binary = sys.argv[1]
    problems, slowest = [], (0.0, "")
    tests = gtest_run.list_tests(binary)
    for name in tests:
        code, output, seconds = gtest_run.run(binary, [f"--gtest_filter={name}"], LIMIT_SECONDS)
        slowest = max(slowest, (seconds, name))
        if code is None:
            problems.append(f"{name}: still running after {LIMIT_SECONDS} s")
        elif code == 0:
            problems.append(f"{name}: passed against the skeleton (does it test anything?)")
        elif code != 1:
            problems.append(f"{name}: ended with exit code {code}, not a clean test failure")
        elif "is not implemented yet" not in output:
            problems.append(f"{name}: failed without the not-implemented message")
        kind = (gtest_run.how_it_failed(output) or ("", ""))[0]
        if kind in ("watchdog", "tsan", "asan", "ubsan", "assertion"):
            problems.append(f"{name}: {kind} report against the skeleton")
    print(f"{len(tests)} tests against the skeleton; slowest {slowest[0]:.3f} s ({slowest[1]})")
    for problem in problems:
        print("  " + problem)
    return 1 if problems or not tests else 0


if __name__ == "__main__":
    sys.exit(main())
