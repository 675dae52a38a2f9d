// lock_free_stack: push() and pop() throughput at 1, 2, 4 and 8 threads (the machine may have 2
// cores: oversubscription is part of the picture) on one shared stack, in three mixes, 100 calls a
// batch:
//  - mix=0 pairs:      push then pop, 50 times: the stack stays as small as the thread count;
//  - mix=1 push-heavy: 75 pushes and 25 pops, until the thread has 10,000 items more pushed than
//    popped, then a batch of 100 pops (memory stays bounded: the window is long enough for
//    millions of calls);
//  - mix=2 pop-heavy:  25 pushes and 75 pops: most pops find the stack empty.
// Same body for every implementation; rows named BM_PushPop<impl>/mix:<0|1|2>/iterations:1/
// threads:<n> (one iteration: a fixed window), and BM_PushPop<learner, reference>/... for the two
// measured in turns. Baseline: std::vector under a std::mutex; peer: boost::lockfree::stack
// (libboost-dev). xenium's stacks (libxenium-dev, in Debian 12) have no row: cmake/Peers.cmake and
// ./kata setup do not know it yet.
#include <chrono>
#include <cstdint>
#include <optional>
#include <tuple>

#include "baselines/lock_free_stack_naive.h"
#include "support/bench.h"

#ifdef KATA_HAVE_BOOST
#include <boost/lockfree/stack.hpp>
#endif

namespace {

using Item = std::int64_t;

// Adapters: push(Item) and try_pop() -> bool over each implementation.
template <class Stack>
struct KataAdapter {
  void push(Item item) { stack.push(item); }
  bool try_pop() { return stack.pop().has_value(); }
  Stack stack;
};
using learner = KataAdapter<KATA_LEARNER_NS::LockFreeStack<Item>>;
using reference = bench::Reference<KataAdapter<solution::LockFreeStack<Item>>>;
using naive = KataAdapter<baseline::NaiveStack<Item>>;

#ifdef KATA_HAVE_BOOST
struct boost_lockfree {
  void push(Item item) { stack.push(item); }
  bool try_pop() {
    Item item;
    return stack.pop(item);
  }
  boost::lockfree::stack<Item> stack{1024};
};
#endif

constexpr int kCallsPerBatch = 100;
constexpr std::int64_t kMostAheadPerThread = 10'000;

// One stack per implementation and mix, shared by the benchmark's threads; never destroyed
// (threads of later runs reuse it). Null if the implementation's constructor threw.
template <class Stack>
Stack* shared_stack(int mix, benchmark::State& state) {
  auto make = []() -> Stack* {
    try {
      return bench::new_isolated<Stack>();
    } catch (...) {
      return nullptr;
    }
  };
  static Stack* const stacks[3] = {make(), make(), make()};
  Stack* stack = stacks[mix];
  if (stack == nullptr) bench::guarded(state, [] { Stack again; });
  return stack;
}

constexpr std::chrono::milliseconds kWindow(50);

template <class... Stacks>
void BM_PushPop(benchmark::State& state) {
  const int mix = static_cast<int>(state.range(0));
  const std::tuple<Stacks*...> stacks{shared_stack<Stacks>(mix, state)...};
  if (std::apply([](auto*... stack) { return ((stack == nullptr) || ...); }, stacks)) return;
  std::int64_t ahead = 0;  // this thread's pushes minus its successful pops, over both stacks
  std::int64_t next = state.thread_index() * (std::int64_t{1} << 40);
  auto batch = [&](auto& stack) {
    if (mix == 0) {
      for (int i = 0; i < kCallsPerBatch / 2; ++i) {
        stack.push(next++);
        benchmark::DoNotOptimize(stack.try_pop());
      }
      return;
    }
    const int pushes = mix == 1 ? (ahead >= kMostAheadPerThread ? 0 : 75) : 25;
    for (int i = 0; i < kCallsPerBatch; ++i) {
      // `pushes` of the batch's calls are pushes, spread evenly among the pops.
      if ((i + 1) * pushes / kCallsPerBatch != i * pushes / kCallsPerBatch) {
        stack.push(next++);
        ++ahead;
      } else if (stack.try_pop()) {
        --ahead;
      }
    }
  };
  std::apply(
      [&](auto*... stack) { bench::for_window(state, kWindow, kCallsPerBatch, batch, *stack...); },
      stacks);
}

void push_pop_args(benchmark::internal::Benchmark* b) {
  for (int mix : {0, 1, 2}) b->Arg(mix);
  b->ArgName("mix")->UseRealTime()->Iterations(1);
}

KATA_LEARNER_AND_REFERENCE(BM_PushPop, push_pop_args, kUpToCores);
BENCHMARK_TEMPLATE(BM_PushPop, naive)->Apply(push_pop_args)->Apply(bench::all_thread_counts);
#ifdef KATA_HAVE_BOOST
BENCHMARK_TEMPLATE(BM_PushPop, boost_lockfree)
    ->Apply(push_pop_args)
    ->Apply(bench::all_thread_counts);
#endif

}  // namespace

BENCHMARK_MAIN();
