#!/usr/bin/env python3
"""Interview mode (ctest: grader/interview, label harness).

  - every kata's README has what `./kata interview` reads, found by its headings: the prompt (the
    block quote under the title), follow-up questions (a bullet list under "## Follow-up
    questions"), and its reference opens with "why it is correct" notes; the prompt holds nothing
    of the hints;
  - an interview driven through a pipe, end to end, on a copy of bounded_queue's README and
    reference with a stand-in grader (it prints GRADED and appends a history line, as
    tools/grade.py does), on a 10-second clock: `time` and `grade` answer while the clock runs; when
    the time is up it grades by itself; then the questions come one at a time, each answer is
    appended to ANSWERS.md in a dated section with the final grade, and the reference's notes are
    pointed to by file and lines;
  - a second interview (`done` early) appends a second section and leaves the first as it was;
    `done` right after a grade does not grade again, unless the header changed since;
  - `quit`: no grade, nothing saved, exit 1;
  - the clock says when a reminder falls due (a 1-second reminder on a 2.5-second clock);
  - an unknown kata: exit 2 naming the katas, from interview.py and from `./kata interview`
    (in the stand-in sandbox of honest_exits_test.py, before anything is set up or built), and
    `./kata interview` with no kata, or two: exit 2.
"""
import functools
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import honest_exits_test  # noqa: E402
import interview  # noqa: E402

KATA = "bounded_queue"
# The stand-in grader: what tools/grade.py leaves behind that the interview reads. A shell script,
# not Python, so that it ends in milliseconds even on a loaded machine: the clock is short.
FAKE_GRADE = """
echo "GRADED $1"
line='{"time": "%s", "kata": "%s", "level": 2, "max_level": 3, "score": 60.0, "passed": false}'
printf "$line\\n" "$(date -Iseconds)" "$1" >> reports/history.jsonl
"""


def flat(text: str) -> str:
    """The text with its line breaks and runs of spaces as single spaces (the interview wraps)."""
    return " ".join(text.split())


def katas() -> list[str]:
    return sorted(d.name for d in (ROOT / "katas").iterdir()
                  if (ROOT / "solutions" / d.name / f"{d.name}.h").exists())


def check_readmes() -> list[str]:
    problems = []
    for kata in katas():
        try:
            loaded = interview.load(ROOT, kata)
        except (interview.ReadmeError, OSError) as error:
            problems.append(f"katas/{kata}/README.md: {error}")
            continue
        readme = (ROOT / "katas" / kata / "README.md").read_text()
        hints = interview.section(readme, interview.HINTS_HEADING)
        hint_lines = [line.strip() for line in hints.splitlines() if len(line.strip()) > 30]
        if any(line in loaded.prompt for line in hint_lines) or "Hint" in loaded.prompt:
            problems.append(f"{kata}: the prompt holds a hint")
        if len(loaded.prompt) < 100:
            problems.append(f"{kata}: the prompt is {len(loaded.prompt)} characters: "
                            f"{loaded.prompt}")
        if len(loaded.questions) < 3:
            problems.append(f"{kata}: {len(loaded.questions)} follow-up questions, want 3 or more")
        for question in loaded.questions:
            if not question.asked.endswith(("?", ".")) or "**" in question.asked:
                problems.append(f"{kata}: a question reads badly: {question.asked!r}")
            if not question.notes:
                problems.append(f"{kata}: no notes for {question.asked!r}")
        assert loaded.notes is not None, "the tree's reference has its notes"
        reference, first, last = loaded.notes
        lines = reference.read_text().splitlines()
        if not lines[first - 1].startswith("// Why") or not first <= last <= len(lines):
            problems.append(f"{kata}: the notes pointed to, lines {first}-{last}, do not start "
                            f"with a `// Why` line")
    return problems


def sandbox(root: Path) -> None:
    (root / "katas" / KATA).mkdir(parents=True)
    (root / "solutions" / KATA).mkdir(parents=True)
    (root / "reports").mkdir()
    shutil.copy(ROOT / "katas" / KATA / "README.md", root / "katas" / KATA)
    shutil.copy(ROOT / "solutions" / KATA / f"{KATA}.h", root / "solutions" / KATA)
    (root / "fake_grade.sh").write_text(FAKE_GRADE)


