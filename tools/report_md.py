"""report.md: the grading report as Markdown, for a CI job summary (GitHub renders the Mermaid
charts). One section per kata: score, tests per category and variant, failures, and a chart of
throughput for the learner, the reference and whatever baselines and peers were benchmarked."""

import re

import failure_kinds
import scorecard
import scoring
from report_types import Document, KataReport

FAILURES_LISTED = 30


def render(document: Document) -> str:
    out = ["# Kata grading report", "",
           "| kata | level | correctness | performance | ratio to reference | total | verdict |",
           "|---|---|---|---|---|---|---|"]
    for k in document["katas"]:
        s = k["score"]
        ratio = f"{s['ratio_geomean']:.2f}" if s["ratio_geomean"] else "-"
        out.append(f"| {k['kata']} | {s['level']}/{s['max_level']} | {s['correctness']}/"
                   f"{s['correctness_max']} | {s['performance']:g}/{s['performance_max']} | "
                   f"{ratio} | "
                   f"{s['total']:g} | {'pass' if s['passed'] else 'not yet'} |")
    for k in document["katas"]:
        out += ["", f"## {k['kata']}", ""]
        for finding in k.get("tampering", []):
            out.append(f"- **Tampering:** {finding}")
        if k["build"]["first_error"]:
            out.append(f"- **Does not compile:** `{k['build']['first_error']}`")
        counts = scoring.category_counts(k["tests"])
        variants = scoring.shown_variants(k["tests"])
        out += ["| category | " + " | ".join(variants) + " |",
                "|---" * (len(variants) + 1) + "|"]
        for category in sorted({t["category"] for t in k["tests"]}):
            out.append(f"| {category} | " + " | ".join(
                "{}/{}".format(*counts[(category, v)]) for v in variants) + " |")
        out += failures(k)
        out += chart(k)
    return "\n".join(out) + "\n"


def _code(text: str) -> str:
    """`text` as inline code, whatever backticks it holds."""
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fenced(text: str, indent: str) -> list[str]:
    """`text` as a fenced code block (a fence longer than any run of backticks in it)."""
    fence = "`" * max(3, max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return [indent + line for line in [fence + "text", *text.rstrip("\n").splitlines(), fence]]


def failures(k: KataReport) -> list[str]:
    """The failed tests, in the scorecard's order: the first few with their seed, the command
    that replays them and their output (as report.json keeps it), the rest one line each."""
    failed = [t for t in k["tests"] if not t["passed"]]
    # As on the scorecard, tests not run after a hang are counted, not listed as failures.
    not_run = sum(bool(t["failure"].get("not_run")) for t in failed)
    first = scorecard.first_failures([t for t in failed if not t["failure"].get("not_run")])
    if not first:
        return []
    out = ["", "<details><summary>Failures</summary>", ""]
    if not_run:
        out += [f"{not_run} tests not run after a hang (report.json says which hang, for each)",
                ""]
    for i, t in enumerate(first[:FAILURES_LISTED]):
        failure = t["failure"]
        out.append(f"- `{t['name']}` [{t['variant']}] {failure['kind']}: "
                   + failure["detail"].replace("|", "\\|").replace("<", "&lt;"))
        if i >= scorecard.FAILURES_EXPLAINED:
            continue
        if failure.get("replay"):
            seed = f"seed {failure['seed']}, " if "seed" in failure else ""
            out.append(f"  {seed}replay: {_code(failure['replay'])}")
        if failure.get("schedule"):
            out += ["", "  <details><summary>the interleaving (the replay command runs it again)"
                    "</summary>", "", *_fenced("\n".join(failure["schedule"]), "  "), "",
                    "  </details>", ""]
        if failure.get("output"):
            cut = failure.get("output_cut", 0)
            out += ["", "  <details><summary>output" + (f" ({cut} bytes cut)" if cut else "")
                    + "</summary>", "", *_fenced(failure["output"], "  "), "", "  </details>", ""]
    if len(first) > FAILURES_LISTED:
        out.append(f"- ... and {len(first) - FAILURES_LISTED} more")
    out += ["", "Kinds: " + "; ".join(
        f"`{kind}`: {meaning}" for kind, meaning in
        failure_kinds.meanings(t["failure"]["kind"] for t in first))]
    return out + ["", "</details>"]


def chart(k: KataReport) -> list[str]:
    bench = k.get("benchmark") or {}
    workloads = bench.get("workloads") or {}
    if not workloads:
        return []
    impls = sorted({i for w in workloads.values() for i in w},
                   key=lambda i: (i not in ("learner", "reference"), i != "learner", i))
    names = list(workloads)
    out = ["", "Throughput (million items/s, interquartile mean of runs); bars in order: "
           + ", ".join(impls), "",
           "```mermaid", "xychart-beta", f'  title "{k["kata"]}"',
           "  x-axis [" + ", ".join(f'"{n}"' for n in names) + "]",
           '  y-axis "M items/s"']
    for impl in impls:
        values = [scoring.center(workloads[n][impl]) / 1e6 if impl in workloads[n] else 0
                  for n in names]
        out.append("  bar [" + ", ".join(f"{v:.3f}" for v in values) + "]")
    out.append("```")
    found = scoring.ratios(bench)
    if found:
        shares = scoring.weight_shares(found)
        out += ["", "| workload | learner / reference (median of processes) | range of processes "
                "| weight in the score |", "|---|---|---|---|"]
        for workload, r in found.items():
            out.append(f"| `{workload}` | {r.center:.2f} | {r.low:.2f} .. {r.high:.2f} | "
                       f"{shares[workload]:.0%} |")
    return out
