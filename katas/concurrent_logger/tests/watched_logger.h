// The logger under test, with every call watched: if a call does not return, the watchdog's report
// names it (see harness/watchdog.h). Tests use this instead of the bare class, so a deadlock
// anywhere, the destructor included, is reported by name rather than as a hung test; and every call
// is checked against the level rule (harness/level_rule.h): a test of level N may call only the
// methods of levels 1..N.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "harness/level_rule.h"
#include "harness/under_test.h"

class WatchedLogger {
 public:
  WatchedLogger(under_test::LogSink& sink, std::size_t capacity)
      : logger_(harness::call(kConstructor, [&] {
          return std::make_unique<under_test::ConcurrentLogger>(sink, capacity);
        })) {}
  ~WatchedLogger() { destroy(); }
  WatchedLogger(const WatchedLogger&) = delete;
  WatchedLogger& operator=(const WatchedLogger&) = delete;

  void log(under_test::Level level, std::string message) {
    harness::call(kLog, [&] { logger_->log(level, std::move(message)); });
  }
  void flush() {
    harness::call(kFlush, [&] { logger_->flush(); });
  }
  std::uint64_t sink_failures() const {
    return harness::call(kSinkFailures, [&] { return logger_->sink_failures(); });
  }
  // Runs the destructor now (it must write everything pending, flush the sink, stop the writer).
  void destroy() {
    if (logger_) harness::call(kDestructor, [&] { logger_.reset(); });
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

  // Each method at the level concurrent_logger.h's banner gives it (harness/level_rule.h).
  static constexpr harness::Method kConstructor{"ConcurrentLogger(sink, capacity)", 1,
                                                kNonBlockingHint};
  static constexpr harness::Method kLog{"log()", 1, kLogHint};
  static constexpr harness::Method kDestructor{"~ConcurrentLogger()", 1, kDestroyHint};
  static constexpr harness::Method kFlush{"flush()", 3, kFlushHint};
  static constexpr harness::Method kSinkFailures{"sink_failures()", 3, kNonBlockingHint};

  std::unique_ptr<under_test::ConcurrentLogger> logger_;
};
