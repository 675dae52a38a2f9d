#!/usr/bin/env python3
"""grade.py [options] [kata...]

The grader behind `./kata grade`. For each kata (all of them when none is named):

  1. checks the submitted header for tampering (test macros redefined, the reference included);
  2. builds the learner's test binaries and benchmark, keeping going past a kata that does not
     compile (its first compiler error is reported, file:line);
  3. runs the kata's tests in every variant (plain, tsan, asan), each binary in as few processes as
     it can (tools/test_runner.py), and checks, from gtest's own XML reports, that every expected
     test really ran and passed: an exit code alone is never trusted (a header that calls
     std::exit(0) would otherwise "pass");
  4. if every test passed, runs the benchmark: each workload's learner and reference rows
     interleaved in a process of their own, round after round for the kata's time box (every
     workload at least twice); a workload's ratio is the median over its processes of the ratio
     within each, and the workloads are weighted by how steady the reference was there;
  5. scores it (docs/scoring.md) and writes the scorecard, report.json (docs/report.md), report.md
     and junit.xml.

Exit status: 0 when every graded kata passes (full correctness), 1 otherwise, 2 on a usage error.
"""
import argparse
import concurrent.futures
import itertools
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gtest_run  # noqa: E402
import scoring  # noqa: E402
import test_runner  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ["plain", "tsan", "asan"]
SCHEMA_VERSION = 1
# Benchmark repetitions of a workload in one process; processes run round after round over the
# workloads for BENCH_SECONDS per kata, or what the kata's benchmark declares (docs/scoring.md).
DEFAULT_REPETITIONS = 2
BENCH_SECONDS = 15
# Seconds Google Benchmark runs each repetition of a row for (rows in fixed windows ignore it).
BENCH_MIN_TIME = 0.05
TEST_NAME = re.compile(r"^(?:(?P<instance>\w+)/)?(?P<category>\w+)\.L(?P<level>\d+)_(?P<test>[^/]+)"
                       r"(?:/(?P<param>.*))?$")
# gtest macros a submission must leave alone; a difference in their definitions is tampering.
TEST_MACROS = re.compile(r"^#define ((?:EXPECT|ASSERT|GTEST|GMOCK)_\w*|TEST\w*|FAIL|SUCCEED|"
                         r"ADD_FAILURE\w*|INSTANTIATE_\w+|TYPED_TEST\w*|SCOPED_TRACE)\b.*$", re.M)


def progress(message):
    bold, reset = ("\033[1m", "\033[0m") if sys.stderr.isatty() else ("", "")
    print(f"{bold}==> {message}{reset}", file=sys.stderr, flush=True)


def registered_katas(build_dir):
    """{name: manifest} of the katas the build registered (cmake/Kata.cmake writes them)."""
    return {p.stem: json.loads(p.read_text()) for p in sorted((build_dir / "katas").glob("*.json"))}


def answer_manifest(known, spec):
    """The manifest of the kata of answer `spec` ("<kata>/<name>", docs/answers.md) with the answer
    in the learner's place and no benchmark; None if the build registered no such answer."""
    kata, _, name = spec.partition("/")
    for answer in known.get(kata, {}).get("answers", []):
        if answer["name"] == name:
            targets = dict(known[kata]["targets"], learner=answer["targets"], benchmark=None)
            return dict(known[kata], learner_header=answer["header"], targets=targets, answer=name)
    return None


# ---------------------------------------------------------------------------------------------
# 1. Tampering checks on the submitted header (static: nothing of the learner's code runs here)

def compiler():
    return os.environ.get("CXX") or shutil.which("c++") or "g++"


def preprocess(kata, header, namespace, extra):
    probe = "#include <gtest/gtest.h>\n#include \"harness/under_test.h\"\n"
    cmd = [compiler(), "-std=c++20", "-x", "c++", "-", f"-I{kata['dir']}",
           f"-I{ROOT / 'harness' / 'include'}", f'-DKATA_HEADER="{header}"',
           f"-DKATA_NS={namespace}"] + extra
    return subprocess.run(cmd, input=probe, capture_output=True, text=True, timeout=120)


