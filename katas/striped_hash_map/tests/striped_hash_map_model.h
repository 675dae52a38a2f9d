// The sequential specification of StripedHashMap for the linearizability checker
// (harness/lin/checker.h): every call names one key, so the model is partitioned by key and State
// is the value of that one key (docs/linearizability.md, "Adding a model").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

struct HashMapOp {
  enum Kind : std::uint8_t { kInsert, kInsertOrAssign, kGet, kContains, kErase, kCompute };
  Kind kind = kGet;
  std::int64_t key = 0;
  std::int64_t value = 0;  // insert, insert_or_assign: the value; compute: the amount added

  static HashMapOp insert(std::int64_t k, std::int64_t v) { return {kInsert, k, v}; }
  static HashMapOp insert_or_assign(std::int64_t k, std::int64_t v) {
    return {kInsertOrAssign, k, v};
  }
  static HashMapOp get(std::int64_t k) { return {kGet, k, 0}; }
  static HashMapOp contains(std::int64_t k) { return {kContains, k, 0}; }
  static HashMapOp erase(std::int64_t k) { return {kErase, k, 0}; }
  static HashMapOp compute(std::int64_t k, std::int64_t add) { return {kCompute, k, add}; }
};

// insert, insert_or_assign: ok = the key was absent; get: ok = present, value; contains, erase:
// ok = present; compute: ok = the key is present afterwards, value = its new value.
struct HashMapResult {
  bool ok = false;
  std::int64_t value = 0;
  bool operator==(const HashMapResult&) const = default;
};

// compute(k, add) in the tests: the value plus `add` (add alone if absent); a sum above
// kComputeLimit removes the key instead, so histories also see compute() erase.
inline constexpr std::int64_t kComputeLimit = 40;
inline std::optional<std::int64_t> compute_step(std::optional<std::int64_t> current,
                                                std::int64_t add) {
  const std::int64_t next = current.value_or(0) + add;
  if (next > kComputeLimit) return std::nullopt;
  return next;
}

class HashMapModel {
 public:
  using State = std::optional<std::int64_t>;  // the value of the partition's one key
  using Op = HashMapOp;
  using Result = HashMapResult;

  State init() const { return std::nullopt; }

  std::optional<std::pair<State, Result>> step(const State& s, const Op& op) const {
    switch (op.kind) {
      case Op::kInsert:
        return std::pair{s ? s : State(op.value), Result{!s.has_value(), 0}};
      case Op::kInsertOrAssign:
        return std::pair{State(op.value), Result{!s.has_value(), 0}};
      case Op::kGet:
        return std::pair{s, Result{s.has_value(), s.value_or(0)}};
      case Op::kContains:
        return std::pair{s, Result{s.has_value(), 0}};
      case Op::kErase:
        return std::pair{State(), Result{s.has_value(), 0}};
      case Op::kCompute: {
        State next = compute_step(s, op.value);
        return std::pair{next, Result{next.has_value(), next.value_or(0)}};
      }
    }
    return std::nullopt;
  }

  std::uint64_t partition(const Op& op) const { return static_cast<std::uint64_t>(op.key); }

  // For shrinking a failing history: a key's calls are removed together or not at all. Values made
  // by compute() are sums, not unique, so a read cannot be tied to the one write it saw; removing
  // some of a key's calls could leave a read of a value nobody wrote: a made-up failure.
  std::optional<std::uint64_t> group(const Op& op, const Result&) const {
    return static_cast<std::uint64_t>(op.key);
  }

  std::size_t hash(const State& s) const { return s ? std::hash<std::int64_t>{}(*s) + 1 : 0; }

  std::string describe(const Op& op) const {
    const std::string k = std::to_string(op.key);
    switch (op.kind) {
      case Op::kInsert:
        return "insert(" + k + ", " + std::to_string(op.value) + ")";
      case Op::kInsertOrAssign:
        return "insert_or_assign(" + k + ", " + std::to_string(op.value) + ")";
      case Op::kGet:
        return "get(" + k + ")";
      case Op::kContains:
        return "contains(" + k + ")";
      case Op::kErase:
        return "erase(" + k + ")";
      case Op::kCompute:
        return "compute(" + k + ", +" + std::to_string(op.value) + ")";
    }
    return "?";
  }
  std::string describe(const Op& op, const Result& r) const {
    if (op.kind == Op::kGet || op.kind == Op::kCompute) {
      return r.ok ? std::to_string(r.value) : "none";
    }
    return r.ok ? "true" : "false";
  }
};
