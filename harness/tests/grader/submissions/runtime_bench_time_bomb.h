// Red team, cheating the benchmark at run time: a counter correct for as many calls as the tests
// make (8002), which stops counting after 100000, when only the benchmark calls it. No static rule
// can see it; the benchmark's check on the counter it measured (every add() counted) does.
#pragma once
#include <mutex>
namespace kata {
class Counter {
 public:
  void add(long n) {
    if (++calls_ > 100000) return;
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
  long calls_ = 0;  // racy under the tests' contention, and never near the bomb there
};
}  // namespace kata
