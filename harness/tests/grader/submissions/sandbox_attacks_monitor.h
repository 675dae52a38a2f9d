#pragma once
#include <signal.h>
#include <sys/ptrace.h>
#include <cstdio>
#include <mutex>
#include <string>
namespace kata {
// A correct counter whose static initialiser goes after the sandbox's monitor (PID 1 in the
// sandbox, which reports what the process wrote) before it writes tools/test_runner.py: it sends
// PID 1 SIGKILL, attaches to it with ptrace, and writes a report of its own to each of its
// descriptors. None of it reaches the monitor (PID 1 of a namespace ignores
// signals from inside; it is not dumpable, and the process has no capability), and the verdict
// names the write.
inline const bool kAttacked = [] {
  kill(1, SIGKILL);
  ptrace(PTRACE_ATTACH, 1, nullptr, nullptr);
  for (int fd = 0; fd < 16; ++fd) {
    std::string path = "/proc/1/fd/" + std::to_string(fd);
    if (std::FILE* file = std::fopen(path.c_str(), "w")) {
      std::fputs("{'status': 0, 'overlay': True, 'writes': [], 'leftovers': [], 'network': {}}", file);
      std::fclose(file);
    }
  }
  std::string root = __FILE__;
  root = root.substr(0, root.find("/harness/tests/grader/"));
  if (std::FILE* file = std::fopen((root + "/tools/test_runner.py").c_str(), "a")) {
    std::fputs("\n# written by sandbox_attacks_monitor.h\n", file);
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
