// The queue under test, with every call watched: if a call does not return, the watchdog's report
// names it (see harness/watchdog.h). Tests use this instead of the bare class so a deadlock anywhere,
// even in a call that should never block, is reported by name rather than as a hung test.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>

#include "harness/under_test.h"
#include "harness/watchdog.h"

template <class T>
class WatchedQueue {
 public:
  explicit WatchedQueue(std::size_t capacity) : queue_(capacity) {}

  bool push(T&& item) {
    return harness::watched("push()", kBlockingHint, [&] { return queue_.push(std::move(item)); });
  }
  bool push(const T& item) {
    return harness::watched("push()", kBlockingHint, [&] { return queue_.push(item); });
  }
  bool try_push(T&& item) {
    return harness::watched("try_push()", kNonBlockingHint,
                            [&] { return queue_.try_push(std::move(item)); });
  }
  bool try_push(const T& item) {
    return harness::watched("try_push()", kNonBlockingHint, [&] { return queue_.try_push(item); });
  }
  template <class Rep, class Period>
  bool try_push_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    return harness::watched("try_push_for()", kTimedHint,
                            [&] { return queue_.try_push_for(std::move(item), timeout); });
  }
  std::optional<T> pop() {
    return harness::watched("pop()", kBlockingHint, [&] { return queue_.pop(); });
  }
  std::optional<T> try_pop() {
    return harness::watched("try_pop()", kNonBlockingHint, [&] { return queue_.try_pop(); });
  }
  template <class Rep, class Period>
  std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    return harness::watched("try_pop_for()", kTimedHint, [&] { return queue_.try_pop_for(timeout); });
  }
  void close() { harness::watched("close()", kNonBlockingHint, [&] { queue_.close(); }); }
  bool is_closed() const {
    return harness::watched("is_closed()", kNonBlockingHint, [&] { return queue_.is_closed(); });
  }
  std::size_t size() const {
    return harness::watched("size()", kNonBlockingHint, [&] { return queue_.size(); });
  }
  std::size_t capacity() const {
    return harness::watched("capacity()", kNonBlockingHint, [&] { return queue_.capacity(); });
  }

 private:
  static constexpr const char* kBlockingHint =
      "it may wait only while the queue is full (push) or empty (pop) and open: "
      "a lost wake-up, or a deadlock?";
  static constexpr const char* kNonBlockingHint = "this call never waits: a deadlock?";
  static constexpr const char* kTimedHint =
      "it must return by its timeout, and at once when it can proceed";

  under_test::BoundedQueue<T> queue_;
};