class Session:
    """interview.py driven through a pipe, its output read as it comes."""

    def __init__(self, root: Path, seconds: float) -> None:
        grade = "sh fake_grade.sh {kata}"
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / "interview.py"), KATA, "--root", str(root),
             "--seconds", str(seconds), "--grade-command", grade],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            bufsize=1)
        self.output = ""
        self.chunks: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout
        for char in iter(functools.partial(stdout.read, 1), ""):
            self.chunks.put(char)
        self.chunks.put(None)

    def wait_for(self, text: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            try:
                chunk = self.chunks.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return False
            if chunk is None:
                return text in self.output
            self.output += chunk
        return True

    def send(self, text: str) -> None:
        assert self.proc.stdin
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def finish(self, timeout: float = 60) -> int:
        assert self.proc.stdin
        self.proc.stdin.close()
        code = self.proc.wait(timeout=timeout)
        self.wait_for("\0", timeout=5)  # drain what is left
        return code


def check_flow() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sandbox(root)
        answers = root / "katas" / KATA / "ANSWERS.md"
        loaded = interview.load(root, KATA)

        session = Session(root, seconds=10)
        session.send("time\ngrade\n")
        if not session.wait_for("GRADED bounded_queue"):
            problems.append(f"`grade` while the clock runs did not grade:\n{session.output}")
        if " left (ends at " not in session.output:
            problems.append(f"`time` did not say the time left:\n{session.output}")
        if not session.wait_for("Time is up", timeout=30):
            problems.append(f"the 10-second clock never ran out:\n{session.output}")
        if not session.wait_for("Question 1/") or not session.wait_for("\n> "):
            problems.append(f"no follow-up question after the time was up:\n{session.output}")
        after_time_up = session.output.split("Time is up")[-1]
        if "--- grading (time is up)" not in after_time_up or "GRADED" not in after_time_up:
            problems.append(f"no grade when the time was up:\n{session.output}")
        if flat(loaded.questions[1].asked) in flat(session.output):
            problems.append("the second question was asked before the first was answered")
        session.send("The mutex guards the deque and the flag.\n\nA second paragraph.\n.\n")
        if not session.wait_for("Question 2/"):
            problems.append(f"no second question after the first answer:\n{session.output}")
        session.send("skip\n")
        session.send("Spurious: a wait that returns with nothing to do.\n.\n")
        code = session.finish()
        if code != 0:
            problems.append(f"a full interview: exit {code}, want 0:\n{session.output}")
        text = answers.read_text() if answers.exists() else ""
        first_section = text
        for want in ("## Interview of ", "Final grade: level 2/3, score 60.0, not passed",
                     f"### 1. {loaded.questions[0].asked}",
                     "The mutex guards the deque and the flag.\n\nA second paragraph.",
                     f"### 3. {loaded.questions[2].asked}", "Spurious: a wait that returns"):
            if want not in text:
                problems.append(f"ANSWERS.md lacks {want!r}:\n{text}")
        if "### 2." in text:
            problems.append("a skipped question was written to ANSWERS.md")
        assert loaded.notes is not None, "the tree's reference has its notes"
        reference, first, last = loaded.notes
        pointer = f"solutions/{KATA}/{KATA}.h, lines {first}-{last}"
        if pointer not in flat(session.output):
            problems.append(f"the reference's notes are not pointed to ({pointer}):\n"
                            f"{session.output[-600:]}")

        # With the header there: `done` right after a grade of the same header does not grade again.
        shutil.copy(ROOT / "katas" / KATA / f"{KATA}.h", root / "katas" / KATA)
        session = Session(root, seconds=600)
        session.send("grade\ndone\nA later answer.\n.\n")
        code = session.finish()
        if session.output.count("GRADED") != 1 or "has not changed since the last grade" not in \
                session.output:
            problems.append(f"`done` right after a grade, the header unchanged, should not grade "
                            f"again:\n{session.output}")
        text = answers.read_text() if answers.exists() else ""
        if code != 0 or not text.startswith(first_section) or text.count("## Interview of ") != 2 \
                or "A later answer." not in text:
            problems.append(f"a second interview should append a section, exit 0 (exit {code}):"
                            f"\n{text}")
        if "Done after" not in session.output:
            problems.append(f"`done` should end the clock:\n{session.output}")

        session = Session(root, seconds=600)
        session.send("grade\n")
        session.wait_for("GRADED")
        with open(root / "katas" / KATA / f"{KATA}.h", "a") as header:
            header.write("// changed after the grade\n")
        session.send("done\nskip\n")
        code = session.finish()
        if code != 0 or session.output.count("GRADED") != 2:
            problems.append(f"`done` after the header changed since the last grade should grade "
                            f"again (exit {code}):\n{session.output}")

        before = answers.read_text()
        graded = (root / "reports" / "history.jsonl").read_text()
        session = Session(root, seconds=600)
        session.send("quit\nAn answer that must not be saved.\n.\n")
        code = session.finish()
        if code != 1 or answers.read_text() != before \
                or (root / "reports" / "history.jsonl").read_text() != graded:
            problems.append(f"`quit`: exit {code}, want 1, with no grade and nothing saved:\n"
                            f"{session.output}")
    return problems


def check_reminder() -> list[str]:
    saved = interview.REMINDERS
    interview.REMINDERS = (1,)
    said: list[str] = []
    read_fd, write_fd = os.pipe()
    try:
        kata = interview.Kata(KATA, "prompt", [], (ROOT, 1, 1))
        session = interview.Interview(kata, ROOT, 2.5, ["true"], interview.Lines(read_fd),
                                      lambda text, end="\n": said.append(text + end))
        try:
            session.next_command([1])
            return ["next_command returned with no input"]
        except TimeoutError:
            pass
    finally:
        interview.REMINDERS = saved
        os.close(read_fd)
        os.close(write_fd)
    if not any("1 second left." in s for s in said):
        return [f"the 1-second reminder was not said: {said}"]
    return []


def check_unknown() -> list[str]:
    problems = []
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "interview.py"), "bogus"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    if proc.returncode != 2 or "bogus" not in proc.stderr or KATA not in proc.stderr:
        problems.append(f"interview.py bogus: exit {proc.returncode}, want 2 naming the katas: "
                        f"{proc.stderr!r}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bin_dir = honest_exits_test.make_sandbox(root, str(ROOT / "kata"))
        for args in (["interview", "bogus"], ["interview"], ["interview", "good", "broken"]):
            code, err, calls = honest_exits_test.run_kata(root, bin_dir, *args)
            if code != 2 or calls:
                problems.append(f"./kata {' '.join(args)}: exit {code}, want 2 before any tool "
                                f"runs: {calls} {err!r}")
        code, err, _ = honest_exits_test.run_kata(root, bin_dir, "interview", "bogus")
        if "good" not in err or "broken" not in err:
            problems.append(f"./kata interview bogus should list the katas: {err!r}")
    return problems


def main() -> int:
    problems = check_readmes() + check_unknown() + check_reminder() + check_flow()
    for problem in problems:
        print("PROBLEM:", problem)
    print("interview mode works" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
