#!/usr/bin/env python3
"""gradebook.py: grade a class from a roster and write the gradebook (docs/instructors.md).

    gradebook.py matrix <roster>                        the roster as JSON, for a workflow matrix
    gradebook.py grade <roster> --out DIR [--class] [--no-bench] [--kata K]...
                                                        grade every learner here, then collect
    gradebook.py collect --reports DIR --out DIR [--link-base URL]
                                                        the gradebook from DIR/<learner>/report.json
    gradebook.py classroom --reports DIR [--github-env FILE]
                                                        GitHub Classroom's reporter's input, a
                                                        runner per kata, a test per level

The roster is a text file, one learner a line: a name (letters, digits, `.`, `_`, `-`) and their
repository (a directory, a git URL, or owner/name on GitHub), optionally @rev; `#` starts a comment.

    alice   octo-class/katas-alice
    bob     https://git.example.org/bob/katas.git@submitted

The gradebook: gradebook.csv and gradebook.json, one row per learner and kata (level, score,
passed, copied, link to the report), and gradebook.md, a summary with each learner's total and a
per-kata distribution of levels as a bar chart. A learner whose grading left no report gets one row
saying so (kata "-"): no learner goes missing from the gradebook.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
GITHUB_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+(?:@\S+)?$")
# Where `grade` says why a learner has no report (their repository could not be read).
ERROR_FILE = "error.txt"
COLUMNS = ["learner", "kata", "level", "max_level", "score", "passed", "copied", "report",
           "problem"]


@dataclass
class Learner:
    name: str
    repository: str  # as the roster spells it (owner/name, a URL or a directory), with any @rev

    def source(self) -> str:
        """What `./kata grade --submission` takes: owner/name becomes its GitHub URL."""
        if GITHUB_REPO.match(self.repository) and not Path(self.repository.split("@")[0]).exists():
            repo, _, rev = self.repository.partition("@")
            return f"https://github.com/{repo}.git" + (f"@{rev}" if rev else "")
        return self.repository

    def github(self) -> dict[str, str]:
        """{github: owner/name, ref: rev} for a GitHub repository (a workflow checks it out with
        its own token), else empty strings (./kata grade --submission clones it)."""
        url, _, rev = self.source().partition("@") if self.source().startswith(
            "https://github.com/") else ("", "", "")
        name = url.removeprefix("https://github.com/").removesuffix(".git")
        return {"github": name, "ref": rev}


class RosterError(Exception):
    pass


def read_roster(path: Path) -> list[Learner]:
    learners, seen = [], set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 2 or not NAME.match(words[0]):
            raise RosterError(f"{path}:{number}: expected `<name> <repository>[@rev]`, got: "
                              f"{line.strip()}")
        if words[0] in seen:
            raise RosterError(f"{path}:{number}: {words[0]} is on the roster twice")
        seen.add(words[0])
        learners.append(Learner(words[0], words[1]))
    if not learners:
        raise RosterError(f"{path}: no learners")
    return learners


@dataclass
class Row:
    learner: str
    kata: str
    level: int | None
    max_level: int | None
    score: float | None
    passed: bool
    copied: bool | None
    report: str
    problem: str


def rows_for(learner: str, report_dir: Path, link_base: str) -> list[Row]:
    link = f"{link_base.rstrip('/')}/{learner}/report.md" if link_base else \
        f"{learner}/report.md"
    try:
        document = json.loads((report_dir / "report.json").read_text())
    except (OSError, ValueError):
        why = (report_dir / ERROR_FILE).read_text().strip() if (report_dir / ERROR_FILE).is_file() \
            else "its grading job left none"
        return [Row(learner, "-", None, None, None, False, None, "", f"no report: {why}")]
    rows = []
    for kata in document.get("katas", []):
        score = kata["score"]
        copied = kata.get("copied")
        # A header that does not compile is also a finding of the policy (it cannot be checked):
        # the compiler's error says it better.
        problem = (f"does not build: {kata['build']['first_error']}" if not kata["build"]["ok"]
                   else "; ".join(kata.get("tampering", [])[:1]))
        rows.append(Row(learner, kata["kata"], score["level"], score["max_level"],
                        score["total"], score["passed"], copied["copied"] if copied else None,
                        link, problem))
    return rows


def bar(count: int, most: int, width: int = 20) -> str:
    return "█" * (round(width * count / most) if most else 0)


def markdown(rows: list[Row], learners: list[str]) -> str:
    katas = sorted({r.kata for r in rows if r.kata != "-"})
    lines = ["# Gradebook", "", f"{len(learners)} learner(s), {len(katas)} kata(s).", "",
             "| learner | " + " | ".join(katas) + " | total |",
             "|---|" + "---|" * (len(katas) + 1)]
    for learner in learners:
        mine = {r.kata: r for r in rows if r.learner == learner}
        if "-" in mine:
            lines.append(f"| {learner} | " + " | ".join("" for _ in katas) +
                         f" | {mine['-'].problem} |")
            continue
        cells = []
        for kata in katas:
            r = mine.get(kata)
            cells.append("" if r is None else f"{r.score:g}" + (" (copied)" if r.copied else "")
                         + (" ✓" if r.passed else ""))
        total = sum(r.score or 0 for r in mine.values())
        lines.append(f"| {learner} | " + " | ".join(cells) + f" | {total:g} |")
    for kata in katas:
        graded = [r for r in rows if r.kata == kata]
        top = max((r.max_level or 0) for r in graded)
        counts = {level: sum(1 for r in graded if r.level == level) for level in range(top + 1)}
        most = max(counts.values())
        lines += ["", f"## {kata}: levels reached", "", "```"]
        lines += [f"level {level}  {bar(n, most):<20} {n}" for level, n in counts.items()]
        copied = sum(1 for r in graded if r.copied)
        lines += ["```", "", f"passed: {sum(r.passed for r in graded)} of {len(graded)}"
                  + (f"; copied: {copied}" if copied else "")]
    return "\n".join(lines) + "\n"


def collect(reports: Path, out: Path, learners: list[str] | None = None,
            link_base: str = "") -> list[Row]:
    """Writes gradebook.{csv,json,md} in `out` from reports/<learner>/report.json (every learner
    of `learners`, or every folder of `reports`)."""
    names = learners if learners is not None else sorted(
        p.name for p in reports.iterdir() if p.is_dir())
    rows = [row for name in names for row in rows_for(name, reports / name, link_base)]
    out.mkdir(parents=True, exist_ok=True)
    with (out / "gradebook.csv").open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    (out / "gradebook.json").write_text(json.dumps(
        {"learners": names, "rows": [asdict(r) for r in rows]}, indent=2) + "\n")
    (out / "gradebook.md").write_text(markdown(rows, names))
    return rows


def classroom_results(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{kata: the results GitHub Classroom's reporter reads (autograding-grading-reporter: a
    runner's status, max_score and tests)} of a report.json: each level a test worth the level's
    correctness points (scoring.level_points), earned when the kata reached it without tampering."""
    import scoring  # noqa: E402
    out = {}
    for kata in report.get("katas", []):
        score = kata["score"]
        points = scoring.level_points(score["max_level"])
        tampering = kata.get("tampering") or []
        reached = 0 if tampering else score["level"]
        why = (f"tampering: {tampering[0]}" if tampering else
               "" if kata["build"]["ok"] else f"does not build: {kata['build']['first_error']}")
        tests = [{"name": f"{kata['kata']}: level {level}",
                  "status": "pass" if level <= reached else "fail",
                  "score": value if level <= reached else 0,
                  "message": why or ("reached" if level <= reached else
                                     "a test of this level or below fails: see the report"),
                  "line_no": 0, "execution_time": "0s"}
                 for level, value in points.items()]
        out[kata["kata"]] = {"version": 1, "status": "pass" if score["passed"] else "fail",
                             "max_score": sum(points.values()), "tests": tests}
    return out


