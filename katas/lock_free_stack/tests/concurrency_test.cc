// Stress: threads pushing and popping at once, seeded and perturbed, with exact bookkeeping: every
// pushed item (each one unique: its thread and sequence number) is popped exactly once, by the
// threads or by the drain at the end, and nothing else comes out (a multiset check). Thread counts
// above the core count are there on purpose (oversubscription shakes the schedule on 2 cores: a
// thread preempted between reading the head and its CAS is the case that matters).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/config.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "test_allocators.h"
#include "watched_stack.h"

namespace {

using harness::Worker;

struct StressShape {
  int threads;
};
const auto stress_shape_name = harness::name_params(std::pair{"t", &StressShape::threads});

constexpr std::int64_t kSeqStride = 1 << 24;

// Every item pushed and every item popped, each thread writing only its own row.
class Tally {
 public:
  explicit Tally(int threads) : pushed_(threads), popped_(threads) {}
  std::int64_t push_item(int thread) {
    auto& row = pushed_[static_cast<std::size_t>(thread)];
    const std::int64_t item = thread * kSeqStride + static_cast<std::int64_t>(row.size());
    row.push_back(item);
    counts_.pushes.fetch_add(1, std::memory_order_relaxed);
    return item;
  }
  void popped(int thread, std::int64_t item) {
    popped_[static_cast<std::size_t>(thread)].push_back(item);
    counts_.pops.fetch_add(1, std::memory_order_relaxed);
  }
  std::int64_t in_stack() const { return counts_.pushes.load() - counts_.pops.load(); }
  std::string describe() const {
    return std::to_string(counts_.pushes.load()) + " pushed, " +
           std::to_string(counts_.pops.load()) + " popped";
  }
  // After every thread has finished: each pushed item popped exactly once (the drain counts as
  // thread 0), nothing popped that was never pushed. Empty when it holds, else what went wrong.
  std::string check() const {
    std::vector<std::vector<int>> seen(pushed_.size());
    for (std::size_t t = 0; t < pushed_.size(); ++t) seen[t].assign(pushed_[t].size(), 0);
    std::string problems;
    int reported = 0;
    auto note = [&](const std::string& text) {
      if (++reported <= 5) problems += "  " + text + "\n";
    };
    for (const auto& row : popped_) {
      for (std::int64_t item : row) {
        const std::int64_t thread = item / kSeqStride;
        const std::int64_t seq = item % kSeqStride;
        if (item < 0 || thread >= static_cast<std::int64_t>(seen.size()) ||
            seq >= static_cast<std::int64_t>(seen[static_cast<std::size_t>(thread)].size())) {
          note("popped " + std::to_string(item) + ", which no thread pushed");
          continue;
        }
        if (++seen[static_cast<std::size_t>(thread)][static_cast<std::size_t>(seq)] == 2) {
          note("item " + std::to_string(seq) + " of thread " + std::to_string(thread) +
               " popped twice");
        }
      }
    }
    for (std::size_t t = 0; t < seen.size(); ++t) {
      for (std::size_t i = 0; i < seen[t].size(); ++i) {
        if (seen[t][i] == 0) {
          note("item " + std::to_string(i) + " of thread " + std::to_string(t) + " lost");
        }
      }
    }
    if (reported > 5) problems += "  ... and " + std::to_string(reported - 5) + " more\n";
    return problems;
  }

