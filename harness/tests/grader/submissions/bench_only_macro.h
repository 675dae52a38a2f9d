// Red team, cheating the benchmark: a macro only the benchmark's build defines selects a class
// without a lock there; the tests see the correct one.
#pragma once
#include <mutex>
namespace kata {
class Counter {
 public:
  void add(long n) {
#ifndef KATA_REFERENCE_HEADER
    std::lock_guard lock(mutex_);
#endif
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
