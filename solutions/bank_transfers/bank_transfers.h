// Reference solution of the bank_transfers kata: one mutex per account, always taken in the order
// of the account numbers.
//
// Why it is correct, in short:
//  - A balance is read and written only with its account's lock held, so the reads and writes of
//    one account are totally ordered, and a transfer, which holds both of its accounts' locks from
//    its funds check to its last write, is atomic: no other call sees one balance changed and not
//    the other, and no other call changes `from` between the check and the debit (no lost update,
//    no overdraft). Its linearization point is any instant while it holds both locks.
//  - No deadlock: a deadlock needs a cycle of threads, each holding a lock the next one waits for.
//    Every call here takes its locks in increasing account order and waits only for a lock above
//    every lock it holds; along a cycle the waited-for locks would have to increase forever, which
//    a finite cycle cannot do. So no cycle, whatever the scheduler does (Coffman's circular-wait
//    condition is what lock ordering removes; the other three, mutual exclusion, hold-and-wait and
//    no preemption, all stay).
//  - from == to returns before locking: a std::mutex is not recursive, and locking it twice on one
//    thread is undefined behaviour (in practice, a thread waiting for itself).
//  - total() and audit() hold every account's lock at once, taken in the same increasing order (so
//    they join the ordering argument above), and read only then: the values they read are the
//    balances at any instant while all the locks are held, a state the bank was in, whose sum is
//    the initial sum because every transfer conserves it. Reading one account at a time, each under
//    its own lock, would not do: a transfer from an account already read to one not yet read would
//    be counted twice.
//  - Waiting is blocking: a thread that needs a lock someone holds sleeps in lock(); it never
//  spins.
//  - Unrelated transfers do not wait for each other: a transfer takes only its two accounts' locks.
//    Snapshots stop every transfer while they hold all the locks: that is what a snapshot needs
//    with per-account locks alone (a reader-writer lock beside them, or per-account versions,
//    trades that for cost on every transfer: see the README's follow-ups).
//  - Each account sits on its own cache line (alignas), so transfers between unrelated accounts
//    do not slow each other down through false sharing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace solution {

template <class Mutex = std::mutex>
class Bank {
 public:
  Bank(std::size_t accounts, std::int64_t initial_balance) : accounts_(accounts) {
    if (initial_balance < 0) {
      throw std::invalid_argument("Bank: a negative initial balance");
    }
    // Before the Bank is shared with any other thread: no lock needed.
    for (Account& account : accounts_) account.balance = initial_balance;
  }

  Bank(const Bank&) = delete;
  Bank& operator=(const Bank&) = delete;

  bool transfer(std::size_t from, std::size_t to, std::int64_t amount) {
    check_account(from);
    check_account(to);
    if (amount <= 0) throw std::invalid_argument("Bank::transfer: the amount must be positive");
    if (from == to) return true;
    const std::size_t low = std::min(from, to);
    const std::size_t high = std::max(from, to);
    std::lock_guard first(accounts_[low].lock);
    std::lock_guard second(accounts_[high].lock);
    if (accounts_[from].balance < amount) return false;
    accounts_[from].balance -= amount;
    accounts_[to].balance += amount;
    return true;
  }

  std::int64_t balance(std::size_t account) const {
    check_account(account);
    std::lock_guard lock(accounts_[account].lock);
    return accounts_[account].balance;
  }

  std::int64_t total() const {
    const std::vector<std::unique_lock<Mutex>> locks = lock_all();
    std::int64_t sum = 0;
    for (const Account& account : accounts_) sum += account.balance;
    return sum;
  }

  std::vector<std::int64_t> audit() const {
    std::vector<std::int64_t> balances;
    balances.reserve(accounts_.size());  // no allocation while every lock is held
    const std::vector<std::unique_lock<Mutex>> locks = lock_all();
    for (const Account& account : accounts_) balances.push_back(account.balance);
    return balances;
  }

 private:
  struct alignas(64) Account {
    mutable Mutex lock;
    std::int64_t balance = 0;
  };

  void check_account(std::size_t account) const {
    if (account >= accounts_.size()) {
      throw std::out_of_range("Bank: no account " + std::to_string(account) + " (there are " +
                              std::to_string(accounts_.size()) + ")");
    }
  }

  // Every account's lock, taken in increasing account order: the order transfers use.
  std::vector<std::unique_lock<Mutex>> lock_all() const {
    std::vector<std::unique_lock<Mutex>> locks;
    locks.reserve(accounts_.size());
    for (const Account& account : accounts_) locks.emplace_back(account.lock);
    return locks;
  }

  // Sized once, never resized: an Account (its Mutex) cannot move.
  std::vector<Account> accounts_;
};

}  // namespace solution
