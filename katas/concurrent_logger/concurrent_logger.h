// KATA: concurrent_logger. Make this class correct and thread-safe. The contract is below; the
// tests are in tests/, the story and the hints in README.md. Run:  ./kata test concurrent_logger
//
// ConcurrentLogger takes log records from any number of threads and hands them, one at a time and
// in one global order, to a LogSink (log_sink.h, provided: Level, LogRecord, LogSink) from a single
// writer thread of its own. log(), flush() and sink_failures() may be called from any number of
// threads at once.
//
// Guarantees:
//   - Exactly once (level 1): every record log() accepted reaches sink.write() exactly once, by the
//     time the destructor returns at the latest; nothing else does. log() never drops a record.
//   - Progress (level 1): the writer writes each record as soon as it can, without waiting for
//     more records or for flush().
//   - One writer (level 1): the sink is called (write and flush) from one writer thread only,
//     never concurrently, and never from a thread that calls log() or flush().
//   - Order (level 2): records carry sequence 0, 1, 2, ... with no gap, and are written in that
//     order. If one log() call happens-before another (same thread, or synchronised through
//     anything at all), its record has the smaller sequence number.
//   - Back-pressure (level 3): a record is pending from the moment log() accepts it until
//     sink.write() for it has returned. At most `capacity` records are pending; log() blocks
//     while `capacity` are pending, and only then: it returns without waiting for the sink
//     otherwise.
//   - A sink that throws (level 3): if sink.write() throws, that one record is lost, the failure
//     is counted in sink_failures(), and the writer goes on with the next record. If sink.flush()
//     throws, it is counted the same way and flush() still returns. No exception from the sink
//     reaches any caller, and the process keeps running.
//
//   Level 1: constructor, log, destructor: exactly once, progress, one writer.
//   Level 2: sequence numbers and order (program order, happens-before).
//   Level 3: flush, the destructor's last sink.flush(), back-pressure, a throwing sink
//            (sink_failures).
//
// Replace each `throw NotImplemented(...)` (and the TODO in the destructor) with your code; add
// members and includes as you need.
// The header policy (docs/header_policy.md) is checked before anything is built: standard
// library includes only, everything in namespace kata, no macros, #if, file or process calls.
// At run time: start threads only in your objects and end them by the time those are
// destroyed; the benchmark checks that, and the contract, on the very object it measures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kata/not_implemented.h"
#include "log_sink.h"

namespace kata {

class ConcurrentLogger {
 public:
  // A logger writing to `sink` (which must outlive it); level 3: with at most `capacity` records
  // pending. Starts the writer thread. Throws std::invalid_argument if capacity is 0.
  explicit ConcurrentLogger(LogSink& sink, std::size_t capacity = 1024) {
    (void)sink, (void)capacity;
    throw NotImplemented("ConcurrentLogger::ConcurrentLogger");
  }

  // Writes every record accepted so far, stops the writer thread, and only then returns (level 3:
  // after its last write, the writer calls sink.flush() once more). No thread may be inside log()
  // or flush() while it runs.
  ~ConcurrentLogger() {
    // TODO: drain what is pending, flush the sink, stop the writer thread.
  }

  ConcurrentLogger(const ConcurrentLogger&) = delete;
  ConcurrentLogger& operator=(const ConcurrentLogger&) = delete;

  // Accepts a record {this thread's id, level, message; level 2: the next sequence number} for the
  // writer. Level 3: blocks while `capacity` records are pending; otherwise returns without waiting
  // for the sink.
  void log(Level level, std::string message) {
    (void)level, (void)message;
    throw NotImplemented("ConcurrentLogger::log");
  }

  // Level 3. Returns once every record accepted before this call is written AND sink.flush() has
  // returned after those writes (the writer thread calls it, not this one).
  void flush() { throw NotImplemented("ConcurrentLogger::flush"); }

  // Level 3. How many sink calls (write or flush) have thrown so far.
  std::uint64_t sink_failures() const { throw NotImplemented("ConcurrentLogger::sink_failures"); }
};

}  // namespace kata
