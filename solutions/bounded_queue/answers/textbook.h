// Textbook: one std::mutex over a std::deque, two condition variables (not_full_, not_empty_),
// every wait in predicate form; push/pop notify_one the other side, close() notifies all of both.
// expect-level: 3
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("BoundedQueue: capacity must be at least 1");
  }

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  bool push(T&& item) { return put(std::move(item)); }
  bool push(const T& item) { return put(item); }

  bool try_push(T&& item) { return try_put(std::move(item)); }
  bool try_push(const T& item) { return try_put(item); }

  template <class Rep, class Period>
  bool try_push_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!not_full_.wait_for(lock, timeout, [this] { return closed_ || !full(); })) return false;
    if (closed_) return false;
    items_.push_back(std::move(item));
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  std::optional<T> pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [this] { return closed_ || !items_.empty(); });
    return take(lock);
  }

  std::optional<T> try_pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    return take(lock);
  }

  template <class Rep, class Period>
  std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait_for(lock, timeout, [this] { return closed_ || !items_.empty(); });
    return take(lock);
  }

  void close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  bool is_closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }

  std::size_t capacity() const { return capacity_; }

 private:
  bool full() const { return items_.size() >= capacity_; }

  template <class U>
  bool put(U&& item) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [this] { return closed_ || !full(); });
    if (closed_) return false;
    items_.push_back(std::forward<U>(item));
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  template <class U>
  bool try_put(U&& item) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_ || full()) return false;
    items_.push_back(std::forward<U>(item));
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  // With the lock held: the oldest item, if any; wakes one producer for the slot it frees.
  std::optional<T> take(std::unique_lock<std::mutex>& lock) {
    if (items_.empty()) return std::nullopt;
    std::optional<T> item(std::move(items_.front()));
    items_.pop_front();
    lock.unlock();
    not_full_.notify_one();
    return item;
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace kata
