// spsc_ring: one producer thread and one consumer thread, through one ring.
//  - BM_Throughput<impl>/cap:<16|1024>: the producer try_push()es 20,000 items, the consumer
//    try_pop()s them (each side retries, then yields, while the ring is full or empty): items/s. A
//    small ring makes the two sides meet on the same lines all the time; a large one lets them run
//    apart.
//  - BM_RoundTrip<impl>: a ping-pong through two rings of capacity 1: the time from a push on one
//    thread to the other thread's reply popped, per round trip (the cost of handing one cache line
//    over and back).
// The non-blocking calls only (levels 1-2): the rows measure the ring, not the futex. Rows for the
// learner and the reference; the reference without cached indices and padding
// (baselines/spsc_ring_uncached.h); the naive baseline (a std::mutex over a std::deque); and the
// peers: boost::lockfree::spsc_queue (libboost-dev), atomic_queue's AtomicQueueB2 in SPSC mode
// (libatomic-queue-dev; it rounds the capacity up to a power of two) and moodycamel's
// ReaderWriterQueue (libreaderwriterqueue-dev; it may allocate past the capacity, try_enqueue does
// not).
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
constexpr int kItemsPerIteration = 20'000;

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

template <class Ring>
void BM_Throughput(benchmark::State& state) {
  const auto capacity = static_cast<std::size_t>(state.range(0));
  bench::ThreadCensus census(state);
  for (auto _ : state) {
    const bool ok = bench::guarded(state, [&] {
      auto isolated = std::make_unique<bench::Isolated<Ring>>(capacity);  // 128-byte aligned
      Ring* ring = &isolated->value;
      std::uint64_t pushed = 0, popped = 0;
      run_pair(
          [&] {
            for (Item i = 0; i < kItemsPerIteration; ++i) {
              push_waiting(*ring, i);
              pushed += static_cast<std::uint64_t>(i);
            }
          },
          [&] {
            for (Item i = 0; i < kItemsPerIteration; ++i) {
              const Item got = pop_waiting(*ring);
              if (got != i) throw bench::ContractBroken("an item came out of order");
              popped += static_cast<std::uint64_t>(got);
            }
          });
      if (pushed != popped) throw bench::ContractBroken("the items popped are not those pushed");
    });
    if (!ok) return;
  }
  if (!census.check(state, "after the row's threads were joined")) return;
  state.SetItemsProcessed(state.iterations() * kItemsPerIteration);
}

template <class Ring>
void BM_RoundTrip(benchmark::State& state) {
  constexpr int kRounds = 2'000;
  bench::ThreadCensus census(state);
  for (auto _ : state) {
    const bool ok = bench::guarded(state, [&] {
      auto ping_ring = std::make_unique<bench::Isolated<Ring>>(1);
      auto pong_ring = std::make_unique<bench::Isolated<Ring>>(1);
      Ring* ping = &ping_ring->value;
      Ring* pong = &pong_ring->value;
      run_pair(
          [&] {
            for (int i = 0; i < kRounds; ++i) push_waiting(*pong, pop_waiting(*ping) + 1);
          },
          [&] {
            for (Item i = 0; i < kRounds; ++i) {
              push_waiting(*ping, i);
              if (pop_waiting(*pong) != i + 1) throw bench::ContractBroken("a wrong reply");
            }
          });
    });
    if (!ok) return;
  }
  if (!census.check(state, "after the row's threads were joined")) return;
  state.SetItemsProcessed(state.iterations() * kRounds);
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

KATA_SPSC_BENCHMARKS(learner);
KATA_SPSC_BENCHMARKS(reference);
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
