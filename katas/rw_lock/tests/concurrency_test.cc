// Stress: readers and writers, seeded and perturbed, through every way of taking the lock
// (std::shared_lock / std::unique_lock, the bare calls, the try_ calls). Every thread inside checks
// the test's own counters of who else is inside; the data the lock guards is plain (non-atomic), so
// ThreadSanitizer sees any access the lock fails to order; and the totals must come out exact.
// Thread counts are the test's parameter; counts above the core count are there on purpose.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "harness/config.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "watched_lock.h"

namespace {

using harness::Worker;

struct Shape {
  int readers;
  int writers;
};

const auto shape_name =
    harness::name_params(std::pair{"r", &Shape::readers}, std::pair{"w", &Shape::writers});

// A try_ call that keeps failing falls back to the blocking call after this many attempts: a
// try_lock() can fail for as long as readers keep coming, which is allowed.
constexpr int kTryAttempts = 50;

class Concurrency : public testing::TestWithParam<Shape> {
 protected:
  // What the lock guards: a writer changes both fields, one after the other, with a perturbation in
  // between; a reader must never see them differ.
  struct Guarded {
    std::int64_t first = 0;
    std::int64_t second = 0;
  };

  void start_bookkeeping() {
    harness::describe_state([this] {
      return std::to_string(readers_inside_.load()) + " readers and " +
             std::to_string(writers_inside_.load()) + " writers inside; " +
             std::to_string(reads_.load()) + " reads and " + std::to_string(writes_.load()) +
             " writes done";
    });
  }

  // Records the first violation seen (later ones only count): a thread inside the lock keeps going,
  // so that it releases the lock and the test ends with a readable failure instead of a hang.
  void violation(const std::string& what) {
    if (violations_.fetch_add(1) == 0) ADD_FAILURE() << what;
  }

  void reader_inside(const Guarded& data, Worker& w) {
    readers_inside_.fetch_add(1);
    if (int writers = writers_inside_.load(); writers != 0) {
      violation("a reader got in while " + std::to_string(writers) + " writer(s) held the lock");
    }
    std::int64_t first = data.first;
    w.perturb();
    std::int64_t second = data.second;
    if (first != second) {
      violation("a reader saw a half-done write (" + std::to_string(first) +
                " != " + std::to_string(second) + "): a writer was inside at the same time");
    }
    if (int writers = writers_inside_.load(); writers != 0) {
      violation("a writer got in while a reader held the lock");
    }
    readers_inside_.fetch_sub(1);
    reads_.fetch_add(1, std::memory_order_relaxed);
  }

  void writer_inside(Guarded& data, Worker& w) {
    if (int writers = writers_inside_.fetch_add(1) + 1; writers != 1) {
      violation("two writers held the lock at once (" + std::to_string(writers) + " inside)");
    }
    if (int readers = readers_inside_.load(); readers != 0) {
      violation("a writer got in while " + std::to_string(readers) + " reader(s) held the lock");
    }
    ++data.first;
    w.perturb();
    ++data.second;
    if (int readers = readers_inside_.load(); readers != 0) {
      violation("a reader got in while a writer held the lock (" + std::to_string(readers) +
                " inside)");
    }
    writers_inside_.fetch_sub(1);
    writes_.fetch_add(1, std::memory_order_relaxed);
  }

