// Stress: submitters outside the pool and tasks inside it submit at once, seeded and perturbed,
// with exact bookkeeping: every task whose submit() returned runs exactly once and its future holds
// its own result; every task whose submit() threw never runs. Thread counts are the test's
// parameter.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "harness/config.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "watched_pool.h"

namespace {

using harness::Worker;

struct Shape {
  int threads;     // pool threads
  int submitters;  // threads outside the pool that submit
};

const auto shape_name =
    harness::name_params(std::pair{"t", &Shape::threads}, std::pair{"s", &Shape::submitters});

// Counts each task's runs; a second run is reported the moment it happens, from the pool thread.
class RunCounts {
 public:
  explicit RunCounts(std::size_t tasks) : runs_(tasks) {}
  void ran(std::size_t id) {
    ran_total_.fetch_add(1, std::memory_order_relaxed);
    if (runs_[id].fetch_add(1) != 0) ADD_FAILURE() << "task " << id << " ran twice";
  }
  int runs(std::size_t id) const { return runs_[id].load(); }
  std::int64_t total() const { return ran_total_.load(); }

 private:
  std::vector<std::atomic<int>> runs_;
  std::atomic<std::int64_t> ran_total_{0};
};

// What a task returns: its id, and the futures of the subtasks it submitted (a level-1 task must
// not wait for them: on a 1-thread pool that would deadlock).
struct Result {
  std::size_t id;
  std::vector<std::future<Result>> children;
};

class Concurrency : public testing::TestWithParam<Shape> {};

// Tasks that submit subtasks, with every run counted.
class TaskTree {
 public:
  explicit TaskTree(std::size_t first_child_id)
      : first_child_id_(first_child_id), next_id_(first_child_id) {}

  // Submits task `id`, which may submit up to 3 subtasks with ids drawn from next_id_.
  std::future<Result> submit_task(WatchedPool& pool, std::size_t id, int depth) {
    return pool.submit([this, &pool, id, depth] {
      counts_.ran(id);
      Result result{id, {}};
      if (depth > 0) {
        // The id decides the fan-out, so a run is reproducible from the seed's workload.
        for (std::size_t c = 0; c < id % 4; ++c) {
          std::size_t child = next_id_.fetch_add(1);
          if (child >= kMaxTasks) break;
          result.children.push_back(submit_task(pool, child, depth - 1));
        }
      }
      return result;
    });
  }

