"""Why a test failed, in one vocabulary: the kinds of failure, each with its meaning, and the one
classifier that reads a test's output (and, when the output says nothing, how its process ended)
into one of them. Declared here, once: the grader (grade.explain, which adds the learner's frame),
the mutant check (expect_caught.py), the skeleton check (check_skeleton.py) and the answers corpus
(answers.py) classify through it; report.schema.json's enum of failure.kind is its list, and the
scorecard, report.md and docs/report.md show its meanings. grader/failure_kinds (tools/tests)
fails when the schema, the docs or a tool drift from it.

The markers the classifier looks for are read from the C++ side where the harness declares them
(tools/failure_protocol.py); the sanitizers' and gtest's own lines are their tools' formats."""
from __future__ import annotations

import enum
import re
import typing
from dataclasses import dataclass

import failure_protocol as protocol
import test_runner
import validate_report

ROOT = protocol.ROOT


class Kind(enum.StrEnum):
    """A kind of failure, as report.json names it (failure.kind)."""
    NOT_IMPLEMENTED = "not_implemented"
    ASSERTION = "assertion"
    EXCEPTION = "exception"
    HANG = "hang"
    MEMORY = "memory"
    STUCK = "stuck"
    SCHED = "sched"
    DATA_RACE = "data_race"
    LOCK_ORDER = "lock_order"
    THREAD_ERROR = "thread_error"
    MEMORY_ERROR = "memory_error"
    UNDEFINED_BEHAVIOR = "undefined_behavior"
    CRASH = "crash"
    MISSING = "missing"
    TAMPERING = "tampering"
    BUILD = "build"


# One line each: what the scorecard's legend, report.md and docs/report.md say of a kind.
MEANING: dict[Kind, str] = {
    Kind.NOT_IMPLEMENTED: "a method the test called still throws the skeleton's "
                          "\"not implemented yet\"",
    Kind.ASSERTION: "a check failed: a test's expectation (gtest's `file:line: Failure`), or an "
                    "assert() in the code",
    Kind.EXCEPTION: "an exception the test did not expect escaped it",
    Kind.HANG: "a call blocked or spun with no progress past the watchdog's limit, or the test "
               "or its process outlived its time",
    Kind.MEMORY: "the test's memory grew past the watchdog's limit (an unbounded allocation)",
    Kind.STUCK: "the test could not go on: a thread it started is stuck, or a test mutex saw a "
                "self-deadlock (the harness's ABANDONED report)",
    Kind.SCHED: "a controlled schedule (the sched variant) drove it into a deadlock, a livelock "
                "or a crash",
    Kind.DATA_RACE: "ThreadSanitizer: two threads touched the same memory, one writing (or "
                    "freeing it), with nothing ordering them",
    Kind.LOCK_ORDER: "ThreadSanitizer: two threads took mutexes in opposite orders (a potential "
                     "deadlock)",
    Kind.THREAD_ERROR: "ThreadSanitizer, any other finding: a mutex misused (unlocked twice, "
                       "destroyed locked), a thread leaked, a signal handler's fault",
    Kind.MEMORY_ERROR: "AddressSanitizer or LeakSanitizer: a use after free, an out-of-bounds "
                       "access, a double free, leaked memory",
    Kind.UNDEFINED_BEHAVIOR: "UndefinedBehaviorSanitizer: undefined behaviour at run time "
                             "(signed overflow, a misaligned or null access, ...)",
    Kind.CRASH: "the process died without a report: a signal, an abort, std::terminate, an exit "
                "status, or a failure after every test had passed",
    Kind.MISSING: "the test never ran: its process ended before it started; or, with not_run, "
                  "it was not run after another test hung",
    Kind.TAMPERING: "the process exited 0 in the middle of the test, or without gtest "
                    "reporting it",
    Kind.BUILD: "the test's binary did not compile",
}

# The kinds a test's output names (a replay of the test must fail with the same one); the others
# come from how its process ended, or from the build.
FROM_OUTPUT: frozenset[Kind] = frozenset({
    Kind.NOT_IMPLEMENTED, Kind.ASSERTION, Kind.EXCEPTION, Kind.HANG, Kind.MEMORY, Kind.STUCK,
    Kind.SCHED, Kind.DATA_RACE, Kind.LOCK_ORDER, Kind.THREAD_ERROR, Kind.MEMORY_ERROR,
    Kind.UNDEFINED_BEHAVIOR})
# The kinds only a sanitizer reports, and the variant that reports each.
SANITIZER_VARIANT: dict[Kind, str] = {
    Kind.DATA_RACE: "tsan", Kind.LOCK_ORDER: "tsan", Kind.THREAD_ERROR: "tsan",
    Kind.MEMORY_ERROR: "asan", Kind.UNDEFINED_BEHAVIOR: "asan"}

