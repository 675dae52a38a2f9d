// The sequential specification of a strict LRU cache of int64 keys and values: the answer key for
// the randomised contract test, and the model the linearizability checker (harness/lin/checker.h)
// replays histories against. The state is the entries in recency order, most recent first: small
// (the tests use capacities of 1 to 8), so copying and hashing it is cheap.
//
// An LRU cannot be split by key for the checker: a put of one key evicts another, and a get of
// one key changes which one that is. Histories are checked whole, so they are kept short.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct LruOp {
  enum Kind : std::uint8_t { kGet, kPut, kErase, kSize };
  Kind kind = kGet;
  std::int64_t key = 0;
  std::int64_t value = 0;  // put only

  static LruOp get(std::int64_t k) { return {kGet, k, 0}; }
  static LruOp put(std::int64_t k, std::int64_t v) { return {kPut, k, v}; }
  static LruOp erase(std::int64_t k) { return {kErase, k, 0}; }
  static LruOp size() { return {kSize, 0, 0}; }
};

// get: found, value; erase: found; size: value = the size; put: nothing.
struct LruResult {
  bool found = false;
  std::int64_t value = 0;
  bool operator==(const LruResult&) const = default;
};

class LruModel {
 public:
  using Entry = std::pair<std::int64_t, std::int64_t>;  // key, value
  using State = std::vector<Entry>;                     // most recently used first
  using Op = LruOp;
  using Result = LruResult;

  explicit LruModel(std::size_t capacity) : capacity_(capacity) {}

  State init() const { return {}; }

  std::optional<std::pair<State, Result>> step(const State& state, const Op& op) const {
    State next = state;
    const auto it =
        std::find_if(next.begin(), next.end(), [&](const Entry& e) { return e.first == op.key; });
    const bool found = it != next.end() && op.kind != Op::kSize;
    switch (op.kind) {
      case Op::kGet: {
        if (!found) return std::pair{std::move(next), Result{}};
        const std::int64_t value = it->second;
        std::rotate(next.begin(), it, it + 1);  // to the front
        return std::pair{std::move(next), Result{true, value}};
      }
      case Op::kPut:
        if (found) {
          it->second = op.value;
          std::rotate(next.begin(), it, it + 1);
        } else {
          if (next.size() == capacity_) next.pop_back();  // the least recently used
          next.insert(next.begin(), Entry{op.key, op.value});
        }
        return std::pair{std::move(next), Result{}};
      case Op::kErase:
        if (found) next.erase(it);
        return std::pair{std::move(next), Result{found, 0}};
      case Op::kSize:
        return std::pair{std::move(next), Result{true, static_cast<std::int64_t>(next.size())}};
    }
    return std::nullopt;
  }

  std::size_t hash(const State& state) const {
    std::size_t h = state.size();
    for (const auto& [k, v] : state) {
      h = h * 1000003 ^ std::hash<std::int64_t>{}(k);
      h = h * 1000003 ^ std::hash<std::int64_t>{}(v);
    }
    return h;
  }

  std::string describe(const Op& op) const {
    switch (op.kind) {
      case Op::kGet:
        return "get(" + std::to_string(op.key) + ")";
      case Op::kPut:
        return "put(" + std::to_string(op.key) + ", " + std::to_string(op.value) + ")";
      case Op::kErase:
        return "erase(" + std::to_string(op.key) + ")";
      case Op::kSize:
        return "size()";
    }
    return "?";
  }
  std::string describe(const Op& op, const Result& r) const {
    switch (op.kind) {
      case Op::kGet:
        return r.found ? std::to_string(r.value) : "nullopt";
      case Op::kPut:
        return "";
      case Op::kErase:
        return r.found ? "true" : "false";
      case Op::kSize:
        return std::to_string(r.value);
    }
    return "?";
  }

  // For shrinking a failure report: a put and the gets that returned its value (values are
  // unique in the tests) are removed together, so a shrunk history never shows a value from
  // nowhere.
  std::optional<std::uint64_t> group(const Op& op, const Result& r) const {
    if (op.kind == Op::kPut) return static_cast<std::uint64_t>(op.value);
    if (op.kind == Op::kGet && r.found) return static_cast<std::uint64_t>(r.value);
    return std::nullopt;
  }

  // The state as text, most recent first: "[3:30 1:10]" (for a test's failure message).
  static std::string show(const State& state) {
    std::string out = "[";
    for (const auto& [k, v] : state) {
      out += (out.size() > 1 ? " " : "") + std::to_string(k) + ":" + std::to_string(v);
    }
    return out + "]";
  }

 private:
  std::size_t capacity_;
};
