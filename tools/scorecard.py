#!/usr/bin/env python3
"""scorecard.py REPORT.json

Prints the terminal scorecard of a grading report (tools/grade.py writes both): per kata, the level
reached, tests passed per category and variant, sanitizer reports, hangs, the first failures
explained, the throughput ratio to the reference per workload, and the score.
"""
import collections
import json
import sys
import textwrap
import typing

import failure_kinds
import schedule_trace
import scoring
from report_types import Document, Json, KataReport, TestResult

VARIANTS = scoring.VARIANTS
BOLD, RED, GREEN, RESET = "\033[1m", "\033[31m", "\033[32m", "\033[0m"
WIDTH = 100                # of the scorecard's text
FAILURES_EXPLAINED = 3     # the first failures, each with its message, seed and replay command
FAILURES_LISTED = 8        # the first failures named, one line each after the explained ones
DETAIL_LINES = 3           # of an explained failure's message
SCHEDULE_LINES = 36        # of the first failing schedule's trace (the sched variant)


def render(document: Document, color: bool = True) -> str:
    if not color:
        global BOLD, RED, GREEN, RESET
        BOLD = RED = GREEN = RESET = ""
    lines = sandbox_line(document.get("sandbox"))
    for kata in document["katas"]:
        lines += render_kata(kata)
    total = sum(k["score"]["total"] for k in document["katas"])
    lines.append(f"\n{BOLD}total {total:g} / {100 * len(document['katas'])}{RESET}")
    return "\n".join(lines)


def sandbox_line(sandbox: Json | None) -> list[str]:
    """Where the learner's code ran (docs/sandbox.md), said first: a grading without the sandbox is
    only as good as the code is honest."""
    if sandbox is None:
        return []
    if not sandbox["isolated"]:
        return [f"{RED}{BOLD}NOT SANDBOXED{RESET}{RED}: {sandbox['problem']}. The learner's code "
                f"ran with the grader's permissions: its writes, processes and network were not "
                f"stopped, nor looked for (docs/sandbox.md).{RESET}"]
    writes = ("trees read-only, writes named" if sandbox["writes_named"]
              else f"{RED}trees read-only, writes NOT named{RESET}")
    return [f"sandbox: {sandbox['tool']} ({writes}, no network, processes end with the test)"]


def render_kata(report: KataReport) -> list[str]:
    s = report["score"]
    verdict = f"{GREEN}PASS{RESET}" if s["passed"] else f"{RED}not yet{RESET}"
    lines = [f"\n{BOLD}{report['kata']}{RESET}: level {s['level']} of {s['max_level']}, "
             f"score {s['total']:g}/100 (correctness {s['correctness']}/{s['correctness_max']}, "
             f"performance {s['performance']:g}/{s['performance_max']})  {verdict}"]
    for finding in report.get("tampering", []):
        lines.append(f"  {RED}TAMPERING{RESET}: {finding} (the kata scores 0)")
    if report["build"]["first_error"]:
        lines.append(f"  {RED}DOES NOT COMPILE{RESET}: {report['build']['first_error']}")
    counts = scoring.category_counts(report["tests"])
    categories = sorted({t["category"] for t in report["tests"]})
    variants = scoring.shown_variants(report["tests"])
    lines.append("  " + " " * 16 + "".join(f"{v:>9}" for v in variants))
    for category in categories:
        cells = []
        for variant in variants:
            passed, total = counts[(category, variant)]
            cells.append(f"{passed}/{total}" if total else "-")
        lines.append(f"  {category:<16}" + "".join(f"{c:>9}" for c in cells))
    failures = [t for t in report["tests"] if not t["passed"]]
    by_kind = collections.Counter(t["failure"]["kind"] for t in failures
                                  if not t["failure"].get("not_run"))
    if by_kind:
        lines.append("  failures by kind: "
                     + ", ".join(f"{k} {n}" for k, n in by_kind.most_common()))
        for kind, meaning in failure_kinds.meanings(by_kind):
            lines += ["    " + line for line in _wrap(f"{kind}: {meaning}", WIDTH - 4, 2)]
    # Tests the grader did not run after a hang: counted, with why, but not listed one by one.
    not_run: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for t in failures:
        if t["failure"].get("not_run"):
            not_run[t["failure"]["detail"]][t["variant"]] += 1
    for why, counted in not_run.items():
        in_variants = ", ".join(f"{v} {n}" for v, n in counted.items())
        lines += ["  " + line
                  for line in _wrap(f"{sum(counted.values())} tests ({in_variants}) {why}",
                                    WIDTH - 4, 4)]
    lines += failure_lines(report["kata"], [t for t in failures if not t["failure"].get("not_run")])
    found = scoring.ratios(report.get("benchmark"))
    if found:
        lines.append("  throughput, learner / reference (median of the processes' ratios; their"
                     " range; weight in the score):")
        shares = scoring.weight_shares(found)
        for workload, r in found.items():
            span = f"({r.low:.2f} .. {r.high:.2f})"
            lines.append(f"    {workload:<40} {r.center:5.2f}  {span:<18} {shares[workload]:4.0%}")
    if s["note"]:
        lines.append(f"  note: {s['note']}")
    return lines


