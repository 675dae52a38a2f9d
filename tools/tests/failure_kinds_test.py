#!/usr/bin/env python3
"""One vocabulary of failure kinds (ctest: grader/failure_kinds, label harness):
tools/failure_kinds.py declares the kinds, each with its meaning, and classifies failures into them;
report.schema.json's enum of failure.kind, docs/report.md's list and the answers corpus's
declarations must be that very set. This test fails when one side drifts: a kind added to the
module and not to the schema (or the other way round), a kind the docs do not explain, a kind no
classifier path can give, an answer declaring a kind that is none, the watchdog's memory words
changed in harness/src/watchdog.cc. And the report's parts typed in tools/report_types.py have the
schema's fields (ReportTypes)."""
import json
import re
import sys
import unittest
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import failure_kinds  # noqa: E402
import failure_protocol as protocol  # noqa: E402
import report_types  # noqa: E402
import scoring  # noqa: E402
import test_runner  # noqa: E402
import validate_report  # noqa: E402
from failure_kinds import Kind  # noqa: E402

ROOT = failure_kinds.ROOT
# The enum of failure.kind in schema version 1, before this vocabulary: what old reports name.
VERSION_1_KINDS = ["not_implemented", "assertion", "hang", "memory", "sanitizer", "stuck", "crash",
                   "build", "missing", "tampering", "exception", "watchdog", "tsan", "asan",
                   "ubsan"]


def schema_kinds(schema: dict[str, object]) -> list[str]:
    defs = schema["$defs"]
    assert isinstance(defs, dict)
    return list(defs["test"]["properties"]["failure"]["properties"]["kind"]["enum"])


def drift(declared: list[str], schema: list[str]) -> list[str]:
    """What differs between the module's kinds and the schema's enum, one line each."""
    return ([f"{k}: declared in tools/failure_kinds.py, not in the schema's enum"
             for k in declared if k not in schema]
            + [f"{k}: in the schema's enum, not declared in tools/failure_kinds.py"
               for k in schema if k not in declared]
            + ([] if len(set(schema)) == len(schema) else ["the schema's enum repeats a kind"]))


def documented(text: str) -> set[str]:
    """The kinds docs/report.md explains: each `kind` in backticks in its failure.kind list."""
    start = text.index("`failure.kind` is one of")
    section = text[start:text.index("\n\n", start)]
    return set(re.findall(r"`(\w+)`\s+\(", section))


# A sample output of each kind the output decides, as the harness, gtest or a sanitizer prints it.
SAMPLES = {
    Kind.NOT_IMPLEMENTED: 'unknown file: Failure\nC++ exception with description "Queue::push()'
                          + protocol.NOT_IMPLEMENTED + ' (replace the TODO)" thrown in the test.\n',
    Kind.ASSERTION: "k/tests/c_test.cc:12: Failure\nExpected equality of these values:\n  1\n  2\n",
    Kind.EXCEPTION: 'unknown file: Failure\nC++ exception with description "boom" thrown in the '
                    'test body.\n',
    Kind.HANG: f"{protocol.WATCHDOG}: C.L1_A: pop() by consumer 2 blocked 2.0 s\n",
    Kind.MEMORY: f"{protocol.WATCHDOG}: C.L1_A: 1100 MiB, over its 1024 MiB limit: "
                 f"{failure_kinds.UNBOUNDED_ALLOCATION}?\n",
    Kind.STUCK: f"{protocol.ABANDONED}: C.L1_A: a worker thread is stuck\n",
    Kind.SCHED: f"{protocol.SCHED}: deadlock after 41 steps (seed 3)\n",
    Kind.DATA_RACE: "==1==WARNING: ThreadSanitizer: data race (pid=1)\n  Write of size 8\n",
    Kind.LOCK_ORDER: "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) "
                     "(pid=1)\n",
    Kind.THREAD_ERROR: "WARNING: ThreadSanitizer: unlock of an unlocked mutex (or by a wrong "
                       "thread) (pid=1)\n",
    Kind.MEMORY_ERROR: "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x1\n",
    Kind.UNDEFINED_BEHAVIOR: "k.h:3:7: runtime error: signed integer overflow: 1 + 2147483647\n",
}


