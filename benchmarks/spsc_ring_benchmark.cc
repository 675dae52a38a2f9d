// spsc_ring: one producer thread and one consumer thread, through one ring.
//  - BM_Throughput<impl>/cap:<16|1024>: the producer try_push()es 20,000 items a transfer, the
//  consumer
//    try_pop()s them (each side retries, then yields, while the ring is full or empty): items/s. A
//    small ring makes the two sides meet on the same lines all the time; a large one lets them run
//    apart.
//  - BM_RoundTrip<impl>: a ping-pong through two rings of capacity 1: the time from a push on one
//    thread to the other thread's reply popped, per round trip (the cost of handing one cache line
//    over and back).
// The non-blocking calls only (levels 1-2): the rows measure the ring, not the futex. The learner
// and the reference take turns in one row, BM_<body><learner, reference> (below); a row each for
// the reference without cached indices and padding
// (baselines/spsc_ring_uncached.h); the naive baseline (a std::mutex over a std::deque); and the
// peers: boost::lockfree::spsc_queue (libboost-dev), atomic_queue's AtomicQueueB2 in SPSC mode
// (libatomic-queue-dev; it rounds the capacity up to a power of two) and moodycamel's
// ReaderWriterQueue (libreaderwriterqueue-dev; it may allocate past the capacity, try_enqueue does
// not).
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <thread>

#include "baselines/spsc_ring_naive.h"
#include "baselines/spsc_ring_uncached.h"
#include "support/bench.h"

#ifdef KATA_HAVE_BOOST
#include <boost/lockfree/spsc_queue.hpp>
#endif
#ifdef KATA_HAVE_ATOMIC_QUEUE
#include <atomic_queue/atomic_queue.h>
#endif
#ifdef KATA_HAVE_READERWRITERQUEUE
#include <readerwriterqueue/readerwriterqueue.h>
#endif

