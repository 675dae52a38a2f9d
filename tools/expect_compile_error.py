#!/usr/bin/env python3
"""expect_compile_error.py --build-dir B --like TARGET --compiler CXX --header H --source S
                           --caught-by TESTS

A mutant of a clause only the compiler checks (`variant: build`: "T need not be
default-constructible", "a move-only task is accepted"): its test is code that must compile, so
the mutant is caught when the suite's file `S`, compiled against the mutant's header `H` with the
flags the build gives target `TARGET` (the reference's plain binary), fails to compile, with an
error whose chain of instantiations ends in the body of one of the named tests. A file that
compiles, or that fails somewhere else (the mutant broke more than its clause, or does not compile
at all), makes this test fail. Prints expect_caught.py's CAUGHT line, which mutant_stats.py reads.
"""
import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

import expect_caught
import failure_kinds
import header_policy

TEST_START = re.compile(r"^\s*TEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\)", re.M)
# GCC's and clang's diagnostics, and the instantiation chain's "required from here" notes.
DIAGNOSTIC = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:\d+:)? *(?P<what>.*)$", re.M)


def test_lines(source: str) -> dict[str, range]:
    """{Suite.Name: the lines from its TEST( to the next one's} of each test in `source`."""
    starts = [(m.group(1) + "." + m.group(2), source.count("\n", 0, m.start()) + 1)
              for m in TEST_START.finditer(source)]
    ends = [line for _, line in starts[1:]] + [source.count("\n") + 2]
    return {name: range(line, end) for (name, line), end in zip(starts, ends)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--like", required=True, help="the target whose flags to compile with")
    parser.add_argument("--compiler", required=True)
    parser.add_argument("--header", required=True, help="the mutant's header")
    parser.add_argument("--source", required=True, help="the suite's file holding the tests")
    parser.add_argument("--caught-by", required=True,
                        help="the tests (Suite.Name, ':'-separated) whose code must not compile")
    args = parser.parse_args()

    names = args.caught_by.split(":")
    source = Path(args.source).resolve()
    bodies = test_lines(source.read_text())
    if not set(names) <= set(bodies):
        print(f"SUITE BROKE: {sorted(set(names) - set(bodies))} not found in {source}")
        return 1
    entries = header_policy.compile_commands(Path(args.build_dir))
    flags = header_policy.target_flags(entries or [], args.like)
    if flags is None:
        print(f"SUITE BROKE: no compile command for {args.like} in {args.build_dir}")
        return 1
    flags = [f for f in flags if not f.startswith("-DKATA_HEADER=")]
    command = [args.compiler, *flags, f'-DKATA_HEADER="{args.header}"', "-fsyntax-only",
               "-fmax-errors=20", str(source)]
    started = time.monotonic()
    proc = subprocess.run(command, cwd=args.build_dir, capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - started
    if proc.returncode == 0:
        print(f"MUTANT SURVIVED: {source.name} compiled against it ({seconds:.1f} s)")
        return 1
    output = proc.stderr
    inside = {name for m in DIAGNOSTIC.finditer(output) if Path(m["file"]).resolve() == source
              for name, lines in bodies.items() if int(m["line"]) in lines}
    first_error = next((m["what"] for m in DIAGNOSTIC.finditer(output)
                        if m["what"].startswith("error:")), "(no error line)")
    others = sorted(inside - set(names))
    if not inside & set(names) or others:
        print(output[-3000:])
        why = (f"the errors lead to other tests too ({', '.join(others)}): the mutant breaks "
               f"more than its clause" if others else f"no error leads to {', '.join(names)}")
        print(f"SUITE BROKE: {source.name} did not compile, but {why}: {first_error}")
        return 1
    print(output[-2000:])
    print(expect_caught.caught_line(failure_kinds.Kind.BUILD, seconds, first_error,
                                    ", ".join(sorted(inside))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
