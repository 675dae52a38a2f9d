#!/usr/bin/env python3
"""`./kata grade --submission` takes nothing from a submission but its kata headers (ctest:
grader/submission_overlay, label harness).

1. What is taken (no build): a learner's header and a helper header are; a provided header
   (clock.h) of the submission, a header that calls itself provided, a symbolic link, the tests,
   the harness and the grader are not. URL@rev is split where a rev can be.
2. Graded (rw_lock, --no-bench, with a flawed answer of the corpus that stops at level 1): a git
   repository whose tests were weakened (every assertion of the kata's test files a no-op, a
   grader that prints a perfect score) and whose later commit put the skeleton back, graded at the
   weakened commit (URL@rev), scores what the same header scores as a directory holding nothing
   else, below full marks, with the pristine suite's test names.
3. A helper header that breaks the header policy is a tampering finding.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import submission  # noqa: E402
import validate_report  # noqa: E402

KATA = "rw_lock"
ANSWER = ROOT / "solutions" / KATA / "answers" / "reader_preferring.h"
problems: list[str] = []


def expect(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        problems.append(what)


def git(where: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(where), "-c", "user.name=t", "-c", "user.email=t@t",
                           *args], check=True, capture_output=True, text=True).stdout.strip()


def selection(scratch: Path) -> None:
    learner = scratch / "selection"
    kata_dir = learner / "katas" / "rate_limiter"
    (kata_dir / "tests").mkdir(parents=True)
    (kata_dir / "rate_limiter.h").write_text("// mine\n")
    (kata_dir / "token_math.h").write_text("// a helper\n")
    (kata_dir / "clock.h").write_text("// PROVIDED: do not edit.\n// but edited\n")
    (kata_dir / "sneaky.h").write_text("// PROVIDED: do not edit.\n")
    (kata_dir / "tests" / "contract_test.cc").write_text("// weakened\n")
    os.symlink("/etc/hostname", kata_dir / "linked.h")
    linked = learner / "katas" / "rw_lock"
    linked.mkdir(parents=True)
    os.symlink(ROOT / "solutions" / "rw_lock" / "rw_lock.h", linked / "rw_lock.h")
    chosen, notes = submission.select_headers(learner, ROOT, ["rate_limiter", "rw_lock"])
    taken = {k: sorted(v) for k, v in chosen.items()}
    expect(taken == {"rate_limiter": ["rate_limiter.h", "token_math.h"]},
           f"only the kata's header and a helper are taken: {taken}")
    expect(any("clock.h: provided" in n for n in notes), "the submission's clock.h is left out")
    expect(any("sneaky.h: calls itself provided" in n for n in notes),
           "a header that calls itself provided is left out")
    expect(any("linked.h: not a regular file" in n for n in notes) and
           any("rw_lock.h is not a regular file" in n for n in notes),
           "symbolic links are never followed")
    expect(submission.split_rev("/x/repo@abc123") == ("/x/repo", "abc123") and
           submission.split_rev("git@github.com:o/r.git") == ("git@github.com:o/r.git", None) and
           submission.split_rev("https://h/o/r.git@v1.0") == ("https://h/o/r.git", "v1.0"),
           "URL@rev is split only where a rev can be")


def weakened_repository(scratch: Path) -> tuple[Path, str]:
    """(a git repository: this tree with the answer as the kata's header and the tests weakened,
    the weakened commit); its HEAD has the skeleton back."""
    repo = scratch / "weakened"
    for name in submission.pristine_files(ROOT):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, repo / name)
    header = repo / "katas" / KATA / f"{KATA}.h"
    header.write_text(ANSWER.read_text())
    for test in (repo / "katas" / KATA / "tests").glob("*.cc"):
        text = re.sub(r"\b(?:EXPECT|ASSERT)_[A-Z_]+\(", "KATA_WEAKENED(", test.read_text())
        test.write_text("#define KATA_WEAKENED(...) if (true) {} else std::cerr\n" + text)
    (repo / "tools" / "grade.py").write_text("print('total 100 / 100')\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "weakened")
    rev = git(repo, "rev-parse", "HEAD")
    shutil.copyfile(ROOT / "katas" / KATA / f"{KATA}.h", header)
    git(repo, "commit", "-qam", "the skeleton back")
    return repo, rev


def helper_policy(tree: Path) -> None:
    """A helper header is held to the header policy, as the kata's header is (the private tree is
    configured by now; the next grading's sync removes the helper)."""
    helper = tree / "katas" / KATA / "helper.h"
    helper.write_text("#pragma once\n\n#include <cstdlib>\n\nnamespace kata {\n"
                      "inline bool home() { return std::getenv(\"HOME\") != nullptr; }\n"
                      "}  // namespace kata\n")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "import json, sys; from pathlib import Path; "
             "sys.path.insert(0, 'tools'); import grade; "
             f"print(json.dumps(grade.tamper_findings(Path('build'), "
             f"json.loads(Path('build/katas/{KATA}.json').read_text()))))"],
            cwd=tree, capture_output=True, text=True, timeout=600)
        findings = json.loads(proc.stdout or "[]")
    finally:
        helper.unlink()
    expect(any(f.startswith(f"katas/{KATA}/helper.h:") and "getenv" in f for f in findings),
           f"a helper header's getenv is a tampering finding: {findings or proc.stderr[-500:]}")


