// Textbook: a vector of accounts, each a Mutex and a balance; transfer() takes both with one
// std::scoped_lock (std::lock avoids deadlock); total(), audit() lock every account in order.
// expect-level: 3
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

template <class Mutex = std::mutex>
class Bank {
 public:
  Bank(std::size_t accounts, std::int64_t initial_balance) : accounts_(accounts) {
    if (initial_balance < 0) throw std::invalid_argument("negative initial balance");
    for (auto& a : accounts_) a.balance = initial_balance;
  }

  Bank(const Bank&) = delete;
  Bank& operator=(const Bank&) = delete;

  bool transfer(std::size_t from, std::size_t to, std::int64_t amount) {
    if (from >= accounts_.size() || to >= accounts_.size()) throw std::out_of_range("account");
    if (amount <= 0) throw std::invalid_argument("amount");
    if (from == to) return true;
    Account& src = accounts_[from];
    Account& dst = accounts_[to];
    std::scoped_lock lock(src.m, dst.m);
    if (src.balance < amount) return false;
    src.balance -= amount;
    dst.balance += amount;
    return true;
  }

  std::int64_t balance(std::size_t account) const {
    const Account& a = accounts_.at(account);
    std::lock_guard lock(a.m);
    return a.balance;
  }

  std::int64_t total() const {
    std::int64_t sum = 0;
    for (std::int64_t b : audit()) sum += b;
    return sum;
  }

  std::vector<std::int64_t> audit() const {
    std::vector<std::unique_lock<Mutex>> locks;
    locks.reserve(accounts_.size());
    for (const auto& a : accounts_) locks.emplace_back(a.m);  // index order, like everyone
    std::vector<std::int64_t> result;
    result.reserve(accounts_.size());
    for (const auto& a : accounts_) result.push_back(a.balance);
    return result;
  }

 private:
  struct Account {
    mutable Mutex m;
    std::int64_t balance = 0;
  };
  std::vector<Account> accounts_;
};

}  // namespace kata
