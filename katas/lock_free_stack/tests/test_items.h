// Item types for the stack's tests: a move-only item without a default constructor that counts
// its live objects, and one whose move constructor pauses a chosen thread until the test lets it
// go (the lock-free tests: a thread paused inside push() or pop()).
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "harness/pause_gate.h"

// Move-only, not default-constructible; `live` counts the objects that hold an item (a move
// hands the item on, so moved-from shells, which a stack may keep in nodes awaiting reclamation,
// do not count), so the destructor's destruction of the items left is visible.
class Tracked {
 public:
  Tracked(std::int64_t value, std::atomic<int>& live) : value_(value), live_(&live) {
    live_->fetch_add(1, std::memory_order_relaxed);
  }
  Tracked(Tracked&& other) noexcept
      : value_(std::exchange(other.value_, -1)),
        live_(other.live_),
        holds_(std::exchange(other.holds_, false)) {}
  Tracked& operator=(Tracked&& other) noexcept {
    if (holds_) live_->fetch_sub(1, std::memory_order_relaxed);
    value_ = std::exchange(other.value_, -1);
    live_ = other.live_;
    holds_ = std::exchange(other.holds_, false);
    return *this;
  }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
  ~Tracked() {
    if (holds_) live_->fetch_sub(1, std::memory_order_relaxed);
  }
  std::int64_t value() const { return value_; }

 private:
  std::int64_t value_;
  std::atomic<int>* live_;
  bool holds_ = true;
};

// Its move constructor is the pause point of a harness::PauseGate (harness/pause_gate.h): the
// armed thread parks in its first move after arming.
class PausingItem {
 public:
  PausingItem(std::int64_t value, harness::PauseGate& pause) : value_(value), pause_(&pause) {}
  PausingItem(PausingItem&& other) noexcept : value_(other.value_), pause_(other.pause_) {
    pause_->maybe_pause();
  }
  PausingItem& operator=(PausingItem&& other) noexcept {
    value_ = other.value_;
    pause_ = other.pause_;
    return *this;
  }
  PausingItem(const PausingItem&) = delete;
  PausingItem& operator=(const PausingItem&) = delete;
  std::int64_t value() const { return value_; }

 private:
  std::int64_t value_;
  harness::PauseGate* pause_;
};
