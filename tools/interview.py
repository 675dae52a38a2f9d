#!/usr/bin/env python3
"""interview.py KATA: a mock interview on one kata (`./kata interview <kata>`).

  1. Prints the interviewer's prompt: the block quote under the title of katas/<kata>/README.md
     (nothing else of the README: no contract table, no hints).
  2. Runs the clock, 45 minutes, shown in every prompt line. Commands, one a line:
       grade   grade the kata now (./kata grade <kata> --no-bench); the clock keeps running
       time    the time left
       done    finished early: the final grade, then the follow-up questions
       quit    stop here: no grade, no questions, nothing saved (exit 1)
     At 15, 5 and 1 minutes left it says so; when the time is up it grades.
  3. Asks the README's follow-up questions (its "Follow-up questions" section, one bullet each),
     one at a time, and appends the answers, as they are given, to a dated section of
     katas/<kata>/ANSWERS.md (never overwritten; commit it with your work).
  4. Points to the reference's "why it is correct" notes: the comment that opens
     solutions/<kata>/<kata>.h, from its first "Why" line.

Plain stdin and stdout, no terminal control: it can be driven from a pipe. For tests, the clock's
length comes from KATA_INTERVIEW_SECONDS (or --seconds), the grade command from --grade-command,
the tree from --root. An answer ends with a line holding only "." (or at the end of the input);
"skip" as a whole answer skips the question. End of input while the clock runs is `done`.
"""
from __future__ import annotations

import argparse
import os
import re
import select
import shlex
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import history

ROOT = Path(__file__).resolve().parent.parent
MINUTES = 45
# The README's headings interview mode reads (matched at the start of a `## ` heading).
FOLLOW_UP_HEADING = "Follow-up questions"
HINTS_HEADING = "Hints"
NOTES_START = re.compile(r"^// Why\b")
REMINDERS: tuple[int, ...] = (15 * 60, 5 * 60, 60)  # seconds left at which the clock says so
END_OF_ANSWER = "."
SKIP = "skip"
COMMANDS = "grade, time, done, quit"
WIDTH = 100


class ReadmeError(ValueError):
    """A README without what interview mode needs."""


@dataclass
class Kata:
    name: str
    prompt: str
    questions: list[Question]
    # the reference, first and last line of its "why" notes; None in a learner's repository (no
    # solutions/: ./kata export-template)
    notes: tuple[Path, int, int] | None