def tamper_findings(kata):
    findings = []
    learner, reference = kata["learner_header"], kata["reference_header"]
    mine = preprocess(kata, learner, "kata", ["-E", "-dM"])
    theirs = preprocess(kata, reference, "solution", ["-E", "-dM"])
    if mine.returncode == 0 and theirs.returncode == 0:
        before = dict((m.group(1), m.group(0)) for m in TEST_MACROS.finditer(theirs.stdout))
        after = dict((m.group(1), m.group(0)) for m in TEST_MACROS.finditer(mine.stdout))
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                what = "removes" if name not in after else "redefines"
                findings.append(f"the header {what} the test macro {name}")
    deps = preprocess(kata, learner, "kata", ["-M", "-MG"])
    if deps.returncode == 0:
        solution_dir = str(Path(reference).resolve().parent)
        for path in deps.stdout.replace("\\\n", " ").split()[1:]:
            if Path(path).resolve() == Path(learner).resolve():
                continue  # the header itself: an answer of the corpus lives in solutions/
            if str(Path(path).resolve()).startswith(solution_dir) or "solutions/" in path:
                findings.append(f"the header includes the reference solution ({path})")
                break
    return findings


# ---------------------------------------------------------------------------------------------
# 2. Build

FIRST_ERROR = re.compile(r"^(?P<where>[^\s:]+:\d+:\d+): (?:fatal )?error: (?P<what>.*)$", re.M)


def build(build_dir, manifest, variants, jobs, who):
    """Builds the test binaries of role `who` in the kata's `manifest`, the reference's plain one
    (expected_tests) and the benchmark, if the kata has one."""
    # A header that no longer compiles must show as not built, never as its last good binary.
    bench = manifest["targets"]["self-check" if who == "reference" else "benchmark"]
    if who == "learner":
        for variant in variants:
            (build_dir / manifest["targets"]["learner"][variant]).unlink(missing_ok=True)
        if bench:
            (build_dir / bench).unlink(missing_ok=True)
    targets = [manifest["targets"][who][v] for v in variants]
    targets.append(manifest["targets"]["reference"]["plain"])
    if bench:
        targets.append(bench)
    proc = subprocess.run(["cmake", "--build", str(build_dir), "--parallel", str(jobs), "--target",
                           *targets, "--", "-k", "0"], capture_output=True, text=True)
    error = None
    if proc.returncode != 0:
        match = FIRST_ERROR.search(proc.stdout + proc.stderr)
        error = (f"{match['where']}: {match['what']}" if match
                 else (proc.stdout + proc.stderr).strip().splitlines()[-1])
        error = error.replace(str(ROOT) + "/", "")
    built = {v: (build_dir / manifest["targets"][who][v]).exists() for v in variants}
    return built, error


# ---------------------------------------------------------------------------------------------
# 3. Tests

def expected_tests(build_dir, manifest):
    """The tests the suite defines, listed from the reference's binary (same sources)."""
    binary = build_dir / manifest["targets"]["reference"]["plain"]
    if not binary.exists():
        raise SystemExit(f"grade.py: {binary.name} was not built: the project itself is broken "
                         f"(run ./kata selftest)")
    return gtest_run.list_tests(str(binary))


def run_tests(build_dir, manifest, expected, built, jobs, setarch, who):
    """{variant: {test: verdict}} (test_runner.run_suite) for every variant that was built; the
    variants run side by side, `jobs` at a time."""
    work = build_dir / "grade-runs" / manifest["name"] / manifest.get("answer", who)
    shutil.rmtree(work, ignore_errors=True)
    variants = [v for v in built if built[v]]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        runs = {v: pool.submit(test_runner.run_suite, build_dir / manifest["targets"][who][v],
                               expected, work / v, setarch, build_dir) for v in variants}
        return {v: future.result() for v, future in runs.items()}


SANITIZER = re.compile(r"(?:WARNING|ERROR): (ThreadSanitizer|AddressSanitizer|LeakSanitizer): "
                       r"([\w-]+(?: [\w-]+)*)")
UBSAN = re.compile(r"runtime error: (.*)")


def first_learner_frame(output, kata):
    match = re.search(rf"(katas/{kata}/{kata}\.h:\d+)", output)
    return match.group(1) if match else None


# How test_runner's causes read in the report when the output names nothing more precise.
CAUSE_KINDS = {test_runner.TIMEOUT: "hang", test_runner.NOT_RUN: "missing",
               test_runner.EXIT_0: "tampering", test_runner.DIED: "crash"}
