// Level 1-3 contract, one logging thread at a time: what reaches the sink, in what order, and what
// flush(), the destructor and a failing sink do.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "checking_sink.h"
#include "watched_logger.h"

namespace {

using Logger = WatchedLogger;

std::vector<std::string> messages_of(const std::vector<LogRecord>& records) {
  std::vector<std::string> messages;
  for (const auto& record : records) messages.push_back(record.message);
  return messages;
}

std::vector<std::string> numbered(int from, int to) {
  std::vector<std::string> messages;
  for (int i = from; i < to; ++i) messages.push_back("message " + std::to_string(i));
  return messages;
}

TEST(Contract, L1_ZeroCapacityThrows) {
  CheckingSink sink;
  EXPECT_THROW(Logger(sink, 0), std::invalid_argument);
}

TEST(Contract, L1_NothingLoggedNothingWritten) {
  CheckingSink sink;
  { Logger logger(sink, 4); }
  EXPECT_EQ(sink.written(), 0);
  EXPECT_EQ(sink.violations(), 0);
}

TEST(Contract, L1_DestructorWritesEveryRecordOnce) {
  CheckingSink sink;
  Logger logger(sink, 4);
  for (const auto& message : numbered(0, 20)) logger.log(Level::kInfo, message);
  logger.destroy();
  ASSERT_EQ(sink.written(), 20) << "every logged record must reach the sink by the time the "
                                   "destructor returns";
  auto messages = messages_of(sink.records());
  std::sort(messages.begin(), messages.end());
  auto expected = numbered(0, 20);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(messages, expected) << "each record exactly once";
  EXPECT_EQ(sink.violations(), 0);
}

TEST(Contract, L1_RecordCarriesLevelMessageAndThread) {
  CheckingSink sink;
  Logger logger(sink, 8);
  const std::vector<Level> levels = {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError};
  for (std::size_t i = 0; i < levels.size(); ++i)
    logger.log(levels[i], "level " + std::to_string(i));
  logger.destroy();
  ASSERT_EQ(sink.written(), 4);
  for (const auto& record : sink.records()) {
    const auto i = static_cast<std::size_t>(record.message.back() - '0');
    ASSERT_LT(i, levels.size()) << "unexpected message: " << record.message;
    EXPECT_EQ(record.level, levels[i]) << record.message;
    EXPECT_EQ(record.thread, std::this_thread::get_id())
        << "LogRecord::thread must be the id of the thread that called log()";
  }
}

// Level 2: one thread's records come out numbered 0, 1, 2, ... and in the order it logged them.
TEST(Contract, L2_SequenceStartsAtZeroAndFollowsProgramOrder) {
  CheckingSink sink;
  Logger logger(sink, 3);
  for (const auto& message : numbered(0, 200)) logger.log(Level::kInfo, message);
  logger.destroy();
  ASSERT_EQ(sink.written(), 200);
  const auto& records = sink.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i].sequence, i) << "the " << i << "th record written has the wrong sequence";
    ASSERT_EQ(records[i].message, "message " + std::to_string(i))
        << "records must be written in the order one thread logged them";
  }
}

// Level 3: after flush() returns, everything logged before it is in the sink, and the sink has been
// flushed after it was written. Several rounds: flush is not a one-off.
TEST(Contract, L3_FlushWritesEverythingLoggedBeforeAndFlushesTheSink) {
  CheckingSink sink;
  Logger logger(sink, 4);
  int logged = 0;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 3 * round + 1; ++i) logger.log(Level::kInfo, std::to_string(logged++));
    const int flushes_before = sink.flushes();
    logger.flush();
    ASSERT_EQ(sink.written(), logged) << "flush() returned before every record logged before it "
                                         "was written";
    ASSERT_GT(sink.flushes(), flushes_before)
        << "flush() returned without sink.flush() being called";
    EXPECT_EQ(sink.written_at_last_flush(), logged)
        << "sink.flush() must be called after the records are written, not before";
  }
  EXPECT_EQ(sink.violations(), 0);
}

TEST(Contract, L3_FlushWithNothingLoggedStillFlushesTheSink) {
  CheckingSink sink;
  Logger logger(sink, 2);
  logger.flush();
  EXPECT_GE(sink.flushes(), 1) << "flush() returned without sink.flush() being called";
  logger.flush();  // nothing new to flush: calling the sink again is allowed, not required
}

TEST(Contract, L3_DestructorFlushesTheSinkLast) {
  CheckingSink sink;
  sink.slow = true;
  Logger logger(sink, 16);
  for (int i = 0; i < 16; ++i) logger.log(Level::kWarning, std::to_string(i));
  logger.destroy();
  EXPECT_EQ(sink.written(), 16);
  EXPECT_GE(sink.flushes(), 1) << "the destructor must flush the sink";
  EXPECT_EQ(sink.written_at_last_flush(), 16) << "the last sink.flush() must follow the last write";
}

// A sink whose write() throws on one record: that record is lost and counted; the writer goes on;
// order and numbering are unaffected; no exception reaches the caller.
TEST(Contract, L3_SinkThatThrowsOnOneRecordLosesOnlyThatRecord) {
  CheckingSink sink;
  sink.throw_on = [](const LogRecord& record) { return record.message == "3"; };
  Logger logger(sink, 4);
  for (int i = 0; i < 10; ++i) logger.log(Level::kError, std::to_string(i));
  logger.flush();
  EXPECT_EQ(logger.sink_failures(), 1u);
  ASSERT_EQ(sink.written(), 9) << "every record but the failing one must still be written";
  for (int i = 10; i < 15; ++i) logger.log(Level::kError, std::to_string(i));
  logger.flush();
  EXPECT_EQ(logger.sink_failures(), 1u);
  logger.destroy();
  ASSERT_EQ(sink.written(), 14) << "the logger must keep writing after a sink failure";
  const auto& records = sink.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::uint64_t expected = i < 3 ? i : i + 1;
    EXPECT_EQ(records[i].sequence, expected);
    EXPECT_EQ(records[i].message, std::to_string(expected));
  }
  EXPECT_EQ(sink.violations(), 0);
}

TEST(Contract, L3_SinkFlushThatThrowsIsCountedAndFlushReturns) {
  CheckingSink sink;
  sink.throw_on_flush = true;
  Logger logger(sink, 4);
  logger.log(Level::kInfo, "before");
  logger.flush();
  EXPECT_EQ(sink.written(), 1);
  EXPECT_EQ(logger.sink_failures(), 1u) << "a sink.flush() that threw must be counted";
  logger.log(Level::kInfo, "after");
  logger.flush();
  EXPECT_EQ(sink.written(), 2) << "the logger must keep working after a failed sink.flush()";
  EXPECT_EQ(logger.sink_failures(), 2u);
}

}  // namespace