namespace {

using Item = std::int64_t;
constexpr int kItemsPerTransfer = 20'000;

// Adapters: try_push(Item) -> bool and try_pop(Item&) -> bool over each implementation.
template <class Ring>
struct OptionalAdapter {
  explicit OptionalAdapter(std::size_t capacity) : ring(capacity) {}
  bool try_push(Item item) { return ring.try_push(item); }
  bool try_pop(Item& item) {
    std::optional<Item> got = ring.try_pop();
    if (!got) return false;
    item = *got;
    return true;
  }
  Ring ring;
};
using learner = OptionalAdapter<KATA_LEARNER_NS::SpscRing<Item>>;
using reference = bench::Reference<OptionalAdapter<solution::SpscRing<Item>>>;
using uncached = OptionalAdapter<baseline::UncachedSpscRing<Item>>;
using naive = OptionalAdapter<baseline::NaiveSpscRing<Item>>;

#ifdef KATA_HAVE_BOOST
struct boost_spsc_queue {
  explicit boost_spsc_queue(std::size_t capacity) : ring(capacity) {}
  bool try_push(Item item) { return ring.push(item); }
  bool try_pop(Item& item) { return ring.pop(item); }
  boost::lockfree::spsc_queue<Item> ring;
};
#endif

#ifdef KATA_HAVE_ATOMIC_QUEUE
struct atomic_queue_spsc {
  explicit atomic_queue_spsc(std::size_t capacity) : ring(static_cast<unsigned>(capacity)) {}
  bool try_push(Item item) { return ring.try_push(std::move(item)); }
  bool try_pop(Item& item) { return ring.try_pop(item); }
  // MAXIMIZE_THROUGHPUT, not TOTAL_ORDER, SPSC.
  atomic_queue::AtomicQueueB2<Item, std::allocator<Item>, true, false, true> ring;
};
#endif

#ifdef KATA_HAVE_READERWRITERQUEUE
struct moodycamel_rwqueue {
  explicit moodycamel_rwqueue(std::size_t capacity) : ring(capacity) {}
  bool try_push(Item item) { return ring.try_enqueue(item); }
  bool try_pop(Item& item) { return ring.try_dequeue(item); }
  moodycamel::ReaderWriterQueue<Item> ring;
};
#endif

// A full or empty ring is waited out by retrying: 64 times at once (the other thread, running on
// the other core, is a few hundred nanoseconds away), then yielding between tries (it may not be
// running at all: 2 cores, other jobs).
constexpr int kTriesBeforeYield = 64;

template <class Ring>
void push_waiting(Ring& ring, Item item) {
  for (int tries = 0; !ring.try_push(item); ++tries) {
    if (tries >= kTriesBeforeYield) std::this_thread::yield();
  }
}
template <class Ring>
Item pop_waiting(Ring& ring) {
  Item item;
  for (int tries = 0; !ring.try_pop(item); ++tries) {
    if (tries >= kTriesBeforeYield) std::this_thread::yield();
  }
  return item;
}

// Runs `producer` on a thread of its own and `consumer` on this one; rethrows what either threw.
template <class Producer, class Consumer>
void run_pair(Producer producer, Consumer consumer) {
  std::exception_ptr failed;
  std::thread other([&] {
    try {
      producer();
    } catch (...) {
      failed = std::current_exception();
    }
  });
  std::exception_ptr here;
  try {
    consumer();
  } catch (...) {
    here = std::current_exception();
  }
  other.join();
  if (here) std::rethrow_exception(here);
  if (failed) std::rethrow_exception(failed);
}

// The learner and the reference in turns: the two threads of a row cannot take turns in slices of
// wall time as the other katas' rows do (a producer in one ring's slice and a consumer in the
// other's would wait for each other), so they take turns by whole transfers: an iteration runs
// kTurns transfers, each on the ring bench::slice_owner picks for its number (a hash, not an
// alternation: docs/benchmarks.md), both threads in the same order. The consumer times each
// transfer from its first pop to its last and credits it to that ring. The producer may start the
// next transfer while the consumer drains this one (at most a ring's capacity ahead, 5% of a
// transfer at capacity 1024): the two rings share that overlap, in an order neither chooses.
constexpr int kTurns = 8;

template <class First, class Second, class Transfer, class MakeRings>
void in_turns(benchmark::State& state, std::int64_t items_per_transfer, MakeRings make_rings,
              Transfer transfer) {
  bench::ThreadCensus census(state);
  std::int64_t items[2] = {0, 0};
  std::int64_t owned_ns[2] = {0, 0};
  // The number of the next transfer, across iterations; from the clock, so that every process
  // (every repetition) meets another sequence of owners.
  std::int64_t number = bench::now_ns();
  for (auto _ : state) {
    const bool ok = bench::guarded(state, [&] {
      auto first = make_rings.template make<First>();
      auto second = make_rings.template make<Second>();
      const std::int64_t base = number;
      std::int64_t took[kTurns] = {};
      // The consumer's clock starts when the producer runs: at a load of 6 a new thread waited
      // milliseconds for a core, all of it charged to the first transfer, whose owner was the
      // same in every repetition: the self-check's "learner" read 0.86-0.91.
      std::atomic<bool> producing{false};
      run_pair(
          [&] {
            producing.store(true, std::memory_order_release);
            for (int j = 0; j < kTurns; ++j) {
              if (bench::slice_owner(base + j, 1) == 0) {
                transfer.producer(*first);
              } else {
                transfer.producer(*second);
              }
            }
          },
          [&] {
            while (!producing.load(std::memory_order_acquire)) std::this_thread::yield();
            for (int j = 0; j < kTurns; ++j) {
              const std::int64_t started = bench::now_ns();
              if (bench::slice_owner(base + j, 1) == 0) {
                transfer.consumer(*first);
              } else {
                transfer.consumer(*second);
              }
              took[j] = bench::now_ns() - started;
            }
          });
      for (int j = 0; j < kTurns; ++j) {
        const int owner = bench::slice_owner(base + j, 1);
        owned_ns[owner] += took[j];
        items[owner] += items_per_transfer;
      }
      number += kTurns;
    });
    if (!ok) return;
  }
  if (!census.check(state, "after the row's threads were joined")) return;
  bench::report_turns(state, items, owned_ns);
}

// A row of one implementation (the uncached reference, the baseline, the peers): the same
// transfers, all on its ring.
template <class Ring, class Transfer, class MakeRings>
void alone(benchmark::State& state, std::int64_t items_per_transfer, MakeRings make_rings,
           Transfer transfer) {
  bench::ThreadCensus census(state);
  for (auto _ : state) {
    const bool ok = bench::guarded(state, [&] {
      auto rings = make_rings.template make<Ring>();
      run_pair(
          [&] {
            for (int j = 0; j < kTurns; ++j) transfer.producer(*rings);
          },
          [&] {
            for (int j = 0; j < kTurns; ++j) transfer.consumer(*rings);
          });
    });
    if (!ok) return;
  }
  if (!census.check(state, "after the row's threads were joined")) return;
  state.SetItemsProcessed(state.iterations() * kTurns * items_per_transfer);
}

// One throughput transfer on a ring: kItemsPerTransfer items, each checked to come out in order.
// Each side of a transfer is a function of its own per ring type ([[gnu::noinline]]): inlined into
// in_turns, the compiler would treat the learner's and the reference's copies differently
// (bench::guarded_batch, docs/benchmarks.md).
struct ThroughputTransfer {
  template <class Ring>
  [[gnu::noinline]] void producer(bench::Isolated<Ring>& ring) const {
    for (Item i = 0; i < kItemsPerTransfer; ++i) push_waiting(ring.value, i);
  }
  template <class Ring>
  [[gnu::noinline]] void consumer(bench::Isolated<Ring>& ring) const {
    for (Item i = 0; i < kItemsPerTransfer; ++i) {
      if (pop_waiting(ring.value) != i) throw bench::ContractBroken("an item came out of order");
    }
  }
};

struct ThroughputRings {
  std::size_t capacity;
  template <class Ring>
  auto make() const {
    return std::make_unique<bench::Isolated<Ring>>(capacity);  // 128-byte aligned
  }
};
ThroughputRings throughput_rings(const benchmark::State& state) {
  return {static_cast<std::size_t>(state.range(0))};
}

template <class Ring>
void BM_Throughput(benchmark::State& state) {
  alone<Ring>(state, kItemsPerTransfer, throughput_rings(state), ThroughputTransfer{});
}
template <class First, class Second>
void BM_ThroughputInTurns(benchmark::State& state) {
  in_turns<First, Second>(state, kItemsPerTransfer, throughput_rings(state), ThroughputTransfer{});
}

// One round-trip transfer on a pair of rings of capacity 1: kRoundTrips pings, each answered (an
// iteration's kTurns of them make 2,000: at a load of 6 on 2 cores, 16,000 took 9 s, each
// hand-off waiting for the other thread to be scheduled).
constexpr int kRoundTrips = 2'000 / kTurns;
template <class Ring>
struct PingPong {
  bench::Isolated<Ring> ping{1};
  bench::Isolated<Ring> pong{1};
};
struct RoundTripTransfer {
  template <class Rings>
  [[gnu::noinline]] void producer(Rings& rings) const {
    for (int i = 0; i < kRoundTrips; ++i) {
      push_waiting(rings.pong.value, pop_waiting(rings.ping.value) + 1);
    }
  }
  template <class Rings>
  [[gnu::noinline]] void consumer(Rings& rings) const {
    for (Item i = 0; i < kRoundTrips; ++i) {
      push_waiting(rings.ping.value, i);
      if (pop_waiting(rings.pong.value) != i + 1) throw bench::ContractBroken("a wrong reply");
    }
  }
};

struct PingPongs {
  template <class Ring>
  auto make() const {
    return std::make_unique<PingPong<Ring>>();
  }
};

template <class Ring>
void BM_RoundTrip(benchmark::State& state) {
  alone<Ring>(state, kRoundTrips, PingPongs{}, RoundTripTransfer{});
}
template <class First, class Second>
void BM_RoundTripInTurns(benchmark::State& state) {
  in_turns<First, Second>(state, kRoundTrips, PingPongs{}, RoundTripTransfer{});
}

void throughput_args(benchmark::internal::Benchmark* b) {
  b->Arg(16)->Arg(1024)->ArgName("cap")->UseRealTime()->Unit(benchmark::kMillisecond);
}
void round_trip_args(benchmark::internal::Benchmark* b) {
  b->UseRealTime()->Unit(benchmark::kMillisecond);
}

#define KATA_SPSC_BENCHMARKS(impl)                                 \
  BENCHMARK_TEMPLATE(BM_Throughput, impl)->Apply(throughput_args); \
  BENCHMARK_TEMPLATE(BM_RoundTrip, impl)->Apply(round_trip_args)

// BM_Throughput<learner, reference> and BM_RoundTrip<learner, reference>: the names the grader
// reads as the two implementations' rows of one workload (docs/benchmarks.md).
const bool kLearnerAndReferenceRegistered = [] {
  throughput_args(benchmark::RegisterBenchmark("BM_Throughput<learner, reference>",
                                               BM_ThroughputInTurns<learner, reference>));
  round_trip_args(benchmark::RegisterBenchmark("BM_RoundTrip<learner, reference>",
                                               BM_RoundTripInTurns<learner, reference>));
  return true;
}();
KATA_SPSC_BENCHMARKS(uncached);
KATA_SPSC_BENCHMARKS(naive);
#ifdef KATA_HAVE_BOOST
KATA_SPSC_BENCHMARKS(boost_spsc_queue);
#endif
#ifdef KATA_HAVE_ATOMIC_QUEUE
KATA_SPSC_BENCHMARKS(atomic_queue_spsc);
#endif
#ifdef KATA_HAVE_READERWRITERQUEUE
KATA_SPSC_BENCHMARKS(moodycamel_rwqueue);
#endif

}  // namespace

BENCHMARK_MAIN();