CAUSE_HINTS = {test_runner.NOT_RUN: " (did it exit or crash at start-up?)",
               test_runner.EXIT_0: " (std::exit in the header?)"}


def explain(output, kata, verdict=None):
    """(kind, detail) of why a test failed, from its output and, if the way its process ended
    decided it, that (test_runner's "cause" and "ended")."""
    cause = (verdict or {}).get("cause")
    if "is not implemented yet" in output:
        match = re.search(r"([A-Za-z_][\w:]*(?:\([^)]*\))? is not implemented yet)", output)
        return "not_implemented", match.group(1) if match else "not implemented"
    match = SANITIZER.search(output)
    if match:
        frame = first_learner_frame(output, kata)
        return "sanitizer", f"{match.group(1)}: {match.group(2)}" + (f" at {frame}" if frame else "")
    match = UBSAN.search(output)
    if match:
        return "sanitizer", f"UndefinedBehaviorSanitizer: {match.group(1)}"[:200]
    match = re.search(r"^WATCHDOG: \S+: (.*)$", output, re.M)
    if match:
        kind = "memory" if "unbounded allocation" in match.group(1) else "hang"
        return kind, match.group(1)[:300]
    match = re.search(r"^ABANDONED: \S+: (.*)$", output, re.M)
    if match:
        return "stuck", match.group(1)[:300]
    found = gtest_run.how_it_failed(output)
    if found and found[0] == "test":
        after = output.split(found[1], 1)[1].strip().splitlines()
        return "assertion", " / ".join(line.strip() for line in after[:4])[:300]
    if found:
        return found[0], found[1][:300]
    if cause:
        return CAUSE_KINDS[cause], verdict["ended"] + CAUSE_HINTS.get(cause, "")
    return "crash", "the test process died without a report (crash, or killed by a limit)"


def grade_tests(kata, expected, built, verdicts):
    tests = []
    for variant in built:
        for name in expected:
            match = TEST_NAME.match(name)
            if not match:
                continue
            entry = {"name": name, "variant": variant, "category": match["category"],
                     "level": int(match["level"]), "passed": False}
            verdict = verdicts.get(variant, {}).get(name)
            if not built[variant]:
                entry["failure"] = {"kind": "build", "detail": "did not compile"}
            else:
                if verdict["passed"]:
                    entry["passed"] = True
                else:
                    kind, detail = explain(verdict["output"], kata, verdict)
                    entry["failure"] = {"kind": kind, "detail": detail}
                entry["seconds"] = round(verdict["seconds"], 3)
            tests.append(entry)
    return tests


def write_junit(path, reports, who):
    """JUnit XML of every graded test, for CI systems that show test results."""
    root = ET.Element("testsuites")
    for report in reports:
        suite = ET.SubElement(root, "testsuite", name=report["kata"],
                              tests=str(len(report["tests"])),
                              failures=str(sum(not t["passed"] for t in report["tests"])))
        for test in report["tests"]:
            case = ET.SubElement(suite, "testcase", classname=f"{report['kata']}/{who}/{test['variant']}",
                                 name=test["name"], time=str(test.get("seconds", 0)))
            if not test["passed"]:
                failure = test["failure"]
                ET.SubElement(case, "failure", message=f"{failure['kind']}: {failure['detail']}"[:1000])
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


# ---------------------------------------------------------------------------------------------
# 4. Benchmark

# BM_Transfer<learner>/pairs:2/cap:4, BM_Body<learner, Setting>/real_time/threads:4, ...: the first
# template argument names the implementation, the rest of the name the workload. A row
# BM_Mix<learner, reference>/... measures the two in turns (bench::for_window) and reports each
# one's rate in its own counter (PAIRED_COUNTERS, in that order).
BENCH_NAME = re.compile(r"^(?P<body>\w+)<(?P<impl>\w+)(?:, *(?P<extra>[^>]+))?>(?P<args>/.*)?$")
PAIRED_WITH = "reference"
PAIRED_COUNTERS = ("first_items_per_second", "second_items_per_second")


def _paired(match):
    return match["impl"] == "learner" and match["extra"] == PAIRED_WITH


