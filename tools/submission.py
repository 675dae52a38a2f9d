#!/usr/bin/env python3
"""submission.py: grade another checkout's kata headers with this tree's tests (`./kata grade
--submission`).

    submission.py --submission <dir | git URL[@rev]> [--class] [--work DIR] [--out DIR]
                  [grade.py options] [kata...]

A learner owns everything in their repository, tests and grader included, so nothing of it is used
but their kata headers. This tree is copied (its files, never its build) into a private tree,
WORK/tree (default: build/submission/tree), and only these files of the submission are written
over it:

  katas/<kata>/<kata>.h   the learner's header, for every kata graded;
  katas/<kata>/<name>.h   a helper header the learner added, when this tree's katas/<kata>/ has no
                          file of that name and it does not call itself provided (PROVIDED_MARKER).
                          The grader holds every such header to the header policy, like the kata's
                          own header (grade.py, tamper_findings).

A provided header (clock.h, log_sink.h: PROVIDED_MARKER on its first line) always comes from this
tree; a symbolic link is never followed; tests, harness, references, tools and build files come from
this tree alone. The private tree keeps its build directory between gradings, and a file is only
rewritten when its content changed, so grading a class one learner after another recompiles only
what differs between their headers.

Why a private copy rather than an include directory the build reads first: the build, the grader,
the header policy and the sandbox all take the kata's folder as the one place its headers live
(provided headers are the folder's *.h, the policy checks includes against them, the sandbox makes
the tree read-only); a copy keeps that one rule true and needs no change to any of them.

Exit status: grade.py's (0 when every graded kata passes), 2 when the submission cannot be read.
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The first line of every header a kata provides (clock.h, log_sink.h): a submission's header that
# carries it is not the learner's to supply.
PROVIDED_MARKER = "// PROVIDED:"
# Never part of the pristine copy: builds, reports, version control, editor and Python droppings.
NOT_COPIED = re.compile(r"^(?:build[^/]*|reports|out|\.git)(?:/|$)|(?:^|/)__pycache__(?:/|$)|"
                        r"\.swp$|\.pyc$")


class SubmissionError(Exception):
    """The submission cannot be read (no such directory, a clone or a revision that fails)."""


def progress(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The submission


def split_rev(source: str) -> tuple[str, str | None]:
    """'URL@rev' -> (URL, rev); the '@' of user@host (git@github.com:o/r.git) is not a rev: a rev
    names neither a path nor a host, so one with '/' or ':' is part of the URL."""
    url, at, rev = source.rpartition("@")
    if at and url and rev and "/" not in rev and ":" not in rev:
        return url, rev
    return source, None


def fetch(source: str, scratch: Path) -> tuple[Path, dict[str, Any]]:
    """(the submission's directory, {source, commit}) for a directory or a git URL[@rev] (cloned
    into `scratch`)."""
    if Path(source).is_dir():
        commit = _git(["rev-parse", "HEAD"], Path(source), check=False)
        return Path(source).resolve(), {"source": source, "commit": commit}
    url, rev = split_rev(source)
    target = scratch / "clone"
    shutil.rmtree(target, ignore_errors=True)
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    proc = subprocess.run(["git", "clone", "--quiet", "--no-checkout", "--", url, str(target)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SubmissionError(f"{source} is neither a directory nor a git repository that can be "
                              f"cloned: {proc.stderr.strip()}")
    proc = subprocess.run(["git", "-C", str(target), "checkout", "--quiet", "--detach",
                           rev or "HEAD", "--"], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SubmissionError(f"{url}: cannot check out {rev or 'HEAD'}: {proc.stderr.strip()}")
    return target, {"source": source, "commit": _git(["rev-parse", "HEAD"], target)}


def _git(args: list[str], where: Path, check: bool = True) -> str | None:
    proc = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        if check:
            raise SubmissionError(f"git {' '.join(args)} in {where}: {proc.stderr.strip()}")
        return None
    return proc.stdout.strip()


def known_katas(tree: Path) -> list[str]:
    """The katas of `tree` as its build registers them: a folder of katas/ with tests (and, in a
    tree with solutions/, a reference)."""
    found = []
    for kata_dir in sorted((tree / "katas").iterdir()):
        kata = kata_dir.name
        if any((kata_dir / "tests").glob("*.cc")) and (
                not (tree / "solutions").is_dir()
                or (tree / "solutions" / kata / f"{kata}.h").is_file()):
            found.append(kata)
    return found


def is_provided(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            return file.readline().startswith(PROVIDED_MARKER)
    except OSError:
        return False


def helper_headers(kata_dir: Path, kata: str) -> list[Path]:
    """The headers of katas/<kata>/ that are neither the kata's header nor provided: the learner's
    helpers, which the grader holds to the header policy as it does the kata's header."""
    return [p for p in sorted(kata_dir.glob("*.h"))
            if p.name != f"{kata}.h" and not is_provided(p)]


