// KATA: rw_lock. Make this class a correct, fair reader-writer lock. The contract is below; the
// tests are in tests/, the story and the hints in README.md. Run:  ./kata test rw_lock
//
// RWLock lets any number of readers hold it at once (shared ownership), or one writer alone
// (exclusive ownership). It meets the standard's Lockable and SharedLockable requirements, so
// std::unique_lock<RWLock> and std::shared_lock<RWLock> work with it. Every method may be called
// from any number of threads at once. A thread never calls lock() or lock_shared() on a lock it
// already holds, and unlocks only what it holds.
//
//   Level 1: exclusion, sharing, the try_ versions, and no lost wake-up: a waiting call returns
//            once the lock lets it in. The last reader out lets a waiting writer in; a writer out
//            lets in a waiting writer or the waiting readers, and, when no writer waits, every
//            waiting reader, together.
//   Level 2: no writer starvation: once a writer waits, at most 8 readers that arrive after it
//            get in before it, through lock_shared() or try_lock_shared(), however busy they are.
//   Level 3: no reader starvation either: once a reader waits, at most 8 writers that queue up
//            in lock() after it get in before it (phase-fair, or FIFO, lets in none).
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
// Build it yourself: wrapping std::shared_mutex is not the exercise.
// The header policy (docs/header_policy.md) is checked before anything is built: standard
// library includes only, everything in namespace kata, no macros, #if, file or process calls.
// At run time: start threads only in your objects and end them by the time those are
// destroyed; the benchmark checks that, and the contract, on the very object it measures.
#pragma once

#include "kata/not_implemented.h"

namespace kata {

class RWLock {
 public:
  RWLock() = default;
  RWLock(const RWLock&) = delete;
  RWLock& operator=(const RWLock&) = delete;

  // Exclusive ownership (a writer) -------------------------------------------------------------

  // Blocks until the calling thread holds the lock alone: no other writer and no reader inside.
  void lock() { throw NotImplemented("RWLock::lock"); }

  // Takes exclusive ownership if that is possible right now; never blocks. False while any reader
  // or writer holds the lock; true while nobody holds it or waits for it. (While a released lock
  // is being handed to a waiter, either answer is right.)
  bool try_lock() { throw NotImplemented("RWLock::try_lock"); }

  // Releases exclusive ownership.
  void unlock() { throw NotImplemented("RWLock::unlock"); }

  // Shared ownership (a reader) ----------------------------------------------------------------

  // Blocks until the calling thread holds the lock shared. While no writer holds or waits for it,
  // it returns at once, however many readers are inside: readers really share.
  void lock_shared() { throw NotImplemented("RWLock::lock_shared"); }

  // Takes shared ownership if that is possible right now; never blocks. False while a writer
  // holds the lock; true while no writer holds or waits for it. While a writer waits: either at
  // level 1; from level 2 a success counts among the later readers the level bounds.
  bool try_lock_shared() { throw NotImplemented("RWLock::try_lock_shared"); }

  // Releases shared ownership.
  void unlock_shared() { throw NotImplemented("RWLock::unlock_shared"); }
};

}  // namespace kata
