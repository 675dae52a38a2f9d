// The naive baseline for the bank_transfers benchmark: every balance behind one std::mutex, what a
// candidate writes first to be safe. No deadlock is possible and a snapshot is trivial, but no two
// transfers ever run at once: the per-account bank is measured against it, not assumed to beat it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <vector>

namespace baseline {

class GlobalMutexBank {
 public:
  GlobalMutexBank(std::size_t accounts, std::int64_t initial_balance)
      : balances_(accounts, initial_balance) {}

  bool transfer(std::size_t from, std::size_t to, std::int64_t amount) {
    std::lock_guard lock(mutex_);
    if (balances_[from] < amount) return false;
    balances_[from] -= amount;
    balances_[to] += amount;
    return true;
  }

  std::int64_t total() const {
    std::lock_guard lock(mutex_);
    return std::accumulate(balances_.begin(), balances_.end(), std::int64_t{0});
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::int64_t> balances_;
};

}  // namespace baseline
