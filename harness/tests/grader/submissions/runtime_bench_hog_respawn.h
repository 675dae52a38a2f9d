// Red team, cheating the benchmark at run time, against the thread census: every 5000th add()
// starts a detached thread that spins 5 ms and ends, so that a count of threads taken at the
// row's end may find none: the census, when it finds one (at this rate, in every run so far),
// or the row's CPU account (bench::RowCpu: the process used more CPU than the row's own threads).
#pragma once
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
namespace kata {
class Counter {
 public:
  void add(long n) {
    if (++calls_ % 5000 == 0) {
      std::thread([] {
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
        while (std::chrono::steady_clock::now() < end) {
        }
      }).detach();
    }
    std::lock_guard lock(mutex_);
    total_ += n;
  }
  long get() const {
    std::lock_guard lock(mutex_);
    return total_;
  }

 private:
  mutable std::mutex mutex_;
  long total_ = 0;
  std::atomic<long> calls_{0};
};
}  // namespace kata
