// What a class leaves running (docs/header_policy.md, "At run time"): the threads of the process
// and the CPU they use, against a row's own. A thread a class started and left running, or one
// still spinning beside the row, marks the row broken (protocol.h).
#pragma once

#include <benchmark/benchmark.h>
#include <dirent.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/protocol.h"

namespace bench {

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
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

}  // namespace bench
