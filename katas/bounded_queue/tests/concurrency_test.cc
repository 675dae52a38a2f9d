// Stress: many producers and consumers, seeded and perturbed, with exact bookkeeping. Every item
// pushed is popped exactly once, each consumer sees each producer's items in the order they were
// pushed, and nothing else comes out. Thread counts and capacity are the test's parameter; counts
// above the core count are there on purpose (oversubscription shakes the schedule on 2 cores).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/config.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "watched_queue.h"

namespace {

using harness::watched;
using harness::Worker;
using namespace std::chrono_literals;

struct Shape {
  int producers;
  int consumers;
  std::size_t capacity;
};

const auto shape_name =
    harness::name_params(std::pair{"p", &Shape::producers}, std::pair{"c", &Shape::consumers},
                         std::pair{"cap", &Shape::capacity});

// Items carry their producer and sequence number, so loss, duplication and reordering all show.
using Item = std::int64_t;
constexpr Item kStride = 1 << 24;
Item make_item(int producer, int seq) { return producer * kStride + seq; }
int producer_of(Item item) { return static_cast<int>(item / kStride); }
int seq_of(Item item) { return static_cast<int>(item % kStride); }

using Queue = WatchedQueue<Item>;

class Concurrency : public testing::TestWithParam<Shape> {
 protected:
  int items_per_producer() const { return harness::scaled(20000) / GetParam().producers + 1; }

  // Records what a consumer took; checks per-producer order as it goes.
  struct Taken {
    std::vector<Item> items;
    std::vector<int> last_seq;
  };

  void start_bookkeeping() {
    harness::describe_state([this] {
      return std::to_string(pushed_.load() - popped_.load()) + " items in the queue (" +
             std::to_string(pushed_.load()) + " pushed, " + std::to_string(popped_.load()) +
             " popped)";
    });
  }

  void take(Taken& taken, Item item) {
    popped_.fetch_add(1, std::memory_order_relaxed);
    int producer = producer_of(item);
    ASSERT_TRUE(producer >= 0 && producer < GetParam().producers)
        << "popped a value never pushed: " << item;
    taken.last_seq.resize(GetParam().producers, -1);
    ASSERT_GT(seq_of(item), taken.last_seq[producer])
        << "producer " << producer << "'s items came out of order: item " << seq_of(item)
        << " after item " << taken.last_seq[producer];
    taken.last_seq[producer] = seq_of(item);
    taken.items.push_back(item);
  }

  // Every item in `expected_counts[producer]` first items of each producer taken exactly once.
  static void expect_exactly_once(const std::vector<Taken>& all,
                                  const std::vector<int>& per_producer) {
    std::vector<std::vector<int>> seen(per_producer.size());
    for (std::size_t p = 0; p < per_producer.size(); ++p) seen[p].assign(per_producer[p], 0);
    for (const auto& taken : all) {
      for (Item item : taken.items) {
        int p = producer_of(item), s = seq_of(item);
        ASSERT_LT(s, per_producer[p]) << "popped item " << s << " of producer " << p
                                      << ", which it never successfully pushed";
        ++seen[p][s];
      }
    }
    for (std::size_t p = 0; p < per_producer.size(); ++p) {
      for (int s = 0; s < per_producer[p]; ++s) {
        ASSERT_EQ(seen[p][s], 1) << "item " << s << " of producer " << p << " was popped "
                                 << seen[p][s] << " times (want exactly once)";
      }
    }
  }

