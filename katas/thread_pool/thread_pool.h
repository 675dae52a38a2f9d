// KATA: thread_pool. Make this class correct and thread-safe. The contract is below; the tests are
// in tests/, the story and the hints in README.md. Run:  ./kata test thread_pool
//
// ThreadPool is a fixed-size executor: submit() hands it a task and gets a std::future for the
// task's result; `threads` pool threads run the tasks. Every method may be called from any number
// of threads at once, and from inside a task (a task runs on a pool thread), except shutdown(),
// shutdown_now() and the destructor, which must not be called from a task of the same pool.
//
// Guarantees:
//   - Exactly once (level 1): submit() either throws, and then its task never runs, or returns a
//     future, and then its task runs exactly once, on a pool thread, and never inside submit()
//     itself (submit() only queues it), unless shutdown_now() discards it while still queued.
//   - Threads (level 1): the pool runs its tasks on exactly `threads` threads, started by the
//     constructor and joined by the destructor (or by shutdown / shutdown_now).
//   - Progress (level 1): no pool thread sleeps while a task is queued: a task submitted while
//     some pool thread is free is run without waiting for any other task to finish, wherever it
//     was submitted from (a task that submits another and then blocks until it has run must not
//     hang while another pool thread is free). No order among tasks is promised, except at level 3.
//   - Work stealing (level 3): each pool thread has its own deque of tasks. A task submitted from
//     a pool thread goes onto that thread's own deque, and the owner takes the newest task from
//     its own deque first (LIFO). A pool thread whose own deque is empty takes (steals) the oldest
//     task from another's deque (FIFO), rather than sleeping (see Progress). Tasks submitted from
//     outside the pool may go anywhere.
//
//   Level 1: constructor, submit, futures (value, move-only result, exception), thread_count,
//            the destructor's drain; exactly once, threads, progress.
//   Level 2: shutdown, shutdown_now, submit once shutdown began, several shutdown callers.
//   Level 3: work stealing (per-thread deques, LIFO owner, FIFO thief) and wait(), which runs
//            queued tasks while it waits.
//
// Replace each `throw NotImplemented(...)` (and the TODO in the destructor) with your code; add
// members and includes as you need. At run time: start threads only in your objects and end them
// by the time those are destroyed; the benchmark checks that, and the contract, on the very object
// it measures.
#pragma once

#include <cstddef>
#include <future>
#include <type_traits>

#include "kata/not_implemented.h"

namespace kata {

class ThreadPool {
 public:
  // A pool of `threads` pool threads, started here. Throws std::invalid_argument if threads is 0.
  explicit ThreadPool(std::size_t threads) {
    (void)threads;
    throw NotImplemented("ThreadPool::ThreadPool");
  }

  // shutdown(): runs every task still queued, then joins every pool thread, and only then returns
  // (after shutdown() or shutdown_now() it has nothing left to do).
  ~ThreadPool() {
    // TODO: run what is still queued, stop and join the pool threads.
  }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues f (a callable taking no arguments; it need only be move-constructible, and so may its
  // result be) to run exactly once on a pool thread; returns at once, without waiting for f. The
  // future holds what f returns, or the exception f throws. Level 2: once shutdown() or
  // shutdown_now() has begun (in any thread), throws std::runtime_error and f never runs.
  template <class F>
  auto submit(F f) -> std::future<std::invoke_result_t<F>> {
    (void)f;
    throw NotImplemented("ThreadPool::submit");
  }

  // Level 2. Accepts no new task (submit() throws from now on), runs every task already queued
  // (those they try to submit are refused, as any other), then joins every pool thread, and only
  // then returns. Calling it again, or from several threads at once, is harmless: every call
  // returns once the queued tasks have run and the pool threads are joined.
  void shutdown() { throw NotImplemented("ThreadPool::shutdown"); }

  // Level 2. Accepts no new task, and discards every task still queued (none of them will run;
  // their futures hold a std::future_error with code std::future_errc::broken_promise by the time
  // it returns); tasks already running finish. Joins every pool thread, and only then returns the
  // number of tasks it discarded. During a shutdown() it discards what that has not run yet;
  // after one, it returns 0.
  std::size_t shutdown_now() { throw NotImplemented("ThreadPool::shutdown_now"); }

  // The number of pool threads given to the constructor.
  std::size_t thread_count() const { throw NotImplemented("ThreadPool::thread_count"); }

  // Level 3. Returns what f.get() returns (or throws what it throws), for `f` a future that
  // submit() of this pool returned. Called from a task (a pool thread), it does not block while
  // f is not ready: it runs queued tasks meanwhile (its own deque's first, then stolen ones), and
  // sleeps only while no task is queued, waking when f becomes ready or a task is queued. So a
  // task may wait for tasks it submitted, to any depth, on a pool of any size, without deadlock.
  // Called from any other thread it waits as f.get() does, and runs no task.
  template <class T>
  T wait(std::future<T>& f) {
    (void)f;
    throw NotImplemented("ThreadPool::wait");
  }
};

}  // namespace kata
