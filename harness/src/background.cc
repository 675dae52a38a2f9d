#include "harness/background.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "harness/stress.h"
#include "harness/watchdog.h"
#ifdef KATA_SCHED
#include "scheduler.h"
#endif

namespace harness {

bool thread_is_asleep(pid_t tid) {
#ifdef KATA_SCHED
  // Under the scheduler every thread but one is asleep in the kernel; asleep inside the queue is
  // parked by the scheduler in a blocking call.
  if (int blocked = kata_sched::thread_blocked(tid); blocked >= 0) return blocked == 1;
#endif
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/stat", static_cast<int>(tid));
  FILE* file = std::fopen(path, "r");
  if (file == nullptr) return false;
  char buffer[512] = {};
  size_t length = std::fread(buffer, 1, sizeof buffer - 1, file);
  std::fclose(file);
  buffer[length] = '\0';
  // The state follows the command name, which is in parentheses and may itself hold spaces.
  const char* close_paren = std::strrchr(buffer, ')');
  if (close_paren == nullptr || close_paren[1] == '\0') return false;
  char state = close_paren[2];
  return state == 'S' || state == 'D';
}

BackgroundOp::BackgroundOp(const char* what, const char* hint, std::function<void()> op)
    : what_(what) {
  thread_ = std::thread([this, what, hint, op = std::move(op)] {
    static std::atomic<int> started{0};
    name_this_thread("background thread", started.fetch_add(1));
    tid_.store(static_cast<pid_t>(::syscall(SYS_gettid)), std::memory_order_release);
    try {
      watched(what, hint, op);
    } catch (...) {
      error_ = std::current_exception();
    }
    returned_.store(true, std::memory_order_release);
  });
}

BackgroundOp::~BackgroundOp() {
  if (!thread_.joinable()) return;
  if (!returned_.load(std::memory_order_acquire) && ::testing::Test::HasFailure()) {
    // The test already failed and this operation is stuck: nothing left to learn by waiting.
    abandon_test(std::string("the test failed while ") + what_ + " was still blocked");
  }
  thread_.join();
}

bool BackgroundOp::returned() const {
  if (!returned_.load(std::memory_order_acquire)) return false;
  if (error_) {
    try {
      std::rethrow_exception(error_);
    } catch (const std::exception& e) {
      throw WorkerFailed(std::string(what_) + ": " + e.what());
    }
  }
  return true;
}

bool BackgroundOp::settle(std::chrono::milliseconds patience) const {
  auto deadline = std::chrono::steady_clock::now() + patience;
  int asleep_in_a_row = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (returned()) return true;
    pid_t tid = tid_.load(std::memory_order_acquire);
    // Asleep on two looks 1 ms apart: not just passing through a briefly contended lock.
    asleep_in_a_row = (tid != 0 && thread_is_asleep(tid)) ? asleep_in_a_row + 1 : 0;
    if (asleep_in_a_row >= 2) return returned();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return returned();
}

void BackgroundOp::join() {
  thread_.join();
  returned();  // rethrows what the operation threw
}

}  // namespace harness
