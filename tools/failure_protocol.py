"""What a test process prints when it fails besides gtest's own lines, read from the C++ headers
that declare it, never copied: the heads of the harness's reports and their exit codes
(harness/include/harness/failure_protocol.h), the seed's marker and variable
(harness/include/harness/config.h), the phrase of an unfinished kata method
(harness/include/kata/not_implemented.h), and what the sched variant prints to replay a schedule
and to show it (harness/sched/listener.h, scheduler.h, trace.h). grader/failure_protocol
(tools/tests) fails if a C++ source or a tool spells one of them itself."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL_HEADER = ROOT / "harness" / "include" / "harness" / "failure_protocol.h"
CONFIG_HEADER = ROOT / "harness" / "include" / "harness" / "config.h"
NOT_IMPLEMENTED_HEADER = ROOT / "harness" / "include" / "kata" / "not_implemented.h"
SCHED_DIR = ROOT / "harness" / "sched"


def literal(header: Path, name: str) -> str:
    """The string `header` declares as `inline constexpr char <name>[] = "...";`."""
    match = re.search(rf'\b{name}\[\] = "([^"\\]*)";', header.read_text())
    if not match:
        raise SystemExit(f"{Path(__file__).name}: {name} is not declared in {header}")
    return match.group(1)


def integer(header: Path, name: str) -> int:
    """The number `header` declares as `inline constexpr int <name> = N;`."""
    match = re.search(rf"\bint {name} = (\d+);", header.read_text())
    if not match:
        raise SystemExit(f"{Path(__file__).name}: {name} is not declared in {header}")
    return int(match.group(1))


# The heads of the harness's reports, each starting a line "<HEAD>: <test>: <what>".
WATCHDOG = literal(PROTOCOL_HEADER, "kWatchdog")
ABANDONED = literal(PROTOCOL_HEADER, "kAbandoned")
SCHED = literal(PROTOCOL_HEADER, "kSched")
LEVEL_RULE = literal(PROTOCOL_HEADER, "kLevelRule")
THREAD_BEFORE_MAIN = literal(PROTOCOL_HEADER, "kThreadBeforeMain")
WATCHDOG_EXIT_CODE = integer(PROTOCOL_HEADER, "kWatchdogExitCode")
LEVEL_RULE_EXIT_CODE = integer(PROTOCOL_HEADER, "kLevelRuleExitCode")
THREAD_BEFORE_MAIN_EXIT_CODE = integer(PROTOCOL_HEADER, "kThreadBeforeMainExitCode")

# The seed: the line each test prints, and the variable that replays it.
SEED_MARKER = literal(CONFIG_HEADER, "kSeedMarker")
SEED_VARIABLE = literal(CONFIG_HEADER, "kSeedVariable")

# The sched variant: the variables that replay a schedule (the runtime prints them after "replay:"
# on every failure, verdict or crash), and how the lines of the schedule's trace start.
SCHEDULE_VARIABLE = literal(SCHED_DIR / "listener.h", "kScheduleVariable")
PREEMPTIONS_VARIABLE = literal(SCHED_DIR / "scheduler.h", "kPreemptionsVariable")
SKIPPED_VARIABLE = literal(SCHED_DIR / "scheduler.h", "kSkippedVariable")
# Shrinking a failure's schedule: the variable that asks for it, and the head of the line that gives
# the smaller schedule's replay, before that schedule's trace.
SHRINK_VARIABLE = literal(SCHED_DIR / "listener.h", "kShrinkVariable")
SHRUNK_MARKER = literal(SCHED_DIR / "listener.h", "kShrunkMarker")
TRACE_HEAD = literal(SCHED_DIR / "trace.h", "kTraceHead")
TRACE_STEP = literal(SCHED_DIR / "trace.h", "kTraceStep")
# How a verdict's lines above its trace start ("  thread 3 blocked in ..."), and the label after
# the thread's number: blocked in a call, spinning, or running alone while the others wait.
THREAD_LINE = literal(SCHED_DIR / "trace.h", "kThreadLine")
THREAD_LABELS = [literal(SCHED_DIR / "trace.h", name)
                 for name in ("kThreadBlocked", "kThreadSpinning", "kThreadAlone")]

# What kata::NotImplemented says after the method's name.
NOT_IMPLEMENTED = literal(NOT_IMPLEMENTED_HEADER, "kNotImplementedMarker")


def report_line(head: str, capture: str = "(.*)") -> re.Pattern[str]:
    """The line a report with this head starts with, `capture` matching what follows it."""
    return re.compile("^" + re.escape(head) + ": " + capture + "$", re.M)