def select_headers(submission: Path, pristine: Path, katas: list[str]
                   ) -> tuple[dict[str, dict[str, Path]], list[str]]:
    """({kata: {file name: the submission's file}} to overlay, [notes on what was left out])."""
    chosen: dict[str, dict[str, Path]] = {}
    notes: list[str] = []
    for kata in katas:
        mine = submission / "katas" / kata
        ours = pristine / "katas" / kata
        header = mine / f"{kata}.h"
        if header.is_symlink() or (header.exists() and not header.is_file()):
            notes.append(f"katas/{kata}/{kata}.h is not a regular file: not graded")
            continue
        if not header.is_file():
            continue
        chosen[kata] = {header.name: header}
        for path in sorted(mine.glob("*.h")):
            name = f"katas/{kata}/{path.name}"
            if path.name == header.name:
                continue
            if path.is_symlink() or not path.is_file():
                notes.append(f"{name}: not a regular file, left out")
            elif (ours / path.name).exists():
                notes.append(f"{name}: provided by the kata, this tree's copy is used")
            elif is_provided(path):
                notes.append(f"{name}: calls itself provided but the kata provides no such "
                             f"header, left out")
            else:
                chosen[kata][path.name] = path
    return chosen, notes


# ---------------------------------------------------------------------------------------------
# The private tree


def pristine_files(tree: Path) -> list[str]:
    """The files of `tree` that make it (relative paths): git's tracked and untracked-but-not-
    ignored files where it is a repository, else every file but NOT_COPIED."""
    listed = _git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], tree,
                  check=False) if (tree / ".git").exists() else None
    if listed is not None:
        names = [n for n in listed.split("\0") if n]
    else:
        names = [str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file() or p.is_symlink()]
    return sorted(n for n in names if not NOT_COPIED.search(n) and (tree / n).is_file())


def write_if_changed(source: Path, target: Path) -> bool:
    """Copies `source` to `target` unless it already holds the same bytes (an unchanged file keeps
    its time stamp: Ninja recompiles nothing for it). A copy gets a new time stamp, never the
    source's: an older stamp than the object built from the last submission would hide it."""
    if target.is_file() and not target.is_symlink() and filecmp.cmp(source, target, shallow=False):
        return False
    if target.is_symlink() or target.exists():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    shutil.copymode(source, target)
    return True


def sync(pristine: Path, tree: Path, overlay: dict[str, dict[str, Path]]) -> int:
    """Makes `tree` this tree's files plus the overlay, and nothing else (a previous learner's
    helper header is removed); its build directory is kept. Returns how many files were written."""
    wanted = {name: pristine / name for name in pristine_files(pristine)}
    for kata, files in overlay.items():
        for name, path in files.items():
            wanted[f"katas/{kata}/{name}"] = path
    tree.mkdir(parents=True, exist_ok=True)
    for path in sorted(tree.rglob("*"), reverse=True):
        name = str(path.relative_to(tree))
        if NOT_COPIED.search(name):
            continue
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif name not in wanted:
            path.unlink()
    return sum(write_if_changed(source, tree / name) for name, source in wanted.items())


