#!/usr/bin/env python3
"""The failure protocol is declared once (harness/include/harness/failure_protocol.h, config.h's
seed, kata/not_implemented.h's phrase) and read by the tools from there (tools/failure_protocol.py).
This test fails when a copy appears: a C++ source of the harness, a kata's test support or a
benchmark, or a tool, spelling one of the report heads or the not-implemented phrase itself, which
would then drift when the declaration changes. The harness's own tests (harness/tests) and the
tools' tests (tools/tests) may spell them: they check the very text."""
import re
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import failure_protocol as protocol  # noqa: E402

ROOT = protocol.ROOT
DECLARING = {protocol.PROTOCOL_HEADER, protocol.CONFIG_HEADER, protocol.NOT_IMPLEMENTED_HEADER}
HEADS = [protocol.WATCHDOG, protocol.ABANDONED, protocol.SCHED, protocol.LEVEL_RULE,
         protocol.THREAD_BEFORE_MAIN]
# The labels a sched verdict gives each thread above its trace, declared in harness/sched/trace.h.
LABELS_HEADER = protocol.SCHED_DIR / "trace.h"


def cpp_label_patterns() -> list[re.Pattern[str]]:
    """A C++ string literal that is a label, with the spaces around it (" blocked in ")."""
    return [re.compile(r'"\s*' + re.escape(label) + r'\s*"') for label in protocol.THREAD_LABELS]


def tool_label_patterns() -> list[re.Pattern[str]]:
    """A label as a Python string or as one alternative of a regex ("(?:blocked in|spinning|")."""
    return [re.compile(r"""["'|(:]\s*""" + re.escape(label) + r"""\s*["'|)]""")
            for label in protocol.THREAD_LABELS]


def cpp_sources() -> list[Path]:
    globs = ["harness/src/*.cc", "harness/sched/*.cc", "harness/sched/*.h",
             "harness/include/**/*.h", "katas/*/tests/*.h", "katas/*/tests/*.cc",
             "benchmarks/**/*.h", "benchmarks/*.cc"]
    return sorted({p for g in globs for p in ROOT.glob(g)} - DECLARING)


def copies(path: Path, patterns: list[re.Pattern[str]]) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.lstrip().startswith(("//", "#")) and not line.lstrip().startswith("#include"):
            continue  # a comment (C++ or Python) may name a head
        for pattern in patterns:
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


class FailureProtocol(unittest.TestCase):
    def test_every_part_is_declared_and_the_heads_differ(self) -> None:
        for value in HEADS + [protocol.SEED_MARKER, protocol.SEED_VARIABLE,
                              protocol.NOT_IMPLEMENTED]:
            self.assertTrue(value.strip(), "an empty declaration")
        self.assertEqual(len(set(HEADS)), len(HEADS), HEADS)
        codes = [protocol.WATCHDOG_EXIT_CODE, protocol.LEVEL_RULE_EXIT_CODE,
                 protocol.THREAD_BEFORE_MAIN_EXIT_CODE]
        self.assertEqual(len(set(codes)), len(codes), codes)
        self.assertNotIn(1, codes, "1 is a test failure's exit code")
        labels = protocol.THREAD_LABELS
        self.assertTrue(protocol.THREAD_LINE.strip() and all(label.strip() for label in labels))
        self.assertEqual(len(set(labels)), len(labels), labels)

    def test_no_cpp_source_spells_a_head_or_the_phrase(self) -> None:
        # A string literal that starts with a head (after an optional newline), or holds the phrase.
        patterns = [re.compile(r'"(?:\\n)?' + re.escape(head) + r"\b") for head in HEADS]
        patterns.append(re.compile(r'"[^"]*' + re.escape(protocol.NOT_IMPLEMENTED)))
        found = [c for path in cpp_sources() for c in copies(path, patterns)]
        self.assertEqual(found, [], "declared in harness/include/harness/failure_protocol.h or "
                                    "kata/not_implemented.h; use the constant")

    def test_no_tool_spells_a_head_or_the_phrase(self) -> None:
        patterns = [re.compile(r"""["'^(|](?:\\n)?""" + re.escape(head) + r"\b") for head in HEADS]
        patterns.append(re.compile(re.escape(protocol.NOT_IMPLEMENTED)))
        tools = sorted(set((ROOT / "tools").glob("*.py")) - {Path(protocol.__file__).resolve()})
        tools += [ROOT / "kata"]
        found = [c for path in tools for c in copies(path, patterns)]
        self.assertEqual(found, [], "read it from tools/failure_protocol.py")

    def test_no_source_spells_a_thread_label(self) -> None:
        cpp = [c for path in cpp_sources() if path != LABELS_HEADER
               for c in copies(path, cpp_label_patterns())]
        tools = sorted(set((ROOT / "tools").glob("*.py")) - {Path(protocol.__file__).resolve()})
        found = cpp + [c for path in tools for c in copies(path, tool_label_patterns())]
        self.assertEqual(found, [], "declared in harness/sched/trace.h (kThreadBlocked, "
                                    "kThreadSpinning, kThreadAlone); use the constant")

    def test_the_check_sees_a_copy(self) -> None:
        # The checks above must be able to fail: a line as the watchdog wrote it before.
        line = 'abandon_test(why, "' + protocol.WATCHDOG + '");'
        pattern = re.compile(r'"(?:\\n)?' + re.escape(protocol.WATCHDOG) + r"\b")
        self.assertTrue(pattern.search(line))
        tool_line = 'match = re.search(r"^' + protocol.ABANDONED + ': (.*)$", output)'
        tool_pattern = re.compile(r"""["'^(|](?:\\n)?""" + re.escape(protocol.ABANDONED) + r"\b")
        self.assertTrue(tool_pattern.search(tool_line))
        # The labels as scheduler.cc and schedule_trace.py spelled them before trace.h declared
        # them; each must be seen, and a test's message that merely starts with a label must not.
        cpp_lines = ['(alone ? " running alone" : " spinning")', '" blocked in " + t->blocked_op']
        tool_line = r're.compile(r"^  thread \d+ (?:blocked in|spinning|running alone)")'
        for label, pattern in zip(protocol.THREAD_LABELS, tool_label_patterns()):
            self.assertTrue(pattern.search(tool_line), label)
        for label, pattern in zip(protocol.THREAD_LABELS, cpp_label_patterns()):
            self.assertTrue(any(pattern.search(line) for line in cpp_lines), label)
            self.assertFalse(pattern.search('watched("spinning on the future of a task", 1)'))


if __name__ == "__main__":
    unittest.main()
