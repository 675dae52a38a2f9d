// Flawed: the textbook logger, but log() builds its record outside the lock to keep the critical
// section short: the sequence number comes from an atomic counter, the queue slot comes after.
// expect-level: 1
// expect-caught-by: Concurrency.L2_SequenceIsGaplessInWriteOrderAndFollowsProgramOrder assertion
#pragma once

#include <atomic>
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
    if (capacity == 0) throw std::invalid_argument("capacity must be > 0");
    worker_ = std::thread([this] { run(); });
  }

  ~ConcurrentLogger() {
    {
      std::lock_guard<std::mutex> g(m_);
      done_ = true;
    }
    has_work_.notify_all();
    worker_.join();
  }

  ConcurrentLogger(const ConcurrentLogger&) = delete;
  ConcurrentLogger& operator=(const ConcurrentLogger&) = delete;

  void log(Level level, std::string message) {
    // Everything that needs no shared state is done before taking the lock.
    LogRecord record{seq_.fetch_add(1), std::this_thread::get_id(), level, std::move(message)};
    std::unique_lock<std::mutex> g(m_);
    has_room_.wait(g, [&] { return q_.size() + busy_ < capacity_; });
    q_.push_back(std::move(record));
    has_work_.notify_all();
  }

  void flush() {
    std::unique_lock<std::mutex> g(m_);
    const std::uint64_t mine = ++flush_asked_;
    has_work_.notify_all();
    flushed_.wait(g, [&] { return flush_done_ >= mine; });
  }

  std::uint64_t sink_failures() const {
    std::lock_guard<std::mutex> g(m_);
    return failures_;
  }

 private:
  void run() {
    std::unique_lock<std::mutex> g(m_);
    while (true) {
      has_work_.wait(g, [&] { return !q_.empty() || flush_asked_ != flush_done_ || done_; });
      if (!q_.empty()) {
        LogRecord record = std::move(q_.front());
        q_.pop_front();
        busy_ = 1;
        g.unlock();
        bool failed = false;
        try {
          sink_.write(record);
        } catch (...) {
          failed = true;
        }
        g.lock();
        busy_ = 0;
        failures_ += failed;
        has_room_.notify_all();
        continue;
      }
      const std::uint64_t asked = flush_asked_;
      g.unlock();
      bool failed = false;
      try {
        sink_.flush();
      } catch (...) {
        failed = true;
      }
      g.lock();
      failures_ += failed;
      if (asked == flush_asked_ && done_ && flush_done_ == asked) return;  // the final flush
      flush_done_ = asked;
      flushed_.notify_all();
    }
  }

  LogSink& sink_;
  const std::size_t capacity_;
  std::atomic<std::uint64_t> seq_{0};
  mutable std::mutex m_;
  std::condition_variable has_work_, has_room_, flushed_;
  std::deque<LogRecord> q_;
  std::size_t busy_ = 0;
  std::uint64_t flush_asked_ = 0, flush_done_ = 0, failures_ = 0;
  bool done_ = false;
  std::thread worker_;
};

}  // namespace kata
