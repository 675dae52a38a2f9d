// Linearizability: many short seeded runs (2 and 4 threads, 6 to 14 calls each) on a bank of three
// accounts holding 10 each, every call recorded with its start and end, and each whole history
// checked against a sequential bank (bank_model.h): there must be one order of the calls,
// consistent with what finished before what started, in which the model gives every call the
// result it returned. Amounts up to 12, so refusals are common and each depends on the order. A
// failing history is shrunk to the calls that show the problem and drawn one line per thread
// (harness/lin/report.h); an "unknown" verdict (the checker's step budget ran out) fails too.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bank_model.h"
#include "harness/config.h"
#include "harness/lin/checker.h"
#include "harness/lin/history.h"
#include "harness/lin/report.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "watched_bank.h"

namespace {

constexpr std::int64_t kModelInitial = 10;

struct LinShape {
  int threads;
};
const auto lin_shape_name = harness::name_params(std::pair{"t", &LinShape::threads});

// The bank under test with every call recorded (and watched, through WatchedBank).
class RecordedBank {
 public:
  explicit RecordedBank(int threads) : recorder_(threads) {}
  void transfer(int t, std::size_t from, std::size_t to, std::int64_t amount) {
    recorder_.record(t, BankOp{BankOp::kTransfer, from, to, amount}, [&] {
      return BankResult{bank_.transfer(from, to, amount), 0, {}};
    });
  }
  void balance(int t, std::size_t account) {
    recorder_.record(t, BankOp{BankOp::kBalance, account, 0, 0}, [&] {
      return BankResult{false, bank_.balance(account), {}};
    });
  }
  void total(int t) {
    recorder_.record(t, BankOp{BankOp::kTotal, 0, 0, 0}, [&] {
      return BankResult{false, bank_.total(), {}};
    });
  }
  void audit(int t) {
    recorder_.record(t, BankOp{BankOp::kAudit, 0, 0, 0}, [&] {
      const std::vector<std::int64_t> seen = bank_.audit();
      BankResult result;
      for (std::size_t i = 0; i < result.all.size() && i < seen.size(); ++i) {
        result.all[i] = seen[i];
      }
      if (seen.size() != kModelAccounts) {  // a result the model never gives
        result.ok = true;
        result.value = static_cast<std::int64_t>(seen.size());
      }
      return result;
    });
  }
  harness::lin::History<BankOp, BankResult> history() const { return recorder_.history(); }

 private:
  WatchedBank bank_{kModelAccounts, kModelInitial};
  harness::lin::Recorder<BankOp, BankResult> recorder_;
};

class Linearizability : public testing::TestWithParam<LinShape> {
 protected:
  // `call(bank, worker)` makes one call of the worker's, drawn from its random stream.
  template <class Call>
  void check_histories(Call call) {
    const LinShape shape = GetParam();
    const int runs = harness::scaled(80);
    std::atomic<int> run{0};
    harness::describe_state([&] {
      return "history " + std::to_string(run.load() + 1) + " of " + std::to_string(runs);
    });
    const BankModel model(kModelInitial);
    std::uint64_t max_steps = 0;
    for (int k = 0; k < runs; ++k) {
      run.store(k);
      RecordedBank bank(shape.threads);
      std::mt19937_64 rng(harness::seed() * 1000003 + static_cast<std::uint64_t>(k));
      const int ops = static_cast<int>(6 + rng() % 9);
      harness::Crew crew;
      crew.add("worker", shape.threads, [&](harness::Worker& w) {
        for (int i = 0; i < ops; ++i) {
          call(bank, w);
          w.perturb();
        }
      });
      crew.run();
      const auto history = bank.history();
      const auto outcome = harness::lin::check(model, history);
      max_steps = std::max(max_steps, outcome.steps);
      if (outcome.verdict != harness::lin::Verdict::kLinearizable) {
        std::ostringstream context;
        context << "history " << k + 1 << " of " << runs << ", seed " << harness::seed();
        FAIL() << harness::lin::explain(model, history, outcome, context.str());
      }
    }
    RecordProperty("max_checker_steps", std::to_string(max_steps));
  }
};

std::size_t any_account(harness::Worker& w) {
  return static_cast<std::size_t>(w.uniform(0, kModelAccounts - 1));
}

TEST_P(Linearizability, L2_TransferAndBalanceHistories) {
  check_histories([](RecordedBank& bank, harness::Worker& w) {
    if (w.chance(0.7)) {
      bank.transfer(w.index(), any_account(w), any_account(w), w.uniform(1, 12));
    } else {
      bank.balance(w.index(), any_account(w));
    }
  });
}

TEST_P(Linearizability, L3_TransferAndSnapshotHistories) {
  check_histories([](RecordedBank& bank, harness::Worker& w) {
    const std::int64_t r = w.uniform(0, 9);
    if (r < 6) {
      bank.transfer(w.index(), any_account(w), any_account(w), w.uniform(1, 12));
    } else if (r < 8) {
      bank.audit(w.index());
    } else {
      bank.total(w.index());
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Threads, Linearizability, testing::Values(LinShape{2}, LinShape{4}),
                         lin_shape_name);

}  // namespace