def configure(tree: Path) -> Path:
    """The private tree's build directory, configured (the default preset) if it is not yet."""
    build_dir = tree / "build"
    if not (build_dir / "CMakeCache.txt").exists():
        progress(f"configuring the private tree's build ({build_dir})")
        command = ["cmake", "--preset", "default"]
        if shutil.which("ccache"):
            command.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        proc = subprocess.run(command, cwd=tree, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SubmissionError(f"the private tree does not configure:\n{proc.stdout[-2000:]}"
                                  f"{proc.stderr[-2000:]}")
    return build_dir


def save_skeletons(pristine: Path, build_dir: Path, katas: list[str]) -> None:
    """This tree's skeletons, where the copy check in the private tree reads them (its katas/
    holds the learner's headers, and it has no history to find the skeleton in)."""
    import check_skeleton  # noqa: E402
    import similarity  # noqa: E402
    for kata in katas:
        try:
            text = check_skeleton.pristine(pristine / "katas" / kata / f"{kata}.h")[0]
        except SystemExit:
            continue  # no skeleton to be had: the copy check does without
        out = build_dir / similarity.PRISTINE_SKELETONS / f"{kata}.h"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)


def record(out: Path, provenance: dict[str, Any], overlay: dict[str, dict[str, Path]],
           notes: list[str]) -> None:
    """Adds what was graded to report.json: the submission, its commit and the files taken."""
    report_path = out / "report.json"
    try:
        document = json.loads(report_path.read_text())
    except (OSError, ValueError):
        return
    document["submission"] = dict(provenance, notes=notes, headers={
        kata: sorted(f"katas/{kata}/{name}" for name in files) for kata, files in overlay.items()})
    report_path.write_text(json.dumps(document, indent=2) + "\n")


def _passed_on(option: str) -> Callable[[str], str]:
    """argparse's type for a grade.py option with a value: kept as `--option=value`."""
    return lambda value: f"{option}={value}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submission", required=True, help="a directory or a git URL[@rev]")
    parser.add_argument("--work", default=str(ROOT / "build" / "submission"),
                        help="where the private tree and the clone live (kept between gradings)")
    parser.add_argument("--out", default=str(ROOT / "reports"))
    parser.add_argument("katas", nargs="*")
    # grade.py's options, passed on as given.
    for flag in ("--no-bench", "--setarch", "--class", "--peers", "--no-sandbox",
                 "--require-sandbox"):
        parser.add_argument(flag, action="append_const", const=flag, dest="grade_args")
    for option in ("--jobs", "--bench-seconds", "--repetitions"):
        parser.add_argument(option, action="append", type=_passed_on(option), dest="grade_args")
    args = parser.parse_intermixed_args(argv)  # kata names before and after options
    grade_args = args.grade_args or []
    pristine_katas = known_katas(ROOT)
    unknown = [k for k in args.katas if k not in pristine_katas]
    if unknown:
        print(f"submission.py: unknown kata(s): {', '.join(unknown)}; the katas are: "
              f"{', '.join(pristine_katas)}", file=sys.stderr)
        return 2
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    try:
        submission, provenance = fetch(args.submission, work)
        overlay, notes = select_headers(submission, ROOT, args.katas or pristine_katas)
        if not overlay:
            raise SubmissionError(f"{args.submission} has no katas/<kata>/<kata>.h of "
                                  f"{', '.join(args.katas or pristine_katas)}")
        tree = work / "tree"
        written = sync(ROOT, tree, overlay)
        progress(f"private tree {tree}: {written} file(s) written; graded: " + ", ".join(
            f"katas/{k}/{n}" for k, files in overlay.items() for n in files))
        for note in notes:
            progress(f"note: {note}")
        build_dir = configure(tree)
        save_skeletons(ROOT, build_dir, list(overlay))
    except SubmissionError as error:
        print(f"submission.py: {error}", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    status = subprocess.run([sys.executable, str(tree / "tools" / "grade.py"), "--build-dir",
                             str(build_dir), "--out", str(out), *grade_args, *overlay]).returncode
    record(out, provenance, overlay, notes)
    return status


if __name__ == "__main__":
    sys.exit(main())
