// Interleavings: the races a stress test meets only by luck, made certain. A scripted call
// (test_mutex.h) is paused at a chosen instant (just after its first unlock, just after its second
// lock) while another call runs, then let go: a funds check and its debit split across two
// critical sections, or a snapshot taken one account at a time, then give a wrong answer every
// run, and a correct bank makes the other call wait (or lets it through) without harm.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "test_mutex.h"
#include "watched_bank.h"

namespace {

constexpr std::int64_t kStartBalance = 100;
constexpr const char* kLetGoHint = "the test lets it go once the other call has returned or waits";

// Account 0 holds 100; two transfers of 60 from it: exactly one may succeed. The first is paused
// just after its first unlock: a transfer that checked the funds, unlocked, and will take its locks
// again to debit is paused between the two, and the second transfer passes the same check.
TEST(Interleaving, L2_AFundsCheckAndItsDebitAreOneStep) {
  WatchedBank bank(3, kStartBalance);
  Script script;
  bool first = false;
  bool second = false;
  const CallRecord& a =
      script.start("transfer(0, 1, 60), paused just after its first unlock", kLetGoHint,
                   PausePoint{0, 1}, [&] { first = bank.transfer(0, 1, 60); });
  script.wait_settled(a);
  const CallRecord& b =
      script.start("transfer(0, 2, 60), while transfer(0, 1, 60) is paused", kLetGoHint,
                   PausePoint{}, [&] { second = bank.transfer(0, 2, 60); });
  script.wait_settled(b);
  script.release_all();
  script.join_all();
  EXPECT_NE(first, second) << "account 0 held 100: exactly one of two transfers of 60 from it "
                              "succeeds (first returned "
                           << first << ", second " << second << ")";
  const std::vector<std::int64_t> balances{bank.balance(0), bank.balance(1), bank.balance(2)};
  const std::vector<std::int64_t> one_moved{40, 160, 100};
  const std::vector<std::int64_t> other_moved{40, 100, 160};
  EXPECT_TRUE(balances == one_moved || balances == other_moved)
      << "balances " << balances[0] << ", " << balances[1] << ", " << balances[2]
      << ": a funds check and the debit it allows must be one critical section (a balance "
         "written from a value read before the lock was let go loses the other update)";
}

// total() (or audit()) paused just after its second lock; meanwhile transfer(0, 2, 50) runs. A
// snapshot that holds every lock it has taken makes the transfer wait; one that let account 0's
// lock go after reading it lets the transfer move 50 it has counted into account 2, which it has
// not read yet: it counts 50 twice.
TEST(Interleaving, L3_ATotalPausedAtItsSecondLockCountsNothingTwice) {
  WatchedBank bank(3, kStartBalance);
  Script script;
  std::int64_t sum = -1;
  bool moved = false;
  const CallRecord& s = script.start("total(), paused just after its second lock", kLetGoHint,
                                     PausePoint{2, 0}, [&] { sum = bank.total(); });
  script.wait_settled(s);
  const CallRecord& t = script.start("transfer(0, 2, 50), while total() is paused", kLetGoHint,
                                     PausePoint{}, [&] { moved = bank.transfer(0, 2, 50); });
  script.wait_settled(t);
  script.release_all();
  script.join_all();
  EXPECT_TRUE(moved);
  EXPECT_EQ(sum, 3 * kStartBalance)
      << "total() is the sum at one instant: hold every account's lock "
         "until every balance is read";
}

TEST(Interleaving, L3_AnAuditPausedAtItsSecondLockSeesOneInstant) {
  WatchedBank bank(3, kStartBalance);
  Script script;
  std::vector<std::int64_t> seen;
  bool moved = false;
  const CallRecord& s = script.start("audit(), paused just after its second lock", kLetGoHint,
                                     PausePoint{2, 0}, [&] { seen = bank.audit(); });
  script.wait_settled(s);
  const CallRecord& t = script.start("transfer(0, 2, 50), while audit() is paused", kLetGoHint,
                                     PausePoint{}, [&] { moved = bank.transfer(0, 2, 50); });
  script.wait_settled(t);
  script.release_all();
  script.join_all();
  EXPECT_TRUE(moved);
  const bool before = seen == std::vector<std::int64_t>{100, 100, 100};
  const bool after = seen == std::vector<std::int64_t>{50, 100, 150};
  EXPECT_TRUE(before || after) << "audit() returned a state the bank was never in: hold every "
                                  "account's lock until every balance is read";
}

}  // namespace
