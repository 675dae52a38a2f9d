// The bank under test, on the tests' Mutex (test_mutex.h), with every call watched: if a call does
// not return, the watchdog's report names it (harness/watchdog.h); and every call is checked
// against the level rule (harness/level_rule.h): a test of level N may call only the methods of
// levels 1..N.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "harness/level_rule.h"
#include "harness/under_test.h"
#include "harness/watchdog.h"
#include "test_mutex.h"

class WatchedBank {
 public:
  using Bank = under_test::Bank<TestMutex>;

  WatchedBank(std::size_t accounts, std::int64_t initial_balance)
      : bank_(harness::call(kConstructor, [&] {
          // Account i's lock is the i-th Mutex the Bank constructs: number them from 0.
          test_mutex::next_number.store(0);
          return std::make_unique<Bank>(accounts, initial_balance);
        })) {}

  bool transfer(std::size_t from, std::size_t to, std::int64_t amount) {
    return harness::call(kTransfer, [&] { return bank_->transfer(from, to, amount); });
  }
  std::int64_t balance(std::size_t account) const {
    return harness::call(kBalance, [&] { return bank_->balance(account); });
  }
  std::int64_t total() const {
    return harness::call(kTotal, [&] { return bank_->total(); });
  }
  std::vector<std::int64_t> audit() const {
    return harness::call(kAudit, [&] { return bank_->audit(); });
  }

 private:
  static constexpr const char* kLockOrder =
      "a call waits only for the accounts it names, each held for a few instructions: a cycle of "
      "calls each holding a lock the next one waits for? Take the locks in one global order, the "
      "lower account number first, in every method (and never lock one account twice: from == "
      "to)";

  // Each method at the level bank_transfers.h's banner gives it (harness/level_rule.h).
  static constexpr harness::Method kConstructor{"Bank(accounts, initial_balance)", 1,
                                                "the constructor waits for nothing"};
  static constexpr harness::Method kTransfer{"transfer()", 1, kLockOrder};
  static constexpr harness::Method kBalance{"balance()", 1, kLockOrder};
  static constexpr harness::Method kTotal{"total()", 3, kLockOrder};
  static constexpr harness::Method kAudit{"audit()", 3, kLockOrder};

  std::unique_ptr<Bank> bank_;
};
