// Stress: many logging threads, seeded and perturbed, a sink that is sometimes slow, exact
// bookkeeping. Every record written exactly once, numbered 0, 1, 2, ... in write order, each
// thread's records in its program order, happens-before respected, flush() and back-pressure exact
// under load, sink failures counted exactly. The sink checks on every call that it is never called
// concurrently and only from the writer thread. Thread counts above the core count are there on
// purpose (oversubscription shakes the schedule on 2 cores).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "checking_sink.h"
#include "harness/config.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "watched_logger.h"

namespace {

using harness::Worker;
using Logger = WatchedLogger;

struct Shape {
  int threads;
  std::size_t capacity;
};

const auto shape_name =
    harness::name_params(std::pair{"t", &Shape::threads}, std::pair{"cap", &Shape::capacity});

// A message names its logging thread and its number in that thread's program order.
constexpr std::int64_t kStride = 1 << 24;
std::string make_message(int thread, int seq) { return std::to_string(thread * kStride + seq); }
int thread_of(const LogRecord& record) {
  return static_cast<int>(std::stoll(record.message) / kStride);
}
int seq_of(const LogRecord& record) {
  return static_cast<int>(std::stoll(record.message) % kStride);
}
Level level_for(int seq) { return static_cast<Level>(seq % 4); }

class Concurrency : public testing::TestWithParam<Shape> {
 protected:
  int per_thread(int total) const { return harness::scaled(total) / GetParam().threads + 1; }

  void start_bookkeeping(const CheckingSink& sink) {
    harness::describe_state([this, &sink] {
      return std::to_string(logged_.load()) + " log() calls returned, " +
             std::to_string(sink.written()) + " records written";
    });
  }

  // Checks what the sink got, once the logger is gone: each of the first counts[t] records of
  // thread t exactly once (minus those `lost` says the sink failed), with the right level and
  // thread id, numbered 0, 1, 2, ... in write order (gaps only where a write failed).
  static void expect_exactly_once_in_order(const CheckingSink& sink, const std::vector<int>& counts,
                                           const std::vector<std::thread::id>& ids,
                                           bool (*lost)(int seq) = nullptr) {
    std::vector<std::vector<int>> seen(counts.size());
    for (std::size_t t = 0; t < counts.size(); ++t) seen[t].assign(counts[t], 0);
    std::vector<int> last_seq(counts.size(), -1);
    const auto& records = sink.records();
    std::int64_t previous_sequence = -1;
    for (const auto& record : records) {
      const int t = thread_of(record), s = seq_of(record);
      ASSERT_TRUE(t >= 0 && t < static_cast<int>(counts.size()) && s < counts[t])
          << "the sink got a record nobody logged: " << record.message;
      ++seen[t][s];
      ASSERT_EQ(record.thread, ids[t]) << "LogRecord::thread is not the thread that logged it";
      ASSERT_EQ(record.level, level_for(s)) << "wrong level on record " << record.message;
      ASSERT_GT(s, last_seq[t]) << "thread " << t << "'s records were written out of its program "
                                << "order: its record " << s << " after its record " << last_seq[t];
      last_seq[t] = s;
      ASSERT_GT(static_cast<std::int64_t>(record.sequence), previous_sequence)
          << "records written out of sequence order: " << record.sequence << " after "
          << previous_sequence;
      if (lost == nullptr) {
        ASSERT_EQ(static_cast<std::int64_t>(record.sequence), previous_sequence + 1)
            << "a gap in the sequence numbers: " << record.sequence << " after "
            << previous_sequence;
      }
      previous_sequence = static_cast<std::int64_t>(record.sequence);
    }
    for (std::size_t t = 0; t < counts.size(); ++t) {
      for (int s = 0; s < counts[t]; ++s) {
        const int want = (lost != nullptr && lost(s)) ? 0 : 1;
        ASSERT_EQ(seen[t][s], want) << "record " << s << " of thread " << t << " was written "
                                    << seen[t][s] << " times (want " << want << ")";
      }
    }
  }

