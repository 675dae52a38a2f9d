// The tests' sink: checks the LogSink side of the contract on every call, and records what it got.
//
//  - write() and flush() must never overlap (checked with an atomic "busy" flag, so a violation is
//  a
//    clean test failure, not a data race inside the sink), must all come from one thread (the
//    logger's writer), and write() must not come from the thread that logged the record.
//  - It counts what it saw in atomics the test reads: records written, write() calls finished,
//    flushes, and how many records had been written when the sink was last flushed.
//  - A gate makes write() block (a slow disk), so a test can hold the writer still while it checks
//    back-pressure, flush() and the destructor; `throw_on` makes chosen records fail.
//
// The records themselves (records()) are touched only by the writer thread; the test reads them
// once the writer is done with them: after the logger is destroyed, or after written() reached a
// count no further write can change.
#pragma once

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness/background.h"
#include "harness/stress.h"
#include "harness/under_test.h"
#include "harness/watchdog.h"

using under_test::Level;
using under_test::LogRecord;

// What the test sink throws when told to fail.
class SinkFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CheckingSink : public under_test::LogSink {
 public:
  // Set these before the logger is created (starting its writer thread publishes them to it).
  std::function<void(const LogRecord&)> on_write;  // runs inside write(), on the writer thread
  std::function<bool(const LogRecord&)> throw_on;  // write() throws SinkFailure if it says so
  std::function<void()> on_flush;                  // runs inside flush(), on the writer thread
  bool throw_on_flush = false;
  bool slow = false;  // random yields, spins and short sleeps inside write(): an uneven disk

  void write(const LogRecord& record) override {
    if (!enter("write()")) return;
    if (record.thread == std::this_thread::get_id()) {
      report(
          "sink.write() ran on the thread that logged the record: only the logger's own writer "
          "thread may call the sink");
    }
    wait_at_gate();
    if (slow) jitter_.perturb();
    if (on_write) on_write(record);
    const bool fail = throw_on && throw_on(record);
    if (!fail) {
      records_.push_back(record);
      written_.fetch_add(1, std::memory_order_release);
      written_.notify_all();
    }
    writes_finished_.fetch_add(1, std::memory_order_release);
    leave();
    if (fail) throw SinkFailure("test sink: write() of record " + record.message + " fails");
  }

  void flush() override {
    if (!enter("flush()")) return;
    written_at_last_flush_.store(written_.load(std::memory_order_relaxed),
                                 std::memory_order_relaxed);
    if (on_flush) on_flush();
    flushes_.fetch_add(1, std::memory_order_release);
    flushes_.notify_all();
    leave();
    if (throw_on_flush) throw SinkFailure("test sink: flush() fails");
  }

  // Records written successfully so far, and the records (see the top of the file for when).
  int written() const { return written_.load(std::memory_order_acquire); }
  const std::vector<LogRecord>& records() const { return records_; }
  // write() calls that have finished (succeeded or thrown).
  int writes_finished() const { return writes_finished_.load(std::memory_order_acquire); }
  int flushes() const { return flushes_.load(std::memory_order_acquire); }
  // How many records had been written when flush() was last called (read after flushes()).
  int written_at_last_flush() const {
    return written_at_last_flush_.load(std::memory_order_relaxed);
  }
  int violations() const { return violations_.load(); }

  // The gate: while closed, write() waits at it.
  void close_gate() { gate_open_.store(false); }
  void open_gate() {
    gate_open_.store(true);
    gate_open_.notify_all();
  }
  // Waits until the n-th write() is waiting at the closed gate.
  void wait_until_at_gate(int n = 1) const {
    harness::watched("waiting for the writer to call sink.write()",
                     "a record was logged: is the writer thread woken when a record arrives?",
                     [&] { wait_at_least(at_gate_, n); });
  }
  // Waits until `n` records are written, without flush(): the writer must write on its own.
  void wait_until_written(int n) const {
    harness::watched("waiting for the writer to write what was logged",
                     "records were logged and nobody flushed: the writer must still write them "
                     "(is it woken for each record?)",
                     [&] { wait_at_least(written_, n); });
  }
  // Waits (up to 1 s) until the writer thread is asleep, i.e. waiting for work. A writer that never
  // sleeps (it spins) is not waited for: the caller's check is then only weaker, never wrong.
  void wait_until_writer_idle() const {
    const pid_t tid = writer_tid_.load(std::memory_order_acquire);
    if (tid == 0) return;
    int asleep_in_a_row = 0;
    for (int i = 0; i < 1000 && asleep_in_a_row < 2; ++i) {
      asleep_in_a_row = harness::thread_is_asleep(tid) ? asleep_in_a_row + 1 : 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

 private:
  static void wait_at_least(const std::atomic<int>& counter, int n) {
    for (int seen = counter.load(std::memory_order_acquire); seen < n;
         seen = counter.load(std::memory_order_acquire)) {
      counter.wait(seen, std::memory_order_acquire);
    }
  }

  bool enter(const char* call) {
    if (busy_.exchange(true, std::memory_order_acquire)) {
      report(std::string("sink.") + call +
             " was called while another sink call was still running: the sink must never be "
             "called concurrently");
      return false;  // leave the sink's state to the call that is in it
    }
    const std::thread::id me = std::this_thread::get_id();
    if (writer_ == std::thread::id()) {
      writer_ = me;
      writer_tid_.store(static_cast<pid_t>(::syscall(SYS_gettid)), std::memory_order_release);
    } else if (writer_ != me) {
      report(std::string("sink.") + call +
             " was called from a second thread: every sink call must come from the logger's one "
             "writer thread");
    }
    return true;
  }
  void leave() { busy_.store(false, std::memory_order_release); }

  void report(const std::string& what) {
    if (violations_.fetch_add(1) < 3) ADD_FAILURE() << what;
  }

  void wait_at_gate() {
    if (gate_open_.load()) return;
    at_gate_.fetch_add(1);
    at_gate_.notify_all();
    while (!gate_open_.load()) gate_open_.wait(false);
  }

  std::atomic<bool> busy_{false};
  std::thread::id writer_;  // the first caller; read and written only inside enter()/leave()
  std::atomic<pid_t> writer_tid_{0};
  std::vector<LogRecord> records_;  // writer thread only (see above)
  harness::Worker jitter_{"sink", 0, harness::worker_seed("sink", 0)};
  std::atomic<int> written_{0};
  std::atomic<int> writes_finished_{0};
  std::atomic<int> flushes_{0};
  std::atomic<int> written_at_last_flush_{0};
  std::atomic<int> violations_{0};
  std::atomic<bool> gate_open_{true};
  std::atomic<int> at_gate_{0};
};

// Opens a sink's gate when the scope ends, so that a failed assertion with the gate closed does
// not leave the logger's destructor waiting for ever. Declare it after the logger.
class OpenGateOnExit {
 public:
  explicit OpenGateOnExit(CheckingSink& sink) : sink_(sink) {}
  ~OpenGateOnExit() { sink_.open_gate(); }
  OpenGateOnExit(const OpenGateOnExit&) = delete;
  OpenGateOnExit& operator=(const OpenGateOnExit&) = delete;

 private:
  CheckingSink& sink_;
};
