// Red team, reaching outside the process: a static initialiser forks a child that could outlive
// the test and rewrite reports/ after the grader exits (this one ends at once).
#pragma once
#include <unistd.h>

#include <mutex>
namespace kata {
inline const int kChild = [] {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  return static_cast<int>(child);
}();
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