# How test_runner's causes read when the output names nothing more precise.
CAUSE_KINDS: dict[str, Kind] = {
    test_runner.TIMEOUT: Kind.HANG, test_runner.NOT_RUN: Kind.MISSING,
    test_runner.EXIT_0: Kind.TAMPERING, test_runner.DIED: Kind.CRASH,
    test_runner.HUNG_AT_EXIT: Kind.HANG, test_runner.SKIPPED: Kind.MISSING}
CAUSE_HINTS = {test_runner.NOT_RUN: " (did it exit or crash at start-up?)",
               test_runner.EXIT_0: " (std::exit in the header?)",
               test_runner.HUNG_AT_EXIT: " (a thread left running, or a static object whose "
                                         "destructor waits?)"}
NO_REPORT = "the test process died without a report (crash, or killed by a limit)"

# The words the watchdog ends its report with when it stopped a test over its memory limit
# (harness/src/watchdog.cc; grader/failure_kinds checks that it still says them).
UNBOUNDED_ALLOCATION = "unbounded allocation"

# The kinds of schema version 1 that are none now, each read as the kind of now it was
# (upgrade_kind); those of BY_DETAIL by the sanitizer and finding their detail starts with.
OLD_NAMES: dict[str, Kind] = {"asan": Kind.MEMORY_ERROR, "ubsan": Kind.UNDEFINED_BEHAVIOR,
                              "watchdog": Kind.HANG, "test": Kind.ASSERTION}
BY_DETAIL = ("sanitizer", "tsan")


@dataclass(frozen=True)
class Failure:
    """A failure found in a test's output: its kind, its detail (one line), and where in the
    output its report starts (-1 when not from the output)."""
    kind: Kind
    detail: str
    start: int = -1


# A failure's detail (one message, its lines joined) is cut at this many characters, at a space:
# the scorecard shows its start, report.json keeps the test's whole output besides.
DETAIL_LIMIT = 600

SANITIZER = re.compile(r"(?:WARNING|ERROR): (ThreadSanitizer|AddressSanitizer|LeakSanitizer): "
                       r"([\w-]+(?: [\w-]+)*)")
UBSAN = re.compile(r"runtime error: (.*)")
GTEST_FAILURE = re.compile(r"^(.*:\d+): Failure$", re.M)
C_ASSERT = re.compile(r"(Assertion .* failed.*)")
EXCEPTION = re.compile(r"(C\+\+ exception with description .*)")
NOT_IMPLEMENTED = re.compile(r"((?:[A-Za-z_][\w:]*(?:\([^)]*\))?)?"
                             + re.escape(protocol.NOT_IMPLEMENTED) + ")")
WATCHDOG = protocol.report_line(protocol.WATCHDOG, r"\S+: (.*)")
ABANDONED = protocol.report_line(protocol.ABANDONED, r"\S+: (.*)")
SCHED = protocol.report_line(protocol.SCHED)
_REPORT_HEADS = "|".join(re.escape(head) for head in (protocol.WATCHDOG, protocol.ABANDONED))
# Where a failure's own message ends: the next thing the test main or gtest prints.
MESSAGE_END = re.compile(r"^(?:\[[ A-Z]{8,}\]|.*:\d+: Failure$|(?:" + _REPORT_HEADS
                         + r"): |  seed \d+: |" + re.escape(protocol.SEED_MARKER) + ")")


