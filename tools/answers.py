#!/usr/bin/env python3
"""The answers corpus (docs/answers.md): whole learner answers, solutions/<kata>/answers/<name>.h,
each declaring in its first lines the verdict the grader must give it. This module is the one place
that reads those declarations and checks a graded report against them.

    tools/answers.py list --build-dir build
        every registered answer and what it declares
    tools/answers.py catch-rate --build-dir build [--runs 20] KATA/NAME...
        runs a flawed answer's declared catching test --runs times in each variant it is built
        in, one process a run, and counts the runs in which it failed with the declared kind (the
        20-of-20 bar)
    tools/answers.py variants --available plain,tsan,asan HEADER...
        the variants each answer is built and graded in, one line each, comma-separated (what
        cmake/Kata.cmake reads at configure time)

An answer's header:

    // <its design, two comment lines: what a candidate wrote, and for a flawed one the flaw>
    // ...
    // expect-level: <the level the grader must find it reaching>
    // expect-caught-by: <Category.L<n>_Test> <failure kind>     (flawed answers only)
    // expect-variants: <variant>...                              (optional)

The failure kind is the grader's name for it in report.json (tools/failure_kinds.py: assertion,
data_race, hang, crash, ...).

An answer is built and graded only in the variants its verdict needs, each a whole suite build:
by default plain and tsan for an answer with no catching test (correct up to its level, and free
of data races), the sanitizer's variant for one caught as a sanitizer's finding (tsan for a
data_race), plain for one caught any other way.
expect-variants names them where the default does not fit (an answer only AddressSanitizer
catches: asan).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import failure_kinds  # noqa: E402

# The grader's modules (grade, gtest_run, test_runner) are imported where they are used: CMake runs
# `answers.py variants` at configure time, which needs only the declarations.
ROOT = Path(__file__).resolve().parent.parent


# The failure kinds a report may name.
KINDS = frozenset(str(kind) for kind in failure_kinds.Kind)
LEVEL = re.compile(r"^// expect-level: *(?P<level>\d+) *$")
CAUGHT_BY = re.compile(r"^// expect-caught-by: *(?P<test>(?P<category>[A-Za-z]+)\.L(?P<level>\d+)_"
                       r"(?P<name>\w+)) +(?P<kind>\w+) *$")
VARIANTS = re.compile(r"^// expect-variants: *(?P<variants>\w+(?: +\w+)*) *$")
DECLARATION = re.compile(r"^// expect-")


@dataclasses.dataclass(frozen=True)
class Expectation:
    """What an answer declares: the level it reaches and, for a flawed one, the first test that
    catches it (Category.L<n>_Name, whatever its instance and parameter) and how."""
    design: str
    level: int
    caught_by: str | None = None
    caught_level: int | None = None
    kind: str | None = None
    variants: tuple[str, ...] | None = None  # as declared; None: the default (variants_of)


class BadAnswer(ValueError):
    """An answer whose header does not declare its verdict as docs/answers.md says."""


def parse(text: str, where: str) -> Expectation:
    """The expectation declared in the leading comment of an answer's text (`where` names it in
    errors)."""
    head: list[str] = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        head.append(line.rstrip())
    design = [line for line in head if not DECLARATION.match(line)]
    if len(head) < 3 or len(design) < 2 or head[0] != design[0] or head[1] != design[1]:
        raise BadAnswer(f"{where}: must start with its design in two comment lines, then "
                        "'// expect-level: N'")
    levels = [m for m in map(LEVEL.match, head) if m]
    caught = [m for m in map(CAUGHT_BY.match, head) if m]
    variant_lines = [m for m in map(VARIANTS.match, head) if m]
    declared = [line for line in head if DECLARATION.match(line)]
    if (len(levels) != 1 or len(caught) > 1 or len(variant_lines) > 1
            or len(declared) != len(levels) + len(caught) + len(variant_lines)):
        raise BadAnswer(f"{where}: needs exactly one '// expect-level: N', at most one "
                        f"'// expect-caught-by: Category.L<n>_Test <kind>' and at most one "
                        f"'// expect-variants: <variant>...'; found {declared}")
    level = int(levels[0]["level"])
    design_text = " ".join(line[2:].strip() for line in design[:2])
    variants = tuple(variant_lines[0]["variants"].split()) if variant_lines else None
    if variants is not None and len(set(variants)) != len(variants):
        raise BadAnswer(f"{where}: a variant named twice in {' '.join(variants)}")
    if not caught:
        return Expectation(design_text, level, variants=variants)
    test = caught[0]
    if test["kind"] not in KINDS:
        raise BadAnswer(f"{where}: unknown failure kind {test['kind']!r}; "
                        f"known: {', '.join(sorted(KINDS))}")
    caught_level = int(test["level"])
    if caught_level != level + 1:
        raise BadAnswer(f"{where}: caught first by a level-{caught_level} test, so it reaches "
                        f"level {caught_level - 1}, but it declares level {level}")
    return Expectation(design_text, level, test["test"], caught_level, test["kind"], variants)


def variants_of(expectation: Expectation, available: list[str], where: str) -> list[str]:
    """The variants an answer is built and graded in (the module's docstring), in the order of
    `available` (the kata's variants); BadAnswer if it names one the kata does not have."""
    wanted: tuple[str, ...]
    if expectation.variants is not None:
        wanted = expectation.variants
    elif expectation.caught_by is None:
        wanted = ("plain", "tsan")
    else:
        kind = failure_kinds.Kind(expectation.kind) if expectation.kind else None
        wanted = (failure_kinds.SANITIZER_VARIANT.get(kind, "plain") if kind else "plain",)
    unknown = [v for v in wanted if v not in available]
    if unknown:
        raise BadAnswer(f"{where}: variant(s) {', '.join(unknown)} not among the kata's "
                        f"{', '.join(available)}")
    return [v for v in available if v in wanted]


def short_name(full: str) -> str | None:
    """Category.L<n>_Name of a full gtest name (Threads/Concurrency.L1_X/p2_c2 ->
    Concurrency.L1_X)."""
    import grade  # noqa: E402  (see the imports)
    match = grade.TEST_NAME.match(full)
    return f"{match['category']}.L{match['level']}_{match['test']}" if match else None


def problems(expectation: Expectation, report: dict[str, Any]) -> list[str]:
    """How the graded `report` (one kata of report.json) differs from the declared verdict: the
    level the score reached; for a flawed answer, that the declared test failed, in some variant,
    with the declared kind, and that no test of a lower level failed."""
    found: list[str] = []
    if report.get("tampering"):
        found.append(f"flagged as tampering: {report['tampering']}")
    if not report["build"]["ok"]:
        found.append(f"did not build: {report['build']['first_error']}")
    reached = report["score"]["level"]
    if reached != expectation.level:
        found.append(f"reached level {reached}, declares level {expectation.level}")
    failed = [t for t in report["tests"] if not t["passed"]]
    if expectation.caught_by is None:
        return found  # correct up to its level: what fails above it is not declared
    lower = [t for t in failed if t["level"] < (expectation.caught_level or 0)]
    for t in lower[:5]:
        found.append(f"a lower-level test failed first: {t['name']} [{t['variant']}] "
                     f"{t['failure']['kind']}: {t['failure']['detail'][:160]}")
    mine = [t for t in failed if short_name(t["name"]) == expectation.caught_by]
    if not any(t["failure"]["kind"] == expectation.kind for t in mine):
        seen = ", ".join(f"[{t['variant']}] {t['failure']['kind']}" for t in mine) or "passed"
        found.append(f"{expectation.caught_by} should fail with {expectation.kind} in some "
                     f"variant; it: {seen}")
    return found


def registered(build_dir: Path) -> dict[str, dict[str, Any]]:
    """{"<kata>/<name>": the answer's manifest entry, with "kata"} of every answer the build
    registered (cmake/Kata.cmake)."""
    import grade  # noqa: E402  (see the imports)
    found = {}
    for kata, manifest in grade.registered_katas(build_dir).items():
        for answer in manifest.get("answers", []):
            found[f"{kata}/{answer['name']}"] = dict(answer, kata=kata)
    return found


def expectation_of(answer: dict[str, Any]) -> Expectation:
    path = Path(answer["header"])
    return parse(path.read_text(), str(path))


def catch_rate(build_dir: Path, spec: str, answer: dict[str, Any], runs: int,
               setarch: list[str]) -> bool:
    """Runs the declared catching test of a flawed answer `runs` times in each variant it is built
    in; prints the count of runs, per variant and in all, in which it failed with the declared
    kind. True when every run caught it in some variant."""
    import grade  # noqa: E402  (see the imports)
    import gtest_run  # noqa: E402
    import test_runner  # noqa: E402
    expectation = expectation_of(answer)
    if expectation.caught_by is None:
        print(f"{spec}: declares no catching test (level {expectation.level})")
        return True
    binaries = {v: build_dir / t for v, t in answer["targets"].items()
                if (build_dir / t).exists()}
    if not binaries:
        print(f"{spec}: none of its test binaries is built")
        return False
    listed = gtest_run.list_tests(str(build_dir / grade.registered_katas(build_dir)[
        answer["kata"]]["targets"]["reference"]["plain"]))
    tests = [t for t in listed if short_name(t) == expectation.caught_by]
    if not tests:
        print(f"{spec}: no test {expectation.caught_by} in the suite")
        return False
    work = build_dir / "answers-catch-rate" / spec
    per_variant = {v: 0 for v in binaries}
    caught_runs = 0
    for run in range(runs):
        caught_here = False
        for variant, binary in binaries.items():
            verdicts = test_runner.run_suite(binary, tests, work / variant, setarch).verdicts
            kinds = {grade.explain(v["output"], answer["kata"], v)[0]
                     for v in verdicts.values() if not v["passed"]}
            if expectation.kind in kinds:
                per_variant[variant] += 1
                caught_here = True
        caught_runs += caught_here
        print(f"  run {run + 1}: " + ", ".join(f"{v} {n}" for v, n in per_variant.items()),
              flush=True)
    shutil.rmtree(work, ignore_errors=True)
    missing = sorted(set(answer["targets"]) - set(binaries))
    print(f"{spec}: {expectation.caught_by} failed with {expectation.kind} in {caught_runs} of "
          f"{runs} runs (per variant: "
          + ", ".join(f"{v} {n}/{runs}" for v, n in per_variant.items()) + ")"
          + (f"; not built, not run: {', '.join(missing)}" if missing else ""))
    return caught_runs == runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["list", "catch-rate", "variants"])
    parser.add_argument("answers", nargs="*", metavar="KATA/NAME (HEADER for variants)")
    parser.add_argument("--build-dir", default=str(ROOT / "build"))
    parser.add_argument("--available", default="plain,tsan,asan",
                        help="variants: the kata's variants, comma-separated")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--setarch", action="store_true", help="run tests under setarch -R (TSan)")
    args = parser.parse_intermixed_args()
    if args.command == "variants":
        try:
            for header in args.answers:
                print(",".join(variants_of(parse(Path(header).read_text(), header),
                                           args.available.split(","), header)))
        except (BadAnswer, OSError) as e:
            print(e, file=sys.stderr)
            return 1
        return 0
    import test_runner  # noqa: E402  (see the imports)
    build_dir = Path(args.build_dir).resolve()
    known = registered(build_dir)
    unknown = [a for a in args.answers if a not in known]
    if unknown:
        print(f"unknown answer(s): {', '.join(unknown)}; known: {', '.join(known) or 'none'}",
              file=sys.stderr)
        return 2
    chosen = args.answers or list(known)
    if args.command == "list":
        for spec in chosen:
            try:
                print(f"{spec}: {json.dumps(dataclasses.asdict(expectation_of(known[spec])))}")
            except BadAnswer as e:
                print(e, file=sys.stderr)
                return 1
        return 0
    setarch = ["setarch", os.uname().machine, "-R"] if args.setarch else []
    test_runner.limit_output()
    ok = [catch_rate(build_dir, spec, known[spec], args.runs, setarch) for spec in chosen]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
