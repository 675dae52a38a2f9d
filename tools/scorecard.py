#!/usr/bin/env python3
"""scorecard.py RESULTS.xml [kata...]

Reads CTest's JUnit report of the learner's tests (./kata grade writes it) and prints, per kata, the
level reached and the tests passed per category and variant, with the first failures explained.
Exit status 0 only if every graded kata passes every test in every variant.

Test names are <kata>/kata/<variant>/[<Instance>/]<Category>.L<level>_<Name>[/<param>]. A kata
reaches level N when every test of levels 1..N passes in every variant.
"""
import collections
import re
import sys
import xml.etree.ElementTree as ET

import gtest_run

NAME = re.compile(r"^(?P<kata>\w+)/kata/(?P<variant>\w+)/(?:\w+/)?(?P<category>\w+)\."
                  r"L(?P<level>\d+)_(?P<test>[^/]+)(?:/(?P<param>.*))?$")
NOT_BUILT = re.compile(r"^(?P<kata>\w+)_kata_(?P<variant>\w+)_NOT_BUILT")
VARIANTS = ["plain", "tsan", "asan"]


def reason(testcase):
    out = testcase.findtext("system-out") or ""
    if "is not implemented yet" in out:
        match = re.search(r"([A-Za-z_][\w:]*(?:\([^)]*\))? is not implemented yet)", out)
        return match.group(1)
    found = gtest_run.how_it_failed(out)
    if found:
        kind, detail = found
        if kind == "test":
            # The gtest failure's own message: the lines after "file:line: Failure".
            after = out.split(detail, 1)[1].strip().splitlines()
            detail = " / ".join(line.strip() for line in after[:4])
        return f"{kind}: {detail}"[:220]
    status = testcase.get("status")
    return "timed out or crashed" if status == "fail" else status


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    wanted = set(sys.argv[2:])
    root = ET.parse(sys.argv[1]).getroot()
    katas = collections.defaultdict(list)
    broken = collections.defaultdict(list)
    for case in root.iter("testcase"):
        name = case.get("name")
        match = NAME.match(name)
        if match:
            katas[match["kata"]].append((match, case))
            continue
        match = NOT_BUILT.match(name)
        if match:
            broken[match["kata"]].append(match["variant"])
    all_pass = True
    for kata in sorted(set(katas) | set(broken)):
        if wanted and kata not in wanted:
            continue
        all_pass &= print_kata(kata, katas[kata], broken[kata])
    if not katas and not broken:
        print("no kata test results found: did the build fail? (see the output above)")
        return 1
    return 0 if all_pass else 1


def print_kata(kata, results, not_built):
    counts = collections.defaultdict(lambda: [0, 0])  # (category, variant) -> [passed, total]
    level_ok = collections.defaultdict(lambda: True)
    failures = []
    max_level = 0
    for match, case in results:
        level = int(match["level"])
        max_level = max(max_level, level)
        passed = case.get("status") == "run"
        key = (match["category"], match["variant"])
        counts[key][1] += 1
        if passed:
            counts[key][0] += 1
        else:
            level_ok[level] = False
            failures.append((level, match["variant"], name_of(match), case))
    reached = 0
    for level in range(1, max_level + 1):
        if not level_ok[level] or not_built:
            break
        reached = level
    passed_all = not failures and not not_built and results
    of = f" of {max_level}" if max_level else ""
    print(f"\n{kata}: level {reached}{of}" + ("  PASS" if passed_all else ""))
    for variant in not_built:
        print(f"  {variant}: DID NOT COMPILE (see the build output above)")
    categories = sorted({m["category"] for m, _ in results})
    print("  " + " " * 14 + "".join(f"{v:>10}" for v in VARIANTS))
    for category in categories:
        cells = []
        for variant in VARIANTS:
            passed, total = counts[(category, variant)]
            cells.append(f"{passed}/{total}" if total else "-")
        print(f"  {category:<14}" + "".join(f"{c:>10}" for c in cells))
    shown = set()
    failures.sort(key=lambda f: (f[0], VARIANTS.index(f[1]) if f[1] in VARIANTS else 9))
    lines = []
    for level, variant, name, case in failures:
        if name in shown:
            continue
        shown.add(name)
        lines.append(f"    L{level} {name} [{variant}]: {reason(case)}")
    if lines:
        print("  first failures:")
        print("\n".join(lines[:8]))
        if len(lines) > 8:
            print(f"    ... and {len(lines) - 8} more (ctest --output-on-failure shows each)")
    return bool(passed_all)


def name_of(match):
    name = f"{match['category']}.L{match['level']}_{match['test']}"
    return name + (f"/{match['param']}" if match["param"] else "")


if __name__ == "__main__":
    sys.exit(main())
