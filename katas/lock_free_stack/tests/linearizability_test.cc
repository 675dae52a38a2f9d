// Linearizability (level 1): many short seeded runs (2 to 4 threads, 6 to 16 calls each), every
// call recorded with its start and end, and each whole history checked against a sequential stack
// (stack_model.h): there must be one order of the calls, consistent with what finished before what
// started, in which the model gives every call the result it returned. A failing history is shrunk
// to the calls that show the problem and drawn one line per thread (harness/lin/report.h); an
// "unknown" verdict (the checker's step budget ran out) fails too.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include "harness/config.h"
#include "harness/lin/checker.h"
#include "harness/lin/history.h"
#include "harness/lin/report.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "stack_model.h"
#include "watched_stack.h"

namespace {

struct LinShape {
  int threads;
};
const auto lin_shape_name = harness::name_params(std::pair{"t", &LinShape::threads});

// The stack under test with every call recorded (and watched, through WatchedStack).
class RecordedStack {
 public:
  explicit RecordedStack(int threads) : recorder_(threads) {}
  void push(int t, std::int64_t item) {
    recorder_.record(t, StackOp{StackOp::kPush, item}, [&] {
      stack_.push(item);
      return StackResult{true, 0};
    });
  }
  void pop(int t) {
    recorder_.record(t, StackOp{StackOp::kPop, 0}, [&] {
      const auto item = stack_.pop();
      return StackResult{item.has_value(), item.value_or(0)};
    });
  }
  void empty(int t) {
    recorder_.record(t, StackOp{StackOp::kEmpty, 0}, [&] {
      return StackResult{stack_.empty(), 0};
    });
  }
  harness::lin::History<StackOp, StackResult> history() const { return recorder_.history(); }

 private:
  WatchedStack<std::int64_t> stack_;
  harness::lin::Recorder<StackOp, StackResult> recorder_;
};

class Linearizability : public testing::TestWithParam<LinShape> {};

TEST_P(Linearizability, L1_PushPopEmptyHistories) {
  const LinShape shape = GetParam();
  const int runs = harness::scaled(250);
  std::atomic<int> run{0};
  std::atomic<int> calls{0};
  harness::describe_state([&] {
    return "history " + std::to_string(run.load() + 1) + " of " + std::to_string(runs) + ", " +
           std::to_string(calls.load()) + " calls done in it";
  });
  StackModel model;
  std::uint64_t max_steps = 0;
  for (int k = 0; k < runs; ++k) {
    run.store(k);
    calls.store(0);
    RecordedStack stack(shape.threads);
    std::mt19937_64 rng(harness::seed() * 1000003 + static_cast<std::uint64_t>(k));
    const int ops = static_cast<int>(6 + rng() % 11);
    harness::Crew crew;
    crew.add("worker", shape.threads, [&](harness::Worker& w) {
      for (int i = 0; i < ops; ++i) {
        const std::int64_t r = w.uniform(0, 9);
        if (r < 5) {
          stack.push(w.index(), w.index() * 1000 + i + 1);  // unique: a pop tells which push
        } else if (r < 9) {
          stack.pop(w.index());
        } else {
          stack.empty(w.index());
        }
        calls.fetch_add(1, std::memory_order_relaxed);
        w.perturb();
      }
    });
    crew.run();
    const auto history = stack.history();
    const auto outcome = harness::lin::check(model, history);
    max_steps = std::max(max_steps, outcome.steps);
    if (outcome.verdict != harness::lin::Verdict::kLinearizable) {
      std::ostringstream context;
      context << "history " << k + 1 << " of " << runs << ", seed " << harness::seed();
      FAIL() << harness::lin::explain(model, history, outcome, context.str());
    }
  }
  RecordProperty("max_checker_steps", std::to_string(max_steps));
}

INSTANTIATE_TEST_SUITE_P(Threads, Linearizability,
                         testing::Values(LinShape{2}, LinShape{3}, LinShape{4}), lin_shape_name);

}  // namespace
