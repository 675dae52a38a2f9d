#pragma once
#include <mutex>
#include <vector>
namespace kata {
class Counter {
 public:
  void add(long n) {
    std::lock_guard lock(mutex_);
    total_ += n;
    history_.emplace_back(1 << 20, 'x');  // keeps a MiB per call, for ever
  }
  long get() const { std::lock_guard lock(mutex_); return total_; }
 private:
  mutable std::mutex mutex_;
  long total_ = 0;
  std::vector<std::vector<char>> history_;
};
}  // namespace kata