  // Gets `future` and every future below it; checks each id and counts the results.
  void collect(std::future<Result>& future, std::size_t expected_id) {
    Result result = get_watched(future, "future.get() of a submitted task",
                                "every submitted task must run: lost wake-up?");
    ASSERT_EQ(result.id, expected_id) << "a future held another task's result";
    collected_.fetch_add(1, std::memory_order_relaxed);
    for (auto& child : result.children) {
      // The child's id is only known from its own result: check that it is one handed out.
      Result got = get_watched(child, "future.get() of a subtask", "every subtask must run");
      ASSERT_GE(got.id, first_child_id_) << "a subtask's future held an outside task's result";
      collected_.fetch_add(1, std::memory_order_relaxed);
      for (auto& grandchild : got.children) {
        Result last =
            get_watched(grandchild, "future.get() of a subtask", "every subtask must run");
        ASSERT_GE(last.id, first_child_id_);
        collected_.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  std::size_t ids_handed_out() const { return std::min(next_id_.load(), kMaxTasks); }
  std::int64_t collected() const { return collected_.load(); }
  const RunCounts& counts() const { return counts_; }

  static constexpr std::size_t kMaxTasks = 1 << 20;

 private:
  RunCounts counts_{kMaxTasks};
  const std::size_t first_child_id_;
  std::atomic<std::size_t> next_id_;
  std::atomic<std::int64_t> collected_{0};
};

// Level 1: outside submitters and tasks submitting subtasks (two levels deep), all at once.
TEST_P(Concurrency, L1_EveryTaskRunsExactlyOnce) {
  const Shape shape = GetParam();
  const int per_submitter = harness::scaled(20000) / shape.submitters / 4 + 1;
  const std::size_t outside = static_cast<std::size_t>(per_submitter) * shape.submitters;
  TaskTree tree(outside);
  harness::describe_state([&tree] {
    return std::to_string(tree.counts().total()) + " task runs, " +
           std::to_string(tree.collected()) + " results collected";
  });
  {
    WatchedPool pool(shape.threads);
    harness::Crew crew;
    crew.add("submitter", shape.submitters, [&](Worker& w) {
      std::vector<std::future<Result>> futures;
      std::vector<std::size_t> ids;
      for (int k = 0; k < per_submitter; ++k) {
        std::size_t id = static_cast<std::size_t>(w.index()) * per_submitter + k;
        futures.push_back(tree.submit_task(pool, id, 2));
        ids.push_back(id);
        w.perturb();
        // Collect as it goes now and then, so that the pool also goes idle and wakes up.
        if (w.chance(0.05)) {
          for (std::size_t i = 0; i < futures.size(); ++i) tree.collect(futures[i], ids[i]);
          futures.clear();
          ids.clear();
        }
      }
      for (std::size_t i = 0; i < futures.size(); ++i) tree.collect(futures[i], ids[i]);
    });
    crew.run();
  }
  const std::size_t total = tree.ids_handed_out();
  EXPECT_EQ(tree.collected(), static_cast<std::int64_t>(total));
  for (std::size_t id = 0; id < total; ++id) {
    ASSERT_EQ(tree.counts().runs(id), 1)
        << "task " << id << " ran " << tree.counts().runs(id) << " times (want exactly once)";
  }
}

// Level 1: one submitter that spins on its future and submits again the moment it is ready, so
// that each submit lands just as the pool thread runs out of work and goes to sleep: a sleep that
// does not look at the queue under the lock it waits with misses the submit's notify.
TEST_P(Concurrency, L1_SubmitJustAsThePoolGoesIdle) {
  const Shape shape = GetParam();
  const int rounds = harness::scaled(20000);
  const std::int64_t max_pause = std::string_view(harness::variant()) == "sched" ? 8 : 1000;
  std::atomic<int> done{0};
  harness::describe_state([&] { return std::to_string(done.load()) + " rounds done"; });
  WatchedPool pool(shape.threads);
  harness::Crew crew;
  crew.add("submitter", shape.submitters, [&](Worker& w) {
    for (int round = 0; round < rounds / shape.submitters; ++round) {
      auto future = pool.submit([round] { return round; });
      harness::watched("spinning on the future of a task submitted to an idle pool",
                       "a pool thread went to sleep with the task queued: lost wake-up?", [&] {
                         // Yields now and then: on a loaded machine a pure spin starves the pool
                         // thread.
                         for (int spins = 1;
                              future.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
                              ++spins) {
                           if (spins % 64 == 0) std::this_thread::yield();
                         }
                       });
      ASSERT_EQ(future.get(), round);
      done.fetch_add(1, std::memory_order_relaxed);
      // A random pause of 0 to a few microseconds sweeps the next submit across the moments in
      // which the pool thread, having found nothing to do, goes to sleep. Under the sched variant
      // each step of the pause is a scheduling point and the pool thread's way to sleep is a
      // handful of them: a pause of up to 1000 steps would almost always let it arrive first (the
      // lost wake-up's mutant took 3 to 24 s there), and the schedule sweeps the rest.
      std::atomic<int> pause{0};
      for (auto spin = w.uniform(0, max_pause); spin > 0; --spin)
        pause.fetch_add(1, std::memory_order_relaxed);
    }
  });
  crew.run();
}

// Level 2: shutdown() while submitters (and tasks) are submitting. Each submit either throws, and
// its task never runs, or returns a future that is ready, with the task run once, when shutdown()
// has returned.
TEST_P(Concurrency, L2_ShutdownRacingSubmitters) {
  const Shape shape = GetParam();
  const int rounds = harness::scaled(100) / 4 + 1;
  static constexpr std::size_t kNone = ~std::size_t{0};
  struct Accepted {
    std::size_t id;
    std::size_t child;  // the subtask it tries to submit, or kNone
    std::future<bool> child_accepted;
  };
  for (int round = 0; round < rounds; ++round) {
    constexpr std::size_t kMax = 1 << 12;  // bounds a round when shutdown() is slow to come
    RunCounts counts(kMax);
    std::atomic<std::size_t> next_id{0};
    std::atomic<bool> shut{false};
    std::vector<std::vector<Accepted>> accepted(shape.submitters);
    std::vector<std::vector<std::size_t>> refused(shape.submitters);
    WatchedPool pool(shape.threads);
    harness::Crew crew;
    crew.add("submitter", shape.submitters, [&](Worker& w) {
      while (!shut.load()) {
        std::size_t id = next_id.fetch_add(2);
        if (id + 2 >= kMax) break;
        // A task sometimes submits a subtask: refused too once shutdown() began.
        std::size_t child = w.chance(0.3) ? id + 1 : kNone;
        try {
          auto future = pool.submit([&counts, &pool, id, child] {
            counts.ran(id);
            if (child == kNone) return false;
            try {
              pool.submit([&counts, child] { counts.ran(child); });
              return true;  // accepted: shutdown() must run it
            } catch (const std::runtime_error&) {
              return false;  // refused: it must never run
            }
          });
          accepted[w.index()].push_back({id, child, std::move(future)});
        } catch (const std::runtime_error&) {
          refused[w.index()].push_back(id);
        }
        w.perturb();
      }
    });
    crew.add("shutdown", 1, [&](Worker& w) {
      for (auto spins = w.uniform(0, 200); spins > 0; --spins) w.perturb();
      pool.shutdown();
      shut = true;
    });
    crew.run();
    // shutdown() has returned and joined every pool thread: nothing can run any more.
    for (auto& list : accepted) {
      for (auto& task : list) {
        ASSERT_EQ(task.child_accepted.wait_for(std::chrono::seconds(0)), std::future_status::ready)
            << "task " << task.id << " was accepted, but had not run when shutdown() returned";
        ASSERT_EQ(counts.runs(task.id), 1)
            << "accepted task " << task.id << " ran " << counts.runs(task.id) << " times";
        if (task.child == kNone) continue;
        const int want = task.child_accepted.get() ? 1 : 0;
        ASSERT_EQ(counts.runs(task.child), want)
            << "subtask " << task.child << (want ? " was accepted" : " was refused") << " but ran "
            << counts.runs(task.child) << " times";
      }
    }
    for (auto& list : refused) {
      for (std::size_t id : list) {
        ASSERT_EQ(counts.runs(id), 0) << "task " << id << " was refused by submit(), but ran";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Concurrency,
                         testing::Values(Shape{1, 1}, Shape{2, 1}, Shape{2, 3}, Shape{4, 2}),
                         shape_name);

}  // namespace
