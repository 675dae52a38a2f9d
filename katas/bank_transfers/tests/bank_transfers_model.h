// The sequential model of the bank, for the linearizability checker (harness/lin/checker.h): three
// accounts, small balances, so that refused transfers are common.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

constexpr std::size_t kModelAccounts = 3;
using Balances = std::array<std::int64_t, kModelAccounts>;

struct BankOp {
  enum Kind : std::uint8_t { kTransfer, kBalance, kTotal, kAudit };
  Kind kind = kTransfer;
  std::size_t from = 0;  // transfer; balance's account
  std::size_t to = 0;
  std::int64_t amount = 0;
};

// transfer: ok; balance, total: value; audit: all.
struct BankResult {
  bool ok = false;
  std::int64_t value = 0;
  Balances all{};
  bool operator==(const BankResult&) const = default;
};

class BankModel {
 public:
  using State = Balances;
  using Op = BankOp;
  using Result = BankResult;

  explicit BankModel(std::int64_t initial) : initial_(initial) {}

  State init() const {
    State s;
    s.fill(initial_);
    return s;
  }

  std::optional<std::pair<State, Result>> step(const State& s, const Op& op) const {
    switch (op.kind) {
      case Op::kTransfer: {
        if (op.from == op.to) return std::pair{s, Result{true, 0, {}}};
        if (s[op.from] < op.amount) return std::pair{s, Result{false, 0, {}}};
        State next = s;
        next[op.from] -= op.amount;
        next[op.to] += op.amount;
        return std::pair{next, Result{true, 0, {}}};
      }
      case Op::kBalance:
        return std::pair{s, Result{false, s[op.from], {}}};
      case Op::kTotal: {
        std::int64_t sum = 0;
        for (std::int64_t b : s) sum += b;
        return std::pair{s, Result{false, sum, {}}};
      }
      case Op::kAudit:
        return std::pair{s, Result{false, 0, s}};
    }
    return std::nullopt;
  }

  std::size_t hash(const State& s) const {
    std::size_t h = 0x5eed;
    for (std::int64_t b : s) h = h * 1000003 ^ std::hash<std::int64_t>{}(b);
    return h;
  }

  std::string describe(const Op& op) const {
    switch (op.kind) {
      case Op::kTransfer:
        return "transfer(" + std::to_string(op.from) + ", " + std::to_string(op.to) + ", " +
               std::to_string(op.amount) + ")";
      case Op::kBalance:
        return "balance(" + std::to_string(op.from) + ")";
      case Op::kTotal:
        return "total()";
      case Op::kAudit:
        return "audit()";
    }
    return "?";
  }
  std::string describe(const Op& op, const Result& r) const {
    switch (op.kind) {
      case Op::kTransfer:
        return r.ok ? "true" : "false";
      case Op::kBalance:
      case Op::kTotal:
        return std::to_string(r.value);
      case Op::kAudit: {
        std::string text = "{";
        for (std::size_t i = 0; i < r.all.size(); ++i) {
          text += (i == 0 ? "" : ", ") + std::to_string(r.all[i]);
        }
        return text + "}";
      }
    }
    return "?";
  }

 private:
  std::int64_t initial_;
};
