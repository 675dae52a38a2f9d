// Contract: what each call does and returns, told apart with the pool threads held where the test
// wants them (tasks that wait at a Gate the test opens), never with sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <exception>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness/background.h"
#include "harness/watchdog.h"
#include "watched_pool.h"

namespace {

using harness::BackgroundOp;

// Holds `count` pool threads inside tasks until release(): each task waits at the gate.
class Occupied {
 public:
  Occupied(WatchedPool& pool, int count) : started_(count) {
    for (int i = 0; i < count; ++i) {
      futures_.push_back(pool.submit([this] {
        started_.count_down();
        gate_.wait("a task held at the test's gate", "the test opens the gate; a deadlock?");
        return std::this_thread::get_id();
      }));
    }
    harness::watched("the held tasks starting",
                     "every pool thread must pick up a task: too few threads?",
                     [&] { started_.wait(); });
  }
  // Releases the tasks, if not yet, and waits until they have finished with the gate.
  ~Occupied() {
    release();
    for (auto& f : futures_) {
      if (f.valid()) {
        harness::watched("a held task finishing", "its gate is open", [&] { f.wait(); });
      }
    }
  }
  Occupied(const Occupied&) = delete;
  Occupied& operator=(const Occupied&) = delete;

  void release() {
    if (!released_) gate_.open();
    released_ = true;
  }
  std::vector<std::future<std::thread::id>>& futures() { return futures_; }

 private:
  std::latch started_;
  Gate gate_;
  bool released_ = false;
  std::vector<std::future<std::thread::id>> futures_;
};

TEST(Contract, L1_ZeroThreadsThrows) { EXPECT_THROW(WatchedPool pool(0), std::invalid_argument); }

TEST(Contract, L1_ThreadCountIsAsConstructed) {
  for (std::size_t threads : {1, 3, 5}) {
    WatchedPool pool(threads);
    EXPECT_EQ(pool.thread_count(), threads);
  }
}

TEST(Contract, L1_FutureHoldsTheResult) {
  WatchedPool pool(2);
  auto number = pool.submit([] { return 6 * 7; });
  auto text = pool.submit([] { return std::string("pooled"); });
  std::atomic<bool> ran{false};
  auto nothing = pool.submit([&] { ran = true; });
  EXPECT_EQ(get_watched(number, "future.get() of a submitted task", "was the task ever run?"), 42);
  EXPECT_EQ(get_watched(text, "future.get() of a submitted task", "was the task ever run?"),
            "pooled");
  get_watched(nothing, "future.get() of a submitted void task", "was the task ever run?");
  EXPECT_TRUE(ran.load());
}

// F and its result need only be move-constructible.
TEST(Contract, L1_MoveOnlyTaskAndResult) {
  WatchedPool pool(1);
  auto boxed = std::make_unique<int>(7);
  auto future = pool.submit([box = std::move(boxed)]() mutable { return std::move(box); });
  auto result = get_watched(future, "future.get() of a move-only task", "was the task ever run?");
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(*result, 7);
}

TEST(Contract, L1_ExceptionReachesTheFuture) {
  // The test keeps the exceptions it catches until the pool is gone, so that the last reference,
  // and the exception's destruction, is the test's own. Otherwise a pool thread may destroy the
  // task's promise, and the exception with it, just after the test has read it: ThreadSanitizer
  // does not see the order of the two through libstdc++'s (uninstrumented) reference count.
  std::vector<std::exception_ptr> caught;
  WatchedPool pool(2);
  auto value = pool.submit([]() -> int { throw std::domain_error("thrown by the task"); });
  auto nothing = pool.submit([] { throw std::out_of_range("thrown by a void task"); });
  try {
    get_watched(value, "future.get() of a task that threw", "the exception must reach the future");
    ADD_FAILURE() << "the future held a value; the task threw std::domain_error";
  } catch (const std::domain_error& e) {
    caught.push_back(std::current_exception());
    EXPECT_STREQ(e.what(), "thrown by the task");
  }
  try {
    get_watched(nothing, "future.get() of a void task that threw",
                "the exception must reach the future");
    ADD_FAILURE() << "the future held a value; the task threw std::out_of_range";
  } catch (const std::out_of_range&) {
    caught.push_back(std::current_exception());
  }
  // The pool is unharmed: both threads still run tasks.
  Occupied both(pool, 2);
  both.release();
}

// submit() only queues the task: a task's subtask cannot have run on a 1-thread pool by the time
// submit() returns to the task, since the one pool thread is still running the task.
TEST(Contract, L1_SubmitNeverRunsTheTaskItself) {
  std::atomic<bool> sub_ran{false};  // before the pool: the subtask may run until it is destroyed
  WatchedPool pool(1);
  auto outer = pool.submit([&] {
    auto sub = pool.submit([&] { sub_ran = true; });
    return sub_ran.load();
  });
  EXPECT_FALSE(get_watched(outer, "future.get() of a task that submits another",
                           "submit() from a task must only queue it"))
      << "the subtask ran inside submit()";
  const auto caller = std::this_thread::get_id();
  auto where = pool.submit([] { return std::this_thread::get_id(); });
  EXPECT_NE(get_watched(where, "future.get()", "was the task ever run?"), caller)
      << "the task ran on the thread that submitted it";
}

// One pool thread busy with a task held at a gate, 100 tasks queued behind it: the destructor must
// wait for the running task, then run all 100, then return.
TEST(Contract, L1_DestructorRunsEveryQueuedTask) {
  WatchedPool pool(1);
  Occupied held(pool, 1);
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) pool.submit([&] { ran.fetch_add(1); });
  harness::describe_state([&] { return std::to_string(ran.load()) + " of 100 queued tasks ran"; });
  BackgroundOp destructor("~ThreadPool() with a task running and 100 queued",
                          "it must run every queued task, then join", [&] { pool.destroy(); });
  ASSERT_FALSE(destructor.settle()) << "the destructor returned while a task was still running";
  held.release();
  destructor.join();
  EXPECT_EQ(ran.load(), 100) << "the destructor must run every queued task before it returns";
}

