// The naive baseline for bounded_queue: correct, but the simplest thing that works. One mutex, one
// condition variable shared by producers and consumers, notify_all on every change, so every push
// and pop wakes every waiter (the thundering herd the reference's two condition variables avoid).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace baseline {

template <class T>
class NaiveBoundedQueue {
 public:
  explicit NaiveBoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  void push(T item) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.push_back(std::move(item));
    changed_.notify_all();
  }

  T pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !items_.empty(); });
    T item = std::move(items_.front());
    items_.pop_front();
    changed_.notify_all();
    return item;
  }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<T> items_;
};

}  // namespace baseline