def _regex_escape(text):
    """`text` as a literal in Google Benchmark's filter (a POSIX extended regular expression,
    which has no \\w and few escapes: special characters go in brackets)."""
    special = {"]": "[]]", "^": "\\^", "\\": "\\\\"}
    return "".join(special.get(c, f"[{c}]" if c in ".[(){}*+?|$" else c) for c in text)


def _workload_filters(binary, peers):
    """One --benchmark_filter per workload, from the binary's list of rows: each matches the
    workload's learner and reference rows (every implementation's, with `peers`); ([], error)."""
    try:
        proc = subprocess.run([str(binary), "--benchmark_list_tests",
                               "--benchmark_filter=<learner[,>]"],
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return [], "the benchmark did not list its rows in 60 s"
    filters = []
    for name in (line.strip() for line in proc.stdout.splitlines()):
        match = BENCH_NAME.match(name)
        if not match or match["impl"] != "learner":
            continue
        if _paired(match):
            impls = "(learner, reference|[A-Za-z0-9_]+)" if peers else "learner, reference"
            rest = name[match.end("extra"):]
        else:
            impls = "[A-Za-z0-9_]+" if peers else "(learner|reference)"
            rest = name[match.end("impl"):]
        filters.append("^" + _regex_escape(name[:match.start("impl")]) + impls
                       + _regex_escape(rest) + "$")
    if not filters:
        return [], f"the benchmark lists no learner rows (exit code {proc.returncode})"
    return filters, None


def _benchmark_batch(binary, out, repetitions, row_filter, min_time):
    """One run of the benchmark binary on the rows `row_filter` matches: (its JSON document, or
    None, and an error)."""
    cmd = [str(binary), f"--benchmark_filter={row_filter}", f"--benchmark_repetitions={repetitions}",
           "--benchmark_enable_random_interleaving=true", f"--benchmark_min_time={min_time}",
           "--benchmark_format=json", f"--benchmark_out={out}", "--benchmark_out_format=json"]
    out.unlink(missing_ok=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None, f"the benchmark of {row_filter} did not finish in 300 s"
    try:
        return json.loads(out.read_text()), None
    except (OSError, ValueError):
        return None, f"the benchmark wrote no results (exit code {proc.returncode})"


def _rounds(filters):
    """(round number, filter) for ever: every workload once a round, in an order shuffled per round
    (the same for every grading)."""
    for round_number in itertools.count():
        order = list(filters)
        random.Random(round_number).shuffle(order)
        for row_filter in order:
            yield round_number, row_filter


def run_benchmark(build_dir, kata, repetitions, peers, who, min_time=BENCH_MIN_TIME, budget=None):
    """Runs the kata's benchmark one workload at a time: a process runs `repetitions` of the
    workload's learner and reference rows, interleaved, so the two are measured within a second or
    so of each other and a slow spell of the machine hits both. Round after round over every
    workload (in a shuffled order), the first round whole, until `budget` seconds are spent; with no
    budget given, the one the benchmark declares (KATA_GRADER_SECONDS in
    benchmarks/support/bench.h), else BENCH_SECONDS. Writes every row to bench-<kata>.json, each
    tagged with the number of the process that ran it ("process"); returns
    summarize_benchmark of them (or {"error": ...})."""
    bench = registered_katas(build_dir)[kata]["targets"]["self-check" if who == "reference"
                                                         else "benchmark"]
    binary = build_dir / bench if bench else None
    if binary is None or not binary.exists():
        return None
    filters, error = _workload_filters(binary, peers)
    if error:
        return {"error": error}
    out = build_dir / f"bench-{kata}-batch.json"
    started = time.monotonic()
    data, process = None, 0
    for round_number, row_filter in _rounds(filters):
        if round_number > 0 and time.monotonic() - started >= budget:
            break
        batch, error = _benchmark_batch(binary, out, repetitions, row_filter, min_time)
        if batch is None and round_number == 0:
            return {"error": error}
        if batch is None:
            break
        for row in batch.get("benchmarks", []):
            row["process"] = process  # pairs the learner's rows with the reference's they ran beside
        process += 1
        if data is None:
            data = batch
            if budget is None:
                budget = float(data.get("context", {}).get("kata_grader_seconds", BENCH_SECONDS))
        else:
            data["benchmarks"] += batch.get("benchmarks", [])
    out.unlink(missing_ok=True)
    (build_dir / f"bench-{kata}.json").write_text(json.dumps(data))
    summary = summarize_benchmark(data)
    if not summary["workloads"]:
        summary["error"] = "no benchmark rows for the learner and the reference"
    return summary


def workload_name(match):
    """BM_Body<learner, Setting>/real_time/threads:4 -> BM_Body<Setting>/threads:4, and
    BM_Mix<learner, reference>/iterations:1/threads:2 -> BM_Mix/threads:2: the settings that do not
    tell workloads apart (timing mode, a fixed window's iterations:1) are dropped."""
    extra = match["extra"] if match["extra"] and not _paired(match) else None
    workload = match["body"] + (f"<{extra}>" if extra else "") + (match["args"] or "")
    for setting in ("/process_time", "/real_time", "/iterations:1"):
        workload = workload.replace(setting, "")
    return workload


def _measured_rows(data):
    """(workload, impl, row) of every repetition that measured a rate, row["items_per_second"]
    being the impl's (a row of the learner and the reference in turns gives one of each);
    {impl: error} of the rest."""
    rows, errors = [], {}
    for row in data.get("benchmarks", []):
        if row.get("run_type") != "iteration":
            continue
        match = BENCH_NAME.match(row.get("run_name", row["name"]))
        if not match:
            continue
        if row.get("error_occurred"):
            errors[match["impl"]] = row.get("error_message", "error")
        elif _paired(match):
            for impl, counter in zip((match["impl"], PAIRED_WITH), PAIRED_COUNTERS):
                if row.get(counter):
                    rows.append((workload_name(match), impl, dict(row, items_per_second=row[counter])))
        elif row.get("items_per_second"):
            rows.append((workload_name(match), match["impl"], row))
    return rows, errors


def _rates(rows):
    """{workload: {impl: [items/s of each repetition]}} of _measured_rows."""
    runs = {}
    for workload, impl, row in rows:
        runs.setdefault(workload, {}).setdefault(impl, []).append(row["items_per_second"])
    return runs


def rates_by_workload(data):
    """({workload: {impl: [items/s of each repetition]}}, {impl: error}) from a Google Benchmark
    JSON document."""
    rows, errors = _measured_rows(data)
    return _rates(rows), errors


def _paired_log_ratios(rows):
    """{workload: {impl: [log(impl / reference) of each process]}} of _measured_rows: in each
    benchmark process (rows tagged "process" by run_benchmark), the mean log rate of the
    implementation's repetitions minus the reference's, for every implementation that ran beside
    the reference."""
    logs = {}
    for workload, impl, row in rows:
        if "process" in row:
            logs.setdefault((workload, row["process"]), {}).setdefault(impl, []).append(
                math.log(row["items_per_second"]))
    pairs = {}
    for (workload, _), impls in sorted(logs.items(), key=lambda kv: kv[0][1]):
        ref = impls.get("reference")
        for impl, values in impls.items():
            if ref and impl != "reference":
                pairs.setdefault(workload, {}).setdefault(impl, []).append(
                    statistics.mean(values) - statistics.mean(ref))
    return pairs


def summarize_benchmark(data):
    """{workload: {impl: {iqm, median, min, max, runs, log_spread[, paired_log_ratios]}}} of items
    per second, from the repetitions; iqm is the interquartile mean (the mean of the middle half);
    paired_log_ratios, per process, is what the score's ratio is the median of (docs/scoring.md)."""
    rows, errors = _measured_rows(data)
    pairs = _paired_log_ratios(rows)
    workloads = {}
    for workload, impls in sorted(_rates(rows).items()):
        workloads[workload] = {}
        for impl, rates in impls.items():
            rates.sort()
            summary = {"iqm": scoring.interquartile_mean(rates), "median": rates[len(rates) // 2],
                       "min": rates[0], "max": rates[-1], "runs": len(rates),
                       "log_spread": scoring.log_spread(rates)}
            if pairs.get(workload, {}).get(impl):
                summary["paired_log_ratios"] = [round(x, 6) for x in pairs[workload][impl]]
            workloads[workload][impl] = summary
    return {"unit": "items_per_second", "workloads": workloads, "errors": errors}


# ---------------------------------------------------------------------------------------------
# 5. Report

def grade_kata(args, build_dir, manifest, index, total):
    started = time.monotonic()
    kata = manifest["name"]
    who = "reference" if args.self_check else "learner"
    progress(f"[{index}/{total}] {kata}: checking the header")
    report = {"kata": kata, "tampering": [] if args.self_check else tamper_findings(manifest)}
    progress(f"[{index}/{total}] {kata}: building")
    built, error = build(build_dir, manifest, manifest["variants"], args.jobs, who)
    report["build"] = {"ok": all(built.values()), "first_error": error,
                       "variants_built": [v for v in built if built[v]]}
    progress(f"[{index}/{total}] {kata}: running tests ({', '.join(built)})")
    expected = expected_tests(build_dir, manifest)
    verdicts = run_tests(build_dir, manifest, expected, built, args.jobs, args.setarch, who)
    report["tests"] = grade_tests(kata, expected, built, verdicts)
    correct = all(t["passed"] for t in report["tests"]) and not report["tampering"]
    report["benchmark"] = None
    if correct and not args.no_bench:
        progress(f"[{index}/{total}] {kata}: benchmarking against the reference")
        report["benchmark"] = run_benchmark(build_dir, kata, args.repetitions, args.peers, who,
                                            budget=args.bench_seconds)
    report["score"] = scoring.score(report)
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("katas", nargs="*")
    parser.add_argument("--build-dir", default=str(ROOT / "build"))
    parser.add_argument("--out", default=str(ROOT / "reports"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repetitions", type=int, default=DEFAULT_REPETITIONS,
                        help="benchmark repetitions of a workload in one process")
    parser.add_argument("--bench-seconds", type=float, default=None,
                        help="time for each kata's benchmark, more repetitions if it allows "
                             f"(default: what the benchmark declares, else {BENCH_SECONDS})")
    parser.add_argument("--no-bench", action="store_true", help="skip the benchmarks")
    parser.add_argument("--peers", action="store_true", help="benchmark the baselines and peers too")
    parser.add_argument("--setarch", action="store_true", help="run tests under setarch -R (TSan)")
    parser.add_argument("--self-check", action="store_true",
                        help="grade the reference solutions as if they were the learner's")
    parser.add_argument("--answer", action="append", default=[], metavar="KATA/NAME",
                        help="grade an answer of the corpus (solutions/KATA/answers/NAME.h, "
                             "docs/answers.md) as if it were the learner's, without benchmark")
    args = parser.parse_args()
    args.setarch = ["setarch", os.uname().machine, "-R"] if args.setarch else []

    build_dir = Path(args.build_dir).resolve()
    test_runner.limit_output()
    known = registered_katas(build_dir)
    katas = args.katas or [k for k in known if not known[k].get("fixture")]
    unknown = [k for k in katas if k not in known]
    if unknown:
        print(f"unknown kata(s): {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    manifests = [known[kata] for kata in katas]
    if args.answer:
        if args.katas or args.self_check:
            print("--answer grades answers only: no kata names, no --self-check", file=sys.stderr)
            return 2
        manifests = [answer_manifest(known, spec) for spec in args.answer]
        if None in manifests:
            names = [f"{k}/{a['name']}" for k in known for a in known[k].get("answers", [])]
            wrong = [spec for spec, m in zip(args.answer, manifests) if m is None]
            print(f"unknown answer(s): {', '.join(wrong)}; known: {', '.join(names) or 'none'}",
                  file=sys.stderr)
            return 2
        args.no_bench = True
    reports = [grade_kata(args, build_dir, manifest, i + 1, len(manifests))
               for i, manifest in enumerate(manifests)]
    document = {"schema_version": SCHEMA_VERSION, "generated_by": "tools/grade.py",
                "graded": "reference (self-check)" if args.self_check else "learner",
                "machine": {"cores": os.cpu_count()}, "katas": reports}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(document, indent=2) + "\n")
    import report_md  # noqa: E402  (only needed here)
    (out / "report.md").write_text(report_md.render(document))
    write_junit(out / "junit.xml", reports, "reference" if args.self_check else "kata")
    import scorecard  # noqa: E402
    print(scorecard.render(document, color=sys.stdout.isatty()))
    print(f"reports: {out / 'report.json'}, {out / 'report.md'}, {out / 'junit.xml'}")
    return 0 if all(r["score"]["passed"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
