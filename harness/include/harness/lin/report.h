// Turning a non-linearizable history into a report a person can read on one screen:
//   1. shrink it: drop operations (a push together with the pop that returned its item) as long as
//      what is left is still not linearizable, for the same operation;
//   2. draw what is left, one line per thread on a shared time axis;
//   3. name the operation no order can explain, the longest legal order found before it, and what
//      the model says that operation would have returned there.
//
//   auto outcome = harness::lin::check(model, history);
//   if (outcome.verdict != harness::lin::Verdict::kLinearizable)
//     FAIL() << harness::lin::explain(model, history, outcome, "history 17 of 200, seed 42");
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "harness/lin/checker.h"

namespace harness::lin {

// "pop()=3", "close()": a call with what it returned.
template <Model M>
std::string call_text(const M& model, const typename M::Op& op, const typename M::Result& result) {
  std::string r = model.describe(op, result);
  return model.describe(op) + (r.empty() ? "" : "=" + r);
}

inline std::string quoted(const std::string& s) { return s.empty() ? "(nothing)" : s; }

struct ShrinkOptions {
  // Re-checks the shrinker may do, and the step budget of each.
  int max_checks = 4000;
  std::uint64_t steps_per_check = 200'000;
};

// The smallest sub-history (indices into `history`, in order) found that is still not
// linearizable with the same culprit as `outcome`. Greedy delta debugging over removal units.
template <Model M>
std::vector<std::size_t> shrink(const M& model,
                                const History<typename M::Op, typename M::Result>& history,
                                const Outcome<M>& outcome, const ShrinkOptions& options = {}) {
  using H = History<typename M::Op, typename M::Result>;
  // Removal units: operations sharing a group are removed together, others alone.
  std::vector<std::vector<std::size_t>> units;
  {
    std::map<std::uint64_t, std::size_t> by_group;
    for (std::size_t i = 0; i < history.size(); ++i) {
      std::optional<std::uint64_t> group;
      if constexpr (GroupedModel<M>) group = model.group(history[i].op, history[i].result);
      if (group) {
        auto [it, fresh] = by_group.try_emplace(*group, units.size());
        if (fresh) units.emplace_back();
        units[it->second].push_back(i);
      } else {
        units.push_back({i});
      }
    }
  }
  int checks = 0;
  auto still_fails = [&](const std::vector<std::vector<std::size_t>>& candidate) {
    std::vector<std::size_t> keep;
    for (const auto& unit : candidate) keep.insert(keep.end(), unit.begin(), unit.end());
    std::sort(keep.begin(), keep.end());
    if (!std::binary_search(keep.begin(), keep.end(), outcome.culprit)) return false;
    H sub;
    for (std::size_t i : keep) sub.push_back(history[i]);
    ++checks;
    Outcome<M> again = check(model, sub, Options{options.steps_per_check});
    return again.verdict == Verdict::kViolation && keep[again.culprit] == outcome.culprit;
  };
  for (std::size_t chunk = std::max<std::size_t>(units.size() / 2, 1); chunk >= 1;) {
    bool removed = false;
    for (std::size_t start = 0; start < units.size() && checks < options.max_checks;) {
      std::vector<std::vector<std::size_t>> candidate;
      for (std::size_t u = 0; u < units.size(); ++u) {
        if (u < start || u >= start + chunk) candidate.push_back(units[u]);
      }
      if (candidate.size() < units.size() && still_fails(candidate)) {
        units = std::move(candidate);
        removed = true;
      } else {
        start += chunk;
      }
    }
    if (checks >= options.max_checks) break;
    if (chunk == 1) {
      if (!removed) break;
    } else {
      chunk /= 2;
    }
  }
  std::vector<std::size_t> keep;
  for (const auto& unit : units) keep.insert(keep.end(), unit.begin(), unit.end());
  std::sort(keep.begin(), keep.end());
  return keep;
}

// One line per thread; each call drawn as [op: result] from its invocation to its response, on a
// time axis shared by all threads (only the order of the stamps is kept, not their distance).
template <Model M>
std::string draw(const M& model, const History<typename M::Op, typename M::Result>& history,
                 const std::vector<std::size_t>& ops, std::size_t culprit = Outcome<M>::kNone) {
  struct Mark {
    std::uint64_t time;
    bool is_call;
    std::size_t op;
  };
  std::vector<Mark> marks;
  std::map<int, std::string> lines;
  for (std::size_t i : ops) {
    marks.push_back({history[i].call, true, i});
    marks.push_back({history[i].ret, false, i});
    lines[history[i].thread];
  }
  std::sort(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) {
    return a.time != b.time ? a.time < b.time : (a.is_call && !b.is_call);
  });
  std::map<std::size_t, std::size_t> start;
  std::size_t x = 0;
  for (const Mark& m : marks) {
    const auto& entry = history[m.op];
    std::string& line = lines[entry.thread];
    if (m.is_call) {
      start[m.op] = x;
      if (line.size() < x) line.resize(x, ' ');
      std::string label = "[" + call_text(model, entry.op, entry.result);
      if (m.op == culprit) label = "[!!" + label.substr(1);
      line += label;
      x = std::max(x + 1, line.size());
    } else {
      if (line.size() < x) line.resize(x, ' ');
      line += "]";
      x = line.size() + 1;
    }
  }
  std::ostringstream out;
  for (const auto& [thread, line] : lines) {
    out << "  thread " << thread << (thread < 10 ? "  |" : " |") << line << "\n";
  }
  return out.str();
}

