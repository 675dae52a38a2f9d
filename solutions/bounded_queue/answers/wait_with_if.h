// Flawed: one std::mutex, two condition variables, but each wait is `if (...) cv.wait(lock)`, not a
// loop: a woken thread takes the wake-up as a promise, though another may have got there first.
// expect-level: 0
// expect-caught-by: Concurrency.L1_EveryItemPoppedExactlyOnce assertion
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
  explicit BoundedQueue(std::size_t capacity) : cap_(capacity) {
    if (cap_ == 0) throw std::invalid_argument("zero capacity");
  }

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  bool push(T&& item) {
    std::unique_lock<std::mutex> lock(mu_);
    if (q_.size() == cap_ && !closed_) not_full_.wait(lock);  // woken: there is room now
    if (closed_) return false;
    q_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  bool push(const T& item) {
    T copy(item);
    return push(std::move(copy));
  }

  bool try_push(T&& item) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || q_.size() == cap_) return false;
    q_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  bool try_push(const T& item) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || q_.size() == cap_) return false;
    q_.push_back(item);
    not_empty_.notify_one();
    return true;
  }

  template <class Rep, class Period>
  bool try_push_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (q_.size() == cap_ && !closed_) {
      if (not_full_.wait_for(lock, timeout) == std::cv_status::timeout) return false;
    }
    if (closed_) return false;
    q_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  std::optional<T> pop() {
    std::unique_lock<std::mutex> lock(mu_);
    if (q_.empty() && !closed_) not_empty_.wait(lock);  // woken: an item arrived, or close()
    if (q_.empty()) return std::nullopt;                // so this means closed and drained
    return take();
  }

  std::optional<T> try_pop() {
    std::lock_guard<std::mutex> lock(mu_);
    if (q_.empty()) return std::nullopt;
    return take();
  }

  template <class Rep, class Period>
  std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (q_.empty() && !closed_) not_empty_.wait_for(lock, timeout);
    if (q_.empty()) return std::nullopt;
    return take();
  }

  void close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  bool is_closed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return q_.size();
  }

  std::size_t capacity() const { return cap_; }

 private:
  std::optional<T> take() {
    std::optional<T> item(std::move(q_.front()));
    q_.pop_front();
    not_full_.notify_one();
    return item;
  }

  const std::size_t cap_;
  mutable std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> q_;
  bool closed_ = false;
};

}  // namespace kata
