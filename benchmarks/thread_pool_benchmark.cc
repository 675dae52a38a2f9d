// thread_pool: three workloads at 1, 2, 4 and 8 pool threads (the machine may have 2 cores, and
// oversubscription is part of the picture), each iteration on a pool made for it:
//   BM_TinyTasks<impl>/threads:T   1,000 empty tasks submitted from outside, then every future got:
//                                  the cost of submit + hand-off + get.
//   BM_MixedSizes<impl>/threads:T  1,000 tasks of 0 to 20 us of work each (a seeded mix), submitted
//                                  from outside, then every future got.
//   BM_ForkJoin<impl>/threads:T    fib(24) as fork-join, sequential below fib(12) (about 460 tasks,
//                                  each waiting for its two children): wait() that helps. Only the
//                                  pools that can: the learner, the reference and tbb::task_group.
// Same body for every implementation; the grader interleaves the rows at random. Baseline: the
// textbook pool (baselines/thread_pool_naive.h). Peers: boost::asio::thread_pool (post + a latch)
// and tbb::task_group (run + wait), if installed.
#include <atomic>
#include <cstdint>
#include <future>
#include <latch>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "baselines/thread_pool_naive.h"
#include "support/bench.h"

#ifdef KATA_HAVE_TBB
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>
#endif
#ifdef KATA_HAVE_BOOST
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#endif

namespace {

constexpr int kTasks = 1000;
constexpr int kFib = 24;
constexpr int kSequentialBelow = 12;

// Spins for about `units` x 20 ns of work that the compiler cannot drop.
void work(int units) {
  std::atomic<int> sink{0};
  for (int i = 0; i < units; ++i) sink.fetch_add(1, std::memory_order_relaxed);
}

long fib_sequential(int n) { return n < 2 ? n : fib_sequential(n - 1) + fib_sequential(n - 2); }

// Adapters: run_all(n, body) runs body(i) for i in [0, n) as n tasks submitted from outside and
// returns once all have run; fib(n) as fork-join where the pool can.
template <class Pool>
struct FuturePool {
  explicit FuturePool(int threads) : pool(static_cast<std::size_t>(threads)) {}
  template <class Body>
  void run_all(int n, Body body) {
    std::vector<std::future<void>> futures;
    futures.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) futures.push_back(pool.submit([body, i] { body(i); }));
    for (auto& f : futures) f.get();
  }
  Pool pool;
};

template <class Pool>
struct KataPool : FuturePool<Pool> {
  using FuturePool<Pool>::FuturePool;
  long fib_task(int n) {
    if (n < kSequentialBelow) return fib_sequential(n);
    auto a = this->pool.submit([this, n] { return fib_task(n - 1); });
    auto b = this->pool.submit([this, n] { return fib_task(n - 2); });
    return this->pool.wait(a) + this->pool.wait(b);
  }
  long fib(int n) {
    auto root = this->pool.submit([this, n] { return fib_task(n); });
    return root.get();
  }
};
using learner = KataPool<KATA_LEARNER_NS::ThreadPool>;
using reference = bench::Reference<KataPool<solution::ThreadPool>>;

struct naive : FuturePool<baseline::NaiveThreadPool> {
  using FuturePool::FuturePool;
};

#ifdef KATA_HAVE_BOOST
struct asio_pool {
  explicit asio_pool(int threads) : pool(static_cast<std::size_t>(threads)) {}
  ~asio_pool() { pool.join(); }
  template <class Body>
  void run_all(int n, Body body) {
    std::latch done(n);
    for (int i = 0; i < n; ++i) {
      boost::asio::post(pool, [&done, body, i] {
        body(i);
        done.count_down();
      });
    }
    done.wait();
  }
  boost::asio::thread_pool pool;
};
#endif

#ifdef KATA_HAVE_TBB
struct tbb_task_group {
  explicit tbb_task_group(int threads) : arena(threads) {}
  template <class Body>
  void run_all(int n, Body body) {
    arena.execute([&] {
      tbb::task_group group;
      for (int i = 0; i < n; ++i) group.run([body, i] { body(i); });
      group.wait();
    });
  }
  static long fib_task(int n) {
    if (n < kSequentialBelow) return fib_sequential(n);
    long a = 0, b = 0;
    tbb::task_group group;
    group.run([&] { a = fib_task(n - 1); });
    group.run([&] { b = fib_task(n - 2); });
    group.wait();
    return a + b;
  }
  long fib(int n) {
    long result = 0;
    arena.execute([&] { result = fib_task(n); });
    return result;
  }
  tbb::task_arena arena;
};
#endif

