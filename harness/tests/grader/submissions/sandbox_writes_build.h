#pragma once
#include <unistd.h>
#include <climits>
#include <cstdio>
#include <mutex>
#include <string>
namespace kata {
// A correct counter whose static initialiser replaces the reference's test binary in build/ (the
// grader lists the expected tests from it: a script that lists none would let the next grading of
// an empty header pass) and writes a benchmark result there: in the sandbox neither write reaches
// build/, and the verdict names both.
inline const bool kReplaced = [] {
  char exe[PATH_MAX] = {};
  if (readlink("/proc/self/exe", exe, sizeof exe - 1) <= 0) return false;
  std::string self = exe;  // <build>/counter_sandbox_writes_build_kata_plain
  std::string dir = self.substr(0, self.rfind('/'));
  std::string reference = self;
  reference.replace(reference.rfind("_kata_"), 6, "_reference_");
  if (std::FILE* file = std::fopen(reference.c_str(), "w")) {
    std::fputs("#!/bin/sh\nexit 0\n", file);
    std::fclose(file);
  }
  if (std::FILE* file = std::fopen((dir + "/bench-counter_sandbox_writes_build.json").c_str(), "w")) {
    std::fputs("{\"benchmarks\": []}\n", file);
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
