// Linearizability: many short seeded runs (3 to 5 threads, 10 to 30 calls each), every call
// recorded with its start and end, and each history checked against a sequential bounded queue:
// there must be one order of all the calls, consistent with what finished before what started,
// in which a plain one-thread queue gives every call the result it really returned.
//
// This catches what exact bookkeeping cannot: a queue that loses nothing and keeps each producer's
// items in order, but hands out items in an order no single queue could have (items from two
// producers swapped), or a call that fails although it could have succeeded at every instant it
// was running. A failing history is shrunk to the few calls that show the problem and drawn one
// line per thread (harness/lin/report.h). An "unknown" verdict (the checker's step budget ran
// out) fails the test too: it would otherwise be a silent pass (docs/linearizability.md).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "harness/lin/queue_model.h"
#include "harness/lin/runner.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "recorded_queue.h"

namespace {

using harness::Worker;
using Item = RecordedQueue::Item;
using namespace std::chrono_literals;

struct HistoryShape {
  int threads;
  std::size_t capacity;
};

const auto history_shape_name = harness::name_params(std::pair{"t", &HistoryShape::threads},
                                                     std::pair{"cap", &HistoryShape::capacity});

// Unique items: thread * 1000 + sequence (+1, so that no item is 0).
Item unique_item(int thread, int seq) { return thread * 1000 + seq + 1; }

// Timed calls: half with a zero timeout (a poll must still take an item that is there, or a slot
// that is free), half with a short one.
std::chrono::microseconds timeout(Worker& w) {
  return std::chrono::microseconds(w.chance(0.5) ? 0 : 50);
}

class Linearizability : public testing::TestWithParam<HistoryShape> {
 protected:
  // Runs the seeded series of short histories (harness/lin/runner.h), each made by `body` on a
  // fresh queue.
  template <class Body>
  void check_histories(int extra_threads, Body body) {
    const HistoryShape shape = GetParam();
    harness::lin::QueueModel model(shape.capacity);
    const auto make = [&](const harness::lin::SeededRun& run) {
      RecordedQueue queue(shape.capacity, shape.threads + extra_threads);
      run_ = &run;
      body(queue, run.calls());
      return queue.history();
    };
    harness::lin::check_seeded_histories(model, {.runs = 250, .min_calls = 10, .max_calls = 30},
                                         "capacity " + std::to_string(shape.capacity), make);
  }

  void done_one() { run_->call_done(); }

