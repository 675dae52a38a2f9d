#!/usr/bin/env python3
"""The class gradebook for a roster of local repositories (ctest: grader/gradebook, label harness).

Builds three learners' git repositories and a roster naming them and a fourth that does not exist,
grades the class in class mode (rw_lock only, --no-bench), and checks the gradebook's rows:

  ada   an answer of the corpus handed in verbatim: copied, 0 in class grading
  bo    a lock of their own (std::shared_mutex underneath): graded, not copied, level >= 1
  cy    a header that does not compile: 0, the compiler's error in the row
  dee   a repository that does not exist: one row saying there is no report

and that the CSV, the JSON and the Markdown summary hold the same learners, with the per-kata
level chart. Shares the private tree of grader/submission_overlay (--work), so the build is warm.
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import gradebook  # noqa: E402

KATA = "rw_lock"
OWN_LOCK = """#pragma once

#include <shared_mutex>

namespace kata {

class RWLock {
 public:
  RWLock() = default;
  RWLock(const RWLock&) = delete;
  RWLock& operator=(const RWLock&) = delete;
  void lock() { inner_.lock(); }
  bool try_lock() { return inner_.try_lock(); }
  void unlock() { inner_.unlock(); }
  void lock_shared() { inner_.lock_shared(); }
  bool try_lock_shared() { return inner_.try_lock_shared(); }
  void unlock_shared() { inner_.unlock_shared(); }

 private:
  std::shared_mutex inner_;
};

}  // namespace kata
"""
BROKEN = """#pragma once

namespace kata {

class RWLock {
 public:
  void lock() { this_does_not_exist(); }
};

}  // namespace kata
"""
problems: list[str] = []


def expect(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        problems.append(what)


def learner_repository(where: Path, header: str) -> Path:
    (where / "katas" / KATA).mkdir(parents=True)
    (where / "katas" / KATA / f"{KATA}.h").write_text(header)
    (where / "README.md").write_text("my katas\n")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "my work"]):
        subprocess.run(["git", "-C", str(where), "-c", "user.name=l", "-c", "user.email=l@l",
                        *args], check=True)
    return where


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True, help="the private tree's place (kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        answer = (ROOT / "solutions" / KATA / "answers" / "reader_preferring.h").read_text()
        repos = {"ada": learner_repository(scratch / "ada", answer),
                 "bo": learner_repository(scratch / "bo", OWN_LOCK),
                 "cy": learner_repository(scratch / "cy", BROKEN)}
        roster = scratch / "roster.txt"
        roster.write_text("# the class\n" + "".join(f"{n}  {p}\n" for n, p in repos.items())
                          + f"dee  {scratch / 'nowhere'}  # never pushed\n")
        out = scratch / "gradebook"
        proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gradebook.py"), "grade",
                               str(roster), "--out", str(out), "--work", args.work, "--class",
                               "--no-bench", "--jobs", "2", "--kata", KATA],
                              capture_output=True, text=True, timeout=3000)
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        expect(proc.returncode == 0, f"gradebook.py grade exits 0 ({proc.returncode})")
        rows = {r["learner"]: r for r in json.loads((out / "gradebook.json").read_text())["rows"]}
        expect(sorted(rows) == ["ada", "bo", "cy", "dee"] and
               len(json.loads((out / "gradebook.json").read_text())["rows"]) == 4,
               f"one row per learner: {sorted(rows)}")
        ada, bo, cy, dee = (rows.get(n, {}) for n in ("ada", "bo", "cy", "dee"))
        expect(ada.get("kata") == KATA and ada.get("copied") is True and ada.get("score") == 0
               and ada.get("passed") is False, f"ada handed in an answer: copied, 0: {ada}")
        expect(bo.get("copied") is False and (bo.get("level") or 0) >= 1 and
               (bo.get("score") or 0) >= 30, f"bo's own lock is graded: {bo}")
        expect(cy.get("score") == 0 and "does not build" in (cy.get("problem") or ""),
               f"cy's header does not compile: {cy}")
        expect(dee.get("kata") == "-" and "no report" in (dee.get("problem") or "") and
               "nowhere" in (dee.get("problem") or ""),
               f"dee's missing repository is a row: {dee}")
        with (out / "gradebook.csv").open() as file:
            table = list(csv.DictReader(file))
        expect([r["learner"] for r in table] == ["ada", "bo", "cy", "dee"] and
               list(table[0]) == gradebook.COLUMNS, f"the CSV has the same rows: {table}")
        report = json.loads((out / "reports" / "bo" / "report.json").read_text())
        results = gradebook.classroom_results(report)[KATA]
        earned = sum(t["score"] for t in results["tests"])
        expect(earned == report["katas"][0]["score"]["correctness"] and
               results["max_score"] == report["katas"][0]["score"]["correctness_max"] and
               [t["status"] for t in results["tests"]].count("pass") == bo.get("level"),
               f"Classroom's reporter gets a test per level, {earned} of {results['max_score']} "
               f"points at level {bo.get('level')}")
        summary = (out / "gradebook.md").read_text()
        print(summary)
        expect(all(f"| {n} |" in summary for n in rows) and f"## {KATA}: levels reached" in summary
               and "copied: 1" in summary, "the summary names every learner, with the chart")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
