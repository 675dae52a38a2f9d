// The seeded series of histories every Linearizability test runs: many short histories, each made
// by the test on a fresh object, each checked against the kata's sequential model, stopping at the
// first that fails, with its report.
//
//   harness::lin::check_seeded_histories(model, {.runs = 250, .min_calls = 10, .max_calls = 30},
//                                        "capacity 3", [&](const harness::lin::SeededRun& run) {
//     RecordedQueue queue(capacity, threads);
//     ... threads make run.calls() calls each, calling run.call_done() after each ...
//     return queue.history();
//   });
//
// What it guarantees, so that no test has to get it right again:
//  - Replay: history k's length comes from KATA_SEED and k alone, and the workers' choices from
//    harness::Worker (seeded the same way), so KATA_SEED=<n> replays the whole series.
//  - Every history makes its own calls: run.crew() salts its workers' seeds with k (a crew seeded
//    from the test's seed, role and index alone would make the same calls in every history, only
//    more or fewer of them, so a seed whose calls never meet the bug never would, in any history).
//  - No silent pass: any verdict but kLinearizable fails the test, "unknown" (the checker's budget
//    ran out) included, and the failure names the history, the shape (`what`) and the seed.
//  - A hang names where it is: the watchdog's report says which history and how many of its calls
//    were done.
//  - The XML report (--gtest_output=xml) records how close the checker came to its budget
//    (max_checker_steps) and the longest history (max_calls_per_history).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

#include "harness/config.h"
#include "harness/lin/checker.h"
#include "harness/lin/report.h"
#include "harness/stress.h"
#include "harness/watchdog.h"

namespace harness::lin {

// How many histories, and how many calls each thread makes in one (drawn in [min, max]).
struct Series {
  int runs = 250;  // before harness::scaled (KATA_STRESS and the variant)
  int min_calls = 10;
  int max_calls = 30;
  // Under the sched variant harness::scaled leaves a series one or two histories per schedule. A
  // race only the checker sees may need the scheduler to stop a thread in a window of a few steps,
  // in one of several histories: runs is doubled (at most 16 times, so that KATA_STRESS=0 still
  // means one) until at least this many run per schedule. 0: as scaled.
  int sched_runs = 0;
};

// How many histories the series runs in this variant.
inline int runs_in_this_variant(const Series& series) {
  int runs = series.runs;
  if (std::string_view(harness::variant()) == "sched") {
    for (int i = 0; i < 16 && harness::scaled(runs) < series.sched_runs; ++i) runs *= 2;
  }
  return harness::scaled(runs);
}

// One history of the series, as the test's `make` sees it.
class SeededRun {
 public:
  SeededRun(int index, int calls, std::atomic<int>& done)
      : index_(index), calls_(calls), done_(done) {}
  int index() const { return index_; }
  // How many calls each thread makes in this history.
  int calls() const { return calls_; }
  // The crew a history's threads run in: its workers' seeds are salted with the history's index.
  harness::Crew crew() const { return harness::Crew(static_cast<std::uint64_t>(index_) + 1); }
  // Counts a finished call, for the watchdog's report.
  void call_done() const { done_.fetch_add(1, std::memory_order_relaxed); }
  // The common shape of a history: `threads` workers, each making calls() calls of
  // `call(worker, i)`, every call counted and followed by a schedule perturbation.
  template <class Call>
  void run_workers(int threads, Call call) const {
    harness::Crew crew = this->crew();
    crew.add("worker", threads, [&](harness::Worker& w) {
      for (int i = 0; i < calls_; ++i) {
        call(w, i);
        call_done();
        w.perturb();
      }
    });
    crew.run();
  }

 private:
  int index_;
  int calls_;
  std::atomic<int>& done_;
};

// Runs the series: `make(const SeededRun&)` builds one history on a fresh object and returns it
// (a History<M::Op, M::Result>); each is checked against `model`. `what` describes the shape in a
// failure ("capacity 3", "burst 2, rate 1000"), or is empty. A failure is reported at the line
// that called this (`file`, `line`), in the test's file, not here: the builtins, evaluated where
// the call is, as std::source_location::current() would be, which clang 14 with libstdc++ 12 (the
// clang preset on Debian 12) does not compile.
template <Model M, class Make>
void check_seeded_histories(const M& model, const Series& series, const std::string& what,
                            Make make, const char* file = __builtin_FILE(),
                            int line = __builtin_LINE()) {
  const int runs = runs_in_this_variant(series);
  std::atomic<int> run{0}, done{0};
  harness::describe_state([&] {
    return "history " + std::to_string(run.load() + 1) + " of " + std::to_string(runs) + ", " +
           std::to_string(done.load()) + " calls done in it";
  });
  std::uint64_t max_steps = 0;
  std::size_t max_calls = 0;
  const auto spread = static_cast<std::uint64_t>(series.max_calls - series.min_calls + 1);
  for (int k = 0; k < runs; ++k) {
    run.store(k);
    done.store(0);
    std::mt19937_64 rng(harness::seed() * 1000003 + static_cast<std::uint64_t>(k));
    const int calls = series.min_calls + static_cast<int>(rng() % spread);
    const auto history = make(SeededRun(k, calls, done));
    const auto outcome = check(model, history);
    max_steps = std::max(max_steps, outcome.steps);
    max_calls = std::max(max_calls, history.size());
    if (outcome.verdict != Verdict::kLinearizable) {
      std::ostringstream context;
      context << "history " << k + 1 << " of " << runs << (what.empty() ? "" : ", ") << what
              << ", seed " << harness::seed();
      harness::describe_state(nullptr);  // it reads this frame's counters
      ADD_FAILURE_AT(file, line) << explain(model, history, outcome, context.str());
      return;
    }
  }
  harness::describe_state(nullptr);
  testing::Test::RecordProperty("max_checker_steps", std::to_string(max_steps));
  testing::Test::RecordProperty("max_calls_per_history", std::to_string(max_calls));
}

}  // namespace harness::lin
