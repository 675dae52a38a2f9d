// KATA: rw_lock. Make this class a correct, fair reader-writer lock. The contract is below; the
// tests are in tests/, the story and the hints in README.md. Run:  ./kata test rw_lock
//
// RWLock lets any number of readers hold it at once (shared ownership), or one writer alone
// (exclusive ownership). It meets the standard's Lockable and SharedLockable requirements, so
// std::unique_lock<RWLock> and std::shared_lock<RWLock> work with it. Every method may be called
// from any number of threads at once. A thread never calls lock() or lock_shared() on a lock it
// already holds, and unlocks only what it holds.
//
//   Level 1: exclusion, sharing, and the try_ versions.
//   Level 2: no writer starvation: readers that keep overlapping cannot keep a writer out.
//   Level 3: no reader starvation either: fair both ways (phase-fair).
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
// Build it yourself: wrapping std::shared_mutex is not the exercise.
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
  // Level 2: a writer that waits gets in within a bounded number of later readers, however busy
  // the readers are.
  void lock() { throw NotImplemented("RWLock::lock"); }

  // Takes exclusive ownership if that is possible right now; never blocks. False if any reader or
  // writer holds the lock (and it may be false while other writers wait for it). True on a lock
  // nobody holds or waits for.
  bool try_lock() { throw NotImplemented("RWLock::try_lock"); }

  // Releases exclusive ownership.
  void unlock() { throw NotImplemented("RWLock::unlock"); }

  // Shared ownership (a reader) ----------------------------------------------------------------

  // Blocks until the calling thread holds the lock shared. While other readers hold it and no
  // writer holds or waits for it, it returns at once: readers really share.
  // Level 3: a reader that waits gets in within a bounded number of later writers.
  void lock_shared() { throw NotImplemented("RWLock::lock_shared"); }

  // Takes shared ownership if that is possible right now; never blocks. False if a writer holds
  // the lock (and it may be false while a writer waits for it). True while only readers hold it
  // and no writer waits.
  bool try_lock_shared() { throw NotImplemented("RWLock::try_lock_shared"); }

  // Releases shared ownership.
  void unlock_shared() { throw NotImplemented("RWLock::unlock_shared"); }
};

}  // namespace kata
