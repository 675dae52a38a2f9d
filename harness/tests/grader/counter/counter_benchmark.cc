// The fixture kata's benchmark, for the grader's own tests of the benchmark stage (a submission
// whose name says `bench` gets one, harness/tests/grader/CMakeLists.txt): add() from one thread,
// the learner's counter and the reference's, rows named as every kata's benchmark names them. Its
// rows check what the katas' rows check (bench::for_window): no thread of the class's left
// running, no CPU used beside the row's thread, and the contract on the object measured: get()
// counts every add() the row made.
#include <chrono>

#include "support/bench.h"

namespace {

using learner = KATA_LEARNER_NS::Counter;
using reference = bench::Reference<solution::Counter>;

constexpr int kAddsPerBatch = 100;
constexpr std::chrono::milliseconds kWindow(20);

template <class Counter>
void BM_Add(benchmark::State& state) {
  static bench::Isolated<Counter> shared;  // one per implementation, kept from row to row
  Counter& counter = shared.value;
  long added = 0;
  const long before = counter.get();
  bench::for_window(
      state, kWindow, kAddsPerBatch,
      [&](Counter& c) {
        for (int i = 0; i < kAddsPerBatch; ++i) c.add(1);
        added += kAddsPerBatch;
      },
      counter);
  if (!state.error_occurred() && counter.get() - before != added) {
    bench::contract_broken(state, "get() lost adds: " + std::to_string(added) + " made, " +
                                      std::to_string(counter.get() - before) + " counted");
  }
}
BENCHMARK_TEMPLATE(BM_Add, learner)->UseRealTime()->Iterations(1);
BENCHMARK_TEMPLATE(BM_Add, reference)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
