#!/usr/bin/env python3
"""The answers corpus' checker on its own (ctest: grader/answers_check, label harness).

answers.parse reads what an answer declares, answers.problems compares a graded report with it
(docs/answers.md). Both are checked here on made-up headers and reports, without building anything:
each case that must be refused is refused, each verdict that differs is reported.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import answers  # noqa: E402

GOOD_FLAWED = """// Flawed: a design.
// Its flaw.
// expect-level: 0
// expect-caught-by: Concurrency.L1_EveryItemPoppedExactlyOnce hang
#pragma once
"""
GOOD_CORRECT = """// Textbook: a design.
// Why it works.
// expect-level: 3
#pragma once
"""
BAD_HEADERS = {
    "no design lines": "// expect-level: 3\n#pragma once\n",
    "one design line": "// Textbook.\n// expect-level: 3\n#pragma once\n",
    "no level": "// Textbook.\n// Design.\n#pragma once\n",
    "two levels": "// Textbook.\n// Design.\n// expect-level: 3\n// expect-level: 2\n",
    "unknown kind":
        "// F.\n// Flaw.\n// expect-level: 0\n// expect-caught-by: Contract.L1_X oops\n",
    "level not one below the catching test":
        "// F.\n// Flaw.\n// expect-level: 1\n// expect-caught-by: Contract.L1_X assertion\n",
    "a test name without its level": "// F.\n// Flaw.\n// expect-level: 0\n"
                                     "// expect-caught-by: Contract.X assertion\n",
    "a misspelt declaration": "// F.\n// Flaw.\n// expect-levle: 0\n// expect-level: 0\n",
    "the level after the code": "// Textbook.\n// Design.\n#pragma once\n// expect-level: 3\n",
    "two variants lines": "// T.\n// D.\n// expect-level: 3\n// expect-variants: plain\n"
                          "// expect-variants: tsan\n",
    "a variant named twice": "// T.\n// D.\n// expect-level: 3\n// expect-variants: tsan tsan\n",
}
AVAILABLE = ["plain", "tsan", "asan"]
# (what, header, the variants it is built and graded in, or None when it must be refused)
VARIANT_CASES: list[tuple[str, str, list[str] | None]] = [
    ("a correct answer: plain and tsan", GOOD_CORRECT, ["plain", "tsan"]),
    ("caught as a hang: plain", GOOD_FLAWED, ["plain"]),
    ("caught as a data race: tsan", GOOD_FLAWED.replace(" hang", " data_race"), ["tsan"]),
    ("caught as a memory error: asan", GOOD_FLAWED.replace(" hang", " memory_error"), ["asan"]),
    ("an old kind name: refused", GOOD_FLAWED.replace(" hang", " sanitizer"), None),
    ("declared, in the kata's order", GOOD_CORRECT.replace(
        "#pragma", "// expect-variants: asan plain\n#pragma"), ["plain", "asan"]),
    ("a variant the kata does not have", GOOD_CORRECT.replace(
        "#pragma", "// expect-variants: msan\n#pragma"), None),
]


def test(name: str, variant: str, level: int, kind: str | None = None) -> dict[str, Any]:
    """One test of report.json, failed with `kind` (passed if None)."""
    entry: dict[str, Any] = {"name": name, "variant": variant, "level": level,
                             "passed": kind is None}
    if kind:
        entry["failure"] = {"kind": kind, "detail": "made up"}
    return entry


def report(level: int, tests: list[dict[str, Any]]) -> dict[str, Any]:
    return {"tampering": [], "build": {"ok": True, "first_error": None}, "tests": tests,
            "score": {"level": level, "max_level": 3}}


CAUGHT = "Threads/Concurrency.L1_EveryItemPoppedExactlyOnce/p2_c2_cap1"
# (what, expectation text, report, the problem expected or None for no problem)
CASES: list[tuple[str, str, dict[str, Any], str | None]] = [
    ("flawed, caught as declared", GOOD_FLAWED,
     report(0, [test(CAUGHT, "plain", 1, "hang"), test("Contract.L2_Y", "plain", 2, "assertion")]),
     None),
    ("flawed, caught in one variant only", GOOD_FLAWED,
     report(0, [test(CAUGHT, "plain", 1), test(CAUGHT, "tsan", 1, "hang")]), None),
    ("flawed, passed", GOOD_FLAWED, report(3, [test(CAUGHT, "plain", 1)]), "reached level 3"),
    ("flawed, caught by another kind", GOOD_FLAWED,
     report(0, [test(CAUGHT, "plain", 1, "assertion")]), "should fail with hang"),
    ("flawed, caught by another test", GOOD_FLAWED,
     report(0, [test(CAUGHT, "plain", 1), test("Contract.L1_Z", "asan", 1, "hang")]),
     "should fail with hang"),
    ("correct, reaches its level", GOOD_CORRECT, report(3, [test("Contract.L3_Z", "plain", 3)]),
     None),
    ("correct, one level short", GOOD_CORRECT,
     report(2, [test("Contract.L3_Z", "tsan", 3, "data_race")]), "reached level 2"),
    ("tampering", GOOD_CORRECT, dict(report(3, []), tampering=["the header redefines TEST"]),
     "tampering"),
    ("not built", GOOD_CORRECT, dict(report(3, []), build={"ok": False, "first_error": "x.h:1:1"}),
     "did not build"),
]


def lower_level_case() -> tuple[str, str, dict[str, Any], str]:
    text = GOOD_FLAWED.replace("expect-level: 0", "expect-level: 1").replace(
        "Concurrency.L1_EveryItemPoppedExactlyOnce", "Liveness.L2_Wakes")
    return ("flawed, a lower level failed first", text,
            report(1, [test("Liveness.L2_Wakes", "plain", 2, "hang"),
                       test("Contract.L1_A", "asan", 1, "crash")]),
            "a lower-level test failed first")


def check(what: str, ok: bool, detail: str, problems: list[str]) -> None:
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
    if not ok:
        problems.append(what)


def main() -> int:
    problems: list[str] = []
    for what, text in BAD_HEADERS.items():
        try:
            answers.parse(text, what)
            check(f"refuses a header with {what}", False, "parsed", problems)
        except answers.BadAnswer as e:
            check(f"refuses a header with {what}", str(e).startswith(what), str(e), problems)
    for what, text, variants in VARIANT_CASES:
        try:
            got: list[str] | None = answers.variants_of(answers.parse(text, what), AVAILABLE, what)
        except answers.BadAnswer:
            got = None
        check(f"variants: {what}", got == variants, f"want {variants}, got {got}", problems)
    for what, text, graded, expected in CASES + [lower_level_case()]:
        found = answers.problems(answers.parse(text, what), graded)
        if expected is None:
            check(what, not found, f"{found}", problems)
        else:
            check(what, any(expected in p for p in found), f"want {expected!r}, got {found}",
                  problems)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