 private:
  std::vector<std::vector<std::int64_t>> pushed_;
  std::vector<std::vector<std::int64_t>> popped_;
  struct alignas(64) Counts {
    std::atomic<std::int64_t> pushes{0};
    std::atomic<std::int64_t> pops{0};
  } counts_;
};

class Concurrency : public testing::TestWithParam<StressShape> {
 protected:
  // Each thread makes `ops` calls: push with probability `push_share`, else pop (and now and then
  // empty(), whose answer is only checked not to crash: its instant is not observable here). Then
  // the stack is drained on this thread and the tally checked.
  template <class Stack>
  void run_mix(Stack& stack, int ops, double push_share, bool with_empty) {
    const int threads = GetParam().threads;
    Tally tally(threads);
    harness::describe_state([&] { return tally.describe(); });
    harness::Crew crew;
    crew.add("worker", threads, [&](Worker& w) {
      for (int i = 0; i < ops; ++i) {
        if (w.chance(push_share)) {
          stack.push(tally.push_item(w.index()));
        } else if (with_empty && w.chance(0.1)) {
          (void)stack.empty();
        } else if (std::optional<std::int64_t> item = stack.pop()) {
          tally.popped(w.index(), *item);
        }
        w.perturb();
      }
    });
    crew.run();
    after_run(tally.in_stack());
    while (std::optional<std::int64_t> item = stack.pop()) tally.popped(0, *item);
    const std::string problems = tally.check();
    EXPECT_EQ(problems, "") << "with " << threads << " threads (" << tally.describe()
                            << ", drain included):\n"
                            << problems;
  }
  // Called once the threads have finished, before the drain, with the items left in the stack.
  std::function<void(std::int64_t)> after_run = [](std::int64_t) {};
};

// Level 1: half pushes, half pops (and empty()): nothing lost, nothing duplicated.
TEST_P(Concurrency, L1_EveryItemPoppedExactlyOnce) {
  WatchedStack<std::int64_t> stack;
  run_mix(stack, harness::scaled(16000) / GetParam().threads + 1, 0.5, true);
}

// Level 1: the stack mostly empty: every pop races every other on the last few nodes.
TEST_P(Concurrency, L1_PopsRaceOnANearlyEmptyStack) {
  WatchedStack<std::int64_t> stack;
  run_mix(stack, harness::scaled(16000) / GetParam().threads + 1, 0.35, false);
}

// Level 2: pops racing on a few nodes, with freed memory handed back by the system allocator
// (glibc's per-thread cache returns it at once; ASan keeps it poisoned): a node freed while another
// popper may still read its next is a heap-use-after-free under ASan, a data race under TSan.
TEST_P(Concurrency, L2_ConcurrentPopsNeverReadAFreedNode) {
  Ledger ledger;
  WatchedStack<std::int64_t, CountingAllocator<std::int64_t>> stack{
      CountingAllocator<std::int64_t>(ledger)};
  run_mix(stack, harness::scaled(16000) / GetParam().threads + 1, 0.5, false);
}

// Level 2: memory comes back: with no call running, at most kMaxWaitingNodes nodes beyond the
// items in the stack; after the drain, at most that many; after the destructor, none.
TEST_P(Concurrency, L2_MemoryIsReturnedWithinTheBound) {
  Ledger ledger;
  WatchedStack<std::int64_t, CountingAllocator<std::int64_t>> stack{
      CountingAllocator<std::int64_t>(ledger)};
  after_run = [&](std::int64_t in_stack) {
    EXPECT_LE(ledger.live.load(), in_stack + kMaxWaitingNodes)
        << "nodes allocated and not freed, with " << in_stack
        << " items in the stack and no call running: popped nodes must be freed";
  };
  run_mix(stack, harness::scaled(16000) / GetParam().threads + 1, 0.55, true);
  EXPECT_LE(ledger.live.load(), kMaxWaitingNodes) << "nodes not freed with the stack drained";
  stack.destroy();
  EXPECT_EQ(ledger.live.load(), 0)
      << "blocks the destructor did not free, of " << ledger.allocated.load() << " allocated";
}

// Level 3: the ABA problem made likely: the allocator hands the newest freed block back to the next
// allocation at once. A pop that read head A and A->next, was preempted while A was popped, freed,
// reallocated and pushed again, then CASes head from A to its stale next, loses items (or
// resurrects popped ones). The stack must tell the new node at A from the old.
TEST_P(Concurrency, L3_RecyclingAllocatorLosesNothing) {
  RecyclingPool pool;
  {
    WatchedStack<std::int64_t, RecyclingAllocator<std::int64_t>> stack{
        RecyclingAllocator<std::int64_t>(pool)};
    run_mix(stack, harness::scaled(30000) / GetParam().threads + 1, 0.5, false);
  }
  RecordProperty("blocks_reused", std::to_string(pool.reused()));
  EXPECT_EQ(pool.ledger.live.load(), 0) << "blocks the destructor did not free";
}

INSTANTIATE_TEST_SUITE_P(Threads, Concurrency,
                         testing::Values(StressShape{2}, StressShape{4}, StressShape{8}),
                         stress_shape_name);

}  // namespace