TEST(Contract, L2_ShutdownRunsEveryQueuedTaskThenJoins) {
  WatchedPool pool(1);
  Occupied held(pool, 1);
  std::atomic<int> ran{0};
  std::vector<std::future<int>> futures;
  for (int i = 0; i < 50; ++i)
    futures.push_back(pool.submit([&, i] {
      ran.fetch_add(1);
      return i;
    }));
  BackgroundOp shutdown("shutdown() with a task running and 50 queued",
                        "it must run every queued task, then join", [&] { pool.shutdown(); });
  ASSERT_FALSE(shutdown.settle()) << "shutdown() returned while a task was still running";
  held.release();
  shutdown.join();
  EXPECT_EQ(ran.load(), 50) << "shutdown() must run every queued task before it returns";
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(futures[i].wait_for(std::chrono::seconds(0)), std::future_status::ready)
        << "shutdown() returned before task " << i << " finished";
    EXPECT_EQ(futures[i].get(), i);
  }
}

TEST(Contract, L2_SubmitAfterShutdownThrowsAndNeverRuns) {
  for (bool now : {false, true}) {
    WatchedPool pool(2);
    if (now) {
      EXPECT_EQ(pool.shutdown_now(), 0u);
    } else {
      pool.shutdown();
    }
    std::atomic<bool> ran{false};
    EXPECT_THROW(pool.submit([&] { ran = true; }), std::runtime_error)
        << "submit() after " << (now ? "shutdown_now()" : "shutdown()");
    pool.destroy();
    EXPECT_FALSE(ran.load()) << "a refused task ran";
  }
}

// A running task submits during shutdown(): refused like any other submit.
TEST(Contract, L2_SubmitFromATaskDuringShutdownThrows) {
  WatchedPool pool(1);
  Gate gate;
  std::atomic<bool> sub_ran{false};
  auto task = pool.submit([&] {
    gate.wait("a task held at the test's gate", "the test opens the gate");
    try {
      pool.submit([&] { sub_ran = true; });
    } catch (const std::runtime_error&) {
      return true;
    }
    return false;
  });
  BackgroundOp shutdown("shutdown() with a task running", "it must let the task finish, then join",
                        [&] { pool.shutdown(); });
  ASSERT_FALSE(shutdown.settle()) << "shutdown() returned while a task was still running";
  gate.open();
  shutdown.join();
  EXPECT_TRUE(get_watched(task, "future.get()", "shutdown() ran the task"))
      << "submit() from a task after shutdown() began must throw std::runtime_error";
  EXPECT_FALSE(sub_ran.load()) << "a task submitted after shutdown() began ran";
}

TEST(Contract, L2_ShutdownTwiceIsHarmless) {
  WatchedPool pool(3);
  auto future = pool.submit([] { return 1; });
  pool.shutdown();
  EXPECT_NO_THROW(pool.shutdown()) << "a second shutdown() must be harmless";
  EXPECT_EQ(pool.shutdown_now(), 0u) << "nothing is left to discard after shutdown()";
  EXPECT_EQ(future.get(), 1);
  pool.destroy();
}

