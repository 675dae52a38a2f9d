// Liveness: deadlocks made deterministic. Each test starts scripted calls (test_mutex.h) that pause
// at a chosen instant, just after taking their first lock, say, waits until each is paused or
// blocked on a lock a paused call holds (no sleep-and-hope: the tests' Mutex records it), then lets
// them all go. Calls that take their locks in argument order are then each holding the lock the
// other waits for, every run: the watchdog reports the blocked calls by name, and its state text
// the lock each holds and the lock each waits for.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "harness/watchdog.h"
#include "test_mutex.h"
#include "watched_bank.h"

namespace {

constexpr PausePoint kAfterFirstLock{1, 0};

constexpr const char* kCycleHint =
    "each call was paused just after its first lock, then all were let go: calls that lock in "
    "argument order now each hold the lock the next one waits for. Lock the lower-numbered "
    "account first, whatever the direction of the transfer";

TEST(Liveness, L2_OppositeTransfersEachPausedAtTheirFirstLockBothComplete) {
  WatchedBank bank(2, 100);
  Script script;
  bool forward = false;
  bool backward = false;
  const CallRecord& a =
      script.start("transfer(0, 1, 30), paused just after its first lock", kCycleHint,
                   kAfterFirstLock, [&] { forward = bank.transfer(0, 1, 30); });
  script.wait_settled(a);
  ASSERT_TRUE(a.paused.load()) << "transfer(0, 1, 30) returned without taking an account lock: "
                                  "each account's lock must be its Mutex";
  const CallRecord& b =
      script.start("transfer(1, 0, 50), paused just after its first lock", kCycleHint,
                   kAfterFirstLock, [&] { backward = bank.transfer(1, 0, 50); });
  script.wait_settled(b);
  script.release_all();
  script.join_all();
  EXPECT_TRUE(forward);
  EXPECT_TRUE(backward);
  EXPECT_EQ(bank.balance(0), 120);
  EXPECT_EQ(bank.balance(1), 80);
}

TEST(Liveness, L2_ACycleOfThreeTransfersEachPausedAtTheirFirstLockAllComplete) {
  WatchedBank bank(3, 100);
  Script script;
  bool done[3] = {false, false, false};
  const CallRecord& a =
      script.start("transfer(0, 1, 10), paused just after its first lock", kCycleHint,
                   kAfterFirstLock, [&] { done[0] = bank.transfer(0, 1, 10); });
  script.wait_settled(a);
  const CallRecord& b =
      script.start("transfer(1, 2, 20), paused just after its first lock", kCycleHint,
                   kAfterFirstLock, [&] { done[1] = bank.transfer(1, 2, 20); });
  script.wait_settled(b);
  const CallRecord& c =
      script.start("transfer(2, 0, 40), paused just after its first lock", kCycleHint,
                   kAfterFirstLock, [&] { done[2] = bank.transfer(2, 0, 40); });
  script.wait_settled(c);
  script.release_all();
  script.join_all();
  EXPECT_TRUE(done[0] && done[1] && done[2]) << "every account held enough";
  EXPECT_EQ(bank.balance(0), 130);
  EXPECT_EQ(bank.balance(1), 90);
  EXPECT_EQ(bank.balance(2), 80);
}

// One lock for the whole bank (or any lock unrelated transfers share) makes this one wait for the
// paused transfer: the watchdog reports it.
TEST(Liveness, L2_AnUnrelatedTransferCompletesWhileOneIsPaused) {
  WatchedBank bank(4, 100);
  Script script;
  bool paused_done = false;
  const CallRecord& a =
      script.start("transfer(0, 1, 25), paused just after its first lock",
                   "the test lets it go once transfer(2, 3, 60) has returned", kAfterFirstLock,
                   [&] { paused_done = bank.transfer(0, 1, 25); });
  script.wait_settled(a);
  ASSERT_TRUE(a.paused.load()) << "transfer(0, 1, 25) returned without taking an account lock: "
                                  "each account's lock must be its Mutex";
  harness::watched("transfer(2, 3, 60), while transfer(0, 1, 25) is paused holding a lock",
                   "accounts 2 and 3 are free: a transfer between them must not wait for one "
                   "between accounts 0 and 1 (one lock for the whole bank?)",
                   [&] { EXPECT_TRUE(bank.transfer(2, 3, 60)); });
  script.release_all();
  script.join_all();
  EXPECT_TRUE(paused_done);
  EXPECT_EQ(bank.balance(0), 75);
  EXPECT_EQ(bank.balance(1), 125);
  EXPECT_EQ(bank.balance(2), 40);
  EXPECT_EQ(bank.balance(3), 160);
}

// A transfer that finds account 1 held must sleep on its lock, not retry try_lock() on it: a
// paused transfer holds it until the test lets it go, so a second failed try_lock() on it is a
// retry loop (which two transfers in step can repeat for ever: livelock).
TEST(Liveness, L2_ATransferWaitsForAHeldAccountByBlocking) {
  WatchedBank bank(3, 100);
  Script script;
  bool holder_done = false;
  bool waiter_done = false;
  const CallRecord& holder =
      script.start("transfer(1, 2, 10), paused just after its first lock",
                   "the test lets it go once transfer(0, 1, 30) is waiting", kAfterFirstLock,
                   [&] { holder_done = bank.transfer(1, 2, 10); });
  script.wait_settled(holder);
  ASSERT_TRUE(holder.paused.load()) << "transfer(1, 2, 10) returned without taking an account "
                                       "lock: each account's lock must be its Mutex";
  const CallRecord& waiter =
      script.start("transfer(0, 1, 30), which needs account 1's lock, held", kCycleHint,
                   PausePoint{}, [&] { waiter_done = bank.transfer(0, 1, 30); });
  script.wait_settled(waiter);
  EXPECT_LT(waiter.polling_on.load(), 0)
      << "transfer(0, 1, 30) failed try_lock() twice on "
      << test_mutex::lock_name(waiter.polling_on.load())
      << " while transfer(1, 2, 10) held it paused: it retries instead of waiting. A "
         "try-and-back-off loop burns a core, and two transfers retrying in step never finish "
         "(livelock): block on the lock (lock(), or std::lock), in one global order";
  script.release_all();
  script.join_all();
  EXPECT_TRUE(holder_done);
  EXPECT_TRUE(waiter_done);
  EXPECT_EQ(bank.balance(0), 70);
  EXPECT_EQ(bank.balance(1), 120);
  EXPECT_EQ(bank.balance(2), 110);
}

// A snapshot takes every account's lock: in the transfers' order, or it deadlocks with them.
TEST(Liveness, L3_AnAuditAndATransferEachPausedAtTheirFirstLockBothComplete) {
  WatchedBank bank(3, 100);
  Script script;
  std::vector<std::int64_t> seen;
  bool moved = false;
  const CallRecord& audit = script.start("audit(), paused just after its first lock", kCycleHint,
                                         kAfterFirstLock, [&] { seen = bank.audit(); });
  script.wait_settled(audit);
  const CallRecord& transfer =
      script.start("transfer(0, 2, 40), paused just after its first lock", kCycleHint,
                   kAfterFirstLock, [&] { moved = bank.transfer(0, 2, 40); });
  script.wait_settled(transfer);
  script.release_all();
  script.join_all();
  EXPECT_TRUE(moved);
  const bool before = seen == std::vector<std::int64_t>{100, 100, 100};
  const bool after = seen == std::vector<std::int64_t>{60, 100, 140};
  EXPECT_TRUE(before || after) << "audit() saw a state the bank was never in";
}

TEST(Liveness, L3_ATotalAndATransferEachPausedAtTheirFirstLockBothComplete) {
  WatchedBank bank(3, 100);
  Script script;
  std::int64_t sum = -1;
  bool moved = false;
  const CallRecord& total = script.start("total(), paused just after its first lock", kCycleHint,
                                         kAfterFirstLock, [&] { sum = bank.total(); });
  script.wait_settled(total);
  const CallRecord& transfer =
      script.start("transfer(0, 2, 40), paused just after its first lock", kCycleHint,
                   kAfterFirstLock, [&] { moved = bank.transfer(0, 2, 40); });
  script.wait_settled(transfer);
  script.release_all();
  script.join_all();
  EXPECT_TRUE(moved);
  EXPECT_EQ(sum, 300);
}

}  // namespace
