// PROVIDED: do not edit. The types ConcurrentLogger takes records as and hands them to. A
// submission's copy of this file is never used: the build always takes this one.
#pragma once

#include <cstdint>
#include <string>
#include <thread>

namespace kata {

enum class Level { kDebug, kInfo, kWarning, kError };

// One log call, as the sink sees it.
struct LogRecord {
  std::uint64_t sequence;  // 0, 1, 2, ... in the order the logger accepted the records
  std::thread::id thread;  // the thread that called log()
  Level level;
  std::string message;
};

// Where records go: a file, a socket, a test's memory. The logger calls it from its writer thread
// only, never concurrently, so an implementation needs no locking of its own. Either call may be
// slow (it may block on I/O) and may throw.
class LogSink {
 public:
  virtual ~LogSink() = default;
  // Takes one record. Called once per record, in sequence order.
  virtual void write(const LogRecord& record) = 0;
  // Makes everything written so far durable (fsync, send buffer, ...).
  virtual void flush() = 0;
};

}  // namespace kata
