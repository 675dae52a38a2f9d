// What the grader reads from a benchmark besides its rows' numbers (docs/benchmarks.md, "What the
// grader reads"): the time box a kata asks for, a row marked broken (the kata scores 0), a row of
// an unfinished kata.
#pragma once

#include <benchmark/benchmark.h>

#include <exception>
#include <stdexcept>
#include <string>

#include "kata/not_implemented.h"

// The grader's time box for this benchmark, when its workloads need more than the default 15 s to
// pin the learner / reference ratio down (docs/scoring.md, Calibration). At namespace scope in the
// kata's benchmark file: KATA_GRADER_SECONDS(30). The grader reads it from the JSON's context.
#define KATA_GRADER_SECONDS(seconds)                              \
  static const bool kata_grader_seconds_declared = [] {           \
    benchmark::AddCustomContext("kata_grader_seconds", #seconds); \
    return true;                                                  \
  }()

namespace bench {

// What a benchmark body throws when it sees the class break an invariant of its contract (a
// reader seeing a write half done): the class measured is not a correct one, whatever the tests
// saw, and the grader scores the kata 0 (tools/scoring.py reads the row's error by kContractBroken,
// and a test there checks the two spell it alike).
inline constexpr char kContractBroken[] = "contract broken in the benchmark: ";
struct ContractBroken : std::logic_error {
  using std::logic_error::logic_error;
};

// Marks the row broken: the grader scores the kata 0 (see ContractBroken). For the checks made
// outside a measured step, after the loop, from any of the row's threads.
inline void contract_broken(benchmark::State& state, const std::string& what) {
  state.SkipWithError((kContractBroken + what).c_str());
}

// Runs one measured step; returns false (and marks the row) if the implementation is unfinished,
// threw, or broke its contract. Rows of an unfinished kata read "not implemented: <method>".
template <class F>
bool guarded(benchmark::State& state, F&& step) {
  try {
    step();
    return true;
  } catch (const kata::NotImplemented& e) {
    state.SkipWithError((std::string("not implemented: ") + e.what()).c_str());
  } catch (const ContractBroken& e) {
    state.SkipWithError((kContractBroken + std::string(e.what())).c_str());
  } catch (const std::exception& e) {
    state.SkipWithError((std::string("threw: ") + e.what()).c_str());
  }
  return false;
}

}  // namespace bench
