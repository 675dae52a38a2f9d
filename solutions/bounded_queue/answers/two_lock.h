// Advanced: the two-lock linked queue (Michael & Scott, Java's LinkedBlockingQueue): producers lock
// the tail, consumers the head; an atomic count decides who waits; wake-ups are passed along.
// expect-level: 3
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

// Why it holds together:
//  - The list always starts with a dummy node. Producers link new nodes after tail_ holding
//    put_mutex_ only; consumers unlink after head_ holding take_mutex_ only, so a producer and a
//    consumer run side by side. They never touch the same field: a producer writes the last node's
//    `next`, a consumer reads the first real node's value and the dummy's `next`.
//  - count_ is the number of linked items. A producer increments it after linking (release), a
//    consumer takes only when it reads it positive (acquire): so it sees the node linked. Each side
//    waits on its own condition variable, under its own mutex, for count_ to change.
//  - A producer that makes the queue non-empty wakes one consumer (under take_mutex_, so the
//    consumer cannot be between its check and its wait); a consumer that finds more items after
//    taking one wakes the next consumer: one wake-up per item, passed along. The same holds for
//    producers and free slots.
//  - closed_ is written with both mutexes held, so reading it under either one is safe.
template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity), head_(new Node), tail_(head_) {
    if (capacity == 0) {
      delete head_;
      throw std::invalid_argument("BoundedQueue: capacity must be positive");
    }
  }

  ~BoundedQueue() {
    while (head_ != nullptr) delete std::exchange(head_, head_->next);
  }

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  bool push(T&& item) { return put(std::move(item), std::nullopt); }
  bool push(const T& item) { return put(item, std::nullopt); }

  bool try_push(T&& item) { return put(std::move(item), std::chrono::nanoseconds::zero()); }
  bool try_push(const T& item) { return put(item, std::chrono::nanoseconds::zero()); }

  template <class Rep, class Period>
  bool try_push_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    return put(std::move(item), to_deadline(timeout));
  }

  std::optional<T> pop() { return take(std::nullopt); }

  std::optional<T> try_pop() { return take(std::chrono::nanoseconds::zero()); }

  template <class Rep, class Period>
  std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    return take(to_deadline(timeout));
  }

  void close() {
    {
      std::scoped_lock both(put_mutex_, take_mutex_);
      closed_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  bool is_closed() const {
    std::lock_guard<std::mutex> lock(take_mutex_);
    return closed_;
  }

  std::size_t size() const { return count_.load(); }

  std::size_t capacity() const { return capacity_; }

 private:
  struct Node {
    std::optional<T> value;
    Node* next = nullptr;
  };
  using Clock = std::chrono::steady_clock;
  // How long a call may wait: nullopt for ever, zero not at all, else up to the deadline.
  using Patience = std::optional<Clock::duration>;

  template <class Rep, class Period>
  static Patience to_deadline(std::chrono::duration<Rep, Period> timeout) {
    constexpr std::chrono::hours kLongest(24 * 365);  // hours::max() would overflow the clock
    if (timeout <= timeout.zero()) return Clock::duration::zero();
    if (timeout >= kLongest) return Clock::duration(kLongest);
    return std::chrono::ceil<Clock::duration>(timeout);
  }

  // Waits on `cv` under `lock` until `ready` (or closed), within `patience`. True if it may go on.
  template <class Ready>
  bool wait(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Patience patience,
            Ready ready) {
    auto go = [&] { return closed_ || ready(); };
    if (!patience) {
      cv.wait(lock, go);
      return true;
    }
    if (*patience == Clock::duration::zero()) return go();
    return cv.wait_until(lock, Clock::now() + *patience, go);
  }

  template <class U>
  bool put(U&& item, Patience patience) {
    std::size_t before;
    {
      std::unique_lock<std::mutex> lock(put_mutex_);
      if (!wait(not_full_, lock, patience, [&] { return count_.load() < capacity_; })) {
        return false;
      }
      if (closed_) return false;
      Node* node = new Node{std::optional<T>(std::forward<U>(item)), nullptr};
      tail_->next = node;
      tail_ = node;
      before = count_.fetch_add(1);
      if (before + 1 < capacity_) not_full_.notify_one();  // room left: pass it on
    }
    if (before == 0) {  // it was empty: consumers may be asleep
      std::lock_guard<std::mutex> lock(take_mutex_);
      not_empty_.notify_one();
    }
    return true;
  }

  std::optional<T> take(Patience patience) {
    std::optional<T> item;
    std::size_t before;
    {
      std::unique_lock<std::mutex> lock(take_mutex_);
      if (!wait(not_empty_, lock, patience, [&] { return count_.load() > 0; })) {
        return std::nullopt;
      }
      if (count_.load() == 0) return std::nullopt;  // closed and drained
      Node* first = head_->next;
      item.emplace(std::move(*first->value));
      first->value.reset();
      delete std::exchange(head_, first);  // `first` is the new dummy
      before = count_.fetch_sub(1);
      if (before > 1) not_empty_.notify_one();  // more items: pass it on
    }
    if (before == capacity_) {  // it was full: producers may be asleep
      std::lock_guard<std::mutex> lock(put_mutex_);
      not_full_.notify_one();
    }
    return item;
  }

  const std::size_t capacity_;
  mutable std::mutex put_mutex_;       // guards tail_ and pushes
  mutable std::mutex take_mutex_;      // guards head_ and pops
  std::condition_variable not_full_;   // producers wait here, under put_mutex_
  std::condition_variable not_empty_;  // consumers wait here, under take_mutex_
  Node* head_;  // the dummy; head_->next is the oldest item. Guarded by take_mutex_.
  Node* tail_;  // the newest node. Guarded by put_mutex_.
  std::atomic<std::size_t> count_{0};
  bool closed_ = false;  // written holding both mutexes
};

}  // namespace kata
