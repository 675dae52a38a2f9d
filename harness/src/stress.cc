#include "harness/stress.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <latch>
#include <mutex>
#include <string_view>
#include <thread>

#include "harness/config.h"
#include "harness/watchdog.h"

namespace harness {

Worker::Worker(const char* role, int index, std::uint64_t seed)
    : role_(role), index_(index), rng_(seed) {}

std::int64_t Worker::uniform(std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
}

bool Worker::chance(double p) { return std::bernoulli_distribution(p)(rng_); }

void Worker::perturb() {
  static const bool enabled = perturbation_enabled();
  if (!enabled) return;
  auto roll = rng_() % 100;
  if (roll < 60) return;
  if (roll < 85) {
    std::this_thread::yield();
  } else if (roll < 98) {
    for (auto spins = rng_() % 2000; spins > 0; --spins) {
      std::atomic_signal_fence(std::memory_order_seq_cst);  // keeps the loop from being elided
    }
  } else {
    std::this_thread::sleep_for(std::chrono::microseconds(rng_() % 200));
  }
}

std::uint64_t worker_seed(const char* role, int index, std::uint64_t salt) {
  std::uint64_t h = std::hash<std::string_view>{}(role);
  return seed() ^ (h * 0x9E3779B97F4A7C15ULL) ^ (static_cast<std::uint64_t>(index) << 32) ^
         (salt * 0xD1B54A32D192ED03ULL);
}

void Crew::add(const char* role, int count, Body body) {
  for (int i = 0; i < count; ++i) members_.push_back({role, i, body});
}

void Crew::run() {
  const int n = static_cast<int>(members_.size());
  std::latch gate(n + 1);
  std::mutex mutex;
  std::condition_variable changed;
  int finished = 0;           // guarded by mutex
  std::string first_failure;  // guarded by mutex
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (auto& member : members_) {
    threads.emplace_back([&, member] {
      name_this_thread(member.role, member.index);
      Worker worker(member.role, member.index, worker_seed(member.role, member.index, salt_));
      std::string failure;
      gate.arrive_and_wait();
      try {
        member.body(worker);
        if (::testing::Test::HasFatalFailure()) {
          // An ASSERT_* in this or another worker returned early; gtest printed it already.
          failure = std::string(member.role) + " " + std::to_string(member.index) +
                    " ended after a failed assertion (reported above)";
        }
      } catch (const std::exception& e) {
        failure = std::string(member.role) + " " + std::to_string(member.index) + ": " + e.what();
      } catch (...) {
        failure = std::string(member.role) + " " + std::to_string(member.index) +
                  ": threw a non-standard exception";
      }
      std::lock_guard lock(mutex);
      ++finished;
      if (!failure.empty() && first_failure.empty()) first_failure = failure;
      changed.notify_all();
    });
  }
  gate.arrive_and_wait();
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return finished == n || !first_failure.empty(); });
    if (finished != n) {
      // Someone failed; the rest may be blocked waiting for it. Give them a moment, then give up.
      if (!changed.wait_for(lock, std::chrono::seconds(1), [&] { return finished == n; })) {
        abandon_test(first_failure + "\n  and " + std::to_string(n - finished) +
                     " other thread(s) were still blocked 1 s later");
      }
    }
  }
  for (auto& thread : threads) thread.join();
  if (!first_failure.empty()) throw WorkerFailed(first_failure);
}

}  // namespace harness
