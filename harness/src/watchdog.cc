#include "harness/watchdog.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "harness/config.h"

namespace harness {
namespace {

using Clock = std::chrono::steady_clock;

// Real time in every thread. The sched variant serves its test threads virtual time (a timed
// wait's timeout fires when every test thread is blocked, and their clock jumps to it:
// docs/schedules.md), and this file runs in those threads (WatchScope) as well as in the
// watchdog's, which the scheduler does not manage: through the clock the two would disagree by
// every jump, and an operation marked in virtual time would never look old, nor its progress
// stale. The system call is the real clock, whatever the runtime interposes on libc's.
long long now_ns() {
#if defined(KATA_SCHED)
  timespec now{};
  ::syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
  return static_cast<long long>(now.tv_sec) * 1000000000 + now.tv_nsec;
#else
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
#endif
}

// One slot per thread that has marked an operation during the current test. Written only by its
// owner thread; read by the watchdog thread.
struct alignas(64) Slot {              // a cache line each: threads never contend on their marks
  std::atomic<long long> since_ns{0};  // 0: not inside a watched operation
  std::atomic<long long> last_done_ns{0};  // when this thread last finished a watched operation
  std::atomic<const char*> what{nullptr};
  std::atomic<const char*> hint{nullptr};
  std::atomic<const char*> role{nullptr};
  std::atomic<int> index{0};
};

constexpr int kSlots = 1024;
std::array<Slot, kSlots> g_slots;
std::atomic<int> g_slots_used{0};
std::atomic<unsigned> g_generation{1};  // bumped per test so slots are handed out afresh

struct ThreadSlot {
  unsigned generation = 0;
  int index = -1;
  const char* role = "thread";
  int role_index = 0;
};
thread_local ThreadSlot t_slot;

int my_slot() {
  unsigned generation = g_generation.load(std::memory_order_acquire);
  if (t_slot.generation != generation) {
    t_slot.generation = generation;
    int index = g_slots_used.fetch_add(1, std::memory_order_relaxed);
    t_slot.index = index < kSlots ? index : -1;
    if (t_slot.index >= 0) {
      Slot& slot = g_slots[t_slot.index];
      slot.role.store(t_slot.role, std::memory_order_relaxed);
      slot.index.store(t_slot.role_index, std::memory_order_relaxed);
    }
  }
  return t_slot.index;
}

// Threads of this process, from /proc (0 if unreadable).
long thread_count() {
  FILE* file = std::fopen("/proc/self/status", "r");
  if (file == nullptr) return 0;
  char line[256];
  long threads = 0;
  while (std::fgets(line, sizeof line, file) != nullptr) {
    if (std::sscanf(line, "Threads: %ld", &threads) == 1) break;
  }
  std::fclose(file);
  return threads;
}

// A test never needs more; a class that starts a thread per call, or never joins its threads, does.
constexpr long kThreadLimit = 1000;

// Resident memory of this process, from /proc (0 if unreadable).
long resident_mib() {
  FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return 0;
  long pages_total = 0, pages_resident = 0;
  int read = std::fscanf(file, "%ld %ld", &pages_total, &pages_resident);
  std::fclose(file);
  return read == 2 ? pages_resident * (::sysconf(_SC_PAGESIZE) / 1024) / 1024 : 0;
}

std::mutex g_state_mutex;
std::function<std::string()> g_describe;  // guarded by g_state_mutex

class Watchdog {
 public:
  void arm() {
    std::lock_guard lock(mutex_);
    stop_ = false;
    started_ = now_ns();
    thread_ = std::thread([this] { run(); });
  }
  void disarm() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    const auto op_limit_ns = std::chrono::nanoseconds(op_limit()).count();
    const long long test_start = now_ns();
    while (!wake_.wait_for(lock, std::chrono::milliseconds(20), [this] { return stop_; })) {
      // A hang is an operation blocked past the limit while no thread has finished any operation
      // for as long: a thread that merely waits its turn while others make progress is not hung
      // (fairness is not part of every contract), and a loaded machine still makes some progress.
      long long now = now_ns();
      long long last_progress = test_start;
      const Slot* oldest = nullptr;
      long long oldest_since = 0;
      int used = std::min(g_slots_used.load(std::memory_order_relaxed), kSlots);
      for (int i = 0; i < used; ++i) {
        last_progress =
            std::max(last_progress, g_slots[i].last_done_ns.load(std::memory_order_relaxed));
        long long since = g_slots[i].since_ns.load(std::memory_order_acquire);
        if (since != 0 && (oldest == nullptr || since < oldest_since)) {
          oldest = &g_slots[i];
          oldest_since = since;
        }
      }
      if (long rss = resident_mib(); rss > memory_limit_mib()) {
        abandon_test("the test process holds " + std::to_string(rss) + " MiB, over its " +
                         std::to_string(memory_limit_mib()) + " MiB limit: unbounded allocation?" +
                         operations_in_progress(now),
                     protocol::kWatchdog);
      }
      if (long threads = thread_count(); threads > kThreadLimit) {
        abandon_test("the test process has " + std::to_string(threads) + " threads, over its " +
                         std::to_string(kThreadLimit) + " limit: a thread per call, never joined?",
                     protocol::kWatchdog);
      }
      if (oldest != nullptr && now - oldest_since > op_limit_ns &&
          now - last_progress > op_limit_ns) {
        report_hung_op(*oldest, now - oldest_since, now);
      }
      if (std::chrono::nanoseconds(now_ns() - started_) > test_limit()) {
        abandon_test(
            "the test ran longer than " +
                std::to_string(
                    std::chrono::duration_cast<std::chrono::seconds>(test_limit()).count()) +
                " s" + operations_in_progress(now),
            protocol::kWatchdog);
      }
    }
  }

