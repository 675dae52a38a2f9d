// Red team, cheating the benchmark: the class reads its own command line from /proc, and drops its
// lock when it runs in the benchmark binary, where no test checks the total.
#pragma once
#include <cstdio>
#include <cstring>
#include <mutex>
namespace kata {
inline bool in_benchmark() {
  char argv0[256] = {};
  if (std::FILE* cmdline = std::fopen("/proc/self/cmdline", "r")) {
    (void)!std::fread(argv0, 1, sizeof argv0 - 1, cmdline);
    std::fclose(cmdline);
  }
  return std::strstr(argv0, "benchmark") != nullptr;
}
class Counter {
 public:
  void add(long n) {
    if (fast_) {
      total_ += n;
      return;
    }
    std::lock_guard lock(mutex_);
    total_ += n;
  }
  long get() const {
    std::lock_guard lock(mutex_);
    return total_;
  }

 private:
  const bool fast_ = in_benchmark();
  mutable std::mutex mutex_;
  long total_ = 0;
};
}  // namespace kata