  std::atomic<int> readers_inside_{0};
  std::atomic<int> writers_inside_{0};
  std::atomic<std::int64_t> reads_{0};
  std::atomic<std::int64_t> writes_{0};
  std::atomic<int> violations_{0};
};

// Level 1: readers and writers through std::shared_lock / std::unique_lock and the bare calls.
TEST_P(Concurrency, L1_ExclusionHolds) {
  const Shape shape = GetParam();
  const int per_reader = harness::scaled(8000) / shape.readers + 1;
  const int per_writer = harness::scaled(3000) / shape.writers + 1;
  WatchedLock lock;
  Guarded data;
  start_bookkeeping();

  harness::Crew crew;
  crew.add("reader", shape.readers, [&](Worker& w) {
    for (int i = 0; i < per_reader; ++i) {
      if (w.chance(0.5)) {
        std::shared_lock guard(lock);
        reader_inside(data, w);
      } else {
        lock.lock_shared();
        reader_inside(data, w);
        lock.unlock_shared();
      }
      w.perturb();
    }
  });
  crew.add("writer", shape.writers, [&](Worker& w) {
    for (int i = 0; i < per_writer; ++i) {
      if (w.chance(0.5)) {
        std::unique_lock guard(lock);
        writer_inside(data, w);
      } else {
        lock.lock();
        writer_inside(data, w);
        lock.unlock();
      }
      w.perturb();
    }
  });
  crew.run();
  EXPECT_EQ(violations_.load(), 0);
  const std::int64_t total_writes = std::int64_t{per_writer} * shape.writers;
  EXPECT_EQ(data.first, total_writes) << "writes were lost: two writers were inside at once";
  EXPECT_EQ(data.second, total_writes) << "writes were lost: two writers were inside at once";
  EXPECT_EQ(reads_.load(), std::int64_t{per_reader} * shape.readers);
}

// Takes the lock, 70% of the time trying the try_ call first (up to kTryAttempts times), and
// blocking when that did not get it. Returns whether a try_ call got it.
template <class TryLock, class Lock>
bool lock_trying_first(Worker& w, TryLock try_lock, Lock lock) {
  bool got = false;
  if (w.chance(0.7)) {
    for (int attempt = 0; attempt < kTryAttempts && !got; ++attempt) {
      got = try_lock();
      if (!got) w.perturb();
    }
  }
  if (!got) lock();
  return got;
}

// Level 1: the same, with the try_ calls mixed in. A try_ call that succeeds must really hold the
// lock; one that fails must leave it as it was.
TEST_P(Concurrency, L1_TryCallsMixedIn) {
  const Shape shape = GetParam();
  const int per_reader = harness::scaled(6000) / shape.readers + 1;
  const int per_writer = harness::scaled(2000) / shape.writers + 1;
  WatchedLock lock;
  Guarded data;
  std::atomic<std::int64_t> try_successes{0};
  start_bookkeeping();

  harness::Crew crew;
  crew.add("reader", shape.readers, [&](Worker& w) {
    for (int i = 0; i < per_reader; ++i) {
      if (lock_trying_first(
              w, [&] { return lock.try_lock_shared(); }, [&] { lock.lock_shared(); })) {
        try_successes.fetch_add(1, std::memory_order_relaxed);
      }
      reader_inside(data, w);
      lock.unlock_shared();
      w.perturb();
    }
  });
  crew.add("writer", shape.writers, [&](Worker& w) {
    for (int i = 0; i < per_writer; ++i) {
      if (lock_trying_first(
              w, [&] { return lock.try_lock(); }, [&] { lock.lock(); })) {
        try_successes.fetch_add(1, std::memory_order_relaxed);
      }
      writer_inside(data, w);
      lock.unlock();
      w.perturb();
    }
  });
  crew.run();
  EXPECT_EQ(violations_.load(), 0);
  const std::int64_t total_writes = std::int64_t{per_writer} * shape.writers;
  EXPECT_EQ(data.first, total_writes) << "writes were lost: two writers were inside at once";
  EXPECT_EQ(data.second, total_writes) << "writes were lost: two writers were inside at once";
  EXPECT_GT(try_successes.load(), 0) << "no try_ call ever succeeded";
}

INSTANTIATE_TEST_SUITE_P(Threads, Concurrency,
                         testing::Values(Shape{1, 1}, Shape{2, 2}, Shape{4, 1}, Shape{1, 4},
                                         Shape{6, 2}, Shape{3, 3}),
                         shape_name);

}  // namespace
