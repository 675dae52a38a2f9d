// Reference solution of the concurrent_logger kata: one mutex, a FIFO of records, one writer
// thread.
//
// Why it is correct, in short:
//  - All shared state (the queue, the counters, the flush requests, the stop flag) is read and
//    written only with mutex_ held. log() takes its sequence number and its place in the queue in
//    the same critical section, so queue order IS sequence order, with no gap; and if one log()
//    call happens-before another, it took the mutex first, so its number is smaller.
//  - Only the writer thread pops the queue and calls the sink, one call at a time: the sink is
//  never
//    called concurrently, and records reach it in queue (= sequence) order, each exactly once
//    (popped once, written once, whatever the sink does).
//  - The writer calls the sink with the mutex released, so a slow sink never blocks log() while
//    there is room. The record being written still counts as pending (in_flight_) until write()
//    returns: pending = queue size + in flight <= capacity, checked by log() under the mutex.
//  - Every wait is the predicate form, re-checked under the mutex; every change that can make a
//    waiter's condition true is made under the mutex and followed by a notify to the waiters it
//    concerns: a record or a flush request or the stop flag wakes the writer (work_), a finished
//    write frees one slot (space_), a finished sink flush releases the flush() calls it served
//    (flushed_). No wake-up is lost between a waiter's check and its wait.
//  - flush() records the sequence number it must see written (its target) and a ticket. The writer
//    serves flush requests in ticket order: once every record below the oldest request's target is
//    written, it calls sink.flush() and marks the requests it covered as done. A steady stream of
//    new records cannot starve a flush: its target is fixed when it is made.
//  - The writer leaves its loop only when stopping AND the queue is empty, so the destructor
//  drains.
//  - A sink exception is caught around that one call, counted, and the record is done with: the
//    writer, the order and every later record are unaffected.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "log_sink.h"

namespace solution {

using kata::Level;
using kata::LogRecord;
using kata::LogSink;

class ConcurrentLogger {
 public:
  explicit ConcurrentLogger(LogSink& sink, std::size_t capacity = 1024)
      : sink_(sink), capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("ConcurrentLogger: capacity must be positive");
    writer_ = std::thread([this] { run_writer(); });  // last: every member is ready
  }

  ~ConcurrentLogger() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_.notify_one();
    writer_.join();  // the writer drains the queue and flushes the sink before it returns
  }

  ConcurrentLogger(const ConcurrentLogger&) = delete;
  ConcurrentLogger& operator=(const ConcurrentLogger&) = delete;

  void log(Level level, std::string message) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return pending() < capacity_; });
    // The number and the place in the queue in one critical section: queue order is sequence order.
    queue_.push_back(
        LogRecord{next_sequence_++, std::this_thread::get_id(), level, std::move(message)});
    work_.notify_one();
  }

  void flush() {
    std::unique_lock lock(mutex_);
    const std::uint64_t ticket = ++flushes_requested_;
    flush_targets_.push_back(next_sequence_);  // every record accepted so far must be written first
    work_.notify_one();
    flushed_.wait(lock, [&] { return flushes_done_ >= ticket; });
  }

  std::uint64_t sink_failures() const {
    std::lock_guard lock(mutex_);
    return sink_failures_;
  }

 private:
  std::size_t pending() const { return queue_.size() + (in_flight_ ? 1 : 0); }

  // The oldest flush request has all its records written: time to flush the sink.
  bool flush_due() const { return !flush_targets_.empty() && flush_targets_.front() <= written_; }

  void run_writer() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_.wait(lock, [&] { return flush_due() || !queue_.empty() || stopping_; });
      if (flush_due()) {
        flush_sink(lock);
      } else if (!queue_.empty()) {
        write_next(lock);
      } else {  // stopping, and every accepted record is written
        call_sink(lock, [&] { sink_.flush(); });
        return;
      }
    }
  }

  // Requires the lock held and a record queued.
  void write_next(std::unique_lock<std::mutex>& lock) {
    LogRecord record = std::move(queue_.front());
    queue_.pop_front();
    in_flight_ = true;  // still pending until write() returns
    call_sink(lock, [&] { sink_.write(record); });
    in_flight_ = false;
    ++written_;
    space_.notify_one();  // exactly one slot freed
  }

  // Requires the lock held and flush_due().
  void flush_sink(std::unique_lock<std::mutex>& lock) {
    // Serve every request whose records are all written (targets rise with tickets).
    std::uint64_t served = 0;
    while (flush_due()) {
      flush_targets_.pop_front();
      ++served;
    }
    call_sink(lock, [&] { sink_.flush(); });
    flushes_done_ += served;
    flushed_.notify_all();  // several flush() calls may have been served at once
  }

  // Calls the sink with the mutex released: a slow sink must not hold up log() while there is room.
  // A call that throws is lost and counted; the writer goes on.
  template <class Call>
  void call_sink(std::unique_lock<std::mutex>& lock, Call call) {
    lock.unlock();
    bool failed = false;
    try {
      call();
    } catch (...) {
      failed = true;
    }
    lock.lock();
    if (failed) ++sink_failures_;
  }

  LogSink& sink_;
  const std::size_t capacity_;

  mutable std::mutex mutex_;
  std::condition_variable work_;     // the writer waits here: a record, a due flush, or stop
  std::condition_variable space_;    // log() waits here while `capacity_` records are pending
  std::condition_variable flushed_;  // flush() waits here for its ticket to be served

  // All guarded by mutex_.
  std::deque<LogRecord> queue_;              // accepted, not yet taken by the writer
  bool in_flight_ = false;                   // the writer is inside sink.write()
  std::uint64_t next_sequence_ = 0;          // the number of the next accepted record
  std::uint64_t written_ = 0;                // records whose write() has returned (or thrown)
  std::deque<std::uint64_t> flush_targets_;  // per waiting flush(), in ticket order: its target
  std::uint64_t flushes_requested_ = 0;      // tickets handed out
  std::uint64_t flushes_done_ = 0;           // tickets served
  std::uint64_t sink_failures_ = 0;
  bool stopping_ = false;

  std::thread writer_;  // last: started once everything above is initialised
};

}  // namespace solution
