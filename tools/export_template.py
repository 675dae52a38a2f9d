#!/usr/bin/env python3
"""export_template.py <dir>: writes the learner's repository (`./kata export-template <dir>`).

What a learner gets: the skeletons (each kata's header as it was before anyone solved it), the
tests, the harness, the tools, the docs and the learner-side workflow. What they do not: solutions/
(references, mutants, answers), the benchmarks of the katas (each one measures the learner against
the reference), the project's own CI and the class grader's workflow and roster.

In the exported tree, `./kata grade` builds and runs every test against the learner's header and
says that performance and the copy check are scored by the class grader (grade.py,
NO_REFERENCE_NOTE); `./kata selftest`, which checks references and mutants, says it has none.
The tree is made a git repository with one commit, ready to push as the class's template: the
skeleton check finds the pristine skeleton in that history once the learner has solved a kata.

Exit status: 0 when the tree is written, 2 when <dir> exists and is not empty.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import check_skeleton  # noqa: E402
import submission  # noqa: E402

# Not for learners: the answers and what needs them, the instructor's CI and class grading, a
# learner's own interview notes.
NOT_EXPORTED = re.compile(r"^(?:solutions/|\.ci/|\.github/workflows/(?:ci|grade-class)\.yml$|"
                          r"benchmarks/(?!linearizability_)\w+_benchmark\.cc$|roster[^/]*$|"
                          r"katas/[^/]+/ANSWERS\.md$)")


def exported_files(root: Path = ROOT) -> list[str]:
    return [name for name in submission.pristine_files(root) if not NOT_EXPORTED.search(name)]


def export(target: Path, root: Path = ROOT) -> int:
    katas = submission.known_katas(root)
    written = 0
    for name in exported_files(root):
        out = target / name
        out.parent.mkdir(parents=True, exist_ok=True)
        parts = Path(name).parts
        if len(parts) == 3 and parts[0] == "katas" and parts[1] in katas and \
                parts[2] == f"{parts[1]}.h":
            out.write_text(check_skeleton.pristine(root / name)[0])
        else:
            out.write_bytes((root / name).read_bytes())
            out.chmod((root / name).stat().st_mode & 0o777)
        written += 1
    return written


def commit(target: Path, root: Path = ROOT) -> None:
    """One commit of everything exported, naming the commit it came from."""
    source = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "a working tree"
    identity = ["-c", "user.name=kata export-template", "-c", "user.email=kata@localhost"]
    for args in (["init", "-q"], ["add", "-A"],
                 ["commit", "-q", "-m", f"Concurrency katas: the learner's template (exported "
                                        f"from {source})"]):
        subprocess.run(["git", "-C", str(target), *identity, *args], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--no-git", action="store_true", help="do not make it a git repository")
    args = parser.parse_args()
    target = args.dir.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        print(f"export-template: {args.dir} exists and is not an empty directory: nothing "
              f"written", file=sys.stderr)
        return 2
    if target == ROOT or ROOT in target.parents:
        print(f"export-template: {args.dir} is inside this tree: export it elsewhere",
              file=sys.stderr)
        return 2
    target.mkdir(parents=True, exist_ok=True)
    written = export(target)
    if not args.no_git:
        commit(target)
    print(f"export-template: {written} files written to {target} (no solutions/, no mutants, "
          f"no answers); in it: ./kata grade")
    return 0


if __name__ == "__main__":
    sys.exit(main())
