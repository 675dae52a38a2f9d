#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "harness/background.h"
#include "harness/config.h"
#include "harness/level_rule.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "kata/not_implemented.h"

namespace {

using namespace std::chrono_literals;

// A thread parked on a condition variable that nobody signals until the test says so.
struct Parking {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  void wait() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return open; });
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
};

TEST(Crew, ReleasesEveryWorkerAndRunsEachOnce) {
  std::atomic<int> ran{0};
  std::mutex mutex;
  std::set<std::pair<std::string, int>> seen;
  harness::Crew crew;
  crew.add("a", 3, [&](harness::Worker& w) {
    ran.fetch_add(1);
    std::lock_guard lock(mutex);
    seen.insert({w.role(), w.index()});
  });
  crew.add("b", 5, [&](harness::Worker& w) {
    ran.fetch_add(1);
    std::lock_guard lock(mutex);
    seen.insert({w.role(), w.index()});
  });
  crew.run();
  EXPECT_EQ(ran.load(), 8);
  EXPECT_EQ(seen.size(), 8u);
}

TEST(Crew, StartGateReleasesAllTogether) {
  // Every worker waits at a barrier after the gate: possible only if all of them are running.
  constexpr int kThreads = 6;
  std::atomic<int> arrived{0};
  harness::Crew crew;
  crew.add("w", kThreads, [&](harness::Worker&) {
    arrived.fetch_add(1);
    while (arrived.load() < kThreads) std::this_thread::yield();
  });
  crew.run();
  EXPECT_EQ(arrived.load(), kThreads);
}

TEST(Crew, WorkerExceptionBecomesWorkerFailedNamingTheWorker) {
  harness::Crew crew;
  crew.add("consumer", 2, [](harness::Worker& w) {
    if (w.index() == 1) throw kata::NotImplemented("BoundedQueue::pop");
  });
  try {
    crew.run();
    FAIL() << "run() should have thrown";
  } catch (const harness::WorkerFailed& e) {
    EXPECT_NE(std::string(e.what()).find("consumer 1: BoundedQueue::pop is not implemented"),
              std::string::npos)
        << e.what();
  }
}

TEST(CrewDeathTest, FailedWorkerWithOthersStuckEndsTheProcessWithAMessage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Parking never;
        harness::Crew crew;
        crew.add("producer", 1, [&](harness::Worker&) { never.wait(); });
        crew.add("consumer", 1, [](harness::Worker&) { throw std::runtime_error("boom"); });
        crew.run();
      },
      testing::ExitedWithCode(harness::kWatchdogExitCode),
      "consumer 0: boom.*1 other thread\\(s\\) were still blocked");
}

TEST(WatchdogDeathTest, NamesTheHungOperationTheThreadTheHintAndTheState) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("KATA_OP_LIMIT_MS", "200", 1);
        harness::detail::disarm_watchdog();
        harness::detail::arm_watchdog();  // re-armed so it reads the shorter limit
        harness::describe_state([] { return std::string("3 items in the queue"); });
        harness::name_this_thread("consumer", 2);
        Parking never;
        harness::watched("pop()", "lost wakeup?", [&] { never.wait(); });
      },
      testing::ExitedWithCode(harness::kWatchdogExitCode),
      "WATCHDOG: .*pop\\(\\) by consumer 2 blocked 0\\.[2-9] s, with no progress anywhere \\(lost "
      "wakeup\\?\\); state: 3 "
      "items in the queue.*KATA_SEED=");
}

TEST(Watchdog, QuickOperationsAreNotReported) {
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(harness::watched("quick()", "", [&] { return i; }), i);
  }
}

TEST(BackgroundOp, SeesABlockedOperationAsleepAndNotReturned) {
  Parking parking;
  harness::BackgroundOp op("wait()", "", [&] { parking.wait(); });
  EXPECT_FALSE(op.settle());
  EXPECT_FALSE(op.returned());
  parking.release();
  op.join();
  EXPECT_TRUE(op.returned());
}

TEST(BackgroundOp, SeesAQuickOperationReturn) {
  harness::BackgroundOp op("nothing()", "", [] {});
  EXPECT_TRUE(op.settle());
}

TEST(BackgroundOp, ASpinningOperationIsNotMistakenForAReturnedOne) {
  std::atomic<bool> stop{false};
  harness::BackgroundOp op("spin()", "", [&] {
    while (!stop.load()) {
    }
  });
  EXPECT_FALSE(op.settle(50ms));
  stop.store(true);
  op.join();
}

