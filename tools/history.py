#!/usr/bin/env python3
"""history.py: every grade of every kata, and the progress it shows.

  history.py progress [--last N] [--file PATH] [kata...]
      each kata's last N grades (default 5): when, the commit, level, score, verdict

tools/grade.py appends one line per graded kata to reports/history.jsonl (next to report.json,
which each grade overwrites), through append(). A line is one JSON object:

  {"time": "2025-01-31T10:31:07+01:00", "kata": "bounded_queue", "level": 2, "max_level": 3,
   "score": 60.0, "passed": false, "commit": "7a0b8a0", "header_changed": true}

`commit` is the repository's HEAD when graded (null outside git), `header_changed` whether the
kata's header differed from it (the grade was of uncommitted work). The reference self-check is
not the learner's progress and is not recorded.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FILE_NAME = "history.jsonl"
DEFAULT_LAST = 5
FIELDS = ("time", "kata", "level", "max_level", "score", "passed", "commit", "header_changed")


def _git(*args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def entries(document: Mapping[str, Any],
            now: datetime | None = None) -> list[dict[str, Any]]:
    """The history lines of one grade's report.json document (none for a self-check)."""
    if document.get("graded") != "learner":
        return []
    when = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    commit = _git("rev-parse", "--short", "HEAD")
    lines = []
    for report in document["katas"]:
        kata, score = report["kata"], report["score"]
        changed = None
        if commit is not None:
            # `git diff --quiet` exits 1 when the file differs from HEAD, 0 when not.
            status = subprocess.run(["git", "diff", "--quiet", "HEAD", "--",
                                     f"katas/{kata}/{kata}.h"], cwd=ROOT, capture_output=True)
            changed = {0: False, 1: True}.get(status.returncode)
        lines.append({"time": when, "kata": kata, "level": score["level"],
                      "max_level": score["max_level"], "score": score["total"],
                      "passed": score["passed"], "commit": commit, "header_changed": changed})
    return lines


def append(out_dir: Path, document: Mapping[str, Any]) -> None:
    """Appends one line per graded kata to out_dir/history.jsonl (called by grade.py's main)."""
    lines = entries(document)
    if lines:
        with open(out_dir / FILE_NAME, "a", encoding="utf-8") as history:
            history.write("".join(json.dumps(line) + "\n" for line in lines))


def read(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """(the entries of a history file, oldest first; a note per line that could not be read)."""
    found: list[dict[str, Any]] = []
    skipped: list[str] = []
    if not path.exists():
        return found, skipped
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict) or not isinstance(entry.get("kata"), str):
                raise ValueError("not an object with a kata")
            datetime.fromisoformat(entry["time"])
        except (ValueError, KeyError, TypeError) as error:
            skipped.append(f"line {number}: {error}")
            continue
        found.append(entry)
    return found, skipped


def _when(entry: dict[str, Any]) -> str:
    return datetime.fromisoformat(entry["time"]).strftime("%Y-%m-%d %H:%M")


def _commit(entry: dict[str, Any]) -> str:
    commit = entry.get("commit") or "-"
    return commit + ("+" if entry.get("header_changed") else "")


def _level(entry: dict[str, Any]) -> str:
    return f"{entry.get('level', '?')}/{entry.get('max_level', '?')}"


def _score(entry: dict[str, Any]) -> str:
    score = entry.get("score")
    return f"{score:.1f}" if isinstance(score, (int, float)) else "?"


def render(history: Sequence[dict[str, Any]], katas: Iterable[str], last: int) -> str:
    """The progress table: each kata's last `last` grades, oldest first."""
    by_kata: dict[str, list[dict[str, Any]]] = {}
    for entry in history:
        by_kata.setdefault(entry["kata"], []).append(entry)
    katas = list(katas)
    rows = [("kata", "graded", "commit", "level", "score", "passed")]
    never = []
    for kata in katas:
        graded = by_kata.get(kata, [])
        if not graded:
            never.append(kata)
            continue
        shown = graded[-last:]
        for i, entry in enumerate(shown):
            label = ""
            if i == 0:
                label = kata if len(graded) == len(shown) else f"{kata} ({len(graded)} grades)"
            rows.append((label, _when(entry), _commit(entry), _level(entry), _score(entry),
                         "yes" if entry.get("passed") else "no"))
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    right = {3, 4}  # level and score line up on the right
    lines = ["  ".join(cell.rjust(widths[c]) if c in right else cell.ljust(widths[c])
                       for c, cell in enumerate(row)).rstrip() for row in rows]
    out = []
    if len(rows) > 1:
        out += lines
        out.append(f"(the last {last} grades of each kata, oldest first; commit+ means the "
                   f"header had uncommitted changes)")
    if never:
        out.append(f"not graded yet: {', '.join(never)}")
    return "\n".join(out)


def known_katas(root: Path = ROOT) -> list[str]:
    """The katas (folders of katas/ with tests and a reference, or with tests in a tree with no
    solutions/ at all), as ./kata lists them."""
    return [d.name for d in sorted((root / "katas").iterdir())
            if any((d / "tests").glob("*.cc"))
            and ((root / "solutions" / d.name / f"{d.name}.h").exists()
                 or not (root / "solutions").is_dir())]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    progress = commands.add_parser("progress", help="each kata's level and score over time")
    progress.add_argument("katas", nargs="*")
    progress.add_argument("--last", type=int, default=DEFAULT_LAST,
                          help=f"grades shown per kata (default {DEFAULT_LAST})")
    progress.add_argument("--file", type=Path, default=ROOT / "reports" / FILE_NAME)
    args = parser.parse_args(argv)
    if args.last < 1:
        parser.error("--last must be at least 1")
    known = known_katas()
    unknown = [k for k in args.katas if k not in known]
    if unknown:
        print(f"unknown kata(s): {', '.join(unknown)}; the katas are: {', '.join(known)}",
              file=sys.stderr)
        return 2
    history, skipped = read(args.file)
    for note in skipped:
        print(f"history.py: {args.file}: {note}: not read", file=sys.stderr)
    if not history:
        print(f"No grades yet ({args.file} is empty or missing): "
              f"`./kata grade <kata>` records one.")
        return 0
    katas = args.katas or known + sorted({e["kata"] for e in history} - set(known))
    print(render(history, katas, args.last))
    return 0


if __name__ == "__main__":
    sys.exit(main())
