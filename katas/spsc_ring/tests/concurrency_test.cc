// Concurrency: one producer and one consumer at once, seeded and perturbed, with an exact check:
// the consumer must get item 0, 1, 2, ... in order, none lost, none twice, each payload whole (the
// eight plain words the producer wrote). Publication bugs show two ways: under ThreadSanitizer as
// a data race on the slot's words (a relaxed index store or load leaves the slot write and read
// unordered, whatever the timing), and in the plain variant as a torn, stale or repeated payload
// when the timing happens to expose it. Small rings make the producer refill slots the consumer
// has just read, over and over: the reuse direction of the argument.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "harness/config.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "test_items.h"
#include "watched_ring.h"

namespace {

using harness::Worker;

struct RingShape {
  int capacity;
};
const auto ring_shape_name = harness::name_params(std::pair{"cap", &RingShape::capacity});

// What the two threads have done, for the watchdog's report.
struct Progress {
  std::atomic<std::int64_t> pushed{0};
  std::atomic<std::int64_t> popped{0};
  std::string describe() const {
    return std::to_string(pushed.load()) + " items pushed, " + std::to_string(popped.load()) +
           " popped";
  }
};

// Checks the item the consumer got as its `expected`-th; false (and a failure) if it is wrong.
bool check_arrival(const Payload& got, std::uint64_t expected) {
  if (got.seq != expected) {
    ADD_FAILURE() << "item " << expected << " expected, got item " << got.seq
                  << (got.seq < expected ? " (again, or a stale slot)" : " (some were skipped)");
    return false;
  }
  if (int word = got.torn_word(); word >= 0) {
    ADD_FAILURE() << "item " << expected << " arrived torn: word " << word
                  << " is not what the producer wrote (read before the write was visible, or "
                     "overwritten before it was read)";
    return false;
  }
  return true;
}

class Concurrency : public testing::TestWithParam<RingShape> {};

TEST_P(Concurrency, L2_EveryItemArrivesOnceInOrderIntact) {
  const std::size_t capacity = static_cast<std::size_t>(GetParam().capacity);
  // While the ring is full or empty the two threads hand over with a context switch, which takes
  // milliseconds on a loaded machine, and a ring of `capacity` forces one every `capacity` items
  // or so: 500 laps of the ring, at most 20,000 items.
  const std::int64_t items = harness::scaled(std::min(20'000, 500 * GetParam().capacity));
  WatchedRing<Payload> ring(capacity);
  Progress progress;
  std::atomic<bool> consumer_failed{false};  // then the producer stops too
  harness::describe_state([&] { return progress.describe(); });
  harness::Crew crew;
  crew.add("producer", 1, [&](Worker& w) {
    for (std::int64_t i = 0; i < items && !consumer_failed.load(); ++i) {
      const Payload item = Payload::make(static_cast<std::uint64_t>(i));
      // Both overloads: a copy on odd items, a move on even ones.
      while (!(i % 2 == 1 ? ring.try_push(item) : ring.try_push(Payload(item)))) {
        std::this_thread::yield();
      }
      progress.pushed.store(i + 1, std::memory_order_relaxed);
      if (i % 64 == 0) {
        const std::size_t size = ring.size_approx();
        ASSERT_LE(size, capacity) << "size_approx() from the producer";
      }
      if (i % 16 == 0) w.perturb();  // a perturbation per item sleeps too often to go fast
    }
  });
  crew.add("consumer", 1, [&](Worker& w) {
    for (std::int64_t i = 0; i < items; ++i) {
      std::optional<Payload> got;
      while (!(got = ring.try_pop())) std::this_thread::yield();
      if (!check_arrival(*got, static_cast<std::uint64_t>(i))) {
        consumer_failed.store(true);
        return;
      }
      progress.popped.store(i + 1, std::memory_order_relaxed);
      if (i % 16 == 0) w.perturb();  // a perturbation per item sleeps too often to go fast
    }
    EXPECT_EQ(ring.try_pop(), std::nullopt) << "an item beyond the " << items << " pushed";
  });
  crew.run();
}

// The blocking calls under the same check: every push() and pop() that had to sleep must be
// woken (a lost wakeup hangs, and the watchdog names the call).
TEST_P(Concurrency, L3_BlockingPushAndPopDeliverEveryItemInOrder) {
  const std::size_t capacity = static_cast<std::size_t>(GetParam().capacity);
  // Each lap of a small ring is a sleep and a wakeup on both sides (up to 20 ms a lap measured at
  // load 24 on 2 cores): 200 laps, at most 5,000 items. The lost wakeups are the Liveness tests'
  // to prove; this one checks the blocking calls keep the items in order.
  const std::int64_t items = harness::scaled(std::min(5'000, 200 * GetParam().capacity));
  WatchedRing<Payload> ring(capacity);
  Progress progress;
  harness::describe_state([&] { return progress.describe(); });
  harness::Crew crew;
  crew.add("producer", 1, [&](Worker& w) {
    for (std::int64_t i = 0; i < items; ++i) {
      ring.push(Payload::make(static_cast<std::uint64_t>(i)));
      progress.pushed.store(i + 1, std::memory_order_relaxed);
      if (i % 16 == 0) w.perturb();  // a perturbation per item sleeps too often to go fast
    }
  });
  crew.add("consumer", 1, [&](Worker& w) {
    bool intact = true;  // after a failure, drain without checking: the producer must finish
    for (std::int64_t i = 0; i < items; ++i) {
      const Payload got = ring.pop();
      if (intact) intact = check_arrival(got, static_cast<std::uint64_t>(i));
      progress.popped.store(i + 1, std::memory_order_relaxed);
      if (i % 16 == 0) w.perturb();  // a perturbation per item sleeps too often to go fast
    }
  });
  crew.run();
}

INSTANTIATE_TEST_SUITE_P(Rings, Concurrency,
                         testing::Values(RingShape{1}, RingShape{2}, RingShape{3}, RingShape{16},
                                         RingShape{1024}),
                         ring_shape_name);

}  // namespace
