// One operation run on its own thread, so a test can check that it blocks and that the right event
// unblocks it, without sleeping and hoping:
//
//   harness::BackgroundOp producer("push() on a full queue", "pop() frees a slot: was the producer "
//                                  "notified?", [&] { queue.push(7); });
//   ASSERT_FALSE(producer.settle()) << "push() returned while the queue was full";
//   queue.pop();
//   producer.join();  // the watchdog reports it, by name, if push() never returns
//
// settle() returns once the operation has returned or its thread is asleep in the kernel while still
// inside it (blocked on a mutex or condition variable, read from /proc). A spinning implementation
// never sleeps; settle() then gives up after `patience` and reports what it saw, which is still a
// correct answer to "has it returned?" — only a weaker wait.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <sys/types.h>
#include <thread>

namespace harness {

class BackgroundOp {
 public:
  BackgroundOp(const char* what, const char* hint, std::function<void()> op);
  ~BackgroundOp();
  BackgroundOp(const BackgroundOp&) = delete;
  BackgroundOp& operator=(const BackgroundOp&) = delete;

  // True once the operation has returned. Rethrows (as WorkerFailed) what the operation threw.
  bool returned() const;
  // Waits until the operation returned or is asleep inside it; returns returned().
  bool settle(std::chrono::milliseconds patience = std::chrono::milliseconds(1000)) const;
  // Waits for the operation to return (the watchdog reports it if it does not).
  void join();

 private:
  const char* what_;
  std::atomic<pid_t> tid_{0};
  std::atomic<bool> returned_{false};
  std::exception_ptr error_;  // written before returned_ is set
  std::thread thread_;
};

// True if the thread `tid` of this process is asleep in the kernel (state S or D in /proc).
bool thread_is_asleep(pid_t tid);

}  // namespace harness
