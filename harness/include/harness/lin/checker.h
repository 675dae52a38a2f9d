// A linearizability checker: is there one sequential order of a history's operations that
//   (1) respects real time: if a returned before b was called, a comes before b, and
//   (2) is legal for the sequential model: replaying the order on the model gives every operation
//       exactly the result it returned?
// If so the history is linearizable: it could have come from a thread-safe object whose calls each
// take effect at one instant between invocation and response.
//
// The search is Wing & Gong's, with Lowe's memoisation (as in Porcupine): walk the events in time
// order; try to linearize each pending call that has been invoked, in turn; backtrack when a
// response is reached whose call could not be linearized. A (set of linearized operations, model
// state) pair already explored is never explored again, which keeps typical histories linear-ish.
// When the model allows it (maps: each operation touches one key, and keys are independent), the
// history is split by key and each part checked alone (P-compositionality), which keeps large
// histories fast. A step budget bounds the search: past it the verdict is kUnknown, never a pass.
//
// A model is a small class (see docs/linearizability.md; harness/lin/queue_model.h is the example):
//
//   struct MyModel {
//     using State = ...;   // copyable, ==
//     using Op = ...;      // a call with its arguments
//     using Result = ...;  // what the call returned, ==
//     State init() const;
//     // The sequential specification: applying `op` to `state` gives (next state, result), or
//     // std::nullopt if `op` cannot take effect in `state` (it would block: pop on an empty open
//     // queue). The search then places the operation later.
//     std::optional<std::pair<State, Result>> step(const State& state, const Op& op) const;
//     std::size_t hash(const State& state) const;
//     std::string describe(const Op& op) const;                    // "push(3)"
//     std::string describe(const Op& op, const Result& r) const;   // "true" ("" for void)
//     // Optional: ops with different keys touch independent parts of the state; the checker then
//     // checks each key's operations separately, each from init().
//     std::uint64_t partition(const Op& op) const;
//     // Optional, for shrinking failure reports: operations with the same group are removed
//     // together (a push and the pop that returned its item); std::nullopt: alone.
//     std::optional<std::uint64_t> group(const Op& op, const Result& result) const;
//   };
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "harness/lin/history.h"

namespace harness::lin {

template <class M>
concept Model = requires(const M& model, const typename M::State& state, const typename M::Op& op,
                         const typename M::Result& result) {
  { model.init() } -> std::convertible_to<typename M::State>;
  {
    model.step(state, op)
    } -> std::same_as<std::optional<std::pair<typename M::State, typename M::Result>>>;
  { model.hash(state) } -> std::convertible_to<std::size_t>;
  { model.describe(op) } -> std::convertible_to<std::string>;
  { model.describe(op, result) } -> std::convertible_to<std::string>;
  { state == state } -> std::convertible_to<bool>;
  { result == result } -> std::convertible_to<bool>;
};

template <class M>
concept PartitionedModel = Model<M> && requires(const M& model, const typename M::Op& op) {
  { model.partition(op) } -> std::convertible_to<std::uint64_t>;
};

template <class M>
concept GroupedModel = Model<M> &&
    requires(const M& model, const typename M::Op& op, const typename M::Result& result) {
  { model.group(op, result) } -> std::same_as<std::optional<std::uint64_t>>;
};

enum class Verdict { kLinearizable, kViolation, kUnknown };

inline const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLinearizable:
      return "linearizable";
    case Verdict::kViolation:
      return "NOT linearizable";
    case Verdict::kUnknown:
      return "unknown (search budget exceeded)";
  }
  return "?";
}

struct Options {
  // Model steps the search may take (over all partitions) before giving up with kUnknown.
  std::uint64_t max_steps = 1'000'000;
};

// What the checker found. On kViolation, where the search got furthest: the longest legal order
// it found (`prefix`, indices into the history) and the operation it could then place nowhere
// (`culprit`): its response came before any legal order could include it.
template <class M>
struct Outcome {
  Verdict verdict = Verdict::kLinearizable;
  std::uint64_t steps = 0;
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t culprit = kNone;
  std::vector<std::size_t> prefix;
  // What the model says the culprit would do right after `prefix` (nullopt: it would block).
  std::optional<typename M::Result> expected;
};