def grade(source: str, work: Path, out: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "submission.py"), "--submission",
                           source, "--work", str(work), "--out", str(out), "--no-bench",
                           "--jobs", "2", KATA], capture_output=True, text=True, timeout=2400)
    print(proc.stdout[-1500:], proc.stderr[-1500:])
    expect(proc.returncode == 1,
           f"{source}: graded, below the passing bar (exit {proc.returncode})")
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True, help="where the private tree is built (kept)")
    parser.add_argument("--selection-only", action="store_true", help="part 1 alone (no build)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        selection(scratch)
        if not args.selection_only:
            plain = scratch / "plain"
            (plain / "katas" / KATA).mkdir(parents=True)
            shutil.copyfile(ANSWER, plain / "katas" / KATA / f"{KATA}.h")
            repo, rev = weakened_repository(scratch)
            work = Path(args.work)
            honest = grade(str(plain), work, scratch / "out-plain")
            weakened = grade(f"file://{repo}@{rev}", work, scratch / "out-weakened")
            invalid = validate_report.problems(honest) + validate_report.problems(weakened)
            expect(not invalid, f"both reports follow the schema: {invalid}")
            a, b = honest["katas"][0], weakened["katas"][0]
            expect(a["score"]["total"] == b["score"]["total"] and
                   a["score"]["level"] == b["score"]["level"],
                   f"the weakened clone scores what the header scores: {b['score']['total']} "
                   f"(level {b['score']['level']}) vs {a['score']['total']} (level "
                   f"{a['score']['level']})")
            expect(a["score"]["correctness"] < a["score"]["correctness_max"],
                   f"the header is below full marks ({a['score']['correctness']}/"
                   f"{a['score']['correctness_max']}): weakened tests would have passed it")
            names = {(t["name"], t["variant"]) for t in b["tests"]}
            expect(names == {(t["name"], t["variant"]) for t in a["tests"]} and
                   not all(t["passed"] for t in b["tests"]),
                   f"graded with the pristine suite: {len(names)} tests, "
                   f"{sum(not t['passed'] for t in b['tests'])} failed")
            expect(weakened["submission"]["commit"] == rev and
                   weakened["submission"]["headers"] == {KATA: [f"katas/{KATA}/{KATA}.h"]},
                   f"graded at the revision asked for, its header alone: "
                   f"{weakened['submission']}")
            helper_policy(work / "tree")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
