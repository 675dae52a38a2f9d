// The sequential model of the stack, for the linearizability checker (harness/lin/checker.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct StackOp {
  enum Kind : std::uint8_t { kPush, kPop, kEmpty };
  Kind kind = kPush;
  std::int64_t item = 0;  // pushes only
};

// What came back: a pop's item (ok = it returned one), empty()'s answer in ok; push: ok.
struct StackResult {
  bool ok = false;
  std::int64_t value = 0;
  bool operator==(const StackResult&) const = default;
};

class StackModel {
 public:
  struct State {
    std::vector<std::int64_t> items;  // bottom first
    bool operator==(const State&) const = default;
  };
  using Op = StackOp;
  using Result = StackResult;

  State init() const { return {}; }

  std::optional<std::pair<State, Result>> step(const State& s, const Op& op) const {
    switch (op.kind) {
      case Op::kPush: {
        State next = s;
        next.items.push_back(op.item);
        return std::pair{std::move(next), Result{true, 0}};
      }
      case Op::kPop: {
        if (s.items.empty()) return std::pair{s, Result{false, 0}};
        State next = s;
        const std::int64_t top = next.items.back();
        next.items.pop_back();
        return std::pair{std::move(next), Result{true, top}};
      }
      case Op::kEmpty:
        return std::pair{s, Result{s.items.empty(), 0}};
    }
    return std::nullopt;
  }

  std::size_t hash(const State& s) const {
    std::size_t h = 0x5eed;
    for (std::int64_t item : s.items) h = h * 1000003 ^ std::hash<std::int64_t>{}(item);
    return h;
  }

  // A push and the pop that returned its item go (or stay) together when a report is shrunk.
  std::optional<std::uint64_t> group(const Op& op, const Result& result) const {
    if (op.kind == Op::kPush) return static_cast<std::uint64_t>(op.item);
    if (op.kind == Op::kPop && result.ok) return static_cast<std::uint64_t>(result.value);
    return std::nullopt;
  }

  std::string describe(const Op& op) const {
    switch (op.kind) {
      case Op::kPush:
        return "push(" + std::to_string(op.item) + ")";
      case Op::kPop:
        return "pop()";
      case Op::kEmpty:
        return "empty()";
    }
    return "?";
  }
  std::string describe(const Op& op, const Result& r) const {
    if (op.kind == Op::kPush) return "";
    if (op.kind == Op::kPop) return r.ok ? std::to_string(r.value) : "none";
    return r.ok ? "true" : "false";
  }
};
