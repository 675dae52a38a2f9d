#!/usr/bin/env python3
"""Copy detection (ctest: grader/similarity, label harness), both ways:

- no header of the corpus (references and solutions/*/answers/*.h) is found a copy of another of
  its kata: independent designs, however alike, stay under the threshold;
- every one of them renamed (namespace kata, members renamed), stripped of its comments and
  clang-formatted in each style of similarity.DISGUISES is found a copy, of its own source;
- the grader's wiring: a copy scores 0 in class grading (--class) and keeps its score, with the
  verdict in the report, in practice mode; an honest header is not copied.

Prints the highest similarity of two headers of the corpus and the lowest of a copy: the margin
the threshold has on each side.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import grade  # noqa: E402
from report_types import KataReport  # noqa: E402
import similarity  # noqa: E402

problems: list[str] = []


def expect(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        problems.append(what)


def graded(header: Path, class_mode: bool) -> dict[str, Any]:
    """report after grade.copy_check of a kata that had scored full correctness."""
    args = argparse.Namespace(self_check=False, class_mode=class_mode)
    report: dict[str, Any] = {"score": {"correctness": 70, "performance": 30.0, "total": 100.0,
                                        "passed": True, "note": None}}
    # Only the score, which is what copy_check reads and changes.
    grade.copy_check(args, ROOT / "build", {"name": "rw_lock", "learner_header": str(header)},
                     cast(KataReport, report))
    return report


def main() -> int:
    katas = sorted(p.parent.name for p in (ROOT / "solutions").glob("*/*.h")
                   if p.stem == p.parent.name)
    result = similarity.matrix(katas)
    copied_pairs = [p for p in result["pairs"] if p["similarity"] >= similarity.THRESHOLD]
    top = result["max_pair"]
    expect(not copied_pairs and len(result["pairs"]) > 0,
           f"no header of the corpus is a copy of another: {len(result['pairs'])} pairs, highest "
           f"{top['similarity']:.3f} ({top['kata']}: {top['a']} ~ {top['b']}), threshold "
           f"{similarity.THRESHOLD}" + (f"; copied: {copied_pairs}" if copied_pairs else ""))
    missed = [c for c in result["copies"] if not (c["copied"] and c["found"])]
    low = result["min_copy"]
    expect(not missed and len(result["copies"]) > 0,
           f"every disguised header is found a copy of its source: {len(result['copies'])} "
           f"copies, lowest {low['similarity']:.3f} ({low['source']}, {low['disguise']})"
           + (f"; missed: {missed}" if missed else ""))

    with tempfile.TemporaryDirectory() as scratch:
        reference = ROOT / "solutions" / "rw_lock" / "rw_lock.h"
        style = next(iter(similarity.DISGUISES.values()))
        copy = similarity.disguised(reference, Path(scratch) / "rw_lock.h", style)
        in_class = graded(copy, class_mode=True)
        expect(in_class["score"]["total"] == 0 and not in_class["score"]["passed"] and
               "copied" in in_class["score"]["note"],
               f"class grading scores a copy 0: {in_class['score']}")
        practice = graded(copy, class_mode=False)
        expect(practice["score"]["total"] == 100.0 and practice["copied"]["copied"] and
               practice["copied"]["of"] == "solutions/rw_lock/rw_lock.h",
               f"practice mode keeps the score and notes the copy: {practice['copied']}")
        honest = graded(ROOT / "solutions" / "rw_lock" / "answers" / "phase_fair.h",
                        class_mode=True)
        expect(honest["score"]["total"] == 100.0 and not honest["copied"]["copied"],
               f"an answer of the corpus graded against the others is not a copy: "
               f"{honest['copied']}")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
