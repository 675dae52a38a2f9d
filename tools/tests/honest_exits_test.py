#!/usr/bin/env python3
"""Commands that did not do what was asked exit non-zero (ctest: grader/honest_exits, label
harness).

The `kata` script is run as it is, copied into a sandbox: a tree with two katas, `good` and
`broken`, and, first on PATH, stand-ins for cmake, ctest, dpkg-query (every package installed),
apt-get, sudo and sysctl that only write down how they were called. So nothing is installed,
configured or built, and the checks take a second whatever the script does. `cmake --build` fails
for any `broken_*` target, as a header that does not compile does.

  - an unknown command: an error line naming it, the usage, exit 2;
  - an unknown kata, for `test` and for `grade`: an error naming the valid katas, exit 2, before
    anything is set up or built;
  - `./kata test good` builds good's learner binaries and nothing else, and runs good's tests only;
  - `./kata test broken`, whose build fails, exits non-zero, and so does `./kata test` (every kata)
    after running the tests of the katas that did build;
  - tools/grade.py on an empty build directory (no kata registered): an error, exit 2, no report.

Usage: honest_exits_test.py [--kata PATH] [--grade PATH] (the script and grader to check; by
default this tree's).
"""
import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# name -> body of a stand-in; each writes its name and arguments to $CALLS, one call a line.
STAND_INS = {
    "cmake": """
if [[ " $* " == *" --build "* ]]; then
  status=0
  for arg in "$@"; do
    if [[ $arg == broken_* ]]; then
      echo "broken.h:1:1: error: expected ';'" >&2; status=1
    elif [[ $arg == *_kata_* ]]; then
      touch "build/$arg" && chmod +x "build/$arg"
    fi
  done
  exit $status
fi
exit 0""",
    "ctest": "exit 0",
    "dpkg-query": "echo 'install ok installed'",
    "apt-get": "exit 100",
    "sudo": "exit 1",
    "sysctl": "exit 0",
}


def make_sandbox(root: Path, kata_script: str) -> Path:
    shutil.copy(kata_script, root / "kata")
    for kata in ("good", "broken"):
        (root / "katas" / kata / "tests").mkdir(parents=True)
        (root / "katas" / kata / "tests" / "contract_test.cc").write_text("")
        (root / "katas" / kata / f"{kata}.h").write_text("")
        (root / "solutions" / kata).mkdir(parents=True)
        (root / "solutions" / kata / f"{kata}.h").write_text("")
    (root / "katas" / "notes").mkdir()  # a folder with no tests is not a kata
    (root / "build").mkdir()
    (root / "build" / "CMakeCache.txt").write_text("")  # configured: the script does not configure
    # The manifests a configured build holds (cmake/Kata.cmake), where the script reads the names
    # of the learner's binaries.
    (root / "build" / "katas").mkdir()
    for kata in ("good", "broken"):
        learner = {v: f"{kata}_kata_{v}" for v in ("plain", "tsan", "asan")}
        (root / "build" / "katas" / f"{kata}.json").write_text(
            json.dumps({"name": kata, "targets": {"learner": learner}}))
    # What a configured build directory holds besides the binaries: not a binary.
    (root / "build" / "broken_kata_plain[1]_include.cmake").write_text("")
    bin_dir = root / "stand-ins"
    bin_dir.mkdir()
    for name, body in STAND_INS.items():
        path = bin_dir / name
        path.write_text(f'#!/usr/bin/env bash\necho "{name} $*" >> "$CALLS"\n{body.strip()}\n')
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bin_dir


