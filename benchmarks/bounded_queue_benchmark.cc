// bounded_queue: items moved from producers to consumers through one queue, at 1 to 4 producer/
// consumer pairs (2 to 8 threads: the machine may have 2 cores, and oversubscription is part of the
// picture) and at a small and a large capacity. Reports items/s and the push-to-pop latency (p50,
// p99) of every 16th item. Same body for every implementation; rows named
// BM_Transfer<impl>/pairs/cap.
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include "baselines/bounded_queue_naive.h"
#include "support/bench.h"

#ifdef KATA_HAVE_TBB
#include <tbb/concurrent_queue.h>
#endif
#ifdef KATA_HAVE_MOODYCAMEL
#include <concurrentqueue/blockingconcurrentqueue.h>
#endif
#ifdef KATA_HAVE_BOOST
#include <boost/lockfree/queue.hpp>
#endif

namespace {

using Item = std::int64_t;  // the push time, in steady-clock nanoseconds
constexpr int kItemsPerIteration = 4000;

// Adapters: one blocking push(Item) / pop() -> Item interface over each implementation.
template <template <class> class Queue>
struct KataAdapter {
  explicit KataAdapter(std::size_t capacity) : queue(capacity) {}
  void push(Item item) { queue.push(std::move(item)); }
  Item pop() { return *queue.pop(); }
  Queue<Item> queue;
};
using learner = KataAdapter<KATA_LEARNER_NS::BoundedQueue>;
using reference = bench::Reference<KataAdapter<solution::BoundedQueue>>;

struct naive {
  explicit naive(std::size_t capacity) : queue(capacity) {}
  void push(Item item) { queue.push(item); }
  Item pop() { return queue.pop(); }
  baseline::NaiveBoundedQueue<Item> queue;
};

#ifdef KATA_HAVE_TBB
struct tbb_bounded {
  explicit tbb_bounded(std::size_t capacity) {
    queue.set_capacity(static_cast<std::ptrdiff_t>(capacity));
  }
  void push(Item item) { queue.push(item); }
  Item pop() {
    Item item;
    queue.pop(item);
    return item;
  }
  tbb::concurrent_bounded_queue<Item> queue;
};
#endif

#ifdef KATA_HAVE_MOODYCAMEL
// Unbounded: moodycamel has no blocking-when-full mode; the capacity is ignored.
struct moodycamel_unbounded {
  explicit moodycamel_unbounded(std::size_t) {}
  void push(Item item) { queue.enqueue(item); }
  Item pop() {
    Item item;
    queue.wait_dequeue(item);
    return item;
  }
  moodycamel::BlockingConcurrentQueue<Item> queue;
};
#endif

#ifdef KATA_HAVE_BOOST
// Lock-free and non-blocking: a full or empty queue is waited out by yielding.
struct boost_lockfree {
  explicit boost_lockfree(std::size_t capacity) : queue(capacity) {}
  void push(Item item) {
    while (!queue.bounded_push(item)) std::this_thread::yield();
  }
  Item pop() {
    Item item;
    while (!queue.pop(item)) std::this_thread::yield();
    return item;
  }
  boost::lockfree::queue<Item> queue;
};
#endif

template <class Queue>
void BM_Transfer(benchmark::State& state) {
  const int pairs = static_cast<int>(state.range(0));
  const auto capacity = static_cast<std::size_t>(state.range(1));
  const int per_producer = kItemsPerIteration / pairs;
  bench::Latencies latencies;
  bench::ThreadCensus census(state);
  for (auto _ : state) {
    bool ok = bench::guarded(state, [&] {
      Queue queue(capacity);
      std::vector<std::vector<std::int64_t>> samples(pairs);
      // Every item pushed is popped once: the sum of what the producers pushed (distinct push
      // times) is the sum of what the consumers popped. Each thread sums into its own slot.
      std::vector<bench::Isolated<std::uint64_t>> pushed(pairs), popped(pairs);
      std::vector<std::thread> threads;
      for (int p = 0; p < pairs; ++p) {
        threads.emplace_back([&, p] {
          std::uint64_t sum = 0;
          for (int i = 0; i < per_producer; ++i) {
            const Item item = bench::now_ns();
            sum += static_cast<std::uint64_t>(item);
            queue.push(item);
          }
          pushed[p].value = sum;
        });
        threads.emplace_back([&, p] {
          std::uint64_t sum = 0;
          for (int i = 0; i < per_producer; ++i) {
            Item pushed_at = queue.pop();
            sum += static_cast<std::uint64_t>(pushed_at);
            if (i % 16 == 0) samples[p].push_back(bench::now_ns() - pushed_at);
          }
          popped[p].value = sum;
        });
      }
      for (auto& thread : threads) thread.join();
      std::uint64_t in = 0, out = 0;
      for (int p = 0; p < pairs; ++p) in += pushed[p].value, out += popped[p].value;
      if (in != out) throw bench::ContractBroken("the items popped are not the items pushed");
      for (auto& s : samples) latencies.add(s);
    });
    if (!ok) return;
  }
  // Every queue of the row is destroyed and its threads joined.
  if (!census.check(state, "after the row's queues were destroyed")) return;
  state.SetItemsProcessed(state.iterations() * per_producer * pairs);
  latencies.report(state);
}

// One thread, push then pop: the uncontended cost of a round trip.
template <class Queue>
void BM_RoundTrip(benchmark::State& state) {
  std::optional<Queue> queue;
  if (!bench::guarded(state, [&] { queue.emplace(16); })) return;
  bench::ThreadCensus census(state);
  for (auto _ : state) {
    bool ok = bench::guarded(state, [&] {
      for (int i = 0; i < 1000; ++i) {
        queue->push(i);
        // One thread, one item in the queue: the one just pushed comes out.
        if (queue->pop() != i) throw bench::ContractBroken("pop() returned another item");
      }
    });
    if (!ok) return;
  }
  queue.reset();
  if (!census.check(state, "after the row's queue was destroyed")) return;
  state.SetItemsProcessed(state.iterations() * 1000);
}

void transfer_args(benchmark::internal::Benchmark* b) {
  for (int pairs : {1, 2, 4}) {
    for (int capacity : {4, 1024}) b->Args({pairs, capacity});
  }
  b->ArgNames({"pairs", "cap"})
      ->UseRealTime()
      ->MeasureProcessCPUTime()
      ->Unit(benchmark::kMillisecond);
}

// A row per implementation, the learner's and the reference's included, not
// KATA_LEARNER_AND_REFERENCE's rows in turns: the turns share one object among a row's threads
// (bench::for_window), while each iteration here builds its queue and starts its own producers and
// consumers, whose hand-offs are the measure. The grader interleaves these rows' repetitions at
// random instead (docs/benchmarks.md). thread_pool's rows are registered the same way, for the
// same reason.
#define KATA_QUEUE_BENCHMARKS(impl)                                      \
  BENCHMARK_TEMPLATE(BM_RoundTrip, impl)->Unit(benchmark::kMicrosecond); \
  BENCHMARK_TEMPLATE(BM_Transfer, impl)->Apply(transfer_args)

KATA_QUEUE_BENCHMARKS(learner);
KATA_QUEUE_BENCHMARKS(reference);
KATA_QUEUE_BENCHMARKS(naive);
#ifdef KATA_HAVE_TBB
KATA_QUEUE_BENCHMARKS(tbb_bounded);
#endif
#ifdef KATA_HAVE_MOODYCAMEL
KATA_QUEUE_BENCHMARKS(moodycamel_unbounded);
#endif
#ifdef KATA_HAVE_BOOST
KATA_QUEUE_BENCHMARKS(boost_lockfree);
#endif

}  // namespace

BENCHMARK_MAIN();
