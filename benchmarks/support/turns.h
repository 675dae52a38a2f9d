// The learner and the reference measured in turns: one row runs both, in short slices of wall time
// that every thread agrees on, so both meet the same schedule (docs/benchmarks.md, "Turns"); and
// how a kata registers its learner and reference rows (KATA_LEARNER_AND_REFERENCE).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/protocol.h"
#include "support/run_time.h"

namespace bench {

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

// A row in turns reports each implementation's operations per second of its own turns, `ops[i]`
// in `owned_ns[i]`, as the counters the grader reads as the two implementations' rows of one
// process (first: the learner, second: the reference). Summed over the row's threads (the
// counter's default), per-thread rates add up to the row's.
inline void report_turns(benchmark::State& state, const std::int64_t (&ops)[2],
                         const std::int64_t (&owned_ns)[2]) {
  const char* const counters[2] = {"first_items_per_second", "second_items_per_second"};
  for (int i = 0; i < 2; ++i) {
    state.counters[counters[i]] = static_cast<double>(ops[i]) * 1e9 /
                                  static_cast<double>(std::max<std::int64_t>(owned_ns[i], 1));
  }
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
    report_turns(state, ops, owned);
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

}  // namespace bench
