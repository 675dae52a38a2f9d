// Textbook: one std::mutex, a std::deque of records, one writer thread that calls the sink with the
// lock released; condition variables for work, room and flushes; the writer flushes once it is dry.
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

#include "kata/not_implemented.h"
#include "log_sink.h"

namespace kata {

class ConcurrentLogger {
 public:
  explicit ConcurrentLogger(LogSink& sink, std::size_t capacity = 1024)
      : sink_(sink), capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("ConcurrentLogger: capacity must be positive");
    writer_ = std::thread(&ConcurrentLogger::writer_loop, this);
  }

  ~ConcurrentLogger() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_one();
    writer_.join();
  }

  ConcurrentLogger(const ConcurrentLogger&) = delete;
  ConcurrentLogger& operator=(const ConcurrentLogger&) = delete;

  void log(Level level, std::string message) {
    std::unique_lock<std::mutex> lock(mu_);
    room_cv_.wait(lock, [this] { return pending() < capacity_; });
    queue_.push_back(
        LogRecord{next_sequence_++, std::this_thread::get_id(), level, std::move(message)});
    lock.unlock();
    work_cv_.notify_one();
  }

  void flush() {
    std::unique_lock<std::mutex> lock(mu_);
    const std::uint64_t ticket = ++flushes_requested_;
    work_cv_.notify_one();
    flushed_cv_.wait(lock, [&] { return flushes_done_ >= ticket; });
  }

  std::uint64_t sink_failures() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failures_;
  }

 private:
  std::size_t pending() const { return queue_.size() + (writing_ ? 1 : 0); }

  void writer_loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_cv_.wait(
          lock, [this] { return !queue_.empty() || flushes_requested_ > flushes_done_ || stop_; });
      if (!queue_.empty()) {
        LogRecord record = std::move(queue_.front());
        queue_.pop_front();
        writing_ = true;  // still pending until write() returns
        lock.unlock();
        const bool ok = call([&] { sink_.write(record); });
        lock.lock();
        writing_ = false;
        if (!ok) ++failures_;
        room_cv_.notify_one();
      } else if (flushes_requested_ > flushes_done_) {
        // Everything logged before these flush() calls is written: flush the sink for all of them.
        const std::uint64_t serving = flushes_requested_;
        lock.unlock();
        const bool ok = call([&] { sink_.flush(); });
        lock.lock();
        if (!ok) ++failures_;
        flushes_done_ = serving;
        flushed_cv_.notify_all();
      } else {  // stopping, and the queue is drained
        lock.unlock();
        if (!call([&] { sink_.flush(); })) {
          std::lock_guard<std::mutex> relock(mu_);
          ++failures_;
        }
        return;
      }
    }
  }

  // Runs one sink call; false if it threw. Nothing from the sink reaches anyone else.
  template <class F>
  static bool call(F f) {
    try {
      f();
      return true;
    } catch (...) {
      return false;
    }
  }

  LogSink& sink_;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;     // the writer: a record, a flush request, or stop
  std::condition_variable room_cv_;     // log(): a pending record was written
  std::condition_variable flushed_cv_;  // flush(): the sink was flushed
  std::deque<LogRecord> queue_;
  bool writing_ = false;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t flushes_requested_ = 0;
  std::uint64_t flushes_done_ = 0;
  std::uint64_t failures_ = 0;
  bool stop_ = false;
  std::thread writer_;
};

}  // namespace kata
