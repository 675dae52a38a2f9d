#!/usr/bin/env python3
"""lint.py python|shell [--cache-dir DIR]: the project's own lint (ctest: lint/python, lint/shell,
label harness; ./kata selftest runs them).

  python  mypy --strict, pyflakes3 and pycodestyle (lines of up to MAX_LINE characters) over
          tools/: every module and test
  shell   shellcheck over SHELL_SCRIPTS

ruff, which the issue asked for, is not packaged in Debian 12 (and the project installs nothing from
PyPI): mypy, pyflakes3 and pycodestyle stand in for it, each from its Debian package (`./kata setup
--selftest` installs them). Exit status: 0 when every tool is content, 1 when one complains (its
complaints are printed), 2 when a tool is missing.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINE = 100
SHELL_SCRIPTS = ["kata", ".ci/run"]
# tool -> the Debian package that has it
PACKAGES = {"mypy": "mypy", "pyflakes3": "pyflakes3", "pycodestyle": "pycodestyle",
            "shellcheck": "shellcheck"}


def commands(what: str, cache_dir: Path | None) -> list[list[str]]:
    """The lint commands of `what` (python or shell), each run from the project's root."""
    if what == "shell":
        return [["shellcheck", *SHELL_SCRIPTS]]
    cache = ["--cache-dir", str(cache_dir)] if cache_dir else ["--cache-dir", "/dev/null"]
    return [["mypy", "--strict", *cache, "tools/"],
            ["pyflakes3", "tools/"],
            ["pycodestyle", f"--max-line-length={MAX_LINE}", "tools/"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["python", "shell"])
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="mypy's cache (default: none, so nothing is written into the tree)")
    args = parser.parse_args()
    failed = []
    for command in commands(args.what, args.cache_dir):
        if shutil.which(command[0]) is None:
            print(f"lint.py: {command[0]} is not installed (apt-get install "
                  f"{PACKAGES[command[0]]}; ./kata setup --selftest does it)", file=sys.stderr)
            return 2
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        output = (proc.stdout + proc.stderr).strip()
        print(f"{'ok  ' if proc.returncode == 0 else 'FAIL'} {' '.join(command[:2])} ...")
        if proc.returncode != 0:
            failed.append(command[0])
            print(output)
    if failed:
        print(f"lint.py: {', '.join(failed)} complained (above)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
