// Item types for the ring's tests: a payload of several plain words that can be checked whole (a
// slot read before the producer's write is visible, or overwritten before the consumer's read,
// shows as a torn or wrong payload, and under TSan as a data race on its words), and an item whose
// moves pause a chosen thread until the test lets it go (a thread paused inside the ring's call).
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "harness/pause_gate.h"

// Eight plain (non-atomic) words: the sequence number and seven derived from it.
struct Payload {
  std::uint64_t seq = 0;
  std::uint64_t words[7] = {};

  static Payload make(std::uint64_t seq) {
    Payload p;
    p.seq = seq;
    for (std::uint64_t i = 0; i < 7; ++i) p.words[i] = expected_word(seq, i);
    return p;
  }
  static std::uint64_t expected_word(std::uint64_t seq, std::uint64_t i) {
    return (seq + 1) * 0x9E3779B97F4A7C15ULL ^ (i << 56);
  }
  // The first word that does not match the sequence number, or -1.
  int torn_word() const {
    for (std::uint64_t i = 0; i < 7; ++i) {
      if (words[i] != expected_word(seq, i)) return static_cast<int>(i);
    }
    return -1;
  }
};

// Default-constructible (the ring's empty slots) and move-only; a move into or out of a slot by
// the thread armed on its harness::PauseGate (harness/pause_gate.h) pauses it.
class PausingItem {
 public:
  PausingItem() = default;
  PausingItem(std::int64_t value, harness::PauseGate& pause) : value_(value), pause_(&pause) {}
  PausingItem(PausingItem&& other) noexcept : value_(other.value_), pause_(other.pause_) {
    if (pause_ != nullptr) pause_->maybe_pause();
  }
  PausingItem& operator=(PausingItem&& other) noexcept {
    value_ = other.value_;
    pause_ = other.pause_;
    if (pause_ != nullptr) pause_->maybe_pause();
    return *this;
  }
  PausingItem(const PausingItem&) = delete;
  PausingItem& operator=(const PausingItem&) = delete;
  std::int64_t value() const { return value_; }

 private:
  std::int64_t value_ = 0;
  harness::PauseGate* pause_ = nullptr;
};
