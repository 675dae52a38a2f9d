// Reference solution of the rw_lock kata: a phase-fair reader-writer lock on one std::mutex and two
// std::condition_variables.
//
// The policy (phase-fair): readers and writers take turns in phases.
//  - A reader enters at once if no writer holds the lock or waits for it. Otherwise it joins the
//    next read phase, which begins when the current (or next) writer leaves.
//  - Writers queue in ticket (FIFO) order. The writer at the head waits until no writer is inside
//    and every reader of the current read phase has left.
//  - When a writer leaves, every reader that was waiting is admitted at once, as one batch (the
//    writer counts them in itself: a direct hand-off). The next writer waits for that batch to
//    drain.
//
// Why it is correct:
//  - Exclusion. All state is read and written only with mutex_ held. A writer enters only when
//    active_readers_ == 0 and no writer is inside, and sets writer_inside_ in the same critical
//    section; readers are counted in active_readers_ only while writer_inside_ is false (the fast
//    path checks it; the batch hand-off happens right after the writer cleared it). So a writer
//    never overlaps a reader or another writer.
//  - Readers share: a reader that finds no writer inside or queued enters without waiting for
//    anyone, whatever the number of readers inside.
//  - No writer starvation: once a writer has taken a ticket, no reader gets in through the fast
//    path any more; readers get in only in the batch a leaving writer admits, and each writer
//    queued before this one admits at most one batch, which then drains in finite time. So a
//    waiting writer waits for the readers inside, then for the writers queued before it, each
//    followed by at most one read phase: a bound that does not grow however many readers arrive.
//  - No reader starvation: a waiting reader is admitted by the very next writer's unlock, so at
//    most one writer (the one inside, or the one at the head of the queue) enters before it.
//  - No lost wake-ups: every change that can make a waiter's condition true (a writer leaving, the
//    last reader leaving) is made under mutex_ and followed by a notify; waiters re-check their
//    condition under mutex_ (the predicate form of wait), so spurious wake-ups are harmless.
//    Writers wait on one condition variable with different tickets, so they are woken with
//    notify_all: notify_one could wake a writer whose turn it is not, and the signal would be lost.
//  - The try_ versions take the mutex (held only for a few instructions by anyone) and never wait
//    on a condition variable, so they never block. try_lock also fails when a writer is queued, so
//    it cannot jump the queue.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace solution {

class RWLock {
 public:
  RWLock() = default;
  RWLock(const RWLock&) = delete;
  RWLock& operator=(const RWLock&) = delete;

  // Exclusive ownership (a writer).
  void lock() {
    std::unique_lock guard(mutex_);
    const std::uint64_t ticket = next_ticket_++;
    writers_cv_.wait(
        guard, [&] { return ticket == now_serving_ && !writer_inside_ && active_readers_ == 0; });
    writer_inside_ = true;
  }

  bool try_lock() {
    std::lock_guard guard(mutex_);
    if (writer_inside_ || active_readers_ != 0 || writers_queued()) return false;
    ++next_ticket_;  // take the head ticket and enter at once
    writer_inside_ = true;
    return true;
  }

  void unlock() {
    std::lock_guard guard(mutex_);
    writer_inside_ = false;
    ++now_serving_;  // the next writer's turn, once this phase's readers have left
    if (waiting_readers_ > 0) {
      // Phase change: admit every waiting reader as one batch, before the next writer.
      active_readers_ += waiting_readers_;
      waiting_readers_ = 0;
      ++read_phase_;
      readers_cv_.notify_all();
    } else {
      writers_cv_.notify_all();
    }
  }

  // Shared ownership (a reader).
  void lock_shared() {
    std::unique_lock guard(mutex_);
    if (!writer_inside_ && !writers_queued()) {
      ++active_readers_;
      return;
    }
    // A writer is inside or waiting: wait for the next read phase. The writer that starts it has
    // already counted this reader in active_readers_.
    ++waiting_readers_;
    const std::uint64_t phase = read_phase_;
    readers_cv_.wait(guard, [&] { return read_phase_ != phase; });
  }

  bool try_lock_shared() {
    std::lock_guard guard(mutex_);
    if (writer_inside_ || writers_queued()) return false;
    ++active_readers_;
    return true;
  }

  void unlock_shared() {
    std::lock_guard guard(mutex_);
    --active_readers_;
    if (active_readers_ == 0 && writers_queued()) writers_cv_.notify_all();
  }

 private:
  // A writer holds a ticket that has not been served: it is inside or waiting.
  bool writers_queued() const { return next_ticket_ != now_serving_; }

  std::mutex mutex_;
  std::condition_variable readers_cv_;  // readers waiting for the next read phase
  std::condition_variable writers_cv_;  // writers waiting for their turn and for readers to drain
  int active_readers_ = 0;              // readers inside, or admitted and about to wake
  int waiting_readers_ = 0;             // readers waiting for the next read phase
  bool writer_inside_ = false;
  std::uint64_t read_phase_ = 0;   // bumped each time a writer admits a batch of readers
  std::uint64_t next_ticket_ = 0;  // writers: the next ticket to hand out
  std::uint64_t now_serving_ = 0;  // writers: the ticket whose turn it is
};

}  // namespace solution
