// Liveness: the writer is woken when it must be, and log(), flush() and the destructor wait exactly
// as long as they must. The sink's gate holds the writer inside sink.write() (a slow disk), so
// "a record is in flight" and "capacity records are pending" are states the test creates on
// purpose; operations are parked on their own threads until they are asleep inside the logger
// (harness::BackgroundOp::settle reads the thread state; no sleep-and-hope). A thread that never
// wakes is reported by the watchdog.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "checking_sink.h"
#include "harness/background.h"
#include "harness/watchdog.h"
#include "watched_logger.h"

namespace {

using harness::BackgroundOp;
using Logger = WatchedLogger;

// The writer is asleep with nothing to do; a record arrives: the writer must wake and write it,
// with nobody calling flush(). Several rounds, each logged only once the writer is idle again.
TEST(Liveness, L1_EveryRecordIsWrittenWithoutFlush) {
  CheckingSink sink;
  Logger logger(sink, 4);
  for (int round = 0; round < 5; ++round) {
    harness::describe_state([round] {
      return std::to_string(round + 1) + " records logged, " + std::to_string(round) +
             " written before this one; nobody called flush()";
    });
    logger.log(Level::kInfo, std::to_string(round));
    sink.wait_until_written(round + 1);
    sink.wait_until_writer_idle();
  }
  EXPECT_EQ(sink.violations(), 0);
}

// The destructor runs while the writer is held inside sink.write() of record 0 and the other
// records wait behind it: it must wait, have every one of them written, and only then return.
TEST(Liveness, L1_DestructorWritesEveryPendingRecord) {
  constexpr int kRecords = 8;
  CheckingSink sink;
  sink.close_gate();
  Logger logger(sink, 64);
  OpenGateOnExit open_gate_on_exit(sink);
  logger.log(Level::kInfo, "0");
  sink.wait_until_at_gate(1);
  // The others are logged while record 0 is being written. A log() that waits for the sink is
  // allowed at this level (level 3's back-pressure forbids it): then nothing can be queued behind
  // the record in flight, the gate opens, and only the end of the test applies.
  BackgroundOp logging("log() while the writer is inside sink.write()",
                       "log() waits for the sink: is the writer holding the lock while it writes?",
                       [&] {
                         for (int i = 1; i < kRecords; ++i)
                           logger.log(Level::kInfo, std::to_string(i));
                       });
  const bool queued = logging.settle();
  if (!queued) sink.open_gate();
  logging.join();
  harness::describe_state([] {
    return std::to_string(kRecords) +
           " records logged, the first inside sink.write(); the destructor is draining";
  });
  BackgroundOp destroyer("~ConcurrentLogger() with records pending",
                         "the destructor must let the writer write every pending record, then join "
                         "it",
                         [&] { logger.destroy(); });
  if (queued) {
    ASSERT_FALSE(destroyer.settle()) << "the destructor returned while records were still pending";
    sink.open_gate();
  }
  destroyer.join();
  ASSERT_EQ(sink.written(), kRecords)
      << "the destructor returned before writing every pending record: does the writer stop "
         "before the queue is empty?";
  std::vector<int> seen;
  for (const auto& record : sink.records()) seen.push_back(std::stoi(record.message));
  std::sort(seen.begin(), seen.end());
  for (int i = 0; i < kRecords; ++i) EXPECT_EQ(seen[i], i) << "each record exactly once";
  EXPECT_EQ(sink.violations(), 0);
}

// The writer is held inside sink.write() of record 0. With capacity c, exactly c - 1 more records
// fit (the one being written is still pending): that many log() calls return, the rest block; none
// is dropped. Opening the gate lets every one of them finish.
TEST(Liveness, L3_BackpressureBlocksLoggersAtCapacity) {
  for (std::size_t capacity : {1, 3, 5}) {
    SCOPED_TRACE("capacity " + std::to_string(capacity));
    const int loggers = static_cast<int>(capacity) + 2;
    CheckingSink sink;
    sink.close_gate();
    Logger logger(sink, capacity);
    OpenGateOnExit open_gate_on_exit(sink);
    logger.log(Level::kInfo, "0");
    sink.wait_until_at_gate(1);
    std::atomic<int> returned{0};
    harness::describe_state([&] {
      return "sink.write() held at the gate; " + std::to_string(returned.load()) + " of " +
             std::to_string(loggers) + " log() calls returned, capacity " +
             std::to_string(capacity);
    });
    std::vector<std::unique_ptr<BackgroundOp>> ops;
    for (int i = 0; i < loggers; ++i) {
      ops.push_back(
          std::make_unique<BackgroundOp>("log() with the sink stuck",
                                         "log() must wait while `capacity` records are pending, "
                                         "and wake when the writer finishes a write",
                                         [&, i] {
                                           logger.log(Level::kInfo, std::to_string(i + 1));
                                           returned.fetch_add(1);
                                         }));
    }
    // capacity - 1 of them must get through. (Waited for, not assumed: on a loaded machine a
    // thread may start late.)
    harness::watched("waiting for capacity - 1 log() calls to return",
                     "log() blocked with fewer than `capacity` records pending: does the writer "
                     "hold the lock while it calls the sink?",
                     [&] {
                       while (returned.load() < static_cast<int>(capacity) - 1) {
                         std::this_thread::sleep_for(std::chrono::milliseconds(1));
                       }
                     });
    // The others must block: each has either returned or fallen asleep inside log().
    for (auto& op : ops) op->settle();
    ASSERT_EQ(returned.load(), static_cast<int>(capacity) - 1)
        << "more than `capacity` records pending: log() must block, not grow the queue (the "
           "record inside sink.write() still counts as pending)";
    sink.open_gate();
    for (auto& op : ops) op->join();
    logger.destroy();
    ASSERT_EQ(sink.written(), loggers + 1) << "blocked loggers must finish, not drop their records";
    std::vector<int> seen;
    for (const auto& record : sink.records()) seen.push_back(std::stoi(record.message));
    std::sort(seen.begin(), seen.end());
    for (int i = 0; i <= loggers; ++i) ASSERT_EQ(seen[i], i) << "each record exactly once";
    EXPECT_EQ(sink.violations(), 0);
  }
}

// The last record has left the queue but is still inside sink.write(): the queue is empty, yet
// flush() must not return until that record is written and the sink flushed.
TEST(Liveness, L3_FlushWaitsForTheRecordInFlight) {
  CheckingSink sink;
  sink.close_gate();
  Logger logger(sink, 4);
  OpenGateOnExit open_gate_on_exit(sink);
  logger.log(Level::kInfo, "in flight");
  sink.wait_until_at_gate(1);
  harness::describe_state([] { return std::string("1 record logged, held inside sink.write()"); });
  BackgroundOp flusher("flush() while a record is being written",
                       "the gate opened: flush() must return once the record is written and "
                       "the sink flushed",
                       [&] { logger.flush(); });
  ASSERT_FALSE(flusher.settle())
      << "flush() returned while a record logged before it was still inside sink.write() (the "
         "queue was empty, but the record was not written yet)";
  sink.open_gate();
  flusher.join();
  EXPECT_EQ(sink.written(), 1);
  EXPECT_GE(sink.flushes(), 1) << "flush() returned without sink.flush() being called";
  EXPECT_EQ(sink.written_at_last_flush(), 1);
}

// The writer has written everything and is asleep: flush() must wake it (the sink is flushed by the
// writer thread, not the caller).
TEST(Liveness, L3_FlushWakesAnIdleWriter) {
  CheckingSink sink;
  Logger logger(sink, 4);
  for (int round = 1; round <= 3; ++round) {
    harness::describe_state([round] {
      return "everything logged is written, the writer is idle; flush() number " +
             std::to_string(round) + " waits for sink.flush()";
    });
    logger.log(Level::kInfo, std::to_string(round));
    sink.wait_until_written(round);
    sink.wait_until_writer_idle();
    logger.flush();
    ASSERT_GE(sink.flushes(), round) << "flush() returned without sink.flush() being called";
  }
}

}  // namespace