def classroom(reports: Path, github_env: Path | None) -> list[str]:
    """Writes <KATA>_RESULTS=<base64 JSON> for every kata of every report.json under `reports` to
    `github_env` (the job's $GITHUB_ENV, where the reporter reads them); returns the runners."""
    import base64  # noqa: E402
    runners, lines = [], []
    for path in sorted(reports.rglob("report.json")):
        for kata, results in classroom_results(json.loads(path.read_text())).items():
            runners.append(kata)
            encoded = base64.b64encode(json.dumps(results).encode()).decode()
            lines.append(f"{kata.upper()}_RESULTS={encoded}\n")
    if github_env is not None:
        with github_env.open("a") as file:
            file.writelines(lines)
    return runners


def grade(learners: list[Learner], out: Path, options: list[str], katas: list[str]) -> None:
    """Grades each learner with ./kata grade --submission, one after another in one private tree
    (only what differs between their headers is recompiled); reports in out/reports/<learner>."""
    for learner in learners:
        print(f"==> {learner.name}: {learner.source()}", file=sys.stderr, flush=True)
        reports = out / "reports" / learner.name
        proc = subprocess.run([sys.executable, str(ROOT / "tools" / "submission.py"),
                               "--submission", learner.source(), "--out", str(reports),
                               *options, *katas], stderr=subprocess.PIPE, text=True)
        sys.stderr.write(proc.stderr)
        if proc.returncode == 2:  # the submission could not be read: say why in the gradebook
            reports.mkdir(parents=True, exist_ok=True)
            lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("submission.py:")]
            (reports / ERROR_FILE).write_text((lines or ["exit status 2"])[-1] + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    matrix = sub.add_parser("matrix")
    matrix.add_argument("roster", type=Path)
    run = sub.add_parser("grade")
    run.add_argument("roster", type=Path)
    run.add_argument("--out", type=Path, required=True)
    run.add_argument("--work", help="the private tree's place (submission.py --work)")
    run.add_argument("--class", dest="class_mode", action="store_true")
    run.add_argument("--no-bench", action="store_true")
    run.add_argument("--jobs")
    run.add_argument("--kata", action="append", default=[], dest="katas",
                     help="a kata to grade (repeat it; default: every kata)")
    room = sub.add_parser("classroom", help="GitHub Classroom's reporter's input")
    room.add_argument("--reports", type=Path, required=True)
    room.add_argument("--github-env", type=Path)
    gather = sub.add_parser("collect")
    gather.add_argument("--reports", type=Path, required=True)
    gather.add_argument("--out", type=Path, required=True)
    gather.add_argument("--roster", type=Path, help="learners to expect (else every folder)")
    gather.add_argument("--link-base", default="", help="prefix of the links to the reports")
    args = parser.parse_args()
    try:
        if args.command == "classroom":
            print("runners=" + ",".join(classroom(args.reports, args.github_env)))
            return 0
        if args.command == "matrix":
            learners = read_roster(args.roster)
            print(json.dumps([dict(name=ln.name, source=ln.source(), **ln.github())
                              for ln in learners]))
            return 0
        if args.command == "grade":
            learners = read_roster(args.roster)
            options: list[str] = []
            options += ["--class"] if args.class_mode else []
            options += ["--no-bench"] if args.no_bench else []
            options += [f"--work={args.work}"] if args.work else []
            options += [f"--jobs={args.jobs}"] if args.jobs else []
            grade(learners, args.out, options, args.katas)
            rows = collect(args.out / "reports", args.out, [ln.name for ln in learners])
        else:
            names = [ln.name for ln in read_roster(args.roster)] if args.roster else None
            rows = collect(args.reports, args.out, names, args.link_base)
    except RosterError as error:
        print(f"gradebook.py: {error}", file=sys.stderr)
        return 2
    print(f"gradebook: {len(rows)} row(s) in {args.out}/gradebook.{{csv,json,md}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
