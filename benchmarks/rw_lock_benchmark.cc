// rw_lock: threads read or write a small guarded table under the lock, with a read share of 99%,
// 90% or 50%, at 1, 2, 4 and 8 threads (the machine may have 2 cores: oversubscription is part of
// the picture). A read sums the table, a write increments it: a short critical section, so the
// lock's own cost dominates. A read checks the table is not half written. Same body for every
// implementation; rows named BM_Mix<impl>/read_pct:R/iterations:1/threads:T (one iteration: a fixed
// window, see kWindow), and BM_Mix<learner, reference>/... for the two measured in turns.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <thread>

#include "support/bench.h"

#ifdef KATA_HAVE_ABSL
#include <absl/synchronization/mutex.h>
#endif
#ifdef KATA_HAVE_TBB
#include <tbb/queuing_rw_mutex.h>
#include <tbb/spin_rw_mutex.h>
#endif

namespace {

// Adapters: read(f) runs f holding the lock shared, write(f) holding it exclusively.
template <class Lock>
struct SharedMutexAdapter {  // anything with lock/unlock/lock_shared/unlock_shared
  template <class F>
  void read(F&& f) {
    std::shared_lock hold(lock);
    f();
  }
  template <class F>
  void write(F&& f) {
    std::unique_lock hold(lock);
    f();
  }
  Lock lock;
};
using learner = SharedMutexAdapter<KATA_LEARNER_NS::RWLock>;
using reference = bench::Reference<SharedMutexAdapter<solution::RWLock>>;
using std_shared_mutex = SharedMutexAdapter<std::shared_mutex>;

// The baseline: one plain mutex, readers serialised like writers.
struct std_mutex {
  template <class F>
  void read(F&& f) {
    std::lock_guard hold(lock);
    f();
  }
  template <class F>
  void write(F&& f) {
    std::lock_guard hold(lock);
    f();
  }
  std::mutex lock;
};

#ifdef KATA_HAVE_ABSL
struct absl_mutex {
  template <class F>
  void read(F&& f) {
    absl::ReaderMutexLock hold(&lock);
    f();
  }
  template <class F>
  void write(F&& f) {
    absl::MutexLock hold(&lock);
    f();
  }
  absl::Mutex lock;
};
#endif

#ifdef KATA_HAVE_TBB
template <class Lock>
struct TbbAdapter {
  template <class F>
  void read(F&& f) {
    typename Lock::scoped_lock hold(lock, /*write=*/false);
    f();
  }
  template <class F>
  void write(F&& f) {
    typename Lock::scoped_lock hold(lock, /*write=*/true);
    f();
  }
  Lock lock;
};
using tbb_spin_rw_mutex = TbbAdapter<tbb::spin_rw_mutex>;
using tbb_queuing_rw_mutex = TbbAdapter<tbb::queuing_rw_mutex>;
#endif

constexpr int kOpsPerBatch = 100;
// Each implementation gets this much wall time a repetition (see bench::for_window): a fair lock's
// throughput at 2+ threads on 2 cores swings 300x with the schedule.
constexpr std::chrono::milliseconds kWindow(50);

// One lock and one table per implementation, shared by the benchmark's threads; never destroyed
// (threads of later runs reuse them), which keeps set-up out of the timed loop; each in an
// Isolated of its own (bench::Isolated says why).
template <class Lock>
struct Guarded {
  Lock lock;
  std::array<std::int64_t, 16> table{};
};
template <class Lock>
Guarded<Lock>& shared() {
  static bench::Isolated<Guarded<Lock>> guarded;
  return guarded.value;
}

// After a row, on the very lock measured: while a writer holds it a reader waits, and while a
// reader holds it a writer waits. The torn-read check needs a writer beside a reader, which a row
// at one thread never has, and a lock can change its behaviour after so many calls (more than the
// tests make): this checks what the lock does after the row's calls, at every thread count. A
// thread that is not kept out gets in within microseconds; one that is, is let in after kAuditWait.
constexpr std::chrono::milliseconds kAuditWait(5);

// Whether `waiter` (read or write) is kept waiting while `holder` holds the lock.
template <class Holder, class Waiter>
bool kept_out(Holder holder, Waiter waiter) {
  std::atomic<bool> entered{false};
  bool kept = false;
  std::thread other;
  holder([&] {
    other = std::thread([&] { waiter([&] { entered = true; }); });
    const auto deadline = std::chrono::steady_clock::now() + kAuditWait;
    while (!entered && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    kept = !entered;
  });
  other.join();
  return kept;
}

template <class Lock>
void audit_exclusion(benchmark::State& state, Lock& lock) {
  if (state.error_occurred()) return;
  auto read = [&](auto f) { lock.read(f); };
  auto write = [&](auto f) { lock.write(f); };
  if (!kept_out(write, read)) {
    bench::contract_broken(state, "after the row, a reader got in while a writer held the lock");
  } else if (!kept_out(read, write)) {
    bench::contract_broken(state, "after the row, a writer got in while a reader held the lock");
  }
}

// BM_Mix<impl>: one implementation. BM_Mix<learner, reference>: the two taking turns in short
// slices of one window (bench::for_window, bench::register_learner_and_reference).
template <class... Locks>
void BM_Mix(benchmark::State& state) {
  const int read_pct = static_cast<int>(state.range(0));
  std::minstd_rand rng(static_cast<unsigned>(state.thread_index()) + 1);
  std::int64_t sink = 0;
  bench::for_window(
      state, kWindow, kOpsPerBatch,
      [&](auto& shared) {
        for (int i = 0; i < kOpsPerBatch; ++i) {
          if (static_cast<int>(rng() % 100) < read_pct) {
            shared.lock.read([&] {
              // A write adds one to every entry, so a reader the lock keeps apart from writers
              // sees them all equal: a lock that lets readers in beside a writer in the benchmark
              // (whatever it did in the tests) stops its rows, and the kata scores 0.
              const std::int64_t first = shared.table[0];
              bool torn = false;
              for (auto v : shared.table) {
                sink += v;
                torn |= v != first;
              }
              if (torn) throw bench::ContractBroken("a reader saw a write half done");
            });
          } else {
            shared.lock.write([&] {
              for (auto& v : shared.table) ++v;
            });
          }
        }
      },
      shared<Locks>()...);
  benchmark::DoNotOptimize(sink);
  // Once every thread of the row has left its loop (the loop's end barrier).
  if (state.thread_index() == 0) (audit_exclusion(state, shared<Locks>().lock), ...);
}

void mix_args(benchmark::internal::Benchmark* b) {
  for (int read_pct : {99, 90, 50}) b->Arg(read_pct);
  b->ArgName("read_pct")->UseRealTime()->Iterations(1);
}

KATA_LEARNER_AND_REFERENCE(BM_Mix, mix_args, kUpToCores);
BENCHMARK_TEMPLATE(BM_Mix, std_mutex)->Apply(mix_args)->Apply(bench::all_thread_counts);
BENCHMARK_TEMPLATE(BM_Mix, std_shared_mutex)->Apply(mix_args)->Apply(bench::all_thread_counts);
#ifdef KATA_HAVE_ABSL
BENCHMARK_TEMPLATE(BM_Mix, absl_mutex)->Apply(mix_args)->Apply(bench::all_thread_counts);
#endif
#ifdef KATA_HAVE_TBB
BENCHMARK_TEMPLATE(BM_Mix, tbb_spin_rw_mutex)->Apply(mix_args)->Apply(bench::all_thread_counts);
BENCHMARK_TEMPLATE(BM_Mix, tbb_queuing_rw_mutex)->Apply(mix_args)->Apply(bench::all_thread_counts);
#endif

}  // namespace

BENCHMARK_MAIN();
