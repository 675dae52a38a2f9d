// Flawed: the first draft most candidates write: lock the source account, then the destination,
// with two lock_guards. Correct on one thread; A->B beside B->A deadlocks.
// expect-level: 1
// expect-caught-by: Liveness.L2_OppositeTransfersEachPausedAtTheirFirstLockBothComplete hang
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

template <class Mutex = std::mutex>
class Bank {
 public:
  Bank(std::size_t accounts, std::int64_t initial_balance)
      : locks_(std::make_unique<Mutex[]>(accounts)), balances_(accounts, initial_balance) {
    if (initial_balance < 0) throw std::invalid_argument("Bank: negative initial balance");
  }

  Bank(const Bank&) = delete;
  Bank& operator=(const Bank&) = delete;

  bool transfer(std::size_t from, std::size_t to, std::int64_t amount) {
    check(from);
    check(to);
    if (amount <= 0) throw std::invalid_argument("Bank::transfer: amount must be positive");
    if (from == to) return true;
    std::lock_guard from_lock(locks_[from]);
    std::lock_guard to_lock(locks_[to]);
    if (balances_[from] < amount) return false;
    balances_[from] -= amount;
    balances_[to] += amount;
    return true;
  }

  std::int64_t balance(std::size_t account) const {
    check(account);
    std::lock_guard lock(locks_[account]);
    return balances_[account];
  }

  std::int64_t total() const {
    std::int64_t sum = 0;
    for (std::int64_t b : audit()) sum += b;
    return sum;
  }

  std::vector<std::int64_t> audit() const {
    for (std::size_t i = 0; i < balances_.size(); ++i) locks_[i].lock();
    std::vector<std::int64_t> copy = balances_;
    for (std::size_t i = 0; i < balances_.size(); ++i) locks_[i].unlock();
    return copy;
  }

 private:
  void check(std::size_t account) const {
    if (account >= balances_.size()) throw std::out_of_range("Bank: no such account");
  }

  std::unique_ptr<Mutex[]> locks_;
  std::vector<std::int64_t> balances_;
};

}  // namespace kata
