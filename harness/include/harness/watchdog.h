// Turns a hang into a test failure that says what hung. Every test runs under a watchdog (armed by
// the test main); an operation that may block is wrapped in watched(), so that if it does not
// return the report names it, the thread that made it, the test's own view of the state, and the
// seed:
//
//   WATCHDOG: Liveness.L3_CloseWakesEveryConsumer: pop() by consumer 2 blocked 5.0 s
//     (close() should wake every waiting consumer: was it notify_one?); state: 0 items in the queue
//
// then ends the test process (a thread blocked inside learner code cannot be cancelled), with exit
// code 3. Marking an operation costs two atomic stores to a per-thread slot: no lock that would
// serialise the threads and hide the very races the tests look for.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "harness/failure_protocol.h"

namespace harness {

inline constexpr int kWatchdogExitCode = protocol::kWatchdogExitCode;

// Whether a watched call's return is progress. A call that only observes (size(), is_closed())
// is not: it can end no other thread's wait, and counted as progress it would hide a hang from the
// watchdog for as long as an observer polls, up to the test's time limit (a lost wakeup under
// bounded_queue's L1_SizeStaysWithinBounds: 60 s instead of 4).
enum class Progress { counts, observes_only };

// Marks the calling thread as inside `what` until destroyed. `what` and `hint` must be literals.
// Inside another WatchScope of the same thread it does nothing: the outer one names the operation.
class WatchScope {
 public:
  WatchScope(const char* what, const char* hint, Progress progress = Progress::counts);
  ~WatchScope();
  WatchScope(const WatchScope&) = delete;
  WatchScope& operator=(const WatchScope&) = delete;

 private:
  int slot_;
  Progress progress_;
};

// Runs op() marked as `what`; returns what op() returns.
template <class F>
decltype(auto) watched(const char* what, const char* hint, F&& op,
                       Progress progress = Progress::counts) {
  WatchScope scope(what, hint, progress);
  return std::forward<F>(op)();
}

// Counts as progress, as a watched operation's return does: for work that runs nested inside a
// long watched call (a task a thread pool runs while its thread waits in a watched wait()), whose
// own watched calls, being nested, record nothing.
void note_progress();

// Names the calling thread in reports, e.g. ("consumer", 2). `role` must be a literal.
void name_this_thread(const char* role, int index);

// Sets the text the watchdog adds to a report, e.g. "3 items in the queue". It must read only the
// test's own bookkeeping (atomics), never the class under test, which may be what hangs.
void describe_state(std::function<std::string()> describe);

// Ends the process with a report naming the running test and `why`, then a gtest-style FAILED line.
// For a test that cannot go on because a thread it started is stuck. `kind` heads the report
// ("WATCHDOG" for a hang the watchdog saw, "ABANDONED" otherwise).
[[noreturn]] void abandon_test(const std::string& why, const char* kind = protocol::kAbandoned);

namespace detail {
void arm_watchdog();
void disarm_watchdog();
// Ends the process as a failure of `test`: "<kind>: <text>" on stderr, then a gtest-style FAILED
// line naming the test and the kind, and exit code `exit_code`. Shared by abandon_test() and the
// level rule (level_rule.h), so that every harness verdict reads the same way.
[[noreturn]] void end_test(const char* kind, const std::string& test, const std::string& text,
                           int exit_code);
}  // namespace detail

}  // namespace harness
