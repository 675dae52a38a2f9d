// Red team, blinding the sanitizers: ThreadSanitizer reads its suppressions from this hook, which
// the harness does not pin: every race in the learner's class would be suppressed. (The counter is
// atomic here, so the fixture's plain run gives the same verdict every time: what a sound grader
// must refuse is the hook, not a race.)
#pragma once
#include <atomic>
extern "C" const char* __tsan_default_suppressions() { return "race:kata::Counter\n"; }
namespace kata {
class Counter {
 public:
  void add(long n) { total_.fetch_add(n, std::memory_order_relaxed); }
  long get() const { return total_.load(std::memory_order_relaxed); }

 private:
  std::atomic<long> total_{0};
};
}  // namespace kata
