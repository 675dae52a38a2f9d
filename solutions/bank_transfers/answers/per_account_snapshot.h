// Flawed: transfers right (both locks, lower account first), but total() and audit() read each
// account under its own lock, one at a time: every read is safe, the whole is no snapshot.
// expect-level: 2
// expect-caught-by: Interleaving.L3_ATotalPausedAtItsSecondLockCountsNothingTwice assertion
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

template <class Mutex = std::mutex>
class Bank {
 public:
  Bank(std::size_t accounts, std::int64_t initial_balance) : accounts_(accounts) {
    if (initial_balance < 0) throw std::invalid_argument("Bank: negative initial balance");
    for (Account& a : accounts_) a.cents = initial_balance;
  }

  Bank(const Bank&) = delete;
  Bank& operator=(const Bank&) = delete;

  bool transfer(std::size_t from, std::size_t to, std::int64_t amount) {
    Account& src = account(from);
    Account& dst = account(to);
    if (amount <= 0) throw std::invalid_argument("Bank::transfer: amount must be positive");
    if (from == to) return true;
    std::unique_lock first(from < to ? src.mutex : dst.mutex);
    std::unique_lock second(from < to ? dst.mutex : src.mutex);
    if (src.cents < amount) return false;
    src.cents -= amount;
    dst.cents += amount;
    return true;
  }

  std::int64_t balance(std::size_t index) const {
    const Account& a = const_cast<Bank*>(this)->account(index);
    std::lock_guard lock(a.mutex);
    return a.cents;
  }

  std::int64_t total() const {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < accounts_.size(); ++i) sum += balance(i);
    return sum;
  }

  std::vector<std::int64_t> audit() const {
    std::vector<std::int64_t> result;
    for (std::size_t i = 0; i < accounts_.size(); ++i) result.push_back(balance(i));
    return result;
  }

 private:
  struct Account {
    mutable Mutex mutex;
    std::int64_t cents = 0;
  };

  Account& account(std::size_t index) {
    if (index >= accounts_.size()) throw std::out_of_range("Bank: no such account");
    return accounts_[index];
  }

  std::deque<Account> accounts_;
};

}  // namespace kata