  std::atomic<std::int64_t> pushed_{0};
  std::atomic<std::int64_t> popped_{0};
};

// Level 1: push and pop only. Consumers take fixed quotas that add up to everything pushed.
TEST_P(Concurrency, L1_EveryItemPoppedExactlyOnce) {
  const Shape shape = GetParam();
  const int per_producer = items_per_producer();
  const std::int64_t total = std::int64_t{per_producer} * shape.producers;
  Queue queue(shape.capacity);
  std::vector<Taken> taken(shape.consumers);
  start_bookkeeping();

  harness::Crew crew;
  crew.add("producer", shape.producers, [&](Worker& w) {
    for (int s = 0; s < per_producer; ++s) {
      ASSERT_TRUE(watched("push()", "a consumer popped: was this producer notified?",
                          [&] { return queue.push(make_item(w.index(), s)); }));
      pushed_.fetch_add(1, std::memory_order_relaxed);
      w.perturb();
    }
  });
  crew.add("consumer", shape.consumers, [&](Worker& w) {
    std::int64_t quota = total / shape.consumers + (w.index() < total % shape.consumers ? 1 : 0);
    for (std::int64_t k = 0; k < quota; ++k) {
      auto item = watched("pop()", "items were pushed: lost wakeup?", [&] { return queue.pop(); });
      ASSERT_TRUE(item.has_value()) << "pop() returned nullopt although the queue was never closed";
      take(taken[w.index()], *item);
      w.perturb();
    }
  });
  crew.run();
  expect_exactly_once(taken, std::vector<int>(shape.producers, per_producer));
  EXPECT_EQ(queue.size(), 0u);
}

// Level 1: size() is read while the queue is busy; it must always be a possible size.
TEST_P(Concurrency, L1_SizeStaysWithinBounds) {
  const Shape shape = GetParam();
  const int per_producer = items_per_producer() / 4 + 1;
  const std::int64_t total = std::int64_t{per_producer} * shape.producers;
  Queue queue(shape.capacity);
  std::atomic<int> consumers_left{shape.consumers};
  start_bookkeeping();

  harness::Crew crew;
  crew.add("producer", shape.producers, [&](Worker& w) {
    for (int s = 0; s < per_producer; ++s) {
      ASSERT_TRUE(watched("push()", "", [&] { return queue.push(make_item(w.index(), s)); }));
      w.perturb();
    }
  });
  crew.add("consumer", shape.consumers, [&](Worker& w) {
    std::int64_t quota = total / shape.consumers + (w.index() < total % shape.consumers ? 1 : 0);
    for (std::int64_t k = 0; k < quota; ++k) {
      ASSERT_TRUE(watched("pop()", "lost wakeup?", [&] { return queue.pop(); }).has_value());
      w.perturb();
    }
    consumers_left.fetch_sub(1);
  });
  // At least one read, whatever the schedule: an observer that starts after the last consumer has
  // finished (a schedule the sched variant's PCT does produce) still checks one size.
  crew.add("observer", 1, [&](Worker& w) {
    do {
      std::size_t size = queue.size();
      ASSERT_LE(size, shape.capacity) << "size() exceeded the capacity";
      w.perturb();
    } while (consumers_left.load() > 0);
  });
  crew.run();
  EXPECT_EQ(queue.size(), 0u);
}

// Level 2: every flavour of push and pop, mixed at random; the try_ ones retry until they succeed.
TEST_P(Concurrency, L2_MixedOperationsLoseNothing) {
  const Shape shape = GetParam();
  const int per_producer = items_per_producer() / 2 + 1;
  const std::int64_t total = std::int64_t{per_producer} * shape.producers;
  Queue queue(shape.capacity);
  std::vector<Taken> taken(shape.consumers);
  start_bookkeeping();

  harness::Crew crew;
  crew.add("producer", shape.producers, [&](Worker& w) {
    for (int s = 0; s < per_producer; ++s) {
      Item item = make_item(w.index(), s);
      bool pushed = false;
      while (!pushed) {
        switch (w.uniform(0, 2)) {
          case 0:
            pushed = watched("push()", "", [&] { return queue.push(Item{item}); });
            ASSERT_TRUE(pushed);
            break;
          case 1:
            pushed = queue.try_push(item);
            break;
          default:
            pushed = watched("try_push_for(<=200 us)", "a timed push must give up", [&] {
              return queue.try_push_for(Item{item}, std::chrono::microseconds(w.uniform(0, 200)));
            });
        }
        w.perturb();
      }
      pushed_.fetch_add(1, std::memory_order_relaxed);
    }
  });
  crew.add("consumer", shape.consumers, [&](Worker& w) {
    std::int64_t quota = total / shape.consumers + (w.index() < total % shape.consumers ? 1 : 0);
    for (std::int64_t k = 0; k < quota;) {
      std::optional<Item> item;
      switch (w.uniform(0, 2)) {
        case 0:
          item = watched("pop()", "lost wakeup?", [&] { return queue.pop(); });
          ASSERT_TRUE(item.has_value()) << "pop() returned nullopt on an open queue";
          break;
        case 1:
          item = queue.try_pop();
          break;
        default:
          item = watched("try_pop_for(<=200 us)", "a timed pop must give up", [&] {
            return queue.try_pop_for(std::chrono::microseconds(w.uniform(0, 200)));
          });
      }
      if (item) {
        take(taken[w.index()], *item);
        ++k;
      }
      w.perturb();
    }
  });
  crew.run();
  expect_exactly_once(taken, std::vector<int>(shape.producers, per_producer));
}

// Level 3: close() lands in the middle of the stream. Exactly the pushes that returned true come
// out; an observer polls is_closed() meanwhile.
TEST_P(Concurrency, L3_CloseMidStreamKeepsExactlyTheAcceptedItems) {
  const Shape shape = GetParam();
  const int per_producer = items_per_producer() / 2 + 1;
  const std::int64_t close_after = std::int64_t{per_producer} * shape.producers / 2;
  Queue queue(shape.capacity);
  std::vector<Taken> taken(shape.consumers);
  std::vector<int> accepted(shape.producers, 0);
  start_bookkeeping();

  harness::Crew crew;
  crew.add("producer", shape.producers, [&](Worker& w) {
    int s = 0;
    while (s < per_producer) {
      bool ok = w.chance(0.5)
                    ? watched("push()", "close() must wake producers",
                              [&] { return queue.push(make_item(w.index(), s)); })
                    : watched("try_push_for(<=200 us)", "", [&] {
                        return queue.try_push_for(make_item(w.index(), s),
                                                  std::chrono::microseconds(w.uniform(0, 200)));
                      });
      if (ok) {
        ++s;
        pushed_.fetch_add(1, std::memory_order_relaxed);
      } else if (queue.is_closed()) {
        break;
      }
      w.perturb();
    }
    accepted[w.index()] = s;
  });
  crew.add("consumer", shape.consumers, [&](Worker& w) {
    while (auto item = watched("pop()", "close() must wake consumers: lost wakeup?",
                               [&] { return queue.pop(); })) {
      take(taken[w.index()], *item);
      w.perturb();
    }
  });
  crew.add("closer", 1, [&](Worker&) {
    while (pushed_.load() < close_after) std::this_thread::yield();
    queue.close();
  });
  // is_closed() is read while another thread closes the queue: it must be as safe to call then as
  // any other method, and say true from then on.
  crew.add("observer", 1, [&](Worker& w) {
    while (!queue.is_closed()) w.perturb();
  });
  crew.run();
  EXPECT_TRUE(queue.is_closed());
  expect_exactly_once(taken, accepted);
}

INSTANTIATE_TEST_SUITE_P(Threads, Concurrency,
                         testing::Values(Shape{1, 1, 1}, Shape{2, 2, 1}, Shape{4, 4, 2},
                                         Shape{8, 8, 64}, Shape{1, 8, 4}, Shape{8, 1, 4}),
                         shape_name);

}  // namespace
