#!/usr/bin/env python3
"""`./kata export-template <dir>` (ctest: grader/export_template, label harness).

Exports the learners' repository and checks what is in it: no solutions/ (no reference, mutant or
answer anywhere), no benchmark of a kata, no instructor workflow; every kata header the pristine
skeleton; a git repository with one commit; a second export into it refused. Then configures it
(no build): every kata is registered without a reference, and `./kata selftest` says it has none.
Grading in it (`./kata grade <kata> --no-bench`, a full build) is measured by hand:
docs/instructors.md.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import check_skeleton  # noqa: E402
import submission  # noqa: E402

problems: list[str] = []


def expect(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        problems.append(what)


def main() -> int:
    katas = submission.known_katas(ROOT)
    with tempfile.TemporaryDirectory() as name:
        out = Path(name) / "template"
        proc = subprocess.run([str(ROOT / "kata"), "export-template", str(out)],
                              capture_output=True, text=True)
        expect(proc.returncode == 0, f"exported ({proc.stdout.strip()} {proc.stderr.strip()})")
        files = [str(p.relative_to(out)) for p in out.rglob("*")
                 if p.is_file() and ".git" not in p.relative_to(out).parts]
        expect(not (out / "solutions").exists() and
               not any("/mutants/" in f or f.endswith(".mutant") or "/answers/" in f
                       for f in files),
               f"no solutions/, mutants or answers among {len(files)} files")
        corpus = {p.read_text() for p in (ROOT / "solutions").rglob("*.h")}
        expect(not any((out / f).read_text(errors="replace") in corpus
                       for f in files if f.endswith(".h")),
               "no header of the export is a reference or an answer")
        expect(not any(f.startswith("benchmarks/") and f.endswith("_benchmark.cc") and
                       not f.startswith("benchmarks/linearizability") for f in files) and
               not (out / ".github" / "workflows" / "ci.yml").exists() and
               not (out / ".github" / "workflows" / "grade-class.yml").exists() and
               (out / ".github" / "workflows" / "grade.yml").exists(),
               "no kata benchmark, no instructor workflow; the learners' grade.yml")
        skeletons = [k for k in katas if (out / "katas" / k / f"{k}.h").read_text() ==
                     check_skeleton.pristine(ROOT / "katas" / k / f"{k}.h")[0]]
        expect(skeletons == katas, f"every kata header is its pristine skeleton: {skeletons}")
        log = subprocess.run(["git", "-C", str(out), "log", "--oneline"], capture_output=True,
                             text=True).stdout.splitlines()
        expect(len(log) == 1, f"a git repository with one commit: {log}")
        again = subprocess.run([str(ROOT / "kata"), "export-template", str(out)],
                               capture_output=True, text=True)
        expect(again.returncode == 2 and "not an empty directory" in again.stderr,
               f"exporting into it again is refused: {again.returncode} {again.stderr.strip()}")
        configure = subprocess.run(["cmake", "--preset", "default"], cwd=out, capture_output=True,
                                   text=True)
        manifests = {p.stem: json.loads(p.read_text())
                     for p in (out / "build" / "katas").glob("*.json")}
        expect(configure.returncode == 0 and sorted(manifests) == sorted(katas) and
               all(m["reference"] is False and m["benchmark"] is False
                   for m in manifests.values()),
               f"it configures, every kata registered without a reference: "
               f"{sorted(manifests)} {configure.stderr[-500:]}")
        selftest = subprocess.run(["./kata", "selftest"], cwd=out, capture_output=True, text=True)
        expect(selftest.returncode == 1 and "this one does not" in selftest.stderr,
               f"./kata selftest says it has no references: {selftest.stderr.strip()}")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
