// Red team, cheating the benchmark at run time: no thread before main(), but the first add()
// starts a detached thread that spins for the rest of the process, through the reference's rows.
// The benchmark finds it: the census of the process's threads at the row's end (bench::ThreadCensus)
// or the row's CPU account (bench::RowCpu), whichever looks first.
#pragma once
#include <atomic>
#include <mutex>
#include <thread>
namespace kata {
class Counter {
 public:
  void add(long n) {
    static const bool hog = [] {
      std::thread([] {
        std::atomic<unsigned> spin{0};
        for (;;) spin.fetch_add(1, std::memory_order_relaxed);
      }).detach();
      return true;
    }();
    (void)hog;
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
};
}  // namespace kata
