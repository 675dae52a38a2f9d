// Flawed: "lock-free is hard, a lock is correct": one std::mutex around a std::list on the given
// allocator. Linearizable and memory-safe, but a thread paused inside T's move holds the lock.
// expect-level: 2
// expect-caught-by: Liveness.L3_PushAndPopCompleteWhileAPushIsPausedInsideTsMove hang
#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class T, class Allocator = std::allocator<T>>
class LockFreeStack {
 public:
  LockFreeStack() = default;
  explicit LockFreeStack(const Allocator& alloc) : items_(alloc) {}
  ~LockFreeStack() = default;

  LockFreeStack(const LockFreeStack&) = delete;
  LockFreeStack& operator=(const LockFreeStack&) = delete;

  void push(T value) {
    std::lock_guard guard(lock_);
    items_.push_front(std::move(value));
  }

  std::optional<T> pop() {
    std::lock_guard guard(lock_);
    if (items_.empty()) return std::nullopt;
    std::optional<T> top(std::move(items_.front()));
    items_.pop_front();
    return top;
  }

  bool empty() const {
    std::lock_guard guard(lock_);
    return items_.empty();
  }

 private:
  mutable std::mutex lock_;
  std::list<T, Allocator> items_;
};

}  // namespace kata
