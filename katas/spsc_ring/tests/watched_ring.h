// The ring under test, with every call watched: if a call does not return, the watchdog's report
// names it (harness/watchdog.h); and every call is checked against the level rule
// (harness/level_rule.h): a test of level N may call only the methods of levels 1..N.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>

#include "harness/level_rule.h"
#include "harness/under_test.h"
#include "harness/watchdog.h"

template <class T>
class WatchedRing {
 public:
  using Ring = under_test::SpscRing<T>;

  explicit WatchedRing(std::size_t capacity)
      : ring_(harness::call(kConstructor, [&] { return new Ring(capacity); })) {}
  ~WatchedRing() { delete ring_; }
  WatchedRing(const WatchedRing&) = delete;
  WatchedRing& operator=(const WatchedRing&) = delete;

  bool try_push(T&& item) {
    return harness::call(kTryPush, [&] { return ring_->try_push(std::move(item)); });
  }
  bool try_push(const T& item) {
    return harness::call(kTryPush, [&] { return ring_->try_push(item); });
  }
  // try_push(make()): the item is made as the call's argument, so the first move of it on this
  // thread is one the ring makes.
  template <class Make>
  bool try_push_made(Make make) {
    return harness::call(kTryPush, [&] { return ring_->try_push(make()); });
  }
  std::optional<T> try_pop() {
    return harness::call(kTryPop, [&] { return ring_->try_pop(); });
  }
  void push(T item) {
    harness::call(kPush, [&] { ring_->push(std::move(item)); });
  }
  // push(make()): as try_push_made(), no move before the ring's own.
  template <class Make>
  void push_made(Make make) {
    harness::call(kPush, [&] { ring_->push(make()); });
  }
  T pop() {
    return harness::call(kPop, [&] { return ring_->pop(); });
  }
  std::size_t capacity() const {
    return harness::call(kCapacity, [&] { return ring_->capacity(); });
  }
  std::size_t size_approx() const {
    return harness::call(kSizeApprox, [&] { return ring_->size_approx(); });
  }

 private:
  static constexpr const char* kNeverWaits =
      "this call never waits for the other thread: a lock, or a loop on the other side's index?";

  // Each method at the level spsc_ring.h's banner gives it (harness/level_rule.h).
  static constexpr harness::Method kConstructor{"SpscRing(capacity)", 1, kNeverWaits};
  static constexpr harness::Method kTryPush{"try_push()", 1, kNeverWaits};
  static constexpr harness::Method kTryPop{"try_pop()", 1, kNeverWaits};
  static constexpr harness::Method kCapacity{"capacity()", 1, kNeverWaits};
  static constexpr harness::Method kSizeApprox{"size_approx()", 1, kNeverWaits};
  static constexpr harness::Method kPush{
      "push()", 3, "it waits only while the ring is full: was the producer notified of the pop?"};
  static constexpr harness::Method kPop{
      "pop()", 3, "it waits only while the ring is empty: was the consumer notified of the push?"};

  Ring* ring_;
};