def first_failures(failures: list[TestResult]) -> list[TestResult]:
    """The failed tests in the order to fix them (lowest level first, plain before the
    sanitizers), a test failing the same way in several variants shown once."""
    shown, first = set(), []
    for t in sorted(failures, key=lambda t: (t["level"], VARIANTS.index(t["variant"]))):
        if (t["name"], t["failure"]["kind"]) not in shown:
            shown.add((t["name"], t["failure"]["kind"]))
            first.append(t)
    return first


def _cut(line: str, width: int) -> str:
    """`line` in at most `width` characters, "..." ending it where it was cut."""
    return line if len(line) <= width else line[:width - 3] + "..."


def _wrap(text: str, width: int, max_lines: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken at spaces only (a number or a name is
    never split), at most `max_lines` of them, the last ending in " ..." if text was left out."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while len(last) + 4 > width and " " in last:
            last = last.rsplit(" ", 1)[0]
        lines[-1] = last + " ..."
    return lines


def schedule_lines(schedule: list[str], limit: int = SCHEDULE_LINES) -> list[str]:
    """At most `limit` lines of a failing schedule's trace (schedule_trace.py): the lines before
    its steps (the blocked threads, the trace's head) and its last steps, the ones that led to the
    failure; a line says how many earlier steps were left out."""
    steps = [i for i, line in enumerate(schedule) if line.startswith(schedule_trace.STEP)]
    if len(schedule) <= limit or not steps:
        return schedule[:limit]
    head = schedule[:steps[0]]
    keep = max(1, limit - len(head) - 1)
    left_out = len(steps) - keep
    return head + [f"(... {left_out} earlier steps: report.json has them)"] + schedule[-keep:]


def failure_lines(kata: str, failures: list[TestResult]) -> list[str]:
    """The first failures: the first few explained (the message's first lines, the seed, the
    command that replays the test in its variant), the next few named, one line each. The first
    one a controlled schedule found (the sched variant) also shows that schedule's trace."""
    first = first_failures(failures)
    if not first:
        return []
    lines = ["  first failures (report.json has each one's output):"]
    explained = first[:FAILURES_EXPLAINED]
    # The first one with its interleaving is explained too, wherever it comes in the order: it is
    # what shows why the others failed (a plain hang's lost wakeup, step by step).
    traced_first = next((t for t in first if t["failure"].get("schedule")), None)
    if traced_first is not None and traced_first not in explained:
        explained.append(traced_first)
    listed = [t for t in first if t not in explained]
    traced = False
    for t in explained:
        failure = t["failure"]
        lines.append(f"    {t['name']} [{t['variant']}] {failure['kind']}:")
        lines += ["      " + line for line in _wrap(failure["detail"], WIDTH - 6, DETAIL_LINES)]
        if failure.get("replay"):
            seed = f"seed {failure['seed']}, " if "seed" in failure else ""
            lines.append(f"      {seed}replay: {failure['replay']}")
        if failure.get("schedule") and not traced:
            traced = True
            lines.append("      the interleaving (the replay above runs exactly it again):")
            lines += ["        " + _cut(line, WIDTH - 8)
                      for line in schedule_lines(failure["schedule"])]
    for t in listed[:FAILURES_LISTED - len(explained)]:
        head = f"    {t['name']} [{t['variant']}] {t['failure']['kind']}: "
        lines.append(head + (_wrap(t["failure"]["detail"], max(60, WIDTH - len(head)), 1)
                             or [""])[0])
    if len(first) > max(FAILURES_LISTED, len(explained)):
        lines.append(f"    ... and {len(first) - max(FAILURES_LISTED, len(explained))} more "
                     f"(./kata test {kata} shows each)")
    return lines


def main() -> int:
    # A report of an older schema version reads in today's kinds (failure_kinds.upgrade_report).
    document = typing.cast(Document, failure_kinds.upgrade_report(json.load(open(sys.argv[1]))))
    print(render(document, color=sys.stdout.isatty()))
    return 0 if all(k["score"]["passed"] for k in document["katas"]) else 1


if __name__ == "__main__":
    sys.exit(main())