def shorten(text: str, limit: int = DETAIL_LIMIT) -> str:
    """`text`, cut at the last space before `limit` characters (never inside a number or a
    name), with " ..." where it was cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 3)
    return text[:cut if cut > limit // 2 else limit - 4].rstrip() + " ..."


def message(text: str) -> str:
    """The lines of a failure's message, from the start of `text` to the next line that is not
    part of it, joined with " / "."""
    lines = []
    for line in text.strip("\n").splitlines():
        if MESSAGE_END.match(line):
            break
        if line.strip():
            lines.append(line.strip())
    return " / ".join(lines)


def sanitizer_kind(tool: str, finding: str) -> Kind:
    """The kind of a sanitizer's report, from its tool and its first words (`data race`,
    `lock-order-inversion`, `heap-use-after-free`, ...). ThreadSanitizer reports a use after free
    only where a thread freed what another then touched: a race with the free."""
    if tool != "ThreadSanitizer":
        return Kind.MEMORY_ERROR
    if finding.startswith(("data race", "race on")) or "use-after-free" in finding:
        return Kind.DATA_RACE
    if finding.startswith("lock-order-inversion"):
        return Kind.LOCK_ORDER
    return Kind.THREAD_ERROR


def _sanitizer(m: re.Match[str], output: str) -> Failure:
    return Failure(sanitizer_kind(m[1], m[2]), f"{m[1]}: {m[2]}", m.start())


def _watchdog(m: re.Match[str], output: str) -> Failure:
    kind = Kind.MEMORY if UNBOUNDED_ALLOCATION in m[1] else Kind.HANG
    return Failure(kind, shorten(m[1]), m.start())


def _gtest_failure(m: re.Match[str], output: str) -> Failure:
    where = m[1].replace(str(ROOT) + "/", "")
    return Failure(Kind.ASSERTION, shorten(f"{where}: " + message(output[m.end():])), m.start())


def _simple(kind: Kind) -> typing.Callable[[re.Match[str], str], Failure]:
    return lambda m, output: Failure(kind, shorten(m[1]), m.start())


class Marker(typing.NamedTuple):
    """A report a failed test's output may hold: its pattern, what it makes of a match, and its
    rank: of the reports one output holds, the one of the lowest rank names the failure (a
    not-implemented method explains what follows it, a sanitizer's report the assertion it
    broke, a controlled schedule's verdict the watchdog's that it may bring), and among equal
    ranks the first in the output."""
    rank: int
    pattern: re.Pattern[str]
    found: typing.Callable[[re.Match[str], str], Failure]


MARKERS = [
    Marker(0, NOT_IMPLEMENTED, _simple(Kind.NOT_IMPLEMENTED)),
    Marker(1, SANITIZER, _sanitizer),
    Marker(2, UBSAN, lambda m, output: Failure(
        Kind.UNDEFINED_BEHAVIOR, shorten(f"UndefinedBehaviorSanitizer: {m[1]}"), m.start())),
    Marker(3, SCHED, _simple(Kind.SCHED)),
    Marker(4, WATCHDOG, _watchdog),
    Marker(5, ABANDONED, _simple(Kind.STUCK)),
    Marker(6, C_ASSERT, _simple(Kind.ASSERTION)),
    Marker(6, GTEST_FAILURE, _gtest_failure),
    Marker(6, EXCEPTION, _simple(Kind.EXCEPTION)),
]


def findings(output: str) -> list[Failure]:
    """Every report the output holds (the first of each marker), in the order they appear."""
    found = []
    for marker in MARKERS:
        match = marker.pattern.search(output)
        if match:
            found.append(marker.found(match, output))
    return sorted(found, key=lambda f: f.start)


def in_output(output: str) -> Failure | None:
    """The failure a test's output reports (the Marker of the lowest rank, the first of those),
    or None when it reports none."""
    ranked = []
    for marker in MARKERS:
        match = marker.pattern.search(output)
        if match:
            ranked.append((marker.rank, match.start(), marker))
    if not ranked:
        return None
    _, _, marker = min(ranked, key=lambda r: r[:2])
    match = marker.pattern.search(output)
    assert match is not None
    return marker.found(match, output)


def classify(output: str, cause: str | None = None, ended: str | None = None) -> Failure:
    """Why a test failed: what its output reports, else how its process ended (test_runner's
    `cause`, described by `ended`), else a crash."""
    found = in_output(output)
    if found:
        return found
    if cause:
        return Failure(CAUSE_KINDS[cause], (ended or "") + CAUSE_HINTS.get(cause, ""))
    return Failure(Kind.CRASH, NO_REPORT)


def upgrade_kind(kind: str, detail: str = "") -> str:
    """The kind of now of a kind a report of schema version 1 names (unchanged when it still is
    one): `sanitizer` and `tsan` by the tool and finding their detail starts with, `watchdog` by
    the memory limit."""
    if kind in set(Kind):
        return kind
    if kind in BY_DETAIL:
        m = re.match(r"(\w+Sanitizer): ([\w-]+(?: [\w-]+)*)", detail)
        if m and m[1] == "UndefinedBehaviorSanitizer":
            return str(Kind.UNDEFINED_BEHAVIOR)
        if m:
            return str(sanitizer_kind(m[1], m[2]))
        # gtest_run's `tsan` detail was ThreadSanitizer's words alone: "data race (pid=1)".
        return str(sanitizer_kind("ThreadSanitizer", detail) if kind == "tsan"
                   else Kind.MEMORY_ERROR)
    if kind == "watchdog" and UNBOUNDED_ALLOCATION in detail:
        return str(Kind.MEMORY)
    return str(OLD_NAMES.get(kind) or kind)


def upgrade_report(document: dict[str, typing.Any]) -> dict[str, typing.Any]:
    """A report.json document as the current schema version has it: one of version 1 gets each
    failure's kind renamed (upgrade_kind) and its version changed; others are returned as they
    are. For tools that read reports back (scorecard.py REPORT.json)."""
    if document.get("schema_version") != 1:
        return document
    for kata in document.get("katas", []):
        for test in kata.get("tests", []):
            failure = test.get("failure")
            if failure and "kind" in failure:
                failure["kind"] = upgrade_kind(failure["kind"], failure.get("detail", ""))
    return dict(document, schema_version=validate_report.SCHEMA_VERSION)


def meanings(kinds: typing.Iterable[str]) -> list[tuple[str, str]]:
    """(kind, meaning) of each of `kinds` that is one, in the vocabulary's order: the legend of a
    scorecard or a report.md."""
    wanted = set(kinds)
    return [(str(kind), MEANING[kind]) for kind in Kind if kind in wanted]
