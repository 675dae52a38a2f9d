// Red team, blinding the sanitizers: the accesses are wrapped in ThreadSanitizer's ignore calls and
// its dynamic annotations (weak, so that the plain build still links). (The counter is atomic here,
// so the fixture's plain run gives the same verdict every time: what a sound grader must refuse is
// the annotations, not a race.)
#pragma once
#include <atomic>
extern "C" {
__attribute__((weak)) void AnnotateHappensBefore(const char*, int, const volatile void*) {}
__attribute__((weak)) void AnnotateHappensAfter(const char*, int, const volatile void*) {}
__attribute__((weak)) void __tsan_ignore_writes_begin() {}
__attribute__((weak)) void __tsan_ignore_writes_end() {}
}
namespace kata {
class Counter {
 public:
  void add(long n) {
    __tsan_ignore_writes_begin();
    total_.fetch_add(n, std::memory_order_relaxed);
    __tsan_ignore_writes_end();
    AnnotateHappensBefore(__FILE__, __LINE__, &total_);
  }
  long get() const {
    AnnotateHappensAfter(__FILE__, __LINE__, &total_);
    return total_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<long> total_{0};
};
}  // namespace kata
