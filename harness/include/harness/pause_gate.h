// Stops one chosen thread at a point inside the code under test until the test lets it go: the
// lock-free liveness tests' tool (a thread paused inside push() or pop() must stop no one else).
// The test arms a thread, that thread's next pass through maybe_pause() (called by the test's item
// type, typically from its move constructor) parks it, the test waits until it is parked, checks
// that the other threads still complete, and releases it. One pause per gate: the gate disarms
// itself when it fires.
#pragma once

#include <atomic>
#include <future>
#include <thread>

#include "harness/watchdog.h"

namespace harness {

class PauseGate {
 public:
  // The calling thread is the one to pause, at its next maybe_pause().
  void arm_this_thread() { armed_.store(std::this_thread::get_id()); }
  // Called by the item type at the point to pause at; returns at once on any other thread. The
  // parked thread waits inside the call under test, whose watched scope names it if it never
  // comes back.
  void maybe_pause() {
    if (armed_.load() != std::this_thread::get_id()) return;
    armed_.store(std::thread::id());
    paused_.set_value();
    released_.wait();
  }
  // Waits until the armed thread is parked; the watchdog reports `what` (with `hint`) if it never
  // gets there. Both must be literals.
  void wait_paused(const char* what, const char* hint) {
    watched(what, hint, [&] { paused_future_.wait(); });
  }
  // Lets the parked thread go on (or lets it pass the point without stopping, if not yet there).
  void release() { release_.set_value(); }

 private:
  std::atomic<std::thread::id> armed_{};
  std::promise<void> paused_;
  std::future<void> paused_future_{paused_.get_future()};
  std::promise<void> release_;
  std::shared_future<void> released_{release_.get_future().share()};
};

}  // namespace harness
