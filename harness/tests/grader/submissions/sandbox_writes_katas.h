#pragma once
#include <cstdio>
#include <mutex>
#include <string>
namespace kata {
// A correct counter whose static initialiser writes into katas/: it appends to another kata's
// skeleton and leaves a new file there. In the sandbox neither reaches katas/, and the verdict
// names both.
inline const bool kWritten = [] {
  std::string root = __FILE__;
  root = root.substr(0, root.find("/harness/tests/grader/"));
  if (std::FILE* file = std::fopen((root + "/katas/bounded_queue/bounded_queue.h").c_str(), "a")) {
    std::fputs("\n// written by sandbox_writes_katas.h\n", file);
    std::fclose(file);
  }
  if (std::FILE* file = std::fopen((root + "/katas/sandbox_writes_katas.txt").c_str(), "w")) {
    std::fputs("written by sandbox_writes_katas.h\n", file);
    std::fclose(file);
  }
  return true;
}();
class Counter {
 public:
  void add(long n) { std::lock_guard lock(mutex_); total_ += n; }
  long get() const { std::lock_guard lock(mutex_); return total_; }
 private:
  mutable std::mutex mutex_;
  long total_ = 0;
};
}  // namespace kata
