#!/usr/bin/env python3
"""reports/history.jsonl and `./kata progress` (ctest: grader/history, label harness).

  - one grade's report.json document gives one line per graded kata, with the fields
    docs (tools/history.py) name, the values of its score, and the repository's commit; a
    self-check (the references graded) gives none;
  - append() only appends: two grades, then a third, keep every line in order;
  - a line that is not JSON is named on stderr and skipped, the others still read;
  - `history.py progress` shows each kata's last N grades oldest first, says how many there were
    in all, lists the katas never graded, and exits 2 on an unknown kata;
  - with --report (ctest: grader/history_hook, after grader/bad_submissions): the grader itself
    appended one line per kata it graded, with the level, score and verdict of its report.json.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import history  # noqa: E402


def document(*katas: tuple[str, int, float, bool], graded: str = "learner") -> dict[str, Any]:
    return {"graded": graded, "katas": [
        {"kata": kata, "score": {"level": level, "max_level": 3, "total": total, "passed": passed}}
        for kata, level, total, passed in katas]}


def check_lines() -> list[str]:
    problems = []
    lines = history.entries(document(("bounded_queue", 2, 60.0, False), ("rw_lock", 3, 97.5, True)))
    if [(e["kata"], e["level"], e["score"], e["passed"]) for e in lines] != [
            ("bounded_queue", 2, 60.0, False), ("rw_lock", 3, 97.5, True)]:
        problems.append(f"entries() of a two-kata grade: {lines}")
    for entry in lines:
        if set(entry) != set(history.FIELDS):
            problems.append(f"a history line's fields: {sorted(entry)}, want {history.FIELDS}")
        datetime.fromisoformat(entry["time"])
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip() or None
    if lines and lines[0]["commit"] != head:
        problems.append(f"commit {lines[0]['commit']!r}, want HEAD {head!r}")
    if history.entries(document(("rw_lock", 3, 100.0, True), graded="reference (self-check)")):
        problems.append("a self-check grade was recorded as the learner's progress")
    return problems


def check_file_and_progress() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        grades = [("bounded_queue", 0, 0.0, False), ("bounded_queue", 1, 30.0, False),
                  ("bounded_queue", 2, 60.0, False), ("bounded_queue", 3, 94.1, True)]
        history.append(out, document(grades[0], ("rw_lock", 1, 25.0, False)))
        for grade in grades[1:]:
            history.append(out, document(grade))
        path = out / history.FILE_NAME
        with open(path, "a") as f:
            f.write("{not json\n")
        found, skipped = history.read(path)
        if [(e["kata"], e["level"]) for e in found] != [
                ("bounded_queue", 0), ("rw_lock", 1), ("bounded_queue", 1), ("bounded_queue", 2),
                ("bounded_queue", 3)]:
            problems.append(f"the history after four appends, oldest first: {found}")
        if len(skipped) != 1 or "line 6" not in skipped[0]:
            problems.append(f"the line that is not JSON should be named and skipped: {skipped}")

        proc = subprocess.run([sys.executable, str(ROOT / "tools" / "history.py"), "progress",
                               "--last", "3", "--file", str(path)], capture_output=True, text=True)
        rows = proc.stdout.splitlines()
        queue = [r for r in rows if r.startswith("bounded_queue") or r.startswith("  ")]
        if proc.returncode != 0:
            problems.append(f"progress: exit {proc.returncode}: {proc.stderr}")
        if not any(r.startswith("bounded_queue (4 grades)") for r in rows):
            problems.append(f"progress should say bounded_queue has 4 grades:\n{proc.stdout}")
        scores = [r.split()[-2] for r in queue]
        if scores != ["30.0", "60.0", "94.1"]:
            problems.append(f"progress --last 3: bounded_queue's scores {scores}, want the last "
                            f"three oldest first:\n{proc.stdout}")
        if not any(r.startswith("rw_lock") and r.split()[-3:] == ["1/3", "25.0", "no"]
                   for r in rows):
            problems.append(f"progress should show rw_lock's one grade:\n{proc.stdout}")
        if "not graded yet: " not in proc.stdout or "lru_cache" not in proc.stdout.split(
                "not graded yet: ")[-1]:
            problems.append(f"progress should list the katas never graded:\n{proc.stdout}")
        if "line 6" not in proc.stderr:
            problems.append(f"progress should name the line it could not read: {proc.stderr!r}")

        proc = subprocess.run([sys.executable, str(ROOT / "tools" / "history.py"), "progress",
                               "--file", str(path), "bogus"], capture_output=True, text=True)
        if proc.returncode != 2 or "bogus" not in proc.stderr or "rw_lock" not in proc.stderr:
            problems.append(f"progress bogus: exit {proc.returncode}, want 2 and the katas listed: "
                            f"{proc.stderr!r}")
    return problems


def check_hook(report: Path) -> list[str]:
    """The grader appended, next to this report.json, one line per kata it graded."""
    graded = json.loads(report.read_text())["katas"]
    found, skipped = history.read(report.parent / history.FILE_NAME)
    if skipped or len(found) < len(graded):
        return [f"{report.parent / history.FILE_NAME}: {len(found)} lines ({skipped}), want at "
                f"least the {len(graded)} katas of the last grade"]
    last = found[-len(graded):]
    want = [(k["kata"], k["score"]["level"], k["score"]["total"], k["score"]["passed"])
            for k in graded]
    got = [(e["kata"], e["level"], e["score"], e["passed"]) for e in last]
    return [] if got == want else [f"the grader's history lines {got}, want {want}"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", type=Path,
                        help="a report.json the grader wrote: check its history lines")
    args = parser.parse_args()
    problems = check_hook(args.report) if args.report else check_lines() + check_file_and_progress()
    for problem in problems:
        print("PROBLEM:", problem)
    print("history and progress work" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
