// Advanced: transfers hold a bank-wide std::shared_mutex shared plus their two accounts' Mutexes
// (lower account first); a snapshot takes the shared_mutex alone, exclusively: one lock, not n.
// expect-level: 3
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

template <class Mutex = std::mutex>
class Bank {
 public:
  Bank(std::size_t accounts, std::int64_t initial_balance) : accounts_(accounts) {
    if (initial_balance < 0) throw std::invalid_argument("Bank: negative initial balance");
    for (Account& a : accounts_) a.balance = initial_balance;
  }

  Bank(const Bank&) = delete;
  Bank& operator=(const Bank&) = delete;

  bool transfer(std::size_t from, std::size_t to, std::int64_t amount) {
    check(from);
    check(to);
    if (amount <= 0) throw std::invalid_argument("Bank::transfer: amount must be positive");
    if (from == to) return true;
    // Shared: transfers run side by side; a snapshot (exclusive) waits for those under way and
    // holds off new ones while it reads. Always taken before any account's lock.
    std::shared_lock epoch(snapshot_);
    auto [low, high] = std::minmax(from, to);
    std::lock_guard first(accounts_[low].lock);
    std::lock_guard second(accounts_[high].lock);
    if (accounts_[from].balance < amount) return false;
    accounts_[from].balance -= amount;
    accounts_[to].balance += amount;
    return true;
  }

  std::int64_t balance(std::size_t account) const {
    check(account);
    std::lock_guard lock(accounts_[account].lock);
    return accounts_[account].balance;
  }

  // With the shared_mutex exclusive no transfer is inside its critical section, so no balance
  // changes while it reads, and the reads need no account lock.
  std::int64_t total() const {
    std::unique_lock all(snapshot_);
    std::int64_t sum = 0;
    for (const Account& a : accounts_) sum += a.balance;
    return sum;
  }

  std::vector<std::int64_t> audit() const {
    std::vector<std::int64_t> result;
    result.reserve(accounts_.size());
    std::unique_lock all(snapshot_);
    for (const Account& a : accounts_) result.push_back(a.balance);
    return result;
  }

 private:
  struct alignas(64) Account {
    mutable Mutex lock;
    std::int64_t balance = 0;
  };

  void check(std::size_t account) const {
    if (account >= accounts_.size()) throw std::out_of_range("Bank: no such account");
  }

  mutable std::shared_mutex snapshot_;
  std::vector<Account> accounts_;
};

}  // namespace kata
