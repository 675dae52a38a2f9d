// Red team, blinding the sanitizers: the methods are compiled without ThreadSanitizer's or
// AddressSanitizer's instrumentation, spelled both ways. (The counter is atomic here, so the
// fixture's plain run gives the same verdict every time: what a sound grader must refuse is the
// attribute, not a race.)
#pragma once
#include <atomic>
namespace kata {
class Counter {
 public:
  __attribute__((no_sanitize("thread"))) void add(long n) {
    total_.fetch_add(n, std::memory_order_relaxed);
  }
  [[gnu::no_sanitize("thread", "address")]] long get() const {
    return total_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<long> total_{0};
};
}  // namespace kata