class FailureKinds(unittest.TestCase):
    def test_the_schema_enum_is_the_vocabulary(self) -> None:
        schema = json.loads(validate_report.SCHEMA.read_text())
        self.assertEqual(drift([str(k) for k in Kind], schema_kinds(schema)), [])

    def test_the_schema_names_the_variants_the_grader_shows(self) -> None:
        # scoring.VARIANTS orders the scorecard's columns; the schema is what a report may hold.
        schema = json.loads(validate_report.SCHEMA.read_text())["$defs"]
        build_fields = schema["kata"]["properties"]["build"]["properties"]
        build = build_fields["variants_built"]["items"]["enum"]
        test = schema["test"]["properties"]["variant"]["enum"]
        self.assertEqual(drift(scoring.VARIANTS, build), [])
        self.assertEqual(drift(scoring.VARIANTS, test), [])

    def test_the_drift_check_sees_a_change_on_either_side(self) -> None:
        # The check above must be able to fail: a kind added on one side only, or repeated.
        declared = [str(k) for k in Kind]
        self.assertEqual(drift(declared, list(declared)), [])
        self.assertEqual(len(drift(declared + ["no_such_kind"], declared)), 1)
        self.assertEqual(len(drift(declared, declared + ["sanitizer"])), 1)
        self.assertEqual(len(drift(declared, declared[1:])), 1)
        self.assertEqual(len(drift(declared, declared + declared[:1])), 1)

    def test_every_kind_has_a_one_line_meaning(self) -> None:
        self.assertEqual(set(failure_kinds.MEANING), set(Kind))
        for kind, meaning in failure_kinds.MEANING.items():
            self.assertTrue(meaning.strip() and "\n" not in meaning, kind)
        self.assertLessEqual(failure_kinds.FROM_OUTPUT, set(Kind))
        self.assertLessEqual(set(failure_kinds.SANITIZER_VARIANT.values()),
                             set(scoring.VARIANTS))

    def test_docs_explain_every_kind_and_no_other(self) -> None:
        text = (ROOT / "docs" / "report.md").read_text()
        self.assertEqual(documented(text), {str(k) for k in Kind})

    def test_the_classifier_gives_every_kind_the_output_decides(self) -> None:
        self.assertEqual(set(SAMPLES), failure_kinds.FROM_OUTPUT)
        for kind, output in SAMPLES.items():
            found = failure_kinds.in_output("[ RUN      ] C.L1_A\n" + output)
            self.assertIsNotNone(found, kind)
            assert found is not None
            self.assertEqual(found.kind, kind, output)
            self.assertTrue(found.detail, kind)

    def test_ranks_a_cause_before_its_consequence(self) -> None:
        # A data race, then the assertion it broke: the race explains it.
        output = SAMPLES[Kind.ASSERTION] + SAMPLES[Kind.DATA_RACE]
        self.assertEqual(failure_kinds.classify(output).kind, Kind.DATA_RACE)
        # The sched variant's verdict, then the watchdog's: the schedule's names it.
        output = SAMPLES[Kind.SCHED] + SAMPLES[Kind.HANG]
        self.assertEqual(failure_kinds.classify(output).kind, Kind.SCHED)
        # A hang, then the assertion it made fail: the hang.
        output = SAMPLES[Kind.ASSERTION] + SAMPLES[Kind.HANG]
        self.assertEqual(failure_kinds.classify(output).kind, Kind.HANG)
        # Two reports of one rank: the first in the output.
        output = SAMPLES[Kind.EXCEPTION] + SAMPLES[Kind.ASSERTION]
        self.assertEqual(failure_kinds.classify(output).kind, Kind.EXCEPTION)
        kinds = [f.kind for f in failure_kinds.findings(output)]
        self.assertEqual(kinds, [Kind.EXCEPTION, Kind.ASSERTION])

    def test_every_cause_of_test_runner_has_a_kind(self) -> None:
        causes = {test_runner.TIMEOUT, test_runner.EXIT_0, test_runner.NOT_RUN, test_runner.DIED,
                  test_runner.HUNG_AT_EXIT, test_runner.SKIPPED}
        self.assertEqual(set(failure_kinds.CAUSE_KINDS), causes)
        for cause in causes:
            found = failure_kinds.classify("", cause, "ended somehow")
            self.assertEqual(found.kind, failure_kinds.CAUSE_KINDS[cause])
            self.assertTrue(found.detail.startswith("ended somehow"))
        self.assertEqual(failure_kinds.classify("").kind, Kind.CRASH)
        produced = (failure_kinds.FROM_OUTPUT | set(failure_kinds.CAUSE_KINDS.values())
                    | {Kind.CRASH, Kind.BUILD})  # BUILD: grade.grade_tests, for a binary not built
        self.assertEqual(produced, set(Kind))

    def test_old_reports_read_in_todays_kinds(self) -> None:
        for kind in VERSION_1_KINDS:
            self.assertIn(failure_kinds.upgrade_kind(kind), set(Kind), kind)
        cases = [("sanitizer", "ThreadSanitizer: data race at katas/k/k.h:3", Kind.DATA_RACE),
                 ("sanitizer", "ThreadSanitizer: lock-order-inversion", Kind.LOCK_ORDER),
                 ("sanitizer", "AddressSanitizer: heap-buffer-overflow", Kind.MEMORY_ERROR),
                 ("sanitizer", "LeakSanitizer: detected memory leaks", Kind.MEMORY_ERROR),
                 ("sanitizer", "UndefinedBehaviorSanitizer: signed integer overflow",
                  Kind.UNDEFINED_BEHAVIOR),
                 ("tsan", "data race (pid=1)", Kind.DATA_RACE),
                 ("tsan", "lock-order-inversion (potential deadlock)", Kind.LOCK_ORDER),
                 ("watchdog", "pop() blocked 2.0 s", Kind.HANG),
                 ("watchdog", f"1100 MiB: {failure_kinds.UNBOUNDED_ALLOCATION}?", Kind.MEMORY),
                 ("test", "k.cc:3: Failure", Kind.ASSERTION), ("hang", "", Kind.HANG)]
        for old, detail, new in cases:
            self.assertEqual(failure_kinds.upgrade_kind(old, detail), new, (old, detail))
        document = {"schema_version": 1, "katas": [{"tests": [
            {"passed": False, "failure": {"kind": "sanitizer", "detail": cases[0][1]}}]}]}
        upgraded = failure_kinds.upgrade_report(document)
        self.assertEqual(upgraded["schema_version"], validate_report.SCHEMA_VERSION)
        self.assertEqual(upgraded["katas"][0]["tests"][0]["failure"]["kind"], "data_race")

    def test_the_watchdog_still_says_its_memory_words(self) -> None:
        source = (ROOT / "harness" / "src" / "watchdog.cc").read_text()
        self.assertIn(failure_kinds.UNBOUNDED_ALLOCATION, source)

    def test_every_answer_declares_a_kind_of_the_vocabulary(self) -> None:
        declared = re.compile(r"^// expect-caught-by: \S+ (\w+)\s*$", re.M)
        found = {(str(path.relative_to(ROOT)), kind)
                 for path in ROOT.glob("solutions/*/answers/*.h")
                 for kind in declared.findall(path.read_text())}
        self.assertTrue(found, "no answer declares a catching test")
        self.assertEqual({(p, k) for p, k in found if k not in set(Kind)}, set())