// The failure message for a history the checker did not accept: shrunk, drawn, explained.
template <Model M>
std::string explain(const M& model, const History<typename M::Op, typename M::Result>& history,
                    const Outcome<M>& outcome, const std::string& context) {
  std::ostringstream out;
  if (outcome.verdict == Verdict::kUnknown) {
    out << "Linearizability checker gave up after " << outcome.steps << " steps on a history of "
        << history.size() << " operations (" << context << "). It cannot say the history is "
        << "fine, so the test fails; report it if your implementation is otherwise correct.\n";
    return out.str();
  }
  if (outcome.verdict == Verdict::kLinearizable) return "linearizable\n";
  std::vector<std::size_t> keep = shrink(model, history, outcome);
  // Check the shrunk history again: its legal prefix is the one to show.
  History<typename M::Op, typename M::Result> sub;
  for (std::size_t i : keep) sub.push_back(history[i]);
  Outcome<M> small = check(model, sub);
  if (small.verdict != Verdict::kViolation) {  // cannot happen: shrink keeps failing histories
    keep.resize(history.size());
    for (std::size_t i = 0; i < keep.size(); ++i) keep[i] = i;
    small = outcome;
  } else {
    small.culprit = keep[small.culprit];
    for (auto& i : small.prefix) i = keep[i];
  }
  out << "NOT LINEARIZABLE (" << context << "): no one-at-a-time order of these " << keep.size()
      << " calls (shrunk from " << history.size() << ") gives every call the result it returned.\n"
      << "Time runs left to right; each call took effect somewhere inside its [ ]:\n";
  out << draw(model, history, keep, small.culprit);
  const auto& culprit = history[small.culprit];
  out << "No order explains [!!]: thread " << culprit.thread << " "
      << call_text(model, culprit.op, culprit.result) << ".\n";
  out << "Longest legal order before it: ";
  if (small.prefix.empty()) out << "(none)";
  for (std::size_t k = 0; k < small.prefix.size(); ++k) {
    const auto& entry = history[small.prefix[k]];
    out << (k ? ", " : "") << call_text(model, entry.op, entry.result);
  }
  out << "\nThere, one at a time, " << model.describe(culprit.op) << " would "
      << (small.expected ? "return " + quoted(model.describe(culprit.op, *small.expected))
                         : std::string("block"))
      << "; no other order fits real time and all the results.\n";
  return out.str();
}

}  // namespace harness::lin