def sections(markdown: str) -> dict[str, str]:
    """{heading: body} of a markdown text, by its `#` and `##` headings (a `###` stays in its
    `##` section's body); the title's section is under the title's text. Fenced code is not
    read for headings."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        heading = re.match(r"^(#{1,2}) +(.*?)\s*$", line) if not fenced else None
        if heading:
            current = found.setdefault(heading.group(2), [])
        elif current is not None:
            current.append(line)
    return {heading: "\n".join(body).strip("\n") for heading, body in found.items()}


def prompt_of(readme: str) -> str:
    """The interviewer's prompt: the block quote that opens the title's section."""
    parsed = sections(readme)
    if not parsed:
        raise ReadmeError("no title (a `# ` heading)")
    title_body = next(iter(parsed.values()))
    quote: list[str] = []
    for line in title_body.splitlines():
        if line.startswith(">"):
            quote.append(line[1:].strip())
        elif quote or line.strip():
            break
    text = " ".join(quote).strip()
    # The README sets the quote as *"..."*: the emphasis is markdown, the quotes are the speech.
    text = re.sub(r'^\*(".*")\*$', r"\1", text, flags=re.S)
    if not text:
        raise ReadmeError("no block quote (the interviewer's prompt) under the title")
    return text


def section(readme: str, heading_start: str) -> str:
    for heading, body in sections(readme).items():
        if heading.startswith(heading_start):
            return body
    raise ReadmeError(f"no `## {heading_start}...` section")


@dataclass
class Question:
    asked: str  # what the interviewer asks: the bullet's bold lead, and the questions after it
    notes: str  # the whole bullet: what the interviewer listens for, shown after the answer


SENTENCE_END = re.compile(r"(?<=[.?!])\)?\s+(?=[A-Z(*`\"'])")


def _asked(prose: str) -> str:
    """The question in a follow-up bullet's prose: its **bold** lead (a topic when it is not a
    question), then every later sentence that is a question. The rest (statements, parenthesised
    asides) is what an answer should cover: not shown before the answer."""
    lead = re.match(r"\*\*(.+?)\*\*\s*:?\s*(.*)$", prose, re.S)
    if lead:
        first, rest = lead.group(1).strip(), lead.group(2)
    else:
        first, _, rest = prose.partition(". ")
    first = first.rstrip(":").strip()
    sentences = SENTENCE_END.split(rest)
    ends_clause = lead is not None and (lead.group(1).rstrip()[-1:] in ":.?"
                                        or prose[lead.end(1) + 2:].lstrip().startswith(":"))
    if lead and rest[:1].islower() and not ends_clause:
        # The lead is the subject of its sentence ("**Java 8's map** dropped ..."): the topic is
        # that whole sentence, which the questions after it refer to.
        first, sentences = f"{first} {sentences[0].strip()}", sentences[1:]
    later = [s.strip()[:1].upper() + s.strip()[1:] for s in sentences
             if s.strip().endswith("?") and not s.strip().startswith("(")]
    if not first.endswith("?"):
        first = "Talk about: " + first.rstrip(".") + "."
    return " ".join([first] + later).replace("**", "")


def questions_of(readme: str) -> list[Question]:
    """The follow-up questions: one per top-level bullet of the section."""
    items: list[list[str]] = []
    for line in section(readme, FOLLOW_UP_HEADING).splitlines():
        if line.startswith("- "):
            items.append([line[2:]])
        elif items and (line.startswith("  ") or not line.strip()):
            items[-1].append(line[2:] if line.startswith("  ") else "")
        elif line.strip():
            break  # the section's prose after the list
    questions = []
    for item in items:
        prose: list[str] = []
        notes: list[str] = []
        paragraph: list[str] = []
        in_code = False
        for line in item:
            if line.strip().startswith("```"):
                in_code = not in_code
                if paragraph:
                    notes.append(" ".join(paragraph))
                    paragraph = []
            elif in_code:
                notes.append("    " + line)
            elif line.strip():
                paragraph.append(line.strip())
                prose.append(line.strip())
        if paragraph:
            notes.append(" ".join(paragraph))
        questions.append(Question(_asked(" ".join(prose)), "\n".join(notes).replace("**", "")))
    if not questions:
        raise ReadmeError(f"the `## {FOLLOW_UP_HEADING}` section has no bullet")
    return questions


def notes_of(reference: Path) -> tuple[Path, int, int]:
    """(reference, first line, last line) of the "why it is correct" notes: the comment that opens
    the reference, from its first line starting `// Why`."""
    lines = reference.read_text().splitlines()
    end = next((i for i, line in enumerate(lines) if not line.startswith("//")), len(lines))
    start = next((i for i in range(end) if NOTES_START.match(lines[i])), None)
    if start is None:
        raise ReadmeError(f"{reference}: its opening comment has no `// Why ...` line")
    return reference, start + 1, end


def load(root: Path, name: str) -> Kata:
    readme = (root / "katas" / name / "README.md").read_text()
    reference = root / "solutions" / name / f"{name}.h"
    return Kata(name, prompt_of(readme), questions_of(readme),
                notes_of(reference) if reference.exists() else None)


def wrap(text: str, indent: str = "") -> str:
    """Text for a terminal: each line wrapped at WIDTH columns; code (indented) left as it is."""
    return "\n".join(indent + line if line.startswith("    ") else
                     textwrap.fill(line, WIDTH, initial_indent=indent, subsequent_indent=indent,
                                   break_long_words=False, break_on_hyphens=False)
                     for line in text.splitlines())


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class Lines:
    """Lines from a file descriptor, each read with a deadline; plain os.read under select, so no
    line sits in a buffer select cannot see. Input from a pipe is echoed (a terminal echoes what
    is typed), so that a transcript reads as a session."""

    def __init__(self, fd: int, echo: Callable[[str], None] | None = None) -> None:
        self.fd, self.buffer, self.eof = fd, b"", False
        self.echo = echo if echo is not None and not os.isatty(fd) else None

    def read(self, timeout: float | None = None) -> str | None:
        """The next line without its newline; None at the end of input; TimeoutError when the
        deadline passes first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffer and not self.eof:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                raise TimeoutError
            chunk = os.read(self.fd, 4096)
            self.eof = not chunk
            self.buffer += chunk
        if not self.buffer:
            return None
        raw, _, self.buffer = self.buffer.partition(b"\n")
        line = raw.decode("utf-8", "replace").rstrip("\r")
        if self.echo:
            self.echo(line)
        return line


