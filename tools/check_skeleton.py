#!/usr/bin/env python3
"""check_skeleton.py: the untouched skeleton fails every test, fast and readably.

  check_skeleton.py pristine HEADER OUT   write HEADER's pristine skeleton to OUT (and OUT.source)
  check_skeleton.py check BINARY [--source FILE]
                                          run every test of BINARY (the suite built against the
                                          pristine skeleton) on its own; each must fail with the
                                          not-implemented message, without crashing, hanging or a
                                          sanitizer report

Why a pristine copy: in a learner's repository katas/<kata>/<kata>.h holds their work, and a solved
kata passes its tests; checking that header would report "passed against the skeleton" and break
`./kata selftest` for exactly the learners who did the work. There is one skeleton text, the header
as the project wrote it, and the build derives the copy it checks from it (cmake/Kata.cmake): the
working tree's header while it is still a skeleton (in the project's own tree), else the newest
committed version of it that is one (in a learner's repository: the version the template shipped).
No second copy is kept by hand, so none can drift.

What "still a skeleton" means is read from the text: every function body holds only `(void)`
casts and one `throw NotImplemented("...")`, and a destructor's may be empty.
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

import failure_kinds
import failure_protocol
import gtest_run
from failure_kinds import Kind

LIMIT_SECONDS = 5  # a skeleton test takes milliseconds; this only guards against a hang
# The kinds of report a test must never end with against the skeleton: a hang or a sanitizer's.
SKELETON_NEVER = {Kind.HANG, Kind.MEMORY, *failure_kinds.SANITIZER_VARIANT}

# A skeleton's function body, comments removed: `(void)a, (void)b;` casts, then the throw.
SKELETON_BODY = re.compile(r"\s*(?:\(void\)\s*\w+\s*(?:,\s*\(void\)\s*\w+\s*)*;\s*)*"
                           r"throw\s+NotImplemented\s*\(\s*\"[^\"\\]*\"\s*\)\s*;\s*")
ACCESS = re.compile(r"^(?:(?:public|protected|private)\s*:\s*)+")
SCOPE_KEYWORDS = re.compile(r"\b(?:namespace|class|struct|union|enum)\b")


def strip_comments(text: str) -> str:
    """The text without comments and preprocessor lines; string and character literals kept, each
    comment replaced by a space."""
    out: list[str] = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c in " \t":
            out.append(c)
            i += 1
            continue
        if at_line_start and c == "#":  # a directive, with its continuation lines
            while i < n and not (text[i] == "\n" and text[i - 1] != "\\"):
                i += 1
            continue
        at_line_start = c == "\n"
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            out.append(" ")
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _matching_brace(code: str, open_at: int) -> int:
    """The index of the `}` closing the `{` at open_at (string literals skipped)."""
    depth, i = 0, open_at
    while i < len(code):
        c = code[i]
        if c in "\"'":
            j = i + 1
            while j < len(code) and code[j] != c:
                j += 2 if code[j] == "\\" else 1
            i = j
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced braces")


def not_a_skeleton(text: str) -> str | None:
    """Why the header text is not an untouched skeleton, or None if it is one."""
    code = strip_comments(text)
    bodies = 0
    statement_start, i = 0, 0
    while i < len(code):
        c = code[i]
        if c in "\"'":
            j = i + 1
            while j < len(code) and code[j] != c:
                j += 2 if code[j] == "\\" else 1
            i = j + 1
            continue
        if c in ";}":
            statement_start = i + 1
        elif c == "{":
            head = ACCESS.sub("", " ".join(code[statement_start:i].split()))
            if SCOPE_KEYWORDS.search(head) and "(" not in head:
                statement_start = i + 1  # a namespace or class: its members are looked at next
            elif "(" in head:  # a function: its body must be a skeleton's
                try:
                    end = _matching_brace(code, i)
                except ValueError:
                    return f"unbalanced braces after `{head}`"
                body = code[i + 1:end]
                empty_destructor = not body.strip() and "~" in head
                if not empty_destructor and not SKELETON_BODY.fullmatch(body):
                    return f"the body of `{head}` is not just `throw NotImplemented(...)`"
                bodies += 1
                i = end
                statement_start = end + 1
            else:  # a brace initializer (`int n_{0};`): data, not code
                try:
                    i = _matching_brace(code, i)
                except ValueError:
                    return f"unbalanced braces after `{head}`"
        i += 1
    return None if bodies else "no function body throws NotImplemented"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


def pristine(header: Path) -> tuple[str, str]:
    """(the pristine skeleton's text, where it came from) for a kata header."""
    text = header.read_text()
    why = not_a_skeleton(text)
    if why is None:
        return text, f"{header.name} as it is in the working tree"
    try:
        top = Path(_git(header.parent, "rev-parse", "--show-toplevel").strip())
        path = header.resolve().relative_to(top.resolve()).as_posix()
        shallow = _git(top, "rev-parse", "--is-shallow-repository").strip() == "true"
        log = _git(top, "log", "--format=%H %h %cs %s", "--", path)
    except (OSError, subprocess.CalledProcessError, ValueError) as error:
        raise SystemExit(f"{header}: not a skeleton ({why}), and its history cannot be read from "
                         f"git to find the version that was: {error}") from error
    for line in log.splitlines():
        commit, short, date, subject = (line.split(" ", 3) + [""])[:4]
        try:
            version = _git(top, "show", f"{commit}:{path}")
        except subprocess.CalledProcessError:
            continue  # the commit deleted it
        if not_a_skeleton(version) is None:
            return version, f"{path} as committed in {short} ({date}, {subject})"
    hint = (" This is a shallow clone: fetch the history (git fetch --unshallow; in GitHub Actions "
            "actions/checkout with fetch-depth: 0).") if shallow else ""
    raise SystemExit(f"{header}: not a skeleton ({why}), and no committed version of it is one."
                     + hint)


def write_pristine(header: Path, out: Path) -> None:
    text, source = pristine(header)
    print(f"pristine skeleton of {header.stem}: {source}")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written only when changed, so that editing the learner's header does not rebuild the
    # skeleton's binary (the build's custom commands restat their outputs).
    for path, content in ((out, text), (Path(f"{out}.source"), source + "\n")):
        if not path.exists() or path.read_text() != content:
            path.write_text(content)


def check(binary: str, source: Path | None) -> int:
    problems, slowest = [], (0.0, "")
    tests = gtest_run.list_tests(binary)
    for name in tests:
        code, output, seconds = gtest_run.run(binary, [f"--gtest_filter={name}"], LIMIT_SECONDS)
        slowest = max(slowest, (seconds, name))
        if code is None:
            problems.append(f"{name}: still running after {LIMIT_SECONDS} s")
        elif code == 0:
            problems.append(f"{name}: passed against the skeleton (does it test anything?)")
        elif code != 1:
            problems.append(f"{name}: ended with exit code {code}, not a clean test failure")
        elif failure_protocol.NOT_IMPLEMENTED not in output:
            problems.append(f"{name}: failed without the not-implemented message")
        # The first report in the output besides the not-implemented phrase (checked above): a
        # hang's or a sanitizer's there is the suite's fault (an assert() aborts, which the exit
        # code above already names).
        first = next((f for f in failure_kinds.findings(output)
                      if f.kind != Kind.NOT_IMPLEMENTED), None)
        if first is not None and first.kind in SKELETON_NEVER:
            problems.append(f"{name}: {first.kind} report against the skeleton")
    if source is not None and source.exists():
        print(f"the skeleton: {source.read_text().strip()}")
    print(f"{len(tests)} tests against the skeleton; slowest {slowest[0]:.3f} s ({slowest[1]})")
    for problem in problems:
        print("  " + problem)
    return 1 if problems or not tests else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    derive = commands.add_parser("pristine", help="write a kata header's pristine skeleton")
    derive.add_argument("header", type=Path)
    derive.add_argument("out", type=Path)
    run = commands.add_parser("check", help="check the suite built against the skeleton")
    run.add_argument("binary")
    run.add_argument("--source", type=Path,
                     help="where the skeleton came from (the pristine command's OUT.source)")
    args = parser.parse_args()
    if args.command == "pristine":
        write_pristine(args.header, args.out)
        return 0
    return check(args.binary, args.source)


if __name__ == "__main__":
    sys.exit(main())
