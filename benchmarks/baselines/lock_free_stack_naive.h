// The naive baseline for the lock_free_stack benchmark: a std::vector under one std::mutex, what a
// candidate writes before being asked for "no lock". Correct, and on 2 cores often fast: the
// lock-free stack is measured against it, not assumed to beat it.
#pragma once

#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace baseline {

template <class T>
class NaiveStack {
 public:
  void push(T value) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(value));
  }
  std::optional<T> pop() {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return std::nullopt;
    std::optional<T> top(std::move(items_.back()));
    items_.pop_back();
    return top;
  }

 private:
  std::mutex mutex_;
  std::vector<T> items_;
};

}  // namespace baseline
