// How a test process tells the grader why it failed, besides gtest's own lines: the head of each
// of the harness's reports (a line "<HEAD>: <test>: <what>") and the exit codes that go with them.
// Declared once, here. The grader does not copy them: tools/failure_protocol.py reads this file,
// and the harness test grader/failure_protocol fails if a C++ source or a tool spells one of these
// heads itself (a copy that could drift) or if this file stops declaring one the tools need.
#pragma once

namespace harness::protocol {

// A test thread blocked or spinning past its time limit (harness/watchdog.h).
inline constexpr char kWatchdog[] = "WATCHDOG";
// A test that cannot go on: a thread it started is stuck, a test Mutex saw a self-deadlock.
inline constexpr char kAbandoned[] = "ABANDONED";
// The sched variant's verdict: a deadlock, a livelock or a crash under a controlled schedule.
inline constexpr char kSched[] = "SCHED";
// A test called a method above its level: a bug in the suite, not the learner's (level_rule.h).
inline constexpr char kLevelRule[] = "LEVEL RULE";
// A thread was running when main() began: a header's namespace-scope initialiser started it.
inline constexpr char kThreadBeforeMain[] = "THREAD BEFORE MAIN";

inline constexpr int kWatchdogExitCode = 3;  // WATCHDOG, ABANDONED and SCHED
inline constexpr int kLevelRuleExitCode = 4;
inline constexpr int kThreadBeforeMainExitCode = 5;

}  // namespace harness::protocol