def fields(typed: type) -> tuple[set[str], set[str]]:
    """(every field, the required ones) of a TypedDict."""
    return set(typed.__annotations__), set(getattr(typed, "__required_keys__"))


class ReportTypes(unittest.TestCase):
    """tools/report_types.py mirrors the schema: each type has the fields of its part of
    report.json, required where the schema requires them, and no other."""
    TYPES = {"#": report_types.Document, "kata": report_types.KataReport,
             "test": report_types.TestResult, "score": report_types.Score,
             "failure": report_types.Failure, "build": report_types.Build}

    def part(self, schema: dict[str, Any], name: str) -> dict[str, Any]:
        defs = schema["$defs"]
        if name == "#":
            return schema
        if name in defs:
            part: dict[str, Any] = defs[name]
            return part
        if name == "failure":
            failure: dict[str, Any] = defs["test"]["properties"]["failure"]
            return failure
        build: dict[str, Any] = defs["kata"]["properties"]["build"]
        return build

    def test_each_type_has_its_parts_fields(self) -> None:
        schema = json.loads(validate_report.SCHEMA.read_text())
        for name, typed in self.TYPES.items():
            part = self.part(schema, name)
            every, required = fields(typed)
            self.assertEqual(every, set(part["properties"]), f"{name}: {typed.__name__}")
            self.assertEqual(required, set(part.get("required", [])),
                             f"{name}: {typed.__name__}'s required fields")


if __name__ == "__main__":
    unittest.main()
