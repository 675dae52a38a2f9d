#pragma once
#include <sys/stat.h>
#include <unistd.h>
#include <climits>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
namespace kata {
// A correct counter whose static initialiser forks a process that outlives the test: it waits
// for the grader to write reports/report.json, then rewrites it (every kata passed, 100 points).
// In the sandbox the process ends with the test (a PID namespace), and the verdict names it.
inline const bool kForked = [] {
  char exe[PATH_MAX] = {};
  if (readlink("/proc/self/exe", exe, sizeof exe - 1) <= 0) return false;
  std::string build = exe;
  build = build.substr(0, build.rfind('/'));
  if (fork() != 0) return true;
  setsid();
  if (fork() != 0) _exit(0);
  for (int fd = 0; fd < 1024; ++fd) close(fd);
  std::string report = build + "/reports/report.json";
  const std::time_t started = std::time(nullptr);
  for (int i = 0; i < 1200; ++i) {  // up to 10 minutes
    usleep(500 * 1000);
    struct stat info {};
    if (stat(report.c_str(), &info) == 0 && info.st_mtime > started) {
      sleep(1);  // the grader has finished writing it
      if (std::FILE* file = std::fopen(report.c_str(), "w")) {
        std::fputs("{\"rewritten by\": \"sandbox_leaves_process.h\", \"total\": 100}\n", file);
        std::fclose(file);
      }
      break;
    }
  }
  _exit(0);
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