namespace detail {

// Dynamic bitset of linearized operations, hashed for the memo.
struct Bits {
  std::vector<std::uint64_t> words;
  explicit Bits(std::size_t n = 0) : words((n + 63) / 64, 0) {}
  void set(std::size_t i) { words[i / 64] |= std::uint64_t{1} << (i % 64); }
  void reset(std::size_t i) { words[i / 64] &= ~(std::uint64_t{1} << (i % 64)); }
  bool operator==(const Bits&) const = default;
  std::size_t hash() const {
    std::uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (std::uint64_t w : words) h = (h ^ w) * 0x100000001b3ULL + (h >> 29);
    return static_cast<std::size_t>(h);
  }
};

// Checks the operations `subset` of `history` (one partition), from the model's initial state.
template <Model M>
Outcome<M> search(const M& model, const History<typename M::Op, typename M::Result>& history,
                  const std::vector<std::size_t>& subset, std::uint64_t max_steps) {
  using State = typename M::State;
  Outcome<M> outcome;
  const std::size_t n = subset.size();
  if (n == 0) return outcome;

  // The event list: a call and a return event per operation, in time order, doubly linked so that
  // a linearized operation's two events can be lifted out and put back (dancing links).
  struct Event {
    std::uint64_t time;
    std::size_t op;  // index into subset
    bool is_call;
    std::size_t match;  // for a call: its return event's node
    std::size_t prev, next;
  };
  constexpr std::size_t kNil = static_cast<std::size_t>(-1);
  std::vector<Event> events;
  events.reserve(2 * n + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& entry = history[subset[i]];
    events.push_back({entry.call, i, true, kNil, kNil, kNil});
    events.push_back({entry.ret, i, false, kNil, kNil, kNil});
  }
  // Calls before returns at equal times: equal stamps are treated as overlapping (never as
  // ordered).
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : (a.is_call && !b.is_call);
  });
  std::vector<std::size_t> return_node(n);
  for (std::size_t k = 0; k < events.size(); ++k) {
    if (!events[k].is_call) return_node[events[k].op] = k + 1;
  }
  // Node 0 is the head sentinel; event k is node k + 1.
  std::vector<Event> nodes(events.size() + 1);
  nodes[0] = {0, kNil, false, kNil, kNil, events.empty() ? kNil : 1};
  for (std::size_t k = 0; k < events.size(); ++k) {
    Event e = events[k];
    e.prev = k;
    e.next = k + 2 <= events.size() ? k + 2 : kNil;
    if (e.is_call) e.match = return_node[e.op];
    nodes[k + 1] = e;
  }
  auto lift = [&](std::size_t c) {
    Event& call = nodes[c];
    nodes[call.prev].next = call.next;
    if (call.next != kNil) nodes[call.next].prev = call.prev;
    Event& ret = nodes[call.match];
    nodes[ret.prev].next = ret.next;
    if (ret.next != kNil) nodes[ret.next].prev = ret.prev;
  };
  auto unlift = [&](std::size_t c) {
    Event& call = nodes[c];
    Event& ret = nodes[call.match];
    nodes[ret.prev].next = call.match;
    if (ret.next != kNil) nodes[ret.next].prev = call.match;
    nodes[call.prev].next = c;
    if (call.next != kNil) nodes[call.next].prev = c;
  };

  struct Memo {
    Bits bits;
    State state;
    bool operator==(const Memo& other) const { return bits == other.bits && state == other.state; }
  };
  struct MemoHash {
    const M* model;
    std::size_t operator()(const Memo& m) const {
      return m.bits.hash() ^ (model->hash(m.state) * 31);
    }
  };
  std::unordered_set<Memo, MemoHash> memo(1024, MemoHash{&model});

  struct Frame {
    std::size_t node;
    State state;
  };
  std::vector<Frame> stack;
  State state = model.init();
  Bits linearized(n);
  std::size_t deepest = 0;
  bool have_deepest = false;
  std::optional<State> deepest_state;
  std::size_t cursor = nodes[0].next;

  while (nodes[0].next != kNil) {
    const Event& e = nodes[cursor];
    if (e.is_call) {
      if (++outcome.steps > max_steps) {
        outcome.verdict = Verdict::kUnknown;
        return outcome;
      }
      auto next = model.step(state, history[subset[e.op]].op);
      if (next && next->second == history[subset[e.op]].result) {
        Bits bits = linearized;
        bits.set(e.op);
        if (memo.insert(Memo{bits, next->first}).second) {
          stack.push_back(Frame{cursor, std::move(state)});
          state = std::move(next->first);
          linearized = std::move(bits);
          lift(cursor);
          cursor = nodes[0].next;
          continue;
        }
      }
      cursor = e.next;
    } else {
      // The response of an operation not yet linearized: nothing placed so far can be extended
      // past this point. Remember the furthest point reached, then backtrack.
      if (!have_deepest || stack.size() > deepest) {
        have_deepest = true;
        deepest = stack.size();
        outcome.culprit = subset[e.op];
        outcome.prefix.clear();
        for (const Frame& f : stack) outcome.prefix.push_back(subset[nodes[f.node].op]);
        deepest_state = state;
      }
      if (stack.empty()) {
        outcome.verdict = Verdict::kViolation;
        auto would = model.step(*deepest_state, history[outcome.culprit].op);
        if (would) outcome.expected = would->second;
        return outcome;
      }
      Frame top = std::move(stack.back());
      stack.pop_back();
      linearized.reset(nodes[top.node].op);
      state = std::move(top.state);
      unlift(top.node);
      cursor = nodes[top.node].next;
    }
  }
  return outcome;
}

}  // namespace detail

// Checks `history` against `model`. Every operation in it must have completed (call < ret).
template <Model M>
Outcome<M> check(const M& model, const History<typename M::Op, typename M::Result>& history,
                 const Options& options = {}) {
  std::vector<std::vector<std::size_t>> parts;
  if constexpr (PartitionedModel<M>) {
    std::map<std::uint64_t, std::size_t> index;
    for (std::size_t i = 0; i < history.size(); ++i) {
      auto [it, fresh] = index.try_emplace(model.partition(history[i].op), parts.size());
      if (fresh) parts.emplace_back();
      parts[it->second].push_back(i);
    }
  } else {
    parts.emplace_back(history.size());
    for (std::size_t i = 0; i < history.size(); ++i) parts[0][i] = i;
  }
  Outcome<M> total;
  bool unknown = false;
  for (const auto& part : parts) {
    std::uint64_t left = options.max_steps > total.steps ? options.max_steps - total.steps : 0;
    Outcome<M> one = detail::search(model, history, part, left);
    total.steps += one.steps;
    if (one.verdict == Verdict::kViolation) {
      one.steps = total.steps;
      return one;  // the first part that fails is the report
    }
    if (one.verdict == Verdict::kUnknown) unknown = true;
    if (unknown) break;
  }
  if (unknown) total.verdict = Verdict::kUnknown;
  return total;
}

}  // namespace harness::lin