// Whether the implementation keeps its threads for the whole process by design (tbb's global pool
// outlives any task_arena), so that the census after a row does not count them.
template <class Pool>
constexpr bool kKeepsThreads = false;
#ifdef KATA_HAVE_TBB
template <>
constexpr bool kKeepsThreads<tbb_task_group> = true;
#endif

// How many times each of kTasks tasks ran, checked once run_all has returned: every task submitted
// runs exactly once. One counter each, so a task only ever touches its own.
struct RunCounts {
  RunCounts() : counts(kTasks) {}
  void ran(int i) { counts[static_cast<std::size_t>(i)].fetch_add(1, std::memory_order_relaxed); }
  void check() const {
    for (const auto& count : counts) {
      if (count.load(std::memory_order_relaxed) != 1) {
        throw bench::ContractBroken("a task submitted ran " + std::to_string(count.load()) +
                                    " times, not once");
      }
    }
  }
  std::vector<std::atomic<int>> counts;
};

// Pools are made and destroyed in each iteration: once the row's loop is over, none of their
// threads may still run (the census).
template <class Pool>
void BM_TinyTasks(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  bench::ThreadCensus census(state, !kKeepsThreads<Pool>);
  for (auto _ : state) {
    if (!bench::guarded(state, [&] {
          RunCounts runs;
          Pool pool(threads);
          pool.run_all(kTasks, [&runs](int i) { runs.ran(i); });
          runs.check();
        })) {
      return;
    }
  }
  if (!census.check(state, "after the row's pools were destroyed")) return;
  state.SetItemsProcessed(state.iterations() * kTasks);
}

template <class Pool>
void BM_MixedSizes(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  // The same seeded mix for every implementation: mostly tiny, some up to ~20 us.
  std::vector<int> sizes(kTasks);
  std::mt19937 rng(42);
  for (int& size : sizes) size = rng() % 4 == 0 ? static_cast<int>(rng() % 1000) : 0;
  bench::ThreadCensus census(state, !kKeepsThreads<Pool>);
  for (auto _ : state) {
    if (!bench::guarded(state, [&] {
          RunCounts runs;
          Pool pool(threads);
          pool.run_all(kTasks, [&sizes, &runs](int i) {
            work(sizes[static_cast<std::size_t>(i)]);
            runs.ran(i);
          });
          runs.check();
        })) {
      return;
    }
  }
  if (!census.check(state, "after the row's pools were destroyed")) return;
  state.SetItemsProcessed(state.iterations() * kTasks);
}

template <class Pool>
void BM_ForkJoin(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const long expected = fib_sequential(kFib);
  bench::ThreadCensus census(state, !kKeepsThreads<Pool>);
  for (auto _ : state) {
    bool ok = bench::guarded(state, [&] {
      Pool pool(threads);
      // Every task's result is in the sum: a task lost, run twice or given another's result shows.
      if (pool.fib(kFib) != expected) throw bench::ContractBroken("fork-join computed a wrong fib");
    });
    if (!ok) return;
  }
  if (!census.check(state, "after the row's pools were destroyed")) return;
  state.SetItemsProcessed(state.iterations());
}

void thread_args(benchmark::internal::Benchmark* b) {
  for (int threads : {1, 2, 4, 8}) b->Arg(threads);
  b->ArgName("threads")->UseRealTime()->Unit(benchmark::kMillisecond);
}

#define KATA_POOL_BENCHMARKS(impl)                            \
  BENCHMARK_TEMPLATE(BM_TinyTasks, impl)->Apply(thread_args); \
  BENCHMARK_TEMPLATE(BM_MixedSizes, impl)->Apply(thread_args)
#define KATA_FORK_JOIN_BENCHMARKS(impl) BENCHMARK_TEMPLATE(BM_ForkJoin, impl)->Apply(thread_args)

KATA_POOL_BENCHMARKS(learner);
KATA_POOL_BENCHMARKS(reference);
KATA_POOL_BENCHMARKS(naive);
KATA_FORK_JOIN_BENCHMARKS(learner);
KATA_FORK_JOIN_BENCHMARKS(reference);
#ifdef KATA_HAVE_BOOST
KATA_POOL_BENCHMARKS(asio_pool);
#endif
#ifdef KATA_HAVE_TBB
KATA_POOL_BENCHMARKS(tbb_task_group);
KATA_FORK_JOIN_BENCHMARKS(tbb_task_group);
#endif

}  // namespace

BENCHMARK_MAIN();