class Interview:
    def __init__(self, kata: Kata, root: Path, seconds: float, grade_command: list[str],
                 lines: Lines, say: Callable[..., None]) -> None:
        self.kata, self.root, self.seconds = kata, root, seconds
        self.grade_command, self.lines, self.say = grade_command, lines, say
        self.started_at = datetime.now().astimezone()
        self.start = time.monotonic()
        self.deadline = self.start + seconds
        self.answers_file = root / "katas" / kata.name / "ANSWERS.md"
        self.graded: int | None = None  # the header's mtime when the last grade began

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def used(self) -> str:
        return f"{clock(min(time.monotonic() - self.start, self.seconds))} of {clock(self.seconds)}"

    def header_version(self) -> int | None:
        header = self.root / "katas" / self.kata.name / f"{self.kata.name}.h"
        return header.stat().st_mtime_ns if header.exists() else None

    def final(self, why: str) -> None:
        """The final grade, unless the last one graded the header as it is now."""
        if self.graded is not None and self.graded == self.header_version():
            self.say("--- the header has not changed since the last grade: that is the final one")
        else:
            self.grade(why)

    def grade(self, why: str) -> int:
        self.graded = self.header_version()
        self.say(f"--- grading ({why}): {shlex.join(self.grade_command)}")
        sys.stdout.flush()
        # Its own stdin: the grader must not eat the interview's input.
        code = subprocess.run(self.grade_command, cwd=self.root,
                              stdin=subprocess.DEVNULL).returncode
        verdict = {0: "passed", 1: "not passed yet"}.get(code, "the grader failed: see above")
        self.say(f"--- graded: exit {code} ({verdict}); {clock(self.left())} left")
        return code

    def next_command(self, reminders: list[int]) -> str | None:
        """The next line typed; None at the end of input. Says each reminder as it falls due
        (and drops it from `reminders`); TimeoutError when the time is up first."""
        while True:
            pending = [r for r in reminders if r < self.left()]
            wait = self.left() - max(pending) if pending else self.left()
            try:
                return self.lines.read(max(wait, 0.0))
            except TimeoutError:
                if self.left() <= 0:
                    raise
                due = [r for r in reminders if r >= self.left()]
                for r in due:
                    reminders.remove(r)
                if due:
                    amount, unit = ((min(due) // 60, "minute") if min(due) >= 60
                                    else (min(due), "second"))
                    self.say(f"\n{amount} {unit}{'s' if amount > 1 else ''} left.\n"
                             f"[{clock(self.left())} left] > ", end="")

    def coding(self) -> bool:
        """The clock's phase; False when the learner quits."""
        reminders = [r for r in REMINDERS if r < self.seconds]
        while True:
            if self.left() <= 0:
                self.say(f"Time is up ({clock(self.seconds)}).")
                self.final("time is up")
                return True
            self.say(f"[{clock(self.left())} left] > ", end="")
            try:
                line = self.next_command(reminders)
            except TimeoutError:
                self.say("")
                continue
            if line is None:
                self.say("(end of input: done)")
                self.final("done")
                return True
            command = line.strip().lower()
            if command == "grade":
                self.grade("on demand")
            elif command == "time":
                ends = datetime.fromtimestamp(time.time() + self.left()).strftime("%H:%M:%S")
                self.say(f"{clock(self.left())} left (ends at {ends})")
            elif command == "done":
                self.say(f"Done after {self.used()}.")
                self.final("done")
                return True
            elif command == "quit":
                self.say(f"Stopped after {self.used()}: not graded, no follow-up questions, "
                         f"nothing saved.")
                return False
            elif command:
                self.say(f"unknown command {line.strip()!r}: {COMMANDS} (edit "
                         f"katas/{self.kata.name}/{self.kata.name}.h in your editor)")

    def final_grade(self) -> str:
        """The kata's last grade in this interview, from reports/history.jsonl."""
        found, _ = history.read(self.root / "reports" / history.FILE_NAME)
        since = self.started_at.replace(microsecond=0)
        # astimezone(): a time written without a zone is taken as local, as history.py writes it.
        mine = [e for e in found if e["kata"] == self.kata.name
                and datetime.fromisoformat(e["time"]).astimezone() >= since]
        if not mine:
            return "no grade recorded in reports/history.jsonl"
        last = mine[-1]
        return (f"level {last.get('level')}/{last.get('max_level')}, score {last.get('score')}, "
                f"{'passed' if last.get('passed') else 'not passed'}"
                + (f" (commit {last['commit']}{'+' if last.get('header_changed') else ''})"
                   if last.get("commit") else ""))

    def save(self, text: str) -> None:
        """Appends to ANSWERS.md at once: an interrupted interview keeps what was answered."""
        new = not self.answers_file.exists()
        with open(self.answers_file, "a", encoding="utf-8") as out:
            if new:
                out.write(f"# {self.kata.name}: interview answers\n\nWritten by "
                          f"`./kata interview {self.kata.name}`, one section per interview.\n")
            out.write(text)

    def read_answer(self) -> str | None:
        lines: list[str] = []
        while True:
            line = self.lines.read()
            if line is None or line.strip() == END_OF_ANSWER:
                break
            if not lines and line.strip().lower() == SKIP:
                return None
            lines.append(line)
        return "\n".join(lines).strip() or None

    def follow_ups(self) -> int:
        questions = self.kata.questions
        self.say("\n" + wrap(f"The interview goes on: {len(questions)} follow-up questions. End "
                             f"each answer with a line holding only '{END_OF_ANSWER}'; '{SKIP}' "
                             f"skips one. After each answer: the README's notes on it."))
        section_started = False
        answered = 0
        for number, question in enumerate(questions, start=1):
            self.say("\n" + wrap(f"Question {number}/{len(questions)}: {question.asked}") + "\n> ",
                     end="")
            answer = self.read_answer()
            if answer is None:
                self.say("(skipped)" if not self.lines.eof else "(no answer: end of input)")
            else:
                if not section_started:
                    self.save(f"\n## Interview of {self.started_at:%Y-%m-%d %H:%M}\n\nTime: "
                              f"{self.used()}. Final grade: {self.final_grade()}.\n")
                    section_started = True
                self.save(f"\n### {number}. {question.asked}\n\n{answer}\n")
                answered += 1
            notes = wrap(question.notes, "  ")
            self.say(f"Notes (katas/{self.kata.name}/README.md, {FOLLOW_UP_HEADING}):\n{notes}")
        where = self.answers_file.relative_to(self.root)
        if answered:
            self.say(f"\n{answered} of {len(questions)} answers appended to {where}.")
        else:
            self.say(f"\nNo answer given: {where} left as it was.")
        return answered

    def point_to_notes(self) -> None:
        if self.kata.notes is None:
            self.say(wrap("The reference and its notes on why it is correct are in the class's "
                          "repository, not this one: ask your instructor."))
            return
        reference, first, last = self.kata.notes
        shown = reference.relative_to(self.root)
        self.say(wrap(f"Now compare with the reference's notes on why it is correct: {shown}, "
                      f"lines {first}-{last} (the comment that opens it): sed -n {first},{last}p "
                      f"{shown}"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kata")
    parser.add_argument("--root", type=Path, default=ROOT, help="the kata library's root")
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("KATA_INTERVIEW_SECONDS", MINUTES * 60)),
                        help=f"the clock (default {MINUTES} minutes, or KATA_INTERVIEW_SECONDS)")
    parser.add_argument("--grade-command",
                        help="the command that grades, {kata} replaced (default: "
                             "./kata grade {kata} --no-bench)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / "katas" / args.kata / "README.md").exists():
        known = sorted(p.parent.name for p in (root / "katas").glob("*/README.md"))
        print(f"interview.py: unknown kata: {args.kata}; the katas are: {', '.join(known)}",
              file=sys.stderr)
        return 2
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    try:
        kata = load(root, args.kata)
    except (ReadmeError, OSError) as error:
        print(f"interview.py: {args.kata}: {error}", file=sys.stderr)
        return 2
    command = (shlex.split(args.grade_command.replace("{kata}", args.kata)) if args.grade_command
               else [str(root / "kata"), "grade", args.kata, "--no-bench"])

    def say(text: str, end: str = "\n") -> None:
        print(text, end=end, flush=True)

    header = f"katas/{kata.name}/{kata.name}.h"
    say(f"Interview: {kata.name}, {clock(args.seconds)} on the clock.\n\nThe interviewer says:\n")
    say(wrap(kata.prompt, "  ") + "\n")
    say(wrap(f"Write it in {header} (its comments are the contract); `./kata test {kata.name}` in "
             f"another terminal runs the tests. Here: {COMMANDS}."))
    interview = Interview(kata, root, args.seconds, command, Lines(sys.stdin.fileno(), say), say)
    try:
        if not interview.coding():
            return 1
        interview.follow_ups()
    except KeyboardInterrupt:
        say("\nInterrupted: the answers given so far are saved.")
        return 130
    interview.point_to_notes()
    return 0


if __name__ == "__main__":
    sys.exit(main())