  const harness::lin::SeededRun* run_ = nullptr;
};

// Level 1: producers push, consumers pop exactly as many; anyone may ask size().
TEST_P(Linearizability, L1_PushPopAndSizeHistories) {
  const HistoryShape shape = GetParam();
  const int producers = (shape.threads + 1) / 2, consumers = shape.threads - producers;
  check_histories(0, [&](RecordedQueue& queue, int ops) {
    harness::Crew crew = run_->crew();
    crew.add("producer", producers, [&](Worker& w) {
      for (int s = 0; s < ops; ++s) {
        if (w.chance(0.2)) queue.size(w.index());
        ASSERT_TRUE(queue.push(w.index(), unique_item(w.index(), s)));
        done_one();
        w.perturb();
      }
    });
    crew.add("consumer", consumers, [&](Worker& w) {
      const int total = producers * ops;
      const int quota = total / consumers + (w.index() < total % consumers ? 1 : 0);
      for (int k = 0; k < quota; ++k) {
        if (w.chance(0.2)) queue.size(producers + w.index());
        ASSERT_TRUE(queue.pop(producers + w.index()).has_value())
            << "pop() returned nullopt on an open queue";
        done_one();
        w.perturb();
      }
    });
    crew.run();
  });
}

// Level 2: every flavour of push and pop. A failed try_ or timed call is recorded as a failure
// (the checker decides whether failing was possible); the same item is then pushed by a blocking
// push (and a failed pop is followed by a blocking pop), so every history stays short.
TEST_P(Linearizability, L2_TryAndTimedCallHistories) {
  const HistoryShape shape = GetParam();
  const int producers = (shape.threads + 1) / 2, consumers = shape.threads - producers;
  check_histories(0, [&](RecordedQueue& queue, int ops) {
    harness::Crew crew = run_->crew();
    crew.add("producer", producers, [&](Worker& w) {
      const int t = w.index();
      for (int s = 0; s < ops; ++s) {
        const Item item = unique_item(t, s);
        bool pushed = false;
        switch (w.uniform(0, 2)) {
          case 0:
            pushed = queue.try_push(t, item);
            break;
          case 1:
            pushed = queue.try_push_for(t, item, timeout(w));
            break;
          default:
            break;
        }
        if (!pushed) {
          ASSERT_TRUE(queue.push(t, item));
        }
        if (w.chance(0.1)) queue.size(t);
        done_one();
        w.perturb();
      }
    });
    crew.add("consumer", consumers, [&](Worker& w) {
      const int t = producers + w.index();
      const int total = producers * ops;
      const int quota = total / consumers + (w.index() < total % consumers ? 1 : 0);
      for (int k = 0; k < quota; ++k) {
        std::optional<Item> item;
        switch (w.uniform(0, 2)) {
          case 0:
            item = queue.try_pop(t);
            break;
          case 1:
            item = queue.try_pop_for(t, timeout(w));
            break;
          default:
            break;
        }
        if (!item) {
          ASSERT_TRUE(queue.pop(t).has_value()) << "pop() returned nullopt on an open queue";
        }
        if (w.chance(0.1)) queue.size(t);
        done_one();
        w.perturb();
      }
    });
    crew.run();
  });
}

// Level 3: every thread calls anything, and a closer thread closes the queue part-way: after a
// random number of calls, or as soon as every other thread is done or inside a blocking call (so
// no run can deadlock). Pushes after close fail; pops drain what is left, then return nullopt.
TEST_P(Linearizability, L3_HistoriesWithClose) {
  const HistoryShape shape = GetParam();
  check_histories(1, [&](RecordedQueue& queue, int ops) {
    std::atomic<int> finished{0}, blocking{0}, calls{0};
    harness::Crew crew = run_->crew();
    crew.add("worker", shape.threads, [&](Worker& w) {
      // Counted as finished however it ends (a call that throws, too), so the closer never waits
      // for a thread that is gone.
      struct Finished {
        std::atomic<int>& count;
        ~Finished() { count.fetch_add(1); }
      } finished_guard{finished};
      const int t = w.index();
      for (int s = 0; s < ops; ++s) {
        const Item item = unique_item(t, s);
        switch (w.uniform(0, 9)) {
          case 0:
          case 1:
            blocking.fetch_add(1);
            queue.push(t, item);
            blocking.fetch_sub(1);
            break;
          case 2:
            queue.try_push(t, item);
            break;
          case 3:
            queue.try_push_for(t, item, timeout(w));
            break;
          case 4:
          case 5:
            blocking.fetch_add(1);
            queue.pop(t);
            blocking.fetch_sub(1);
            break;
          case 6:
            queue.try_pop(t);
            break;
          case 7:
            queue.try_pop_for(t, timeout(w));
            break;
          case 8:
            queue.size(t);
            break;
          default:
            queue.is_closed(t);
            break;
        }
        calls.fetch_add(1);
        done_one();
        w.perturb();
      }
    });
    crew.add("closer", 1, [&](Worker& w) {
      const int t = shape.threads;
      const int close_after = static_cast<int>(w.uniform(0, shape.threads * ops));
      while (calls.load() < close_after && finished.load() + blocking.load() < shape.threads) {
        std::this_thread::yield();
      }
      queue.close(t);
      if (w.chance(0.5)) queue.is_closed(t);
    });
    crew.run();
  });
}

INSTANTIATE_TEST_SUITE_P(Threads, Linearizability,
                         testing::Values(HistoryShape{3, 1}, HistoryShape{4, 2},
                                         HistoryShape{4, 4}),
                         history_shape_name);

}  // namespace