  // Every thread of the shape logs `per` records (thread t's record s is make_message(t, s), at
  // level_for(s)); then the logger is destroyed, so the sink holds all it will ever get. Returns
  // each thread's id, by index.
  std::vector<std::thread::id> log_from_every_thread(Logger& logger, const CheckingSink& sink,
                                                     int per) {
    std::vector<std::thread::id> ids(GetParam().threads);
    start_bookkeeping(sink);
    harness::Crew crew;
    crew.add("logger", GetParam().threads, [&](Worker& w) {
      ids[w.index()] = std::this_thread::get_id();
      for (int s = 0; s < per; ++s) {
        logger.log(level_for(s), make_message(w.index(), s));
        logged_.fetch_add(1, std::memory_order_relaxed);
        w.perturb();
      }
    });
    crew.run();
    logger.destroy();
    return ids;
  }

  std::atomic<std::int64_t> logged_{0};
};

// Level 1: N threads x M records, every record written exactly once, nothing else; the sink is
// never called concurrently nor from a logging thread.
TEST_P(Concurrency, L1_EveryRecordWrittenExactlyOnce) {
  const Shape shape = GetParam();
  const int per = per_thread(8000);
  CheckingSink sink;
  sink.slow = true;
  Logger logger(sink, shape.capacity);
  const std::vector<std::thread::id> ids = log_from_every_thread(logger, sink, per);
  EXPECT_EQ(sink.violations(), 0);
  ASSERT_EQ(sink.written(), per * shape.threads);
  std::vector<std::vector<int>> seen(shape.threads, std::vector<int>(per, 0));
  for (const auto& record : sink.records()) {
    const int t = thread_of(record), s = seq_of(record);
    ASSERT_TRUE(t >= 0 && t < shape.threads && s < per) << "unexpected record " << record.message;
    ASSERT_EQ(++seen[t][s], 1) << "record " << s << " of thread " << t << " written twice";
    ASSERT_EQ(record.thread, ids[t]) << "LogRecord::thread is not the thread that logged it";
  }
}

// Level 2: the same, and the records are numbered 0, 1, 2, ... in the order written, with each
// thread's records in its program order.
TEST_P(Concurrency, L2_SequenceIsGaplessInWriteOrderAndFollowsProgramOrder) {
  const Shape shape = GetParam();
  const int per = per_thread(8000);
  CheckingSink sink;
  sink.slow = true;
  Logger logger(sink, shape.capacity);
  const std::vector<std::thread::id> ids = log_from_every_thread(logger, sink, per);
  EXPECT_EQ(sink.violations(), 0);
  ASSERT_EQ(sink.written(), per * shape.threads);
  expect_exactly_once_in_order(sink, std::vector<int>(shape.threads, per), ids);
}

// Level 2: happens-before across threads. A baton passes from thread to thread (release/acquire);
// its holder logs "baton k" before passing it on, while other threads log noise. Since each baton
// record happens-before the next, they must be written in baton order.
TEST_P(Concurrency, L2_HappensBeforeIsRespected) {
  const Shape shape = GetParam();
  // Under the sched variant harness::scaled leaves 7 passes, and per_thread_lanes escaped one seed
  // of 20 (caught only at t8_cap64): a schedule makes the race, but only when a baton record is
  // still queued as the next one is logged. 40 there cost a few hundred steps each.
  const int passes = std::string_view(harness::variant()) == "sched"
                         ? std::max(harness::scaled(1500), 40)
                         : harness::scaled(1500);
  CheckingSink sink;
  Logger logger(sink, shape.capacity);
  std::atomic<int> baton{0};
  std::atomic<int> noise{0};
  harness::describe_state([&] {
    return "baton pass " + std::to_string(baton.load()) + " of " + std::to_string(passes) + ", " +
           std::to_string(sink.written()) + " records written";
  });

  harness::Crew crew;
  crew.add("baton holder", shape.threads, [&](Worker& w) {
    for (;;) {
      int b = baton.load(std::memory_order_acquire);
      while (b < passes && b % shape.threads != w.index()) {
        harness::watched("waiting for the baton", "the baton holder is stuck in log()?",
                         [&] { baton.wait(b, std::memory_order_acquire); });
        b = baton.load(std::memory_order_acquire);
      }
      if (b >= passes) break;
      logger.log(Level::kInfo, "baton " + std::to_string(b));
      w.perturb();
      baton.store(b + 1, std::memory_order_release);
      baton.notify_all();
    }
  });
  crew.add("noise", 2, [&](Worker& w) {
    while (baton.load(std::memory_order_relaxed) < passes) {
      logger.log(Level::kDebug, "noise");
      noise.fetch_add(1, std::memory_order_relaxed);
      w.perturb();
    }
  });
  crew.run();
  logger.destroy();
  EXPECT_EQ(sink.violations(), 0);
  ASSERT_EQ(sink.written(), passes + noise.load());
  int next = 0;
  for (const auto& record : sink.records()) {
    if (record.message == "noise") continue;
    ASSERT_EQ(record.message, "baton " + std::to_string(next))
        << "baton " << next << " was logged before the baton passed on, so before every later "
        << "baton record: it must be written before them";
    ++next;
  }
  EXPECT_EQ(next, passes);
}

// Level 3: flush() under load. Each thread now and then flushes; when flush() returns, its own
// records so far must be written, and the sink flushed after the last of them was.
TEST_P(Concurrency, L3_FlushUnderLoadCoversEverythingLoggedBefore) {
  const Shape shape = GetParam();
  const int per = per_thread(5000);
  constexpr int kMaxThreads = 16;
  ASSERT_LE(shape.threads, kMaxThreads);
  // Per thread: its highest record written so far, and that value as of the last sink.flush().
  // Written by the writer thread, read by the logging thread after its flush() returned.
  std::atomic<int> last_written[kMaxThreads];
  std::atomic<int> last_flushed[kMaxThreads];
  for (int t = 0; t < kMaxThreads; ++t) last_written[t] = last_flushed[t] = -1;
  CheckingSink sink;
  sink.slow = true;
  sink.on_write = [&](const LogRecord& record) {
    last_written[thread_of(record)].store(seq_of(record), std::memory_order_relaxed);
  };
  sink.on_flush = [&] {
    for (int t = 0; t < kMaxThreads; ++t) {
      last_flushed[t].store(last_written[t].load(std::memory_order_relaxed),
                            std::memory_order_relaxed);
    }
  };
  Logger logger(sink, shape.capacity);
  std::vector<std::thread::id> ids(shape.threads);
  std::atomic<int> flushes{0};
  start_bookkeeping(sink);

  harness::Crew crew;
  crew.add("logger", shape.threads, [&](Worker& w) {
    ids[w.index()] = std::this_thread::get_id();
    for (int s = 0; s < per; ++s) {
      logger.log(level_for(s), make_message(w.index(), s));
      logged_.fetch_add(1, std::memory_order_relaxed);
      if (w.chance(0.02) || s == per - 1) {
        logger.flush();
        flushes.fetch_add(1, std::memory_order_relaxed);
        ASSERT_GE(last_written[w.index()].load(std::memory_order_relaxed), s)
            << "flush() returned before this thread's record " << s << " was written";
        ASSERT_GE(last_flushed[w.index()].load(std::memory_order_relaxed), s)
            << "flush() returned before sink.flush() ran after this thread's record " << s;
      }
      w.perturb();
    }
  });
  crew.run();
  logger.destroy();
  EXPECT_EQ(sink.violations(), 0);
  EXPECT_GE(flushes.load(), shape.threads);
  ASSERT_EQ(sink.written(), per * shape.threads);
  expect_exactly_once_in_order(sink, std::vector<int>(shape.threads, per), ids);
}

// Level 3: back-pressure under load, against a slow sink. Every time a log() returns, the records
// whose log() returned minus the writes finished must be at most `capacity`. (Both counts are the
// test's own, read in that order, so a correct logger can never fail it: the first undercounts
// what the logger accepted, the second overcounts what it has finished.)
TEST_P(Concurrency, L3_PendingNeverExceedsCapacity) {
  const Shape shape = GetParam();
  const int per = per_thread(5000);
  CheckingSink sink;
  sink.slow = true;
  Logger logger(sink, shape.capacity);
  std::vector<std::thread::id> ids(shape.threads);
  std::atomic<std::int64_t> most_pending{0};
  start_bookkeeping(sink);

  harness::Crew crew;
  crew.add("logger", shape.threads, [&](Worker& w) {
    ids[w.index()] = std::this_thread::get_id();
    for (int s = 0; s < per; ++s) {
      logger.log(level_for(s), make_message(w.index(), s));
      const std::int64_t returned = logged_.fetch_add(1) + 1;
      const std::int64_t pending = returned - sink.writes_finished();
      ASSERT_LE(pending, static_cast<std::int64_t>(shape.capacity))
          << "more records pending than the capacity: log() must block, not queue without bound";
      std::int64_t most = most_pending.load();
      while (pending > most && !most_pending.compare_exchange_weak(most, pending)) {
      }
      w.perturb();
    }
  });
  crew.run();
  logger.destroy();
  EXPECT_EQ(sink.violations(), 0);
  ASSERT_EQ(sink.written(), per * shape.threads);
  expect_exactly_once_in_order(sink, std::vector<int>(shape.threads, per), ids);
}

// Level 3: a sink that fails on every 7th record of each thread. Exactly those are lost, counted in
// sink_failures(); everything else is written once, in order. Meanwhile the loggers read
// sink_failures(): it never decreases, and never counts more failures than failing records logged.
TEST_P(Concurrency, L3_SinkFailuresAreCountedExactly) {
  const Shape shape = GetParam();
  const int per = per_thread(5000);
  static constexpr auto lost = [](int seq) { return seq % 7 == 3; };
  CheckingSink sink;
  sink.slow = true;
  sink.throw_on = [](const LogRecord& record) { return lost(seq_of(record)); };
  Logger logger(sink, shape.capacity);
  std::vector<std::thread::id> ids(shape.threads);
  std::atomic<std::uint64_t> failing_logged{0};
  start_bookkeeping(sink);

  harness::Crew crew;
  crew.add("logger", shape.threads, [&](Worker& w) {
    ids[w.index()] = std::this_thread::get_id();
    std::uint64_t last_seen = 0;
    for (int s = 0; s < per; ++s) {
      if (lost(s)) failing_logged.fetch_add(1);  // before log(): its failure cannot come earlier
      logger.log(level_for(s), make_message(w.index(), s));
      logged_.fetch_add(1, std::memory_order_relaxed);
      if (w.chance(0.3)) {
        const std::uint64_t seen = logger.sink_failures();
        ASSERT_GE(seen, last_seen) << "sink_failures() went down";
        ASSERT_LE(seen, failing_logged.load()) << "sink_failures() counts more failures than "
                                                  "records the sink could have failed on";
        last_seen = seen;
      }
      w.perturb();
    }
  });
  crew.run();
  logger.flush();
  std::uint64_t failures_expected = 0;
  for (int s = 0; s < per; ++s) failures_expected += lost(s) ? 1 : 0;
  failures_expected *= shape.threads;
  EXPECT_EQ(logger.sink_failures(), failures_expected);
  logger.destroy();
  EXPECT_EQ(sink.violations(), 0);
  expect_exactly_once_in_order(sink, std::vector<int>(shape.threads, per), ids, +lost);
}

INSTANTIATE_TEST_SUITE_P(Threads, Concurrency,
                         testing::Values(Shape{1, 1}, Shape{2, 1}, Shape{4, 2}, Shape{8, 1},
                                         Shape{8, 64}),
                         shape_name);

}  // namespace