def run_kata(root: Path, bin_dir: Path, *args: str) -> tuple[int, str, list[str]]:
    """(exit code, stderr, the stand-ins' calls) of ./kata args in the sandbox; every call is also
    kept in all-calls.log."""
    calls = root / "calls.log"
    calls.write_text("")
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", CALLS=str(calls), KATA_JOBS="2")
    env.pop("KATA_PRESET", None)
    proc = subprocess.run([str(root / "kata"), *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=60)
    with open(root / "all-calls.log", "a") as log:
        log.write(calls.read_text())
    return proc.returncode, proc.stderr, calls.read_text().splitlines()


def builds(calls: list[str]) -> list[list[str]]:
    """The targets of each `cmake --build` call."""
    found = []
    for call in calls:
        words = call.split()
        if words[0] == "cmake" and "--build" in words:
            after = words[words.index("--target") + 1:]
            found.append(after[:after.index("--")] if "--" in after else after)
    return found


def check_kata_script(kata_script: str) -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bin_dir = make_sandbox(root, kata_script)

        code, err, calls = run_kata(root, bin_dir, "foo")
        if code != 2:
            problems.append(f"./kata foo: exit {code}, want 2")
        first_line = err.splitlines()[0] if err else ""
        if "unknown command: foo" not in first_line:
            problems.append(f"./kata foo: the first line should say 'unknown command: foo': "
                            f"{err!r}")
        if "usage:" not in err:
            problems.append("./kata foo: should print the usage")

        for command in ("test", "grade"):
            code, err, calls = run_kata(root, bin_dir, command, "bogus")
            if code != 2:
                problems.append(f"./kata {command} bogus: exit {code}, want 2")
            if "bogus" not in err or "good" not in err or "broken" not in err or "notes" in err:
                problems.append(f"./kata {command} bogus: should name it and list the katas "
                                f"(good, broken): {err!r}")
            if calls:
                problems.append(f"./kata {command} bogus: should stop before any tool runs: "
                                f"{calls}")

        code, err, calls = run_kata(root, bin_dir, "test", "good")
        if code != 0:
            problems.append(f"./kata test good: exit {code}, want 0 (builds, tests pass): {err!r}")
        want = {"good_kata_plain", "good_kata_tsan", "good_kata_asan"}
        if [set(targets) for targets in builds(calls)] != [want]:
            problems.append(f"./kata test good: should build {sorted(want)} only, built "
                            f"{builds(calls)}")
        ctest = [call for call in calls if call.startswith("ctest ")]
        if len(ctest) != 1 or "^(good)$" not in ctest[0]:
            problems.append(f"./kata test good: should run good's tests only: {ctest}")

        code, err, calls = run_kata(root, bin_dir, "test", "broken")
        if code == 0:
            problems.append("./kata test broken: its build failed, yet it exited 0")
        if "not built, so not tested: broken" not in err:
            problems.append(f"./kata test broken: should say its tests did not run: {err!r}")

        code, err, calls = run_kata(root, bin_dir, "test")
        ctest = [call for call in calls if call.startswith("ctest ")]
        if code == 0 or len(ctest) != 1 or "^(good)$" not in ctest[0]:
            problems.append(f"./kata test (every kata, one of which does not build): exit {code}, "
                            f"want non-zero, and good's tests run: {ctest}")

        every_call = (root / "all-calls.log").read_text().splitlines()
        apt = [call for call in every_call if call.startswith(("apt-get", "sudo"))]
        if apt:
            problems.append(f"setup should install nothing when every package is there: {apt}")
    return problems


def check_grade_on_empty_dir(grade_script: str) -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reports"
        proc = subprocess.run([sys.executable, str(grade_script), "--build-dir", tmp, "--out",
                               str(out), "--no-bench"], capture_output=True, text=True, timeout=60)
        if proc.returncode != 2:
            problems.append(f"grade.py on an empty build directory: exit {proc.returncode}, want 2")
        if "no katas are registered" not in proc.stderr:
            problems.append(f"grade.py on an empty build directory should say no kata is "
                            f"registered: {proc.stderr!r}")
        if (out / "report.json").exists():
            problems.append("grade.py on an empty build directory wrote a report of nothing")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kata", default=str(ROOT / "kata"))
    parser.add_argument("--grade", default=str(ROOT / "tools" / "grade.py"))
    args = parser.parse_args()
    problems = check_kata_script(args.kata) + check_grade_on_empty_dir(args.grade)
    for problem in problems:
        print("PROBLEM:", problem)
    print("every dishonest exit checked" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
