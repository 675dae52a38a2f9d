// Red team, blinding the sanitizers: LeakSanitizer is turned off, and told to suppress every leak,
// through the hooks its runtime calls and the harness does not pin (it pins the *_default_options).
#pragma once
#include <mutex>
extern "C" int __lsan_is_turned_off() { return 1; }
extern "C" const char* __lsan_default_suppressions() { return "leak:kata\n"; }
namespace kata {
class Counter {
 public:
  void add(long n) {
    std::lock_guard lock(mutex_);
    total_ += n;
    leaked_ = new long[16];  // the last array is kept, every other one leaks
  }
  long get() const {
    std::lock_guard lock(mutex_);
    return total_;
  }

 private:
  mutable std::mutex mutex_;
  long total_ = 0;
  long* leaked_ = nullptr;
};
}  // namespace kata
