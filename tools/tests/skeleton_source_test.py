#!/usr/bin/env python3
"""The skeleton check's pristine copy (ctest: grader/skeleton_source, label harness).

`./kata selftest`'s skeleton tests run each kata's suite against the pristine skeleton that
tools/check_skeleton.py derives, never against the learner's header, so a solved kata does not
break them. This checks the derivation, in a second, without building anything:

  - what counts as a skeleton: every kata's pristine skeleton does; every reference (renamed to
    namespace kata, as a solved kata would be) does not; nor does a skeleton with one body
    written (a method, the destructor), an emptied method, or an added lambda; a skeleton with
    members and includes added, bodies untouched, still does;
  - where it comes from, in a throw-away git repository: the working tree's header while it is a
    skeleton; once it is solved (committed or not), the newest committed version that is one,
    named by its commit; with no such version, a clear error that exits non-zero.
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import check_skeleton  # noqa: E402


def katas() -> list[str]:
    return sorted(d.name for d in (ROOT / "katas").iterdir()
                  if (ROOT / "solutions" / d.name / f"{d.name}.h").exists())


def check_recognition() -> list[str]:
    problems = []
    for kata in katas():
        skeleton, source = check_skeleton.pristine(ROOT / "katas" / kata / f"{kata}.h")
        if check_skeleton.not_a_skeleton(skeleton) is not None:
            problems.append(f"{kata}: the pristine skeleton ({source}) is not taken for one")
        reference = (ROOT / "solutions" / kata / f"{kata}.h").read_text()
        solved = reference.replace("namespace solution", "namespace kata")
        if check_skeleton.not_a_skeleton(solved) is None:
            problems.append(f"{kata}: its reference, renamed to namespace kata, is taken for a "
                            f"skeleton")

    skeleton, _ = check_skeleton.pristine(ROOT / "katas" / "bounded_queue" / "bounded_queue.h")
    size = 'std::size_t size() const { throw NotImplemented("BoundedQueue::size"); }'
    if size not in skeleton:
        return problems + [f"bounded_queue's skeleton has no `{size}`: update this test"]
    not_skeletons = {
        "one method written": skeleton.replace(size, "std::size_t size() const { return 0; }"),
        "a method emptied": skeleton.replace(
            'void close() { throw NotImplemented("BoundedQueue::close"); }', "void close() {}"),
        "a lambda added": skeleton.replace(
            size, 'std::size_t size() const { auto f = [] { return 0; }; '
                  'throw NotImplemented("BoundedQueue::size"); }'),
        "a destructor written": skeleton.replace(
            "BoundedQueue(const BoundedQueue&) = delete;",
            "~BoundedQueue() { join(); }\n  BoundedQueue(const BoundedQueue&) = delete;"),
    }
    for what, text in not_skeletons.items():
        if text == skeleton:
            problems.append(f"{what}: the edit did not apply: update this test")
        elif check_skeleton.not_a_skeleton(text) is None:
            problems.append(f"the bounded_queue skeleton with {what} is taken for a skeleton")
    still = skeleton.replace("#include <utility>", "#include <utility>\n#include <mutex>").replace(
        " public:", " std::mutex mutex_;\n  int n_{0};  // a { in a comment\n\n public:", 1)
    still = still.replace("BoundedQueue(const BoundedQueue&) = delete;",
                          "~BoundedQueue() {}\n  BoundedQueue(const BoundedQueue&) = delete;")
    if still == skeleton or check_skeleton.not_a_skeleton(still) is not None:
        problems.append(f"the skeleton with members, an include and an empty destructor added "
                        f"should still be one: {check_skeleton.not_a_skeleton(still)}")
    return problems


def git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def check_history() -> list[str]:
    problems = []
    skeleton, _ = check_skeleton.pristine(ROOT / "katas" / "bounded_queue" / "bounded_queue.h")
    solved = (ROOT / "solutions" / "bounded_queue" / "bounded_queue.h").read_text().replace(
        "namespace solution", "namespace kata")
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        header = repo / "katas" / "bounded_queue" / "bounded_queue.h"
        header.parent.mkdir(parents=True)
        git(repo, "init", "-q")

        header.write_text(solved)
        git(repo, "add", ".")
        git(repo, "commit", "-qm", "solved before any skeleton")
        try:
            check_skeleton.pristine(header)
            problems.append("a header with no skeleton in its history: pristine() returned")
        except SystemExit as error:
            if "no committed version of it is one" not in str(error):
                problems.append(f"no skeleton in the history: unclear error: {error}")

        header.write_text(skeleton)
        git(repo, "commit", "-qam", "the template")
        template = git(repo, "rev-parse", "--short", "HEAD")
        text, source = check_skeleton.pristine(header)
        if text != skeleton or "working tree" not in source:
            problems.append(f"an untouched header: want the working tree's, got {source!r}")

        header.write_text(solved)  # solved, not committed
        text, source = check_skeleton.pristine(header)
        if text != skeleton or template not in source:
            problems.append(f"a solved, uncommitted header: want the template's commit "
                            f"{template}, got {source!r}")
        git(repo, "commit", "-qam", "my solution")
        header.write_text(solved + "\n// more work\n")
        git(repo, "commit", "-qam", "more work")
        text, source = check_skeleton.pristine(header)
        if text != skeleton or template not in source:
            problems.append(f"a solved header, committed twice: want the template's commit "
                            f"{template}, got {source!r}")

        out = repo / "build" / "skeletons" / "bounded_queue.h"
        proc = subprocess.run([sys.executable, str(ROOT / "tools" / "check_skeleton.py"),
                               "pristine", str(header), str(out)], capture_output=True, text=True)
        written = out.read_text() if out.exists() else None
        if proc.returncode != 0 or written != skeleton or template not in proc.stdout:
            problems.append(f"check_skeleton.py pristine: exit {proc.returncode}, should write the "
                            f"template's skeleton and name its commit: {proc.stdout!r} "
                            f"{proc.stderr!r}")
    return problems


def main() -> int:
    problems = check_recognition() + check_history()
    for problem in problems:
        print("PROBLEM:", problem)
    print("the pristine skeleton is derived as documented" if not problems
          else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
