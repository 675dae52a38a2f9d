// The sequential specification of a token bucket, for the linearizability checker
// (harness/lin/checker.h): the state is the tokens in nano-permits; the clock's advances are calls
// of their own, so a history says which acquire saw which refill.
//
// A limiter credits time lazily (at the next call that reads the clock), but that is the same as
// crediting it at the advance: a call that read the clock before an advance is placed before it,
// one that read it after is placed after, and the cap is applied once per refill either way.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

struct LimiterOp {
  enum Kind : std::uint8_t { kAcquire, kAvailable, kAdvance };
  Kind kind = kAvailable;
  std::int64_t amount = 0;  // permits (acquire) or nanoseconds (advance)

  static LimiterOp acquire(std::int64_t permits) { return {kAcquire, permits}; }
  static LimiterOp available() { return {kAvailable, 0}; }
  static LimiterOp advance(std::int64_t ns) { return {kAdvance, ns}; }
};

// acquire: 1 granted, 0 refused; available: the count; advance: 0.
using LimiterResult = std::int64_t;

class LimiterModel {
 public:
  using State = std::int64_t;  // nano-permits in the bucket
  using Op = LimiterOp;
  using Result = LimiterResult;
  static constexpr std::int64_t kUnit = 1'000'000'000;

  LimiterModel(std::int64_t rate, std::int64_t burst) : rate_(rate), burst_(burst) {}

  State init() const { return burst_ * kUnit; }  // starts full

  std::optional<std::pair<State, Result>> step(const State& tokens, const Op& op) const {
    switch (op.kind) {
      case Op::kAcquire:
        if (op.amount <= burst_ && tokens >= op.amount * kUnit) {
          return std::pair{tokens - op.amount * kUnit, Result{1}};
        }
        return std::pair{tokens, Result{0}};
      case Op::kAvailable:
        return std::pair{tokens, Result{tokens / kUnit}};
      case Op::kAdvance: {
        const std::int64_t capacity = burst_ * kUnit;
        const std::int64_t ns = std::min(op.amount, capacity / rate_ + 1);
        return std::pair{std::min(capacity, tokens + ns * rate_), Result{0}};
      }
    }
    return std::nullopt;
  }

  std::size_t hash(const State& tokens) const { return std::hash<std::int64_t>{}(tokens); }

  std::string describe(const Op& op) const {
    switch (op.kind) {
      case Op::kAcquire:
        return "try_acquire(" + std::to_string(op.amount) + ")";
      case Op::kAvailable:
        return "available()";
      case Op::kAdvance:
        return "clock.advance(" + std::to_string(op.amount) + " ns)";
    }
    return "?";
  }
  std::string describe(const Op& op, const Result& r) const {
    switch (op.kind) {
      case Op::kAcquire:
        return r ? "true" : "false";
      case Op::kAvailable:
        return std::to_string(r);
      case Op::kAdvance:
        return "";
    }
    return "?";
  }

 private:
  std::int64_t rate_;
  std::int64_t burst_;
};
