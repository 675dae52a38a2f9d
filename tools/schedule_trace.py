"""What a failure in the sched variant (docs/schedules.md) says about its schedule, read from the
test's output: the variables that replay exactly that interleaving, and the trace of its steps.

The runtime prints both with every failure it sees (a failed assertion, a deadlock or livelock
verdict, a crash): "replay: KATA_SCHEDULE=<n> KATA_SEED=<m>" (and the preemption bound and the
refused preemptions when they were set), and a trace, a head line then one line per step. Their
spellings are declared in the runtime's headers and read through failure_protocol, never copied
here."""
import re
from typing import NamedTuple

import failure_protocol as protocol

# "replay: KATA_SCHEDULE=3 KATA_SEED=3", or "replay with KATA_SCHEDULE=..." at a test's end.
_REPLAY = re.compile(r"replay(?::| with) (" + re.escape(protocol.SCHEDULE_VARIABLE) + r"=\d+ "
                     + re.escape(protocol.SEED_VARIABLE) + r"=\d+(?: "
                     + re.escape(protocol.PREEMPTIONS_VARIABLE) + r"=\d+)?(?: "
                     + re.escape(protocol.SKIPPED_VARIABLE) + r"=[\d,-]+)?)")
# How a step's line starts in Schedule.trace (its lines are stripped).
STEP = protocol.TRACE_STEP.strip()
# A verdict names each thread's blocked call (or the spinning one, or the one running alone)
# before its trace (harness/sched/scheduler.cc, verdict()).
_THREAD_LINE = re.compile("^" + re.escape(protocol.THREAD_LINE) + r"\d+ (?:"
                          + "|".join(map(re.escape, protocol.THREAD_LABELS)) + ")")


class Schedule(NamedTuple):
    replay: list[str]  # ["KATA_SCHEDULE=3", "KATA_SEED=3"]: the environment that replays it
    trace: list[str]   # the blocked threads' lines, the trace's head and its steps, stripped


def schedule_of(output: str) -> Schedule | None:
    """The first schedule a failure's output reports, or None (not a sched-variant failure, or
    one the runtime could not trace: its replay line alone still gives a Schedule)."""
    replay = _REPLAY.search(output)
    if replay is None:
        return None
    lines = output.splitlines()
    trace: list[str] = []
    for index, line in enumerate(lines):
        if not line.startswith(protocol.TRACE_HEAD):
            continue
        before = index
        while before > 0 and _THREAD_LINE.match(lines[before - 1]):
            before -= 1
        end = index + 1
        while end < len(lines) and lines[end].startswith(protocol.TRACE_STEP):
            end += 1
        trace = [line.strip() for line in lines[before:end]]
        break
    return Schedule(replay.group(1).split(), trace)