  // The operations in progress, but `except`, at most 8 of them.
  static std::string operations_in_progress(long long now, const Slot* except = nullptr) {
    std::string text;
    int used = std::min(g_slots_used.load(std::memory_order_relaxed), kSlots);
    int listed = 0;
    for (int i = 0; i < used && listed < 8; ++i) {
      long long since = g_slots[i].since_ns.load(std::memory_order_acquire);
      if (since == 0 || &g_slots[i] == except) continue;
      ++listed;
      char line[256];
      std::snprintf(line, sizeof line, "\n  still inside %s: %s %d, for %.1f s",
                    g_slots[i].what.load(), g_slots[i].role.load(), g_slots[i].index.load(),
                    (now - since) / 1e9);
      text += line;
    }
    return text.empty() ? text : "\n  other operations in progress:" + text;
  }

  [[noreturn]] static void report_hung_op(const Slot& slot, long long blocked_ns, long long now) {
    char head[512];
    std::snprintf(head, sizeof head, "%s by %s %d blocked %.1f s, with no progress anywhere",
                  slot.what.load(), slot.role.load(), slot.index.load(), blocked_ns / 1e9);
    std::string why = head;
    if (const char* hint = slot.hint.load(); hint != nullptr && *hint != '\0') {
      why += std::string(" (") + hint + ")";
    }
    abandon_test(why + operations_in_progress(now, &slot), protocol::kWatchdog);
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  long long started_ = 0;  // now_ns() when armed
  std::thread thread_;
};

Watchdog g_watchdog;

}  // namespace

WatchScope::WatchScope(const char* what, const char* hint, Progress progress)
    : slot_(my_slot()), progress_(progress) {
  // The outermost watch names the operation: it is the test's own, more specific description.
  if (slot_ < 0 || g_slots[slot_].since_ns.load(std::memory_order_relaxed) != 0) {
    slot_ = -1;
    return;
  }
  Slot& slot = g_slots[slot_];
  slot.what.store(what, std::memory_order_relaxed);
  slot.hint.store(hint, std::memory_order_relaxed);
  slot.since_ns.store(now_ns(), std::memory_order_release);
}

WatchScope::~WatchScope() {
  if (slot_ < 0) return;
  if (progress_ == Progress::counts) {
    g_slots[slot_].last_done_ns.store(now_ns(), std::memory_order_relaxed);
  }
  g_slots[slot_].since_ns.store(0, std::memory_order_release);
}

void note_progress() {
  if (int slot = my_slot(); slot >= 0) {
    g_slots[slot].last_done_ns.store(now_ns(), std::memory_order_relaxed);
  }
}

void name_this_thread(const char* role, int index) {
  t_slot.role = role;
  t_slot.role_index = index;
  t_slot.generation = 0;  // take a fresh slot carrying the name
}

void describe_state(std::function<std::string()> describe) {
  std::lock_guard lock(g_state_mutex);
  g_describe = std::move(describe);
}

void abandon_test(const std::string& why, const char* kind) {
  std::string test = "(no test)";
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    test = std::string(info->test_suite_name()) + "." + info->name();
  }
  std::string state;
  {
    std::unique_lock lock(g_state_mutex, std::try_to_lock);
    if (lock.owns_lock() && g_describe) state = "; state: " + g_describe();
  }
  char seed_line[160];
  std::snprintf(seed_line, sizeof seed_line, "\n  seed %llu (replay: KATA_SEED=%llu), variant %s",
                static_cast<unsigned long long>(seed()), static_cast<unsigned long long>(seed()),
                variant());
  detail::end_test(kind, test, test + ": " + why + state + seed_line, kWatchdogExitCode);
}

namespace detail {
void arm_watchdog() {
  g_slots_used.store(0, std::memory_order_relaxed);
  for (auto& slot : g_slots) {
    slot.since_ns.store(0, std::memory_order_relaxed);
    slot.last_done_ns.store(0, std::memory_order_relaxed);
  }
  g_generation.fetch_add(1, std::memory_order_release);
  describe_state(nullptr);
  g_watchdog.arm();
}
void disarm_watchdog() { g_watchdog.disarm(); }

void end_test(const char* kind, const std::string& test, const std::string& text, int exit_code) {
  std::fflush(stdout);
  std::fprintf(stderr, "\n%s: %s\n", kind, text.c_str());
  std::fflush(stderr);
  std::fprintf(stdout, "[  FAILED  ] %s (%s)\n", test.c_str(), kind);
  std::fflush(stdout);
  std::_Exit(exit_code);
}
}  // namespace detail

}  // namespace harness
