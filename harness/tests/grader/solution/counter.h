// The fixture kata's reference: a counter that many threads add to.
#pragma once

#include <mutex>

namespace solution {

class Counter {
 public:
  void add(long n) {
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

}  // namespace solution
