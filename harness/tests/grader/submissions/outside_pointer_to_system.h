// Red team, reaching outside the process, obfuscated: std::system is never called by name, only
// kept in a pointer under another name (never called here). The class is correct.
#pragma once
#include <cstdlib>
#include <mutex>
namespace kata {
inline int (*const run_quietly)(const char*) = &std::system;
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
