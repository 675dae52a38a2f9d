// Advanced: the writer swaps the whole queue out under the lock and writes that batch without it;
// a pending count spans queue and batch; each flush() waits for a target fixed when it was called.
// expect-level: 3
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
#include <vector>

#include "kata/not_implemented.h"
#include "log_sink.h"

namespace kata {

// Why it is correct:
//  - log() numbers its record and appends it in one critical section: queue order is sequence
//    order, and a log() that happens-before another took the mutex first.
//  - The writer takes everything queued at once (a swap) and writes it in order, with the mutex
//    released; batches leave the queue in order, so records reach the sink in sequence order.
//  - pending_ counts every accepted record until its write() has returned, whether it waits in the
//    queue or in the writer's batch: log() blocks while pending_ == capacity_, and only then.
//  - flush() queues its target (the next sequence number when it was called): every record below
//    it written, then a sink flush. After each batch the writer flushes the sink for every request
//    whose target is reached (targets rise with the requests' order); a target is fixed, so a
//    stream of new records cannot postpone a flush by more than the batch in hand and the next.
class ConcurrentLogger {
 public:
  explicit ConcurrentLogger(LogSink& sink, std::size_t capacity = 1024)
      : sink_(sink), capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("ConcurrentLogger: capacity 0");
    queue_.reserve(capacity < 4096 ? capacity : 4096);
    writer_ = std::thread([this] { write_batches(); });
  }

  ~ConcurrentLogger() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    writer_wakeup_.notify_one();
    writer_.join();
  }

  ConcurrentLogger(const ConcurrentLogger&) = delete;
  ConcurrentLogger& operator=(const ConcurrentLogger&) = delete;

  void log(Level level, std::string message) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [this] { return pending_ < capacity_; });
    queue_.push_back(
        LogRecord{next_sequence_++, std::this_thread::get_id(), level, std::move(message)});
    ++pending_;
    const bool wake = queue_.size() == 1;  // the writer sleeps only on an empty queue
    lock.unlock();
    if (wake) writer_wakeup_.notify_one();
  }

  void flush() {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::uint64_t ticket = ++flushes_requested_;
    flush_targets_.push_back(next_sequence_);
    writer_wakeup_.notify_one();
    flushed_.wait(lock, [&] { return flushes_served_ >= ticket; });
  }

  std::uint64_t sink_failures() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failures_;
  }

 private:
  void write_batches() {
    std::vector<LogRecord> batch;
    batch.reserve(queue_.capacity());
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      writer_wakeup_.wait(lock, [this] { return !queue_.empty() || flush_due() || stop_; });
      batch.swap(queue_);  // queue_ gets the old, empty batch: no allocation on the log() side
      lock.unlock();
      for (const LogRecord& record : batch) {
        const bool ok = attempt([&] { sink_.write(record); });
        lock.lock();
        --pending_;
        ++written_;
        if (!ok) ++failures_;
        lock.unlock();
        room_.notify_one();
      }
      batch.clear();
      lock.lock();
      if (flush_due()) {
        flush_sink(lock);
      } else if (stop_ && queue_.empty()) {
        lock.unlock();
        if (!attempt([&] { sink_.flush(); })) {
          lock.lock();
          ++failures_;
        }
        return;
      }
    }
  }

  // The oldest waiting flush() has every record it covers written.
  bool flush_due() const { return !flush_targets_.empty() && flush_targets_.front() <= written_; }

  // Requires the lock held and flush_due(); returns with it held. Serves every due request at once.
  void flush_sink(std::unique_lock<std::mutex>& lock) {
    std::uint64_t serving = 0;
    while (flush_due()) {
      flush_targets_.pop_front();
      ++serving;
    }
    lock.unlock();
    const bool ok = attempt([&] { sink_.flush(); });
    lock.lock();
    if (!ok) ++failures_;
    flushes_served_ += serving;
    flushed_.notify_all();
  }

  template <class Call>
  static bool attempt(Call call) {
    try {
      call();
      return true;
    } catch (...) {
      return false;
    }
  }

  LogSink& sink_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable writer_wakeup_;  // the writer: records, a due flush, or stop
  std::condition_variable room_;           // log(): a pending record was written
  std::condition_variable flushed_;        // flush(): the sink was flushed
  std::vector<LogRecord> queue_;           // accepted, not yet taken by the writer
  std::size_t pending_ = 0;                // accepted, write() not yet returned
  std::uint64_t next_sequence_ = 0;
  std::uint64_t written_ = 0;                // records whose write() has returned
  std::deque<std::uint64_t> flush_targets_;  // of the waiting flush() calls, in their order
  std::uint64_t flushes_requested_ = 0;
  std::uint64_t flushes_served_ = 0;
  std::uint64_t failures_ = 0;
  bool stop_ = false;
  std::thread writer_;
};

}  // namespace kata
