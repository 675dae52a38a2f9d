// The queue under test, with every call watched: if a call does not return, the watchdog's report
// names it (see harness/watchdog.h). Tests use this instead of the bare class so a deadlock
// anywhere, even in a call that should never block, is reported by name rather than as a hung test;
// and so that every call is checked against the level rule (harness/level_rule.h): a test of level
// N may call only the methods of levels 1..N.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>

#include "harness/level_rule.h"
#include "harness/under_test.h"

template <class T>
class WatchedQueue {
 public:
  explicit WatchedQueue(std::size_t capacity) : queue_(capacity) {}

  bool push(T&& item) {
    return harness::call(kPush, [&] { return queue_.push(std::move(item)); });
  }
  bool push(const T& item) {
    return harness::call(kPush, [&] { return queue_.push(item); });
  }
  bool try_push(T&& item) {
    return harness::call(kTryPush, [&] { return queue_.try_push(std::move(item)); });
  }
  bool try_push(const T& item) {
    return harness::call(kTryPush, [&] { return queue_.try_push(item); });
  }
  template <class Rep, class Period>
  bool try_push_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    return harness::call(kTryPushFor,
                         [&] { return queue_.try_push_for(std::move(item), timeout); });
  }
  std::optional<T> pop() {
    return harness::call(kPop, [&] { return queue_.pop(); });
  }
  std::optional<T> try_pop() {
    return harness::call(kTryPop, [&] { return queue_.try_pop(); });
  }
  template <class Rep, class Period>
  std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    return harness::call(kTryPopFor, [&] { return queue_.try_pop_for(timeout); });
  }
  void close() {
    harness::call(kClose, [&] { queue_.close(); });
  }
  bool is_closed() const {
    return harness::call(kIsClosed, [&] { return queue_.is_closed(); });
  }
  std::size_t size() const {
    return harness::call(kSize, [&] { return queue_.size(); });
  }
  std::size_t capacity() const {
    return harness::call(kCapacity, [&] { return queue_.capacity(); });
  }

 private:
  static constexpr const char* kBlockingHint =
      "it may wait only while the queue is full (push) or empty (pop) and open: "
      "a lost wake-up, or a deadlock?";
  static constexpr const char* kNonBlockingHint = "this call never waits: a deadlock?";
  static constexpr const char* kTimedHint =
      "it must return by its timeout, and at once when it can proceed";

  static constexpr harness::Progress kObserves = harness::Progress::observes_only;

  // Each method at the level bounded_queue.h's banner gives it (harness/level_rule.h).
  static constexpr harness::Method kPush{"push()", 1, kBlockingHint};
  static constexpr harness::Method kPop{"pop()", 1, kBlockingHint};
  static constexpr harness::Method kSize{"size()", 1, kNonBlockingHint, kObserves};
  static constexpr harness::Method kCapacity{"capacity()", 1, kNonBlockingHint, kObserves};
  static constexpr harness::Method kTryPush{"try_push()", 2, kNonBlockingHint};
  static constexpr harness::Method kTryPop{"try_pop()", 2, kNonBlockingHint};
  static constexpr harness::Method kTryPushFor{"try_push_for()", 2, kTimedHint};
  static constexpr harness::Method kTryPopFor{"try_pop_for()", 2, kTimedHint};
  static constexpr harness::Method kClose{"close()", 3, kNonBlockingHint};
  static constexpr harness::Method kIsClosed{"is_closed()", 3, kNonBlockingHint, kObserves};

  under_test::BoundedQueue<T> queue_;
};
