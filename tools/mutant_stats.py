#!/usr/bin/env python3
"""mutant_stats.py BUILD_DIR [--runs 20] [--jobs 2] [--label-regex REGEX]

Runs every mutant test (CTest label `mutants`) --runs times and prints a Markdown table: how often
each mutant was caught, by which test, how, and how long the catch took. The table in each kata's
README comes from this.
"""
import argparse
import collections
import concurrent.futures
import json
import subprocess
import sys

import expect_caught


def mutant_tests(build_dir: str, name_regex: str) -> list[tuple[str, list[str]]]:
    out = subprocess.run(["ctest", "--show-only=json-v1", "-L", "^mutants$", "-R", name_regex],
                         cwd=build_dir, capture_output=True, text=True, check=True).stdout
    return [(t["name"], t["command"]) for t in json.loads(out)["tests"]]


def run_once(build_dir: str, command: list[str]) -> tuple[str, float, str] | None:
    proc = subprocess.run(command, cwd=build_dir, capture_output=True, text=True)
    match = expect_caught.CAUGHT.search(proc.stdout)
    if proc.returncode != 0 or not match:
        return None
    kind, seconds, tests = match.groups()
    return str(kind), float(seconds), str(tests)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--regex", default=".", help="only mutant tests whose name matches")
    args = parser.parse_args()

    tests = mutant_tests(args.build_dir, args.regex)
    print("| mutant | caught | by | how | seconds (median, max) |")
    print("|---|---|---|---|---|")
    all_caught = True
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for name, command in tests:
            results = list(pool.map(lambda _: run_once(args.build_dir, command), range(args.runs)))
            caught = [r for r in results if r]
            all_caught &= len(caught) == args.runs
            kinds = collections.Counter(r[0] for r in caught)
            by = collections.Counter(t.split("/", 1)[-1] if t.startswith("Threads/") else t
                                     for r in caught for t in [r[2]])
            seconds = sorted(r[1] for r in caught)
            median = seconds[len(seconds) // 2] if seconds else 0
            top = ", ".join(f"{t} ({n})" if len(by) > 1 else t for t, n in by.most_common(3))
            how = ", ".join(f"{k} ({n})" if len(kinds) > 1 else k for k, n in kinds.most_common())
            print(f"| {name.split('/')[-1]} | {len(caught)}/{args.runs} | {top} | {how} | "
                  f"{median:.1f}, {max(seconds, default=0):.1f} |", flush=True)
    return 0 if all_caught else 1


if __name__ == "__main__":
    sys.exit(main())
