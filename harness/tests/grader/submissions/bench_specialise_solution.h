// Red team, cheating the benchmark: the learner's header comes first in the benchmark's translation
// unit, so it can specialise the reference's class template (a real kata's BoundedQueue<int>) with
// a slow one, and look fast beside it.
#pragma once
#include <mutex>
#include <thread>
namespace solution {
template <class T>
class BoundedQueue;
template <>
class BoundedQueue<int> {
 public:
  explicit BoundedQueue(unsigned long) {}
  void push(int) { std::this_thread::yield(); }
};
}  // namespace solution
namespace kata {
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
}  // namespace kata
