"""The parts of report.json as Python types, mirroring docs/report.schema.json (version 2): what the
grader builds (grade.grade_tests, grade.grade_kata, scoring.score) and what the scorecard and
report.md read. grader/failure_kinds (tools/tests/failure_kinds_test.py) checks that each type has
the schema's fields, required where the schema requires them, and no other.

The benchmark summary and the sandbox's description keep their own shapes (Json): their fields are
read by name in one place each (grade.summarize_benchmark and scoring, sandbox.describe)."""

from typing import Any, NotRequired, TypedDict

# JSON as report.schema.json describes it, where no type below says more.
Json = dict[str, Any]


class Failure(TypedDict):
    """Why a test failed (failure_kinds.Kind names it), and how to see it again."""
    kind: str
    detail: str
    output: NotRequired[str]
    output_cut: NotRequired[int]
    seed: NotRequired[int]
    replay: NotRequired[str]
    schedule: NotRequired[list[str]]
    not_run: NotRequired[bool]


class TestResult(TypedDict):
    """One test in one variant."""
    name: str
    variant: str
    category: str
    level: int
    passed: bool
    seconds: NotRequired[float]
    failure: NotRequired[Failure]


class Build(TypedDict):
    ok: bool
    first_error: str | None
    variants_built: list[str]


class Score(TypedDict):
    """scoring.score's verdict on one kata (docs/scoring.md)."""
    level: int
    max_level: int
    correctness: float
    correctness_max: float
    performance: float
    performance_max: float
    ratio_geomean: float | None
    total: float
    passed: bool
    note: str | None


class KataReport(TypedDict):
    """One graded kata."""
    kata: str
    tampering: list[str]
    build: Build
    tests: list[TestResult]
    benchmark: Json | None
    score: Score
    seconds: float
    copied: NotRequired[Json | None]


class Document(TypedDict):
    """report.json."""
    schema_version: int
    generated_by: str
    graded: str
    machine: Json
    sandbox: NotRequired[Json]
    katas: list[KataReport]
    submission: NotRequired[Json]
