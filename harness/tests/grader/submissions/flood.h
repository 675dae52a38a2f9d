#pragma once
#include <cstdio>
#include <mutex>
namespace kata {
class Counter {
 public:
  Counter() {
    for (int i = 0; i < 200000; ++i) std::printf("debug output line %d ...........................\n", i);
  }
  void add(long n) { std::lock_guard lock(mutex_); total_ += n; }
  long get() const { std::lock_guard lock(mutex_); return total_; }
 private:
  mutable std::mutex mutex_;
  long total_ = 0;
};
}  // namespace kata
