// Red team, blinding the sanitizers: the lock is taken only when ThreadSanitizer is watching, and
// the optimised build races.
#pragma once
#include <mutex>
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
namespace kata {
class Counter {
 public:
  void add(long n) {
#ifdef UNDER_TSAN
    std::lock_guard lock(mutex_);
#endif
    total_ += n;
  }
  long get() const { return total_; }

 private:
  std::mutex mutex_;
  long total_ = 0;
};
}  // namespace kata
