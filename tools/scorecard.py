#!/usr/bin/env python3
"""scorecard.py REPORT.json

Prints the terminal scorecard of a grading report (tools/grade.py writes both): per kata, the level
reached, tests passed per category and variant, sanitizer reports, hangs, the first failures
explained, the throughput ratio to the reference per workload, and the score.
"""
import collections
import json
import sys

import scoring

VARIANTS = scoring.VARIANTS
BOLD, RED, GREEN, RESET = "\033[1m", "\033[31m", "\033[32m", "\033[0m"


def render(document, color=True):
    if not color:
        global BOLD, RED, GREEN, RESET
        BOLD = RED = GREEN = RESET = ""
    lines = sandbox_line(document.get("sandbox"))
    for kata in document["katas"]:
        lines += render_kata(kata)
    total = sum(k["score"]["total"] for k in document["katas"])
    lines.append(f"\n{BOLD}total {total:g} / {100 * len(document['katas'])}{RESET}")
    return "\n".join(lines)


def sandbox_line(sandbox):
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


def render_kata(report):
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
    lines.append("  " + " " * 16 + "".join(f"{v:>9}" for v in VARIANTS))
    for category in categories:
        cells = []
        for variant in VARIANTS:
            passed, total = counts[(category, variant)]
            cells.append(f"{passed}/{total}" if total else "-")
        lines.append(f"  {category:<16}" + "".join(f"{c:>9}" for c in cells))
    failures = [t for t in report["tests"] if not t["passed"]]
    by_kind = collections.Counter(t["failure"]["kind"] for t in failures)
    if by_kind:
        lines.append("  failures by kind: " + ", ".join(f"{k} {n}" for k, n in by_kind.most_common()))
    shown, listed = set(), []
    for t in sorted(failures, key=lambda t: (t["level"], VARIANTS.index(t["variant"]))):
        key = (t["name"], t["failure"]["kind"])
        if key in shown:
            continue
        shown.add(key)
        listed.append(f"    {t['name']} [{t['variant']}] {t['failure']['kind']}: "
                      f"{t['failure']['detail']}")
    if listed:
        lines.append("  first failures:")
        lines += listed[:8]
        if len(listed) > 8:
            lines.append(f"    ... and {len(listed) - 8} more (./kata test {report['kata']} shows each)")
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


def main():
    document = json.load(open(sys.argv[1]))
    print(render(document, color=sys.stdout.isatty()))
    return 0 if all(k["score"]["passed"] for k in document["katas"]) else 1


if __name__ == "__main__":
    sys.exit(main())
