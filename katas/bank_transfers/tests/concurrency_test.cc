// Concurrency: seeded stress with exact bookkeeping, and scripted interleavings (test_mutex.h) for
// the races a stress test meets only by luck.
//
// Stress: threads make random transfers (some refused for lack of funds, some from an account to
// itself), each thread recording the net effect of the transfers that returned true; at the end
// every balance must be the initial one plus those effects, exactly. Few accounts, so that threads
// collide on them. Thread counts above the core count are there on purpose (oversubscription
// shakes the schedule on 2 cores). Reader threads check every balance() (level 2), or every total()
// and audit() (level 3), meanwhile.
// The races a stress test meets only by luck are made certain in interleaving_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "harness/config.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "watched_bank.h"

namespace {

using harness::Worker;

constexpr std::int64_t kInitial = 100;

// `transferers` threads make random transfers between `accounts` accounts while `readers` threads
// read: balance() at level 2, total() and audit() at level 3.
struct StressShape {
  int transferers;
  int readers;
  int accounts;
};
const auto stress_shape_name = harness::name_params(std::pair{"t", &StressShape::transferers},
                                                    std::pair{"r", &StressShape::readers},
                                                    std::pair{"acc", &StressShape::accounts});

// Each thread's record of the transfers that returned true: the net change of every account.
class Ledger {
 public:
  Ledger(int threads, int accounts)
      : net_(static_cast<std::size_t>(threads),
             std::vector<std::int64_t>(static_cast<std::size_t>(accounts), 0)) {}
  void moved(int thread, std::size_t from, std::size_t to, std::int64_t amount) {
    auto& row = net_[static_cast<std::size_t>(thread)];
    row[from] -= amount;
    row[to] += amount;
    moves_.fetch_add(1, std::memory_order_relaxed);
  }
  void refused() { refusals_.fetch_add(1, std::memory_order_relaxed); }
  std::int64_t expected(std::size_t account) const {
    std::int64_t balance = kInitial;
    for (const auto& row : net_) balance += row[account];
    return balance;
  }
  std::int64_t moves() const { return moves_.load(); }
  std::string describe() const {
    return std::to_string(moves_.load()) + " transfers made, " + std::to_string(refusals_.load()) +
           " refused for lack of funds";
  }

 private:
  std::vector<std::vector<std::int64_t>> net_;  // [thread][account], each thread its own row
  std::atomic<std::int64_t> moves_{0};
  std::atomic<std::int64_t> refusals_{0};
};

// `ops` random transfers between `accounts` accounts (amounts up to 80% of the initial balance,
// so some are refused, and now and then from an account to itself), recorded in `ledger`.
void random_transfers(WatchedBank& bank, Ledger& ledger, Worker& w, int accounts, int ops) {
  for (int i = 0; i < ops; ++i) {
    const auto from = static_cast<std::size_t>(w.uniform(0, accounts - 1));
    const auto to = static_cast<std::size_t>(w.uniform(0, accounts - 1));
    const std::int64_t amount = w.uniform(1, kInitial * 8 / 10);
    if (bank.transfer(from, to, amount)) {
      if (from != to) ledger.moved(w.index(), from, to, amount);
    } else {
      ledger.refused();
    }
    if (i % 64 == 0) w.perturb();
  }
}

class Concurrency : public testing::TestWithParam<StressShape> {
 protected:
  // Runs the transferers and, until they are done (and at least 20 times), the readers' read(),
  // then checks every balance against the ledger.
  template <class Read>
  void run(WatchedBank& bank, int ops, Read read) {
    const StressShape shape = GetParam();
    Ledger ledger(shape.transferers, shape.accounts);
    std::atomic<int> transferring{shape.transferers};
    std::atomic<std::int64_t> reads{0};
    harness::describe_state(
        [&] { return ledger.describe() + ", " + std::to_string(reads.load()) + " reads"; });
    harness::Crew crew;
    crew.add("transferer", shape.transferers, [&](Worker& w) {
      random_transfers(bank, ledger, w, shape.accounts, ops / shape.transferers + 1);
      transferring.fetch_sub(1);
    });
    crew.add("reader", shape.readers, [&](Worker& w) {
      for (int i = 0; transferring.load() > 0 || i < 20; ++i) {
        read(w, i);
        reads.fetch_add(1, std::memory_order_relaxed);
        if (i % 16 == 0) w.perturb();
      }
    });
    crew.run();
    EXPECT_GT(ledger.moves(), 0) << "no transfer succeeded: " << ledger.describe();
    for (int a = 0; a < shape.accounts; ++a) {
      const auto account = static_cast<std::size_t>(a);
      EXPECT_EQ(bank.balance(account), ledger.expected(account))
          << "balance(" << a << ") after " << ledger.describe() << ": the initial " << kInitial
          << " plus the transfers into it minus those out of it that returned true (a lost "
             "update, or a debit not checked under the lock?)";
    }
  }
  std::atomic<int> reported_{0};
};

// Level 2: no deadlock (the watchdog), no lost update, no overdraft (balance() never negative),
// money conserved.
TEST_P(Concurrency, L2_EveryBalanceIsWhatItsTransfersMadeIt) {
  const StressShape shape = GetParam();
  WatchedBank bank(static_cast<std::size_t>(shape.accounts), kInitial);
  run(bank, harness::scaled(100000), [&](Worker& w, int) {
    const auto account = static_cast<std::size_t>(w.uniform(0, shape.accounts - 1));
    if (const std::int64_t b = bank.balance(account); b < 0 && reported_.fetch_add(1) < 3) {
      ADD_FAILURE() << "balance(" << account << ") = " << b << ": a balance is never negative";
    }
  });
}

// Level 3: every total() is the initial sum, every audit() sums to it with no negative balance,
// while transfers run.
TEST_P(Concurrency, L3_EverySnapshotSumsToTheInitialTotal) {
  const StressShape shape = GetParam();
  const std::int64_t sum = kInitial * shape.accounts;
  WatchedBank bank(static_cast<std::size_t>(shape.accounts), kInitial);
  run(bank, harness::scaled(60000), [&](Worker&, int i) {
    if (i % 2 == 0) {
      if (const std::int64_t t = bank.total(); t != sum && reported_.fetch_add(1) < 3) {
        ADD_FAILURE() << "total() = " << t << " while transfers ran; the accounts always hold "
                      << sum << " in all (a sum read without the accounts' locks, or one "
                      << "account at a time?)";
      }
      return;
    }
    const std::vector<std::int64_t> seen = bank.audit();
    const std::int64_t seen_sum = std::accumulate(seen.begin(), seen.end(), std::int64_t{0});
    const bool negative =
        std::any_of(seen.begin(), seen.end(), [](std::int64_t b) { return b < 0; });
    if ((seen.size() != static_cast<std::size_t>(shape.accounts) || seen_sum != sum || negative) &&
        reported_.fetch_add(1) < 3) {
      ADD_FAILURE() << "audit() returned " << seen.size() << " balances summing to " << seen_sum
                    << (negative ? ", one negative" : "") << "; the bank has " << shape.accounts
                    << " accounts holding " << sum << " in all";
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Threads, Concurrency,
                         testing::Values(StressShape{2, 1, 2}, StressShape{4, 2, 4},
                                         StressShape{8, 2, 16}),
                         stress_shape_name);

}  // namespace
