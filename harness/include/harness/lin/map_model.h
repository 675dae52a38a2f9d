// A key-value map model (put / get / erase), partitioned by key: the example of a model whose
// histories the checker splits, and the one the checker's benchmark uses for large histories.
// Since each key's operations are checked alone, State is the value of one key.
// (A kata with a richer map, e.g. striped_hash_map, brings its own model in the same shape.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace harness::lin {

struct MapOp {
  enum Kind : std::uint8_t { kPut, kGet, kErase };
  Kind kind = kGet;
  std::int64_t key = 0;
  std::int64_t value = 0;  // put only

  static MapOp put(std::int64_t key, std::int64_t value) { return {kPut, key, value}; }
  static MapOp get(std::int64_t key) { return {kGet, key, 0}; }
  static MapOp erase(std::int64_t key) { return {kErase, key, 0}; }
};

// put: ok = the key was new (inserted, not overwritten); get: ok = found, value; erase: ok = found.
struct MapResult {
  bool ok = false;
  std::int64_t value = 0;
  bool operator==(const MapResult&) const = default;
};

class MapModel {
 public:
  using State = std::optional<std::int64_t>;  // the value of the partition's one key
  using Op = MapOp;
  using Result = MapResult;

  State init() const { return std::nullopt; }

  std::optional<std::pair<State, Result>> step(const State& s, const Op& op) const {
    switch (op.kind) {
      case Op::kPut:
        return std::pair{State(op.value), Result{!s.has_value(), 0}};
      case Op::kGet:
        return std::pair{s, Result{s.has_value(), s.value_or(0)}};
      case Op::kErase:
        return std::pair{State(), Result{s.has_value(), 0}};
    }
    return std::nullopt;
  }

  std::uint64_t partition(const Op& op) const { return static_cast<std::uint64_t>(op.key); }

  std::size_t hash(const State& s) const { return s ? std::hash<std::int64_t>{}(*s) + 1 : 0; }

  std::string describe(const Op& op) const {
    switch (op.kind) {
      case Op::kPut:
        return "put(" + std::to_string(op.key) + ", " + std::to_string(op.value) + ")";
      case Op::kGet:
        return "get(" + std::to_string(op.key) + ")";
      case Op::kErase:
        return "erase(" + std::to_string(op.key) + ")";
    }
    return "?";
  }
  std::string describe(const Op& op, const Result& r) const {
    if (op.kind == Op::kGet) return r.ok ? std::to_string(r.value) : "none";
    return r.ok ? "true" : "false";
  }
};

}  // namespace harness::lin
