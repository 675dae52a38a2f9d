// Flawed: a ring buffer, one std::mutex and ONE condition variable for producers and consumers,
// signalled with notify_one: a producer's signal can wake another producer, and then it is lost.
// expect-level: 0
// expect-caught-by: Concurrency.L1_EveryItemPoppedExactlyOnce hang
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : slots_(capacity) {
    if (capacity == 0) throw std::invalid_argument("capacity must be positive");
  }

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  bool push(T&& item) { return emplace_blocking(std::move(item)); }
  bool push(const T& item) { return emplace_blocking(item); }

  bool try_push(T&& item) {
    std::lock_guard<std::mutex> guard(m_);
    if (closed_ || count_ == slots_.size()) return false;
    emplace(std::move(item));
    return true;
  }
  bool try_push(const T& item) {
    std::lock_guard<std::mutex> guard(m_);
    if (closed_ || count_ == slots_.size()) return false;
    emplace(item);
    return true;
  }

  template <class Rep, class Period>
  bool try_push_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock<std::mutex> lock(m_);
    if (!changed_.wait_for(lock, timeout, [&] { return closed_ || count_ < slots_.size(); })) {
      return false;
    }
    if (closed_) return false;
    emplace(std::move(item));
    return true;
  }

  std::optional<T> pop() {
    std::unique_lock<std::mutex> lock(m_);
    changed_.wait(lock, [&] { return closed_ || count_ > 0; });
    return take();
  }

  std::optional<T> try_pop() {
    std::lock_guard<std::mutex> guard(m_);
    return take();
  }

  template <class Rep, class Period>
  std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock<std::mutex> lock(m_);
    changed_.wait_for(lock, timeout, [&] { return closed_ || count_ > 0; });
    return take();
  }

  void close() {
    std::lock_guard<std::mutex> guard(m_);
    closed_ = true;
    changed_.notify_all();
  }

  bool is_closed() const {
    std::lock_guard<std::mutex> guard(m_);
    return closed_;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> guard(m_);
    return count_;
  }

  std::size_t capacity() const { return slots_.size(); }

 private:
  template <class U>
  bool emplace_blocking(U&& item) {
    std::unique_lock<std::mutex> lock(m_);
    changed_.wait(lock, [&] { return closed_ || count_ < slots_.size(); });
    if (closed_) return false;
    emplace(std::forward<U>(item));
    return true;
  }

  // Lock held, room checked.
  template <class U>
  void emplace(U&& item) {
    slots_[(head_ + count_) % slots_.size()].emplace(std::forward<U>(item));
    ++count_;
    changed_.notify_one();  // "someone can go on now"
  }

  // Lock held.
  std::optional<T> take() {
    if (count_ == 0) return std::nullopt;
    std::optional<T> item(std::move(*slots_[head_]));
    slots_[head_].reset();
    head_ = (head_ + 1) % slots_.size();
    --count_;
    changed_.notify_one();
    return item;
  }

  mutable std::mutex m_;
  std::condition_variable changed_;  // "the queue changed": room appeared, or an item did
  std::vector<std::optional<T>> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  bool closed_ = false;
};

}  // namespace kata