TEST(BackgroundOp, RethrowsWhatTheOperationThrew) {
  harness::BackgroundOp op("push()", "", [] { throw kata::NotImplemented("BoundedQueue::push"); });
  EXPECT_THROW(op.settle(), harness::WorkerFailed);
  EXPECT_THROW(op.join(), harness::WorkerFailed);
}

TEST(Config, SeedIsReplayedFromTheEnvironment) {
  setenv("KATA_SEED", "12345", 1);
  harness::detail::start_test();
  EXPECT_EQ(harness::seed(), 12345u);
  unsetenv("KATA_SEED");
  harness::detail::start_test();
  EXPECT_NE(harness::seed(), 12345u);
}

TEST(Config, WorkersGetReproducibleDistinctStreams) {
  setenv("KATA_SEED", "7", 1);
  harness::detail::start_test();
  std::uint64_t a = harness::Worker("p", 0, harness::worker_seed("p", 0)).rng()();
  std::uint64_t a_again = harness::Worker("p", 0, harness::worker_seed("p", 0)).rng()();
  std::uint64_t b = harness::Worker("p", 1, harness::worker_seed("p", 1)).rng()();
  std::uint64_t c = harness::Worker("c", 0, harness::worker_seed("c", 0)).rng()();
  unsetenv("KATA_SEED");
  EXPECT_EQ(a, a_again);
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
}

// The histories of a linearizability series run the same roles again and again: each one's salt
// must give its workers other calls, and the same salt the same calls again.
TEST(Config, SaltedCrewsGetReproducibleDistinctStreams) {
  setenv("KATA_SEED", "7", 1);
  harness::detail::start_test();
  const auto draw = [](std::uint64_t salt) {
    std::uint64_t first = 0;
    harness::Crew crew(salt);
    crew.add("p", 1, [&](harness::Worker& w) { first = w.rng()(); });
    crew.run();
    return first;
  };
  const std::uint64_t unsalted = harness::Worker("p", 0, harness::worker_seed("p", 0)).rng()();
  const std::uint64_t zero = draw(0), one = draw(1), one_again = draw(1), two = draw(2);
  unsetenv("KATA_SEED");
  EXPECT_EQ(zero, unsalted) << "salt 0 is the unsalted crew";
  EXPECT_EQ(one, one_again);
  EXPECT_NE(one, two);
  EXPECT_NE(one, unsalted);
}

TEST(Config, StressScalesWithTheEnvironmentAndNeverReachesZero) {
  int base = harness::scaled(1000);
  setenv("KATA_STRESS", "2", 1);
  EXPECT_EQ(harness::scaled(1000), 2 * base);
  setenv("KATA_STRESS", "0", 1);
  EXPECT_EQ(harness::scaled(1000), 1);
  unsetenv("KATA_STRESS");
}

TEST(NotImplemented, NamesTheMethod) {
  kata::NotImplemented e("RWLock::lock_shared");
  EXPECT_STREQ(e.what(),
               "RWLock::lock_shared is not implemented yet (replace the TODO in the kata header)");
}

}  // namespace

namespace {

TEST(WatchdogDeathTest, TheOutermostWatchNamesTheOperation) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("KATA_OP_LIMIT_MS", "200", 1);
        harness::detail::disarm_watchdog();
        harness::detail::arm_watchdog();
        Parking never;
        harness::watched("pop() after close()", "close() must wake it",
                         [&] { harness::watched("pop()", "generic hint", [&] { never.wait(); }); });
      },
      testing::ExitedWithCode(harness::kWatchdogExitCode),
      "WATCHDOG: .*pop\\(\\) after close\\(\\) by .* \\(close\\(\\) must wake it\\)");
}

}  // namespace

namespace {

// A thread that waits its turn while others make progress is not hung: only a stall is reported.
TEST(Watchdog, ABlockedOperationIsNotReportedWhileOthersMakeProgress) {
  setenv("KATA_OP_LIMIT_MS", "200", 1);
  harness::detail::disarm_watchdog();
  harness::detail::arm_watchdog();
  unsetenv("KATA_OP_LIMIT_MS");
  Parking parking;
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    harness::name_this_thread("waiter", 0);
    harness::watched("wait()", "", [&] { parking.wait(); });
    done.store(true);
  });
  for (int i = 0; i < 60; ++i) {  // 600 ms of progress by this thread, three times the limit
    harness::watched("tick()", "", [] { std::this_thread::sleep_for(10ms); });
  }
  parking.release();
  waiter.join();
  EXPECT_TRUE(done.load());
}

}  // namespace