// One pool thread held, ten tasks queued behind it: shutdown_now() discards the ten (broken
// promises, counted), lets the held one finish, joins.
TEST(Contract, L2_ShutdownNowDiscardsQueuedTasks) {
  WatchedPool pool(1);
  Occupied held(pool, 1);
  std::atomic<int> ran{0};
  std::vector<std::future<void>> queued;
  for (int i = 0; i < 10; ++i) queued.push_back(pool.submit([&] { ran.fetch_add(1); }));
  std::size_t discarded = 0;
  BackgroundOp shutdown("shutdown_now() with a task running and 10 queued",
                        "it must discard the queued tasks, let the running one finish, then join",
                        [&] { discarded = pool.shutdown_now(); });
  ASSERT_FALSE(shutdown.settle()) << "shutdown_now() returned while a task was still running";
  held.release();
  shutdown.join();
  EXPECT_EQ(discarded, 10u) << "shutdown_now() returns how many queued tasks it discarded";
  EXPECT_EQ(ran.load(), 0) << "a discarded task ran";
  for (auto& future : queued) {
    ASSERT_EQ(future.wait_for(std::chrono::seconds(0)), std::future_status::ready)
        << "a discarded task's future must hold broken_promise by the time shutdown_now() returns";
    try {
      future.get();
      ADD_FAILURE() << "a discarded task's future held a value";
    } catch (const std::future_error& e) {
      EXPECT_EQ(e.code(), std::make_error_code(std::future_errc::broken_promise));
    }
  }
  EXPECT_NE(get_watched(held.futures()[0], "future.get() of the running task",
                        "the running task must finish"),
            std::thread::id());
  EXPECT_EQ(pool.shutdown_now(), 0u) << "a second shutdown_now() has nothing to discard";
}

// Level 3: tasks a pool thread submits go onto its own deque, and it runs the newest first. The
// other pool thread is held at a gate the whole time, so it can neither steal nor run anything.
TEST(Contract, L3_OwnerRunsItsOwnTasksNewestFirst) {
  // Before the pool: the subtasks use them until the pool is destroyed.
  std::mutex order_mutex;
  std::vector<int> order;
  std::latch all_ran(3);
  WatchedPool pool(2);
  Occupied other(pool, 1);
  auto spawner = pool.submit([&] {
    for (int i = 1; i <= 3; ++i) {
      pool.submit([&, i] {
        {
          std::lock_guard lock(order_mutex);
          order.push_back(i);
        }
        all_ran.count_down();
      });
    }
  });
  get_watched(spawner, "future.get() of a task that submits three", "was the task run?");
  // The spawner's pool thread is free again and runs its own deque.
  harness::watched("the three subtasks running", "the free pool thread must run its own deque",
                   [&] { all_ran.wait(); });
  other.release();
  std::lock_guard lock(order_mutex);
  EXPECT_EQ(order, (std::vector<int>{3, 2, 1}))
      << "a pool thread must take the newest task of its own deque first (LIFO)";
}

// Level 3: a pool thread with nothing of its own steals the oldest task of another's deque. The
// spawner's thread submits three subtasks, frees the other pool thread, and then stays busy until
// all three have run: only the thief can run them, one by one, oldest first.
TEST(Contract, L3_ThiefStealsOldestFirst) {
  // Before the pool: the subtasks use them until the pool is destroyed.
  std::mutex order_mutex;
  std::vector<int> order;
  std::latch all_ran(3);
  WatchedPool pool(2);
  Occupied other(pool, 1);
  auto spawner = pool.submit([&] {
    for (int i = 1; i <= 3; ++i) {
      pool.submit([&, i] {
        {
          std::lock_guard lock(order_mutex);
          order.push_back(i);
        }
        all_ran.count_down();
      });
    }
    other.release();
    harness::watched("a task waiting (outside the pool) for its three subtasks",
                     "the other pool thread is free: it must steal them", [&] { all_ran.wait(); });
  });
  get_watched(spawner, "future.get() of a task that waits for its subtasks",
              "its subtasks must be stolen by the free pool thread");
  std::lock_guard lock(order_mutex);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}))
      << "a thief must take the oldest task of another pool thread's deque first (FIFO)";
}

TEST(Contract, L3_WaitReturnsTheResultOrRethrows) {
  WatchedPool pool(1);
  auto outer = pool.submit([&] {
    auto value = pool.submit([] { return 5; });
    auto error = pool.submit([]() -> int { throw std::domain_error("from the subtask"); });
    int got = pool.wait(value);
    try {
      pool.wait(error);
    } catch (const std::domain_error&) {
      return got;
    }
    return -1;
  });
  EXPECT_EQ(get_watched(outer, "future.get() of a task that waits for two subtasks",
                        "wait() must run the subtasks on this one pool thread"),
            5);
  // From outside the pool, wait() is f.get().
  auto direct = pool.submit([] { return 9; });
  EXPECT_EQ(pool.wait(direct), 9);
}

// Level 3: wait() from a thread that is not the pool's runs no task, even with one queued.
TEST(Contract, L3_WaitFromOutsideThePoolRunsNoTask) {
  WatchedPool pool(1);
  Occupied held(pool, 1);
  auto queued = pool.submit([] { return std::this_thread::get_id(); });
  std::thread::id waiter_thread;
  BackgroundOp waiter("wait() from outside the pool on a held task",
                      "it must wait as f.get() does, until the task is released", [&] {
                        waiter_thread = std::this_thread::get_id();
                        pool.wait(held.futures()[0]);
                      });
  ASSERT_FALSE(waiter.settle()) << "wait() returned before its task finished";
  held.release();
  waiter.join();
  EXPECT_NE(get_watched(queued, "future.get() of the queued task", "the pool thread is free"),
            waiter_thread)
      << "wait() called from outside the pool ran a queued task on the caller's thread";
}

}  // namespace
