// The fixture kata's benchmark, for the grader's own tests of the benchmark stage (a submission
// whose name says `bench` gets one, harness/tests/grader/CMakeLists.txt): add() from one thread,
// the learner's counter and the reference's, rows named as every kata's benchmark names them.
#include "support/bench.h"

namespace {

using learner = KATA_LEARNER_NS::Counter;
using reference = bench::Reference<solution::Counter>;

template <class Counter>
void BM_Add(benchmark::State& state) {
  Counter counter;
  for (auto _ : state) counter.add(1);
  benchmark::DoNotOptimize(counter.get());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_TEMPLATE(BM_Add, learner);
BENCHMARK_TEMPLATE(BM_Add, reference);

}  // namespace

BENCHMARK_MAIN();
