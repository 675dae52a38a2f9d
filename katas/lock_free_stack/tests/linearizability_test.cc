// Linearizability (level 1): many short seeded runs (2 to 4 threads, 6 to 16 calls each), every
// call recorded with its start and end, and each whole history checked against a sequential stack
// (lock_free_stack_model.h): there must be one order of the calls, consistent with what finished
// before what started, in which the model gives every call the result it returned. A failing
// history is shrunk to the calls that show the problem and drawn one line per thread
// (harness/lin/report.h); an "unknown" verdict (the checker's step budget ran out) fails too.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "harness/lin/history.h"
#include "harness/lin/runner.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "lock_free_stack_model.h"
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
  StackModel model;
  const auto make = [&](const harness::lin::SeededRun& run) {
    RecordedStack stack(shape.threads);
    run.run_workers(shape.threads, [&](harness::Worker& w, int i) {
      const std::int64_t r = w.uniform(0, 9);
      if (r < 5) {
        stack.push(w.index(), w.index() * 1000 + i + 1);  // unique: a pop tells which push
      } else if (r < 9) {
        stack.pop(w.index());
      } else {
        stack.empty(w.index());
      }
    });
    return stack.history();
  };
  harness::lin::check_seeded_histories(model, {.runs = 250, .min_calls = 6, .max_calls = 16}, "",
                                       make);
}

INSTANTIATE_TEST_SUITE_P(Threads, Linearizability,
                         testing::Values(LinShape{2}, LinShape{3}, LinShape{4}), lin_shape_name);

}  // namespace
