// What every kata benchmark shares: the learner's and the reference's headers side by side, a guard
// that turns an unfinished kata into a "not implemented" row instead of a crash, and latency
// percentiles. One benchmark body per workload, instantiated per implementation with
// BENCHMARK_TEMPLATE, so the learner, the reference, the baselines and the peers run the same code
// in the same process, interleaved (the grader passes --benchmark_enable_random_interleaving); or,
// for the learner and the reference, in one row in turns (for_window with two objects).
#pragma once

#include <benchmark/benchmark.h>
#include <dirent.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

#include KATA_LEARNER_HEADER
#include KATA_REFERENCE_HEADER

// The learner's namespace: `kata`, except in the grader's self-check build, where the "learner" is
// the reference itself (namespace solution) and every ratio should come out at 1.
#ifndef KATA_LEARNER_NS
#define KATA_LEARNER_NS kata
#endif

// The grader's time box for this benchmark, when its workloads need more than the default 15 s to
// pin the learner / reference ratio down (docs/scoring.md, Calibration). At namespace scope in the
// kata's benchmark file: KATA_GRADER_SECONDS(30). The grader reads it from the JSON's context.
#define KATA_GRADER_SECONDS(seconds)                              \
  static const bool kata_grader_seconds_declared = [] {           \
    benchmark::AddCustomContext("kata_grader_seconds", #seconds); \
    return true;                                                  \
  }()

namespace bench {

// The reference's rows run the benchmark body instantiated for a type of their own. In the
// self-check build the learner's class IS the reference's, and without this the two rows would be
// one function: one copy of the code and one set of its function-local statics (the shared map,
// cache or limiter), so each row would start on the state the other left. A learner's rows and the
// reference's never share those in a real grading, and the self-check must measure what a real
// grading measures. Usage: using reference = bench::Reference<Adapter<solution::X>>;
template <class T>
struct Reference : T {
  using T::T;
};

// An object that starts on a 128-byte boundary (two cache lines: the adjacent-line prefetcher
// pairs them) and shares no line with another. The learner's and the reference's shared objects,
// allocated one after the other, would otherwise sit at offsets that differ, so a field one of
// them has on the same line as a hot one the other has on a line of its own: in rate_limiter's
// rows in turns that made the self-check's "learner" 20% slower in one workload and 25% faster in
// the other, in every run.
template <class T>
struct alignas(128) Isolated {
  template <class... Args>
  explicit Isolated(Args&&... args) : value(std::forward<Args>(args)...) {}
  T value;
};

// A T that lives for the rest of the process, in an Isolated of its own.
template <class T, class... Args>
T* new_isolated(Args&&... args) {
  return &(new Isolated<T>(std::forward<Args>(args)...))->value;
}

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

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

// What a class leaves running (docs/header_policy.md, "At run time"): a thread it started that
// outlives its turn, or keeps spinning beside the row, takes CPU from whatever runs next, the
// reference's turn included. The ids of this process's threads as the kernel lists them (where
// harness/src/main.cc counts them for its THREAD BEFORE MAIN check), sorted.
inline std::vector<long> thread_ids() {
  std::vector<long> ids;
  if (DIR* tasks = opendir("/proc/self/task")) {
    while (const dirent* entry = readdir(tasks)) {
      if (entry->d_name[0] != '.') ids.push_back(std::strtol(entry->d_name, nullptr, 10));
    }
    closedir(tasks);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

inline std::int64_t cpu_ns(clockid_t clock) {
  timespec at{};
  clock_gettime(clock, &at);
  return static_cast<std::int64_t>(at.tv_sec) * 1'000'000'000 + at.tv_nsec;
}

// The cores this process may run on (what nproc says: a container's share, not the host's count).
inline int usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// The process's threads at the start of a row, taken by its thread 0, against those running when
// the classes measured should have no thread of their own left: a thread they started and left
// running would spin through the next row, or the other class's turns in this one. Threads that
// ended meanwhile (the row's own, once past its loop) do not hide one: it is ids that are compared.
// The first census of the process also checks that no thread ran before the benchmark's first row
// (a namespace-scope initialiser's, which the test binaries stop at main() as well).
class ThreadCensus {
 public:
  ThreadCensus() = default;
  // `counts`: false for an implementation that keeps a pool of threads for the whole process by
  // design (tbb's), and is no learner's.
  explicit ThreadCensus(benchmark::State& state, bool counts = true) {
    if (state.thread_index() != 0 || !counts) return;
    at_start_ = thread_ids();
    taken_ = true;
    static bool first = true;
    const auto before = static_cast<int>(at_start_.size()) - state.threads();
    if (std::exchange(first, false) && before > 0) {
      contract_broken(state, std::to_string(before) +
                                 " thread(s) running before the benchmark's first row (started by "
                                 "a namespace-scope initialiser)");
    }
  }
  // When no thread may have been added since the start (the row's own threads are still in the
  // row, or every object a class made its threads in is gone): false, and the row marked, if one
  // was. Any thread of the row may call it; it checks if the census was taken (by thread 0). A
  // thread just joined can linger in the kernel's list a moment after join() returns, so a new one
  // is looked for again for up to kSettle before it counts.
  bool check(benchmark::State& state, const char* when) const {
    if (!taken_ || state.error_occurred()) return true;
    int started = started_since();
    for (auto waited = std::chrono::milliseconds(0); started > 0 && waited < kSettle;
         waited += std::chrono::milliseconds(1)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      started = started_since();
    }
    if (started == 0) return true;
    contract_broken(state, std::to_string(started) + " thread(s) started in the row still " +
                               "running " + when + " (a class may not leave a thread running " +
                               "beyond its objects)");
    return false;
  }

 private:
  int started_since() const {
    const std::vector<long> now = thread_ids();
    std::vector<long> started;
    std::set_difference(now.begin(), now.end(), at_start_.begin(), at_start_.end(),
                        std::back_inserter(started));
    return static_cast<int>(started.size());
  }
  static constexpr std::chrono::milliseconds kSettle{20};
  std::vector<long> at_start_;
  bool taken_ = false;
};

// Whether the kata's class runs threads of its own while its objects live (a logger's writer),
// which then use CPU beside the row's threads, legitimately: set by KATA_CLASS_RUNS_THREADS() in
// the kata's benchmark file. Elsewhere for_window checks that the process used no more CPU in a
// row than the row's own threads did.
inline bool& class_runs_threads() {
  static bool runs = false;
  return runs;
}
#define KATA_CLASS_RUNS_THREADS()                           \
  static const bool kata_class_runs_threads_declared = [] { \
    return ::bench::class_runs_threads() = true;            \
  }()

// The CPU a row's threads used, against the process's over the row: what else ran in the process
// meanwhile (a thread the class started and stopped between two counts of ThreadCensus, say)
// shows as the difference. One per body (rows run one at a time); thread 0 resets it before the
// row's start barrier, and every thread adds its own after the row's end barrier.
struct RowCpu {
  std::int64_t process_at_start = 0;
  std::atomic<std::int64_t> threads_ns{0};
  std::atomic<int> finished{0};
  std::atomic<bool> compared{false};

  // Thread 0, before the row's start barrier.
  void reset(benchmark::State& state) {
    if (state.thread_index() != 0) return;
    threads_ns = 0;
    finished = 0;
    compared = false;
  }
  // Each thread, past the start barrier: what a thread does before it (its start, the first touch
  // of its stack: up to 4 ms a row at 8 threads on a loaded machine) is not the row's. Returns the
  // thread's CPU time now.
  std::int64_t start(benchmark::State& state) {
    if (state.thread_index() == 0) process_at_start = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    return cpu_ns(CLOCK_THREAD_CPUTIME_ID);
  }
  // Each thread of the row, on every way out of the row, with its CPU time when it entered the
  // body. The last one compares: more than slack_ns(), and a twentieth of the row's threads' own,
  // is a thread of the class's still spinning (an idle one uses next to none; what the row's
  // threads do outside their bodies, next to nothing). Thread 0, once past the row's end barrier
  // (so every other thread is past it too, or has left with an error, and either way comes here),
  // waits for that comparison: what it does next (rw_lock's audit starts threads, which may spin on
  // a spin lock) must not count as a thread of the class's.
  void finish(benchmark::State& state, std::int64_t thread_at_start, bool past_the_end_barrier) {
    threads_ns += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - thread_at_start;
    if (finished.fetch_add(1) + 1 == state.threads()) {
      compare(state);
      compared = true;
    } else if (state.thread_index() == 0 && past_the_end_barrier) {
      // Bounded: a thread that left before the loop (it cannot, but a hang here would read as
      // the class's) is not waited for forever.
      for (const std::int64_t until = now_ns() + 1'000'000'000; !compared && now_ns() < until;) {
        std::this_thread::yield();
      }
    }
  }

 private:
  void compare(benchmark::State& state) {
    if (class_runs_threads()) return;
    const std::int64_t process = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - process_at_start;
    const std::int64_t others = process - threads_ns.load();
    if (others > slack_ns() && others * 20 > threads_ns.load() && !state.error_occurred()) {
      contract_broken(state, "threads other than the row's used " +
                                 std::to_string(others / 1000000) +
                                 " ms of CPU during it, the row's own " +
                                 std::to_string(threads_ns.load() / 1000000) +
                                 " ms: a thread the class started kept running");
    }
  }
  // The process's clock lags the threads' own by up to a scheduler tick (4 ms at HZ=250) for each
  // other core with a thread of the process running on it when it is read: 2 ms more than that.
  static std::int64_t slack_ns() { return 4'000'000 * usable_cores() + 2'000'000; }
};

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

// Which of two implementations owns the time slice that holds instant `t_ns`: a hash of the
// slice's number, so every thread agrees without talking. Not a fixed alternation: a pattern whose
// period divides the kernel's 4 ms tick (HZ=250) puts every tick, and the preemption it brings, in
// the same implementation's slices; measured with the reference against itself, that made the
// first of the two 1.5% slower at 1 thread and 30% slower at 4.
inline int slice_owner(std::int64_t t_ns, std::int64_t slice_ns) {
  std::uint64_t k = static_cast<std::uint64_t>(t_ns / slice_ns) * 0x9E3779B97F4A7C15ull;
  k ^= k >> 29;
  k *= 0xBF58476D1CE4E5B9ull;
  k ^= k >> 32;
  return static_cast<int>(k & 1);
}

// How long the slices of `owner` cover of [begin, end).
inline std::int64_t owned_ns(std::int64_t begin, std::int64_t end, std::int64_t slice_ns,
                             int owner) {
  std::int64_t owned = 0;
  for (std::int64_t at = begin / slice_ns * slice_ns; at < end; at += slice_ns) {
    if (slice_owner(at, slice_ns) == owner)
      owned += std::min(end, at + slice_ns) - std::max(begin, at);
  }
  return owned;
}

// Slices short enough that the schedule's modes (a partner thread descheduled, another job on the
// core) last many of them, so both implementations meet every mode: with 300 us, the self-check's
// spread between processes was 4-10x smaller at 1 and 2 threads than with each implementation in
// its own repetitions (docs/benchmarks.md).
constexpr std::chrono::microseconds kSlice(300);

// One batch on one implementation's object, as a function of its own: in one function the two
// calls would be compiled differently (the compiler inlines the first until the function is too
// big for the second), which made the self-check's first implementation 10-25% slower at 1 thread.
template <class Batch, class Shared>
[[gnu::noinline]] bool guarded_batch(benchmark::State& state, Batch& batch, Shared& shared) {
  return guarded(state, [&] { batch(shared); });
}

// A fixed window of wall time instead of a fixed number of iterations, for workloads whose speed
// depends on the schedule more than on the code: a fair lock at 2+ threads on 2 busy cores runs
// either at futex hand-off speed or, while the other thread is descheduled, 300x faster. Google
// Benchmark sizes its repetitions from one estimation run, so an estimate taken in the fast mode
// made every later repetition take minutes. A window bounds each repetition's time whatever the
// mode. Register such a benchmark with ->Iterations(1). Each thread calls `batch(object)` (which
// does `ops_per_batch` operations on the shared object) until `window` has passed since it started;
// a batch that throws marks the row (bench::guarded) and ends it.
//
// With one object, the row reports the operations all threads did per second (items_per_second).
// With two (the learner's and the reference's), the window lasts twice as long and the two take
// turns in kSlice-long slices of wall time, all threads on the same one at once; the row reports
// each one's operations per second of its own slices, as the counters first_items_per_second and
// second_items_per_second, which the grader reads as the two implementations' rows of one process.
template <class Batch, class... Shared>
void for_window(benchmark::State& state, std::chrono::nanoseconds window,
                std::int64_t ops_per_batch, Batch&& batch, Shared&... shared) {
  static_assert(sizeof...(Shared) == 1 || sizeof...(Shared) == 2);
  constexpr int kImpls = sizeof...(Shared);
  const std::int64_t slice = std::chrono::nanoseconds(kSlice).count();
  std::int64_t ops[2] = {0, 0};
  std::int64_t owned[2] = {0, 0};
  auto objects = std::tie(shared...);
  static RowCpu cpu;
  cpu.reset(state);
  std::int64_t thread_cpu_at_start = 0;
  ThreadCensus census(state);
  bool stopped = false;  // by an error: left the loop without its end barrier
  for (auto _ : state) {
    thread_cpu_at_start = cpu.start(state);
    const std::int64_t begin = now_ns();
    const std::int64_t end = begin + window.count() * kImpls;
    for (std::int64_t t = begin; t < end && !stopped; t = now_ns()) {
      const int owner = kImpls == 1 ? 0 : slice_owner(t, slice);
      const bool ok = owner == 0 ? guarded_batch(state, batch, std::get<0>(objects))
                                 : guarded_batch(state, batch, std::get<kImpls - 1>(objects));
      stopped = !ok;
      ops[owner] += ops_per_batch;
    }
    // Before the loop's end barrier: the row's other threads are still in it, so a thread there
    // that was not at the start is one the classes started.
    if (stopped || !census.check(state, "at the end of the row")) {
      stopped = true;
      break;
    }
    for (int owner = 0; owner < kImpls; ++owner) {
      owned[owner] += kImpls == 1 ? end - begin : owned_ns(begin, end, slice, owner);
    }
  }
  if (thread_cpu_at_start != 0) cpu.finish(state, thread_cpu_at_start, !stopped);
  if (stopped) return;
  if constexpr (kImpls == 1) {
    state.SetItemsProcessed(ops[0]);
  } else {
    // Summed over the threads (the counter's default), per-thread rates add up to the row's.
    state.counters["first_items_per_second"] =
        static_cast<double>(ops[0]) * 1e9 /
        static_cast<double>(std::max<std::int64_t>(owned[0], 1));
    state.counters["second_items_per_second"] =
        static_cast<double>(ops[1]) * 1e9 /
        static_cast<double>(std::max<std::int64_t>(owned[1], 1));
  }
}

// The thread counts of the multi-threaded workloads: 1, 2, 4 and 8 (the machine may have 2 cores:
// oversubscription is part of the picture).
inline constexpr int kThreadCounts[] = {1, 2, 4, 8};

inline void all_thread_counts(benchmark::internal::Benchmark* b) {
  for (int threads : kThreadCounts) b->Threads(threads);
}

// Registers a workload's learner and reference rows. Where they take turns, one row,
// BODY<learner, reference>, runs the two in turns (bench::for_window with two objects): both meet
// the same schedule, and the self-check's spread between processes was 4-10x smaller than with a
// row each. Elsewhere a row each, BODY<learner> and BODY<reference>. Which thread counts take
// turns is the workload's call, from its measurements (docs/benchmarks.md):
//  - kUpToCores: a thread preempted inside one implementation's batch keeps that implementation's
//    lock (and the threads waiting on it) through the other's slices, which then run with fewer
//    threads: on rw_lock, turns at more threads than cores made the spread up to 8x wider.
//  - kEveryThreadCount: concurrent_logger's callers hold no lock the other logger needs, and turns
//    narrowed its spread at 4 and 8 threads as well.
// `args` sets everything but the threads.
enum class Turns { kUpToCores, kEveryThreadCount };
using Body = void (*)(benchmark::State&);
inline bool register_learner_and_reference(const std::string& body, Body in_turns, Body learner,
                                           Body reference,
                                           void (*args)(benchmark::internal::Benchmark*),
                                           Turns turns) {
  const int most_in_turns =
      turns == Turns::kUpToCores ? usable_cores() : std::end(kThreadCounts)[-1];
  std::vector<int> alone;
  auto* both = benchmark::RegisterBenchmark((body + "<learner, reference>").c_str(), in_turns);
  args(both);
  for (int threads : kThreadCounts) {
    if (threads <= most_in_turns) {
      both->Threads(threads);
    } else {
      alone.push_back(threads);
    }
  }
  if (alone.empty()) return true;
  for (auto [name, fn] : {std::pair{"<learner>", learner}, std::pair{"<reference>", reference}}) {
    auto* row = benchmark::RegisterBenchmark((body + name).c_str(), fn);
    args(row);
    for (int threads : alone) row->Threads(threads);
  }
  return true;
}

// At namespace scope, with `learner` and `reference` the two implementations (types, or templates
// the body takes as template template parameters); `turns` a bench::Turns.
#define KATA_LEARNER_AND_REFERENCE(body, args, turns)                                         \
  static const bool kata_registered_##body =                                                  \
      ::bench::register_learner_and_reference(#body, body<learner, reference>, body<learner>, \
                                              body<reference>, args, ::bench::Turns::turns)

// Pre-drawn key sequences (drawing a Zipf key costs more than a cache or map call): `count` keys
// in [0, keys), each thread walking the sequence from its own offset.
inline std::vector<std::int64_t> uniform_keys(std::int64_t keys, std::size_t count,
                                              std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> out(count);
  for (auto& k : out) k = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(keys));
  return out;
}

// Zipf(0.99) by inverse CDF over ranks: a few keys are hot. Rank r is scattered to key
// r * 7919 % keys, so the hot keys are not all neighbours (keys must not be a multiple of 7919).
inline std::vector<std::int64_t> zipf_keys(std::int64_t keys, std::size_t count,
                                           std::uint64_t seed) {
  std::vector<double> cdf(static_cast<std::size_t>(keys));
  double sum = 0;
  for (std::size_t r = 0; r < cdf.size(); ++r) {
    cdf[r] = sum += 1.0 / std::pow(static_cast<double>(r + 1), 0.99);
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, sum);
  std::vector<std::int64_t> out(count);
  for (auto& k : out) {
    const std::int64_t rank = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
    k = rank * 7919 % keys;
  }
  return out;
}

// Collects latency samples across iterations; reports p50 and p99 as counters (nanoseconds).
class Latencies {
 public:
  void add(std::vector<std::int64_t>& samples) {
    all_.insert(all_.end(), samples.begin(), samples.end());
    samples.clear();
  }
  void report(benchmark::State& state) {
    if (all_.empty()) return;
    std::sort(all_.begin(), all_.end());
    state.counters["p50_ns"] = static_cast<double>(all_[all_.size() / 2]);
    state.counters["p99_ns"] = static_cast<double>(all_[all_.size() * 99 / 100]);
  }

 private:
  std::vector<std::int64_t> all_;
};

}  // namespace bench
