// KATA: bank_transfers. Make this class correct and thread-safe, with one lock per account. The
// contract is below; the tests are in tests/, the story and the hints in README.md. Run:
//   ./kata test bank_transfers
//
// Bank holds `accounts` accounts, numbered 0 .. accounts - 1, each with a balance in cents (an
// std::int64_t, never negative). transfer() moves money from one account to another, balance()
// reads one account, total() and audit() read them all. Every method may be called from any number
// of threads at once, except the destructor, which runs when no other call does.
//
// Locks: each account has its own lock, a `Mutex` (the template parameter), and the Bank makes
// account i's Mutex the i-th one it constructs (a std::vector<Mutex>(accounts), or a vector of
// account structs each holding one, does). Lock it through lock()/try_lock()/unlock() or any
// std:: lock wrapper (std::lock_guard, std::unique_lock, std::scoped_lock, std::lock). One lock for
// the whole bank is not an answer: a transfer must never wait for a transfer between two other
// accounts. Why a template parameter: the tests pass a Mutex of their own (a std::mutex that can
// pause the thread that has just taken it, or just let one go), so that a deadlock happens every
// run, not when the scheduler is unlucky; the benchmark uses the default, std::mutex.
//
// Guarantees:
//   - Atomic transfers (level 1): transfer() moves `amount` from `from` to `to` entirely or not at
//     all; it returns false, changing nothing, when `from` holds less than `amount` (it may hold
//     exactly `amount`: its balance becomes 0).
//   - No deadlock (level 2): any mix of concurrent transfers completes: A->B beside B->A, cycles of
//     three accounts and more, whatever the scheduler does (a thread paused just after taking a
//     lock, then let go, included).
//   - Money is conserved, no update is lost (level 2): under concurrent transfers every balance is
//     the initial one plus the transfers into it minus those out of it that returned true; a
//     balance is never negative; a funds check and the debit it allows are one step.
//   - Waiting (level 2): a transfer that needs an account another call holds waits for it by
//     blocking on that account's lock (lock(), or std::lock, which blocks on the lock it could not
//     get), never by retrying try_lock() on it while it stays held: a try-and-back-off loop burns
//     a core and two of them in step never finish (livelock). A transfer never waits for a
//     transfer between two other accounts.
//   - Snapshots (level 3): total() and audit() give the balances at one instant, however many
//     transfers run at once: total() is always the initial sum, audit() a state the bank was in.
//     They deadlock with no transfer: if they take the accounts' locks, they take them in the
//     order transfers do.
//
//   Level 1: Bank(accounts, initial_balance), transfer, balance, the errors; one thread.
//   Level 2: no deadlock, money conserved, no lost update, waiting by blocking, under any mix of
//            concurrent transfers (and balance()).
//   Level 3: total() and audit(): consistent snapshots under concurrent transfers.
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

template <class Mutex = std::mutex>
class Bank {
 public:
  // `accounts` accounts (0 or more), each holding `initial_balance`. Throws std::invalid_argument
  // if initial_balance is negative.
  Bank(std::size_t accounts, std::int64_t initial_balance) {
    (void)accounts, (void)initial_balance;
    throw NotImplemented("Bank::Bank");
  }

  Bank(const Bank&) = delete;
  Bank& operator=(const Bank&) = delete;

  // Moves `amount` from account `from` to account `to`, both or neither balance changing. Returns
  // true if it moved the money, false (changing nothing) if `from` holds less than `amount`.
  // from == to (both valid, amount > 0) is a no-op that returns true, whatever the balance, and
  // must not lock that account twice (a std::mutex locked twice by one thread never returns).
  // Throws std::out_of_range if `from` or `to` is not an account, else std::invalid_argument if
  // amount <= 0; nothing changes then.
  bool transfer(std::size_t from, std::size_t to, std::int64_t amount) {
    (void)from, (void)to, (void)amount;
    throw NotImplemented("Bank::transfer");
  }

  // The balance of `account` at one instant during the call. Throws std::out_of_range if it is
  // not an account.
  std::int64_t balance(std::size_t account) const {
    (void)account;
    throw NotImplemented("Bank::balance");
  }

  // Level 3. The sum of every balance at one instant during the call: the initial sum, however
  // many transfers run at once.
  std::int64_t total() const { throw NotImplemented("Bank::total"); }

  // Level 3. Every balance (index = account) at one instant during the call.
  std::vector<std::int64_t> audit() const { throw NotImplemented("Bank::audit"); }
};

}  // namespace kata
