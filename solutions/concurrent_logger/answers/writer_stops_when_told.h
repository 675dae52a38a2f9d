// Flawed: a mutex, condition variables, a std::deque and a writer looping `while (running_)`: the
// destructor clears the flag and joins, and whatever is still queued then is never written.
// expect-level: 0
// expect-caught-by: Contract.L1_DestructorWritesEveryRecordOnce assertion
// expect-variants: tsan
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
    if (capacity == 0) throw std::invalid_argument("capacity");
    writer_ = std::thread([this] { loop(); });
  }

  ~ConcurrentLogger() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      running_ = false;
    }
    wake_writer_.notify_one();
    writer_.join();
  }

  ConcurrentLogger(const ConcurrentLogger&) = delete;
  ConcurrentLogger& operator=(const ConcurrentLogger&) = delete;

  void log(Level level, std::string message) {
    std::unique_lock<std::mutex> lock(mutex_);
    wake_logger_.wait(lock, [&] { return queue_.size() + in_write_ < capacity_; });
    queue_.push_back({next_++, std::this_thread::get_id(), level, std::move(message)});
    wake_writer_.notify_one();
  }

  void flush() {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::uint64_t target = next_;
    ++flush_requests_;
    wake_writer_.notify_one();
    wake_flusher_.wait(lock, [&] { return flushed_through_ >= target && flush_requests_ == 0; });
  }

  std::uint64_t sink_failures() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failures_;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (running_) {
      wake_writer_.wait(lock, [&] { return !queue_.empty() || flush_requests_ > 0 || !running_; });
      if (!running_) break;  // told to stop
      if (!queue_.empty()) {
        LogRecord record = std::move(queue_.front());
        queue_.pop_front();
        in_write_ = 1;
        lock.unlock();
        const bool ok = attempt([&] { sink_.write(record); });
        lock.lock();
        in_write_ = 0;
        ++written_;
        failures_ += ok ? 0 : 1;
        wake_logger_.notify_one();
      } else {
        const std::uint64_t through = written_;
        lock.unlock();
        const bool ok = attempt([&] { sink_.flush(); });
        lock.lock();
        failures_ += ok ? 0 : 1;
        flushed_through_ = through;
        flush_requests_ = 0;
        wake_flusher_.notify_all();
      }
    }
    lock.unlock();
    attempt([&] { sink_.flush(); });
  }

  template <class F>
  static bool attempt(F f) {
    try {
      f();
      return true;
    } catch (...) {
      return false;
    }
  }

  LogSink& sink_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_writer_, wake_logger_, wake_flusher_;
  std::deque<LogRecord> queue_;
  std::size_t in_write_ = 0;
  std::uint64_t next_ = 0, written_ = 0, flushed_through_ = 0, failures_ = 0;
  int flush_requests_ = 0;
  bool running_ = true;
  std::thread writer_;
};

}  // namespace kata
