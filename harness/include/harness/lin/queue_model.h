// The sequential model of a bounded blocking FIFO queue with close() (the bounded_queue kata), for
// the linearizability checker. It is also the worked example of a model: see
// docs/linearizability.md.
//
// Blocking calls need no special case: step() refuses (std::nullopt) a pop on an empty open queue
// and a push on a full open one, so the search can only place them where they could have gone
// through. Calls that give up (try_, timed) are ordinary calls whose result is "failed": the model
// says when failing is legal (full or closed for a push, empty for a pop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace harness::lin {

struct QueueOp {
  enum Kind : std::uint8_t {
    kPush,
    kTryPush,
    kPushFor,
    kPop,
    kTryPop,
    kPopFor,
    kClose,
    kIsClosed,
    kSize
  };
  Kind kind = kPush;
  std::int64_t item = 0;  // pushes only

  static QueueOp push(std::int64_t item) { return {kPush, item}; }
  static QueueOp try_push(std::int64_t item) { return {kTryPush, item}; }
  static QueueOp try_push_for(std::int64_t item) { return {kPushFor, item}; }
  static QueueOp pop() { return {kPop, 0}; }
  static QueueOp try_pop() { return {kTryPop, 0}; }
  static QueueOp try_pop_for() { return {kPopFor, 0}; }
  static QueueOp close() { return {kClose, 0}; }
  static QueueOp is_closed() { return {kIsClosed, 0}; }
  static QueueOp size() { return {kSize, 0}; }
  bool is_push() const { return kind <= kPushFor; }
  bool is_pop() const { return kind >= kPop && kind <= kPopFor; }
};

// What came back: for a push, ok = it returned true; for a pop, ok = it returned an item (value);
// for size(), value; for is_closed(), ok; close() always ok.
struct QueueResult {
  bool ok = false;
  std::int64_t value = 0;

  static QueueResult of(bool ok) { return {ok, 0}; }
  static QueueResult of(const std::optional<std::int64_t>& item) {
    return item ? QueueResult{true, *item} : QueueResult{false, 0};
  }
  static QueueResult none() { return {false, 0}; }
  static QueueResult of_size(std::size_t size) { return {true, static_cast<std::int64_t>(size)}; }
  bool operator==(const QueueResult&) const = default;
};

class QueueModel {
 public:
  struct State {
    std::vector<std::int64_t> items;  // front first
    bool closed = false;
    bool operator==(const State&) const = default;
  };
  using Op = QueueOp;
  using Result = QueueResult;

  explicit QueueModel(std::size_t capacity) : capacity_(capacity) {}

  State init() const { return {}; }

  std::optional<std::pair<State, Result>> step(const State& s, const Op& op) const {
    const bool full = s.items.size() >= capacity_;
    switch (op.kind) {
      case Op::kPush:
      case Op::kTryPush:
      case Op::kPushFor: {
        if (s.closed) return std::pair{s, Result::of(false)};
        if (full) {
          if (op.kind == Op::kPush) return std::nullopt;  // blocks until room or close
          return std::pair{s, Result::of(false)};         // gives up (at once, or on timeout)
        }
        State next = s;
        next.items.push_back(op.item);
        return std::pair{std::move(next), Result::of(true)};
      }
      case Op::kPop:
      case Op::kTryPop:
      case Op::kPopFor: {
        if (s.items.empty()) {
          if (op.kind == Op::kPop && !s.closed) return std::nullopt;  // blocks until push or close
          return std::pair{s, Result::none()};
        }
        State next = s;
        std::int64_t front = next.items.front();
        next.items.erase(next.items.begin());
        return std::pair{std::move(next), Result{true, front}};
      }
      case Op::kClose: {
        State next = s;
        next.closed = true;
        return std::pair{std::move(next), Result::of(true)};
      }
      case Op::kIsClosed:
        return std::pair{s, Result::of(s.closed)};
      case Op::kSize:
        return std::pair{s, Result::of_size(s.items.size())};
    }
    return std::nullopt;
  }

  std::size_t hash(const State& s) const {
    std::size_t h = s.closed ? 0x51ed27 : 0;
    for (std::int64_t item : s.items) h = h * 1000003 ^ std::hash<std::int64_t>{}(item);
    return h;
  }

  // A push and the pop that returned its item go (or stay) together when a report is shrunk.
  std::optional<std::uint64_t> group(const Op& op, const Result& result) const {
    if ((op.is_push() || op.is_pop()) && result.ok) {
      return static_cast<std::uint64_t>(op.is_push() ? op.item : result.value);
    }
    return std::nullopt;
  }

  std::string describe(const Op& op) const {
    switch (op.kind) {
      case Op::kPush:
        return "push(" + std::to_string(op.item) + ")";
      case Op::kTryPush:
        return "try_push(" + std::to_string(op.item) + ")";
      case Op::kPushFor:
        return "try_push_for(" + std::to_string(op.item) + ")";
      case Op::kPop:
        return "pop()";
      case Op::kTryPop:
        return "try_pop()";
      case Op::kPopFor:
        return "try_pop_for()";
      case Op::kClose:
        return "close()";
      case Op::kIsClosed:
        return "is_closed()";
      case Op::kSize:
        return "size()";
    }
    return "?";
  }

  // What the call returned, as drawn after "=": push true/false, pop the item or "none".
  std::string describe(const Op& op, const Result& r) const {
    if (op.is_pop()) return r.ok ? std::to_string(r.value) : "none";
    if (op.kind == Op::kSize) return std::to_string(r.value);
    if (op.kind == Op::kClose) return "";
    return r.ok ? "true" : "false";
  }

 private:
  std::size_t capacity_;
};

}  // namespace harness::lin