namespace {

TEST(WatchdogDeathTest, UnboundedAllocationIsReportedAsSuch) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("KATA_MEMORY_LIMIT_MB", "64", 1);
        harness::detail::disarm_watchdog();
        harness::detail::arm_watchdog();
        std::vector<std::vector<char>> hoard;
        for (;;) {
          hoard.emplace_back(1 << 20, 'x');  // 1 MiB, touched
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
      },
      testing::ExitedWithCode(harness::kWatchdogExitCode),
      "WATCHDOG: .* MiB, over its 64 MiB limit: unbounded allocation\\?");
}

}  // namespace

namespace {

TEST(WatchdogDeathTest, RunawayThreadCreationIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        harness::detail::disarm_watchdog();
        harness::detail::arm_watchdog();
        Parking never;
        std::vector<std::thread> threads;
        for (int i = 0; i < 5000; ++i) threads.emplace_back([&] { never.wait(); });
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
      },
      testing::ExitedWithCode(harness::kWatchdogExitCode),
      "WATCHDOG: .* threads, over its 1000 limit");
}

}  // namespace

namespace {

// The level rule (harness/level_rule.h), on methods declared the way a kata's watched wrapper
// declares them. These tests' own names carry the level the rule reads.
constexpr harness::Method kPush{"push()", 1, ""};
constexpr harness::Method kTryPush{"try_push()", 2, ""};
constexpr harness::Method kClose{"close()", 3, ""};

// The report's regular expression: "LEVEL RULE: <test> calls <method>() (level M); a level-N test
// may call only methods of level N[ or lower]. This is a bug in the test suite, ...".
std::string level_rule_report(const char* test, const char* method, int method_level,
                              int test_level) {
  const std::string n = std::to_string(test_level);
  return std::string(harness::kLevelRuleMarker) + ": LevelRuleDeathTest\\." + test + " calls " +
         method + "\\(\\) \\(level " + std::to_string(method_level) + "\\); a level-" + n +
         " test may call only methods of level " + n +
         "( or lower)?\\. This is a bug in the test suite, not in your code\\.";
}

TEST(LevelRule, LevelsAreReadFromTestNames) {
  EXPECT_EQ(harness::level_of_test("L1_FifoOrderAndSize"), 1);
  EXPECT_EQ(harness::level_of_test("L3_CloseWakesEveryBlockedConsumer"), 3);
  EXPECT_EQ(harness::level_of_test("L2_MixedOperationsLoseNothing/p2_c2_cap1"), 2);
  EXPECT_EQ(harness::level_of_test("L12_Deep"), 12);
  for (const char* none :
       {"", "L", "L1", "L_What", "Level1_What", "LX_What", "FifoOrder", "l1_x"}) {
    EXPECT_EQ(harness::level_of_test(none), 0) << '"' << none << '"';
  }
}

TEST(LevelRule, ATestWithoutALevelIsExempt) {
  EXPECT_EQ(harness::current_test_level(), 0);
  EXPECT_EQ(harness::call(kClose, [] { return 3; }), 3);
}

TEST(LevelRule, L2_CallsOfLevels1And2AreAllowed) {
  EXPECT_EQ(harness::current_test_level(), 2);
  EXPECT_EQ(harness::call(kPush, [] { return 1; }), 1);
  EXPECT_EQ(harness::call(kTryPush, [] { return 2; }), 2);
}

TEST(LevelRuleDeathTest, L1_ACallToALevel2MethodEndsTheTest) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EQ(harness::call(kPush, [] { return 1; }), 1);
  bool ran = false;
  EXPECT_EXIT(harness::call(kTryPush, [&] { ran = true; }),
              testing::ExitedWithCode(harness::kLevelRuleExitCode),
              level_rule_report("L1_ACallToALevel2MethodEndsTheTest", "try_push", 2, 1));
  EXPECT_FALSE(ran);
}

// From any thread of the test (a crew's worker, a parked operation), as from its body.
TEST(LevelRuleDeathTest, L2_ACallToALevel3MethodFromAWorkerThreadEndsTheTest) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        harness::Crew crew;
        crew.add("closer", 1, [](harness::Worker&) { harness::call(kClose, [] {}); });
        crew.run();
      },
      testing::ExitedWithCode(harness::kLevelRuleExitCode),
      level_rule_report("L2_ACallToALevel3MethodFromAWorkerThreadEndsTheTest", "close", 3, 2));
}

}  // namespace
