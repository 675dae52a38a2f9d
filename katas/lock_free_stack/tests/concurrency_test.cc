// Stress: threads pushing and popping at once, seeded and perturbed, with exact bookkeeping: every
// pushed item (each one unique: its thread and sequence number) is popped exactly once, by the
// threads or by the drain at the end, and nothing else comes out (a multiset check). Thread counts
// above the core count are there on purpose (oversubscription shakes the schedule on 2 cores: a
// thread preempted between reading the head and its CAS is the case that matters).
#include <gtest/gtest.h>
#include <sched.h>

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

// pinned = 1: every thread of the test on one core. Each preemption then hands the core to
// another thread of the test, which runs for a whole time slice while the preempted one waits
// wherever it was: between its read of the head and its CAS, about one preemption in ten. That is
// how a uniprocessor shows lock-free bugs, and a loaded 2-core machine does not on its own (the
// core goes to another process, and the test's other threads wait too).
struct StressShape {
  int threads;
  int pinned;
};
const auto stress_shape_name = harness::name_params(std::pair{"t", &StressShape::threads},
                                                    std::pair{"pin", &StressShape::pinned});

// Moves the calling thread onto the first core this process may use.
void pin_to_first_core() {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &allowed)) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu, &one);
      ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0) << "pinning a stress thread";
      return;
    }
  }
}

constexpr std::int64_t kSeqStride = 1 << 24;

// Every item pushed and every item popped, each thread writing only its own row. A duplicated or
// invented item is reported as it is popped (a corrupted list often crashes the process soon
// after: freeing a node twice); lost ones by check(), once every thread has finished.
class Tally {
 public:
  Tally(int threads, int most_pushes_per_thread) : pushed_(threads), popped_(threads) {
    for (int t = 0; t < threads; ++t) {
      taken_.emplace_back(static_cast<std::size_t>(most_pushes_per_thread));
    }
  }
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
    const std::int64_t owner = item / kSeqStride;
    const std::int64_t seq = item % kSeqStride;
    if (item < 0 || owner >= static_cast<std::int64_t>(taken_.size()) ||
        seq >= static_cast<std::int64_t>(taken_[static_cast<std::size_t>(owner)].size())) {
      if (reported_.fetch_add(1) < 3)
        ADD_FAILURE() << "popped " << item << ", which no thread pushed";
    } else if (taken_[static_cast<std::size_t>(owner)][static_cast<std::size_t>(seq)].exchange(1) !=
               0) {
      if (reported_.fetch_add(1) < 3) {
        ADD_FAILURE() << "item " << seq << " of thread " << owner << " popped twice";
      }
    }
  }
  std::int64_t in_stack() const { return counts_.pushes.load() - counts_.pops.load(); }
  std::string describe() const {
    return std::to_string(counts_.pushes.load()) + " pushed, " +
           std::to_string(counts_.pops.load()) + " popped";
  }
  // After every thread has finished: each pushed item popped (the drain counts as thread 0).
  // Empty when it holds, else the items lost.
  std::string check() const {
    std::string problems;
    int lost = 0;
    for (std::size_t t = 0; t < pushed_.size(); ++t) {
      for (std::size_t i = 0; i < pushed_[t].size(); ++i) {
        if (taken_[t][i].load() == 0 && ++lost <= 5) {
          problems += "  item " + std::to_string(i) + " of thread " + std::to_string(t) + " lost\n";
        }
      }
    }
    if (lost > 5) problems += "  ... " + std::to_string(lost) + " lost in all\n";
    return problems;
  }

 private:
  std::vector<std::vector<std::int64_t>> pushed_;
  std::vector<std::vector<std::int64_t>> popped_;
  std::vector<std::vector<std::atomic<std::uint8_t>>> taken_;
  std::atomic<int> reported_{0};
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
    Tally tally(threads, ops);
    harness::describe_state([&] { return tally.describe(); });
    harness::Crew crew;
    crew.add("worker", threads, [&](Worker& w) {
      if (GetParam().pinned != 0) pin_to_first_core();
      for (int i = 0; i < ops; ++i) {
        if (w.chance(push_share)) {
          stack.push(tally.push_item(w.index()));
        } else if (with_empty && w.chance(0.1)) {
          (void)stack.empty();
        } else if (std::optional<std::int64_t> item = stack.pop()) {
          tally.popped(w.index(), *item);
        }
        // Mostly back to back, so that two cores really race on the head; now and then a yield or
        // a pause, so that a thread is also preempted between its read of the head and its CAS.
        if (i % 64 == 0) w.perturb();
      }
    });
    crew.run();
    after_run(tally.in_stack());
    // Bounded: a corrupted list can be a cycle.
    for (std::int64_t left = tally.in_stack() + 1; left > 0; --left) {
      std::optional<std::int64_t> item = stack.pop();
      if (!item) break;
      tally.popped(0, *item);
    }
    const std::string problems = tally.check();
    EXPECT_EQ(problems, "") << "with " << threads << " threads (" << tally.describe()
                            << ", drain included):\n"
                            << problems;
    EXPECT_FALSE(stack.pop().has_value()) << "pop() after every pushed item was popped";
  }
  // Called once the threads have finished, before the drain, with the items left in the stack.
  std::function<void(std::int64_t)> after_run = [](std::int64_t) {};
};

