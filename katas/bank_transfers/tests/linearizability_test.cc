// Linearizability: many short seeded runs (2 and 4 threads, 6 to 14 calls each) on a bank of three
// accounts holding 10 each, every call recorded with its start and end, and each whole history
// checked against a sequential bank (bank_transfers_model.h): there must be one order of the calls,
// consistent with what finished before what started, in which the model gives every call the
// result it returned. Amounts up to 12, so refusals are common and each depends on the order. A
// failing history is shrunk to the calls that show the problem and drawn one line per thread
// (harness/lin/report.h); an "unknown" verdict (the checker's step budget ran out) fails too.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bank_transfers_model.h"
#include "harness/lin/history.h"
#include "harness/lin/runner.h"
#include "harness/param_name.h"
#include "harness/stress.h"
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
  // Runs the seeded series of short histories (harness/lin/runner.h); `call(bank, worker)` makes
  // one call of the worker's, drawn from its random stream.
  template <class Call>
  void check_histories(Call call) {
    const LinShape shape = GetParam();
    const BankModel model(kModelInitial);
    const auto make = [&](const harness::lin::SeededRun& run) {
      RecordedBank bank(shape.threads);
      run.run_workers(shape.threads, [&](harness::Worker& w, int) { call(bank, w); });
      return bank.history();
    };
    harness::lin::check_seeded_histories(model, {.runs = 80, .min_calls = 6, .max_calls = 14}, "",
                                         make);
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
