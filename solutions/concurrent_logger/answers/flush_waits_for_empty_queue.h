// Flawed: a mutex, one condition variable, a std::deque, a writer that flushes the sink whenever it
// runs dry; flush() waits for an empty queue, while the last record may still be inside write().
// expect-level: 2
// expect-caught-by: Liveness.L3_FlushWaitsForTheRecordInFlight assertion
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

#include "kata/not_implemented.h"
#include "log_sink.h"

namespace kata {

class ConcurrentLogger {
 public:
  explicit ConcurrentLogger(LogSink& sink, std::size_t capacity = 1024)
      : sink_(sink), capacity_(capacity) {
    if (capacity_ == 0) throw std::invalid_argument("capacity must be at least 1");
    thread_ = std::thread([this] { drain_forever(); });
  }

  ~ConcurrentLogger() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  ConcurrentLogger(const ConcurrentLogger&) = delete;
  ConcurrentLogger& operator=(const ConcurrentLogger&) = delete;

  void log(Level level, std::string message) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return records_.size() < capacity_; });
    records_.push_back({sequence_++, std::this_thread::get_id(), level, std::move(message)});
    cv_.notify_all();
  }

  // "Flushed" is "nothing left to write": wake the writer (it flushes the sink whenever it has
  // emptied the queue) and wait for the queue to empty.
  void flush() {
    std::unique_lock<std::mutex> lock(mutex_);
    flush_wanted_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return records_.empty(); });
  }

  std::uint64_t sink_failures() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failures_;
  }

 private:
  void drain_forever() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      cv_.wait(lock, [&] { return !records_.empty() || flush_wanted_ || stopping_; });
      while (!records_.empty()) {
        LogRecord record = std::move(records_.front());
        records_.pop_front();
        cv_.notify_all();  // room for a logger; maybe an empty queue for flush()
        lock.unlock();
        guarded([&] { sink_.write(record); });
        lock.lock();
      }
      flush_wanted_ = false;
      cv_.notify_all();
      lock.unlock();
      guarded([&] { sink_.flush(); });
      lock.lock();
      if (stopping_ && records_.empty()) return;
    }
  }

  // Requires the lock not held.
  template <class Call>
  void guarded(Call call) {
    try {
      call();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++failures_;
    }
  }

  LogSink& sink_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;  // every change, for everyone
  std::deque<LogRecord> records_;
  std::uint64_t sequence_ = 0;
  std::uint64_t failures_ = 0;
  bool flush_wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kata
