// The logger under test, with every call watched: if a call does not return, the watchdog's report
// names it (see harness/watchdog.h). Tests use this instead of the bare class, so a deadlock
// anywhere, the destructor included, is reported by name rather than as a hung test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "harness/under_test.h"
#include "harness/watchdog.h"

class WatchedLogger {
 public:
  WatchedLogger(under_test::LogSink& sink, std::size_t capacity)
      : logger_(harness::watched("ConcurrentLogger(sink, capacity)", kNonBlockingHint, [&] {
          return std::make_unique<under_test::ConcurrentLogger>(sink, capacity);
        })) {}
  ~WatchedLogger() { destroy(); }
  WatchedLogger(const WatchedLogger&) = delete;
  WatchedLogger& operator=(const WatchedLogger&) = delete;

  void log(under_test::Level level, std::string message) {
    harness::watched("log()", kLogHint, [&] { logger_->log(level, std::move(message)); });
  }
  void flush() {
    harness::watched("flush()", kFlushHint, [&] { logger_->flush(); });
  }
  std::uint64_t sink_failures() const {
    return harness::watched("sink_failures()", kNonBlockingHint,
                            [&] { return logger_->sink_failures(); });
  }
  // Runs the destructor now (it must write everything pending, flush the sink, stop the writer).
  void destroy() {
    if (logger_) harness::watched("~ConcurrentLogger()", kDestroyHint, [&] { logger_.reset(); });
  }

 private:
  static constexpr const char* kLogHint =
      "log() may wait only while `capacity` records are pending: is it woken when the writer "
      "finishes a write? a deadlock?";
  static constexpr const char* kFlushHint =
      "flush() waits for the writer to write what was logged before it and flush the sink: is the "
      "writer woken by flush(), and does it wake flush() when done?";
  static constexpr const char* kDestroyHint =
      "the destructor must wake the writer, let it drain the queue, and join it";
  static constexpr const char* kNonBlockingHint = "this call never waits: a deadlock?";

  std::unique_ptr<under_test::ConcurrentLogger> logger_;
};