// Level 1: half pushes, half pops (and empty()): nothing lost, nothing duplicated.
TEST_P(Concurrency, L1_EveryItemPoppedExactlyOnce) {
  WatchedStack<std::int64_t> stack;
  run_mix(stack, harness::scaled(200000) / GetParam().threads + 1, 0.5, true);
}

// Level 1: the stack mostly empty: every pop races every other on the last few nodes.
TEST_P(Concurrency, L1_PopsRaceOnANearlyEmptyStack) {
  WatchedStack<std::int64_t> stack;
  run_mix(stack, harness::scaled(200000) / GetParam().threads + 1, 0.35, false);
}

// Level 2: pops racing on a few nodes, with freed memory handed back by the system allocator
// (glibc's per-thread cache returns it at once; ASan keeps it poisoned): a node freed while another
// popper may still read its next is a heap-use-after-free under ASan, a data race under TSan.
TEST_P(Concurrency, L2_ConcurrentPopsNeverReadAFreedNode) {
  // Under the sched variant: a popper must stay stopped between reading the head and announcing
  // it while the others pop on through a reclaim, which PCT's lowered priorities make and a random
  // walk does not (hazard_not_validated: 0 of 3 schedules by the walk).
  harness::prefer_schedules("pct", 10);
  Ledger ledger;
  WatchedStack<std::int64_t, CountingAllocator<std::int64_t>> stack{
      CountingAllocator<std::int64_t>(ledger)};
  run_mix(stack, harness::scaled(200000) / GetParam().threads + 1, 0.5, false);
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
  run_mix(stack, harness::scaled(200000) / GetParam().threads + 1, 0.55, true);
  EXPECT_LE(ledger.live.load(), kMaxWaitingNodes) << "nodes not freed with the stack drained";
  stack.destroy();
  EXPECT_EQ(ledger.live.load(), 0)
      << "blocks the destructor did not free, of " << ledger.allocated.load() << " allocated";
}

// Level 3: the ABA problem made likely: the allocator hands a thread's newest freed block back to
// its next allocation at once, and poisons freed blocks (test_allocators.h, RecyclingPool). A pop
// that read head A and A->next B, and waited while A and B were popped and A came back to a push,
// then CASes head from A to B: it makes a freed node the head, and items are lost, invented (the
// poison) or popped twice. The stack must tell the new node at A from the old.
TEST_P(Concurrency, L3_RecyclingAllocatorLosesNothing) {
  // Under the sched variant: the ABA problem needs one popper stopped at its CAS while the others
  // complete whole pops and pushes, the pausing walk's shape (hazard_cleared_before_cas).
  harness::prefer_schedules("pause");
  RecyclingPool pool;
  {
    WatchedStack<std::int64_t, RecyclingAllocator<std::int64_t>> stack{
        RecyclingAllocator<std::int64_t>(pool)};
    run_mix(stack, harness::scaled(400000) / GetParam().threads + 1, 0.4, false);
  }
  RecordProperty("blocks_reused", std::to_string(pool.reused()));
  EXPECT_EQ(pool.ledger.live.load(), 0) << "blocks the destructor did not free";
}

INSTANTIATE_TEST_SUITE_P(Threads, Concurrency,
                         testing::Values(StressShape{2, 1}, StressShape{4, 0}, StressShape{8, 1}),
                         stress_shape_name);

}  // namespace
