// The linearizability checker's own tests: hand-made histories, linearizable and not, for each
// model; each rule of the check (real time, blocking calls, capacity, close) has a history that
// passes only because of it and one that fails only because of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/lin/checker.h"
#include "harness/lin/history.h"
#include "harness/lin/map_model.h"
#include "harness/lin/queue_model.h"
#include "harness/lin/report.h"

namespace {

using namespace harness::lin;
using Q = QueueOp;
using R = QueueResult;
using QHistory = History<QueueOp, QueueResult>;

R ok() { return R::of(true); }
R failed() { return R::of(false); }
R item(std::int64_t v) { return R::of(std::optional<std::int64_t>(v)); }
R none() { return R::of(std::optional<std::int64_t>()); }
R size_is(std::size_t n) { return R::of_size(n); }

// History builder: add(thread, call, ret, op, result), times are any increasing numbers.
struct Build {
  QHistory h;
  Build& add(int thread, std::uint64_t call, std::uint64_t ret, Q op, R result) {
    h.push_back({thread, call, ret, op, result});
    return *this;
  }
};

Verdict verdict(std::size_t capacity, const QHistory& h) {
  return check(QueueModel(capacity), h).verdict;
}

constexpr auto kYes = Verdict::kLinearizable;
constexpr auto kNo = Verdict::kViolation;

TEST(QueueModelCheck, EmptyHistoryIsLinearizable) { EXPECT_EQ(verdict(1, {}), kYes); }

TEST(QueueModelCheck, SequentialFifo) {
  Build ok_order, wrong_order;
  ok_order.add(0, 0, 1, Q::push(1), ok())
      .add(0, 2, 3, Q::push(2), ok())
      .add(0, 4, 5, Q::pop(), item(1))
      .add(0, 6, 7, Q::pop(), item(2));
  wrong_order.add(0, 0, 1, Q::push(1), ok())
      .add(0, 2, 3, Q::push(2), ok())
      .add(0, 4, 5, Q::pop(), item(2))
      .add(0, 6, 7, Q::pop(), item(1));
  EXPECT_EQ(verdict(4, ok_order.h), kYes);
  EXPECT_EQ(verdict(4, wrong_order.h), kNo);
}

TEST(QueueModelCheck, RealTimeOrderDecides) {
  // push(1) and push(2) overlap: either may have gone first, so 2 then 1 out is fine.
  Build overlapping, ordered;
  overlapping.add(0, 0, 3, Q::push(1), ok())
      .add(1, 1, 2, Q::push(2), ok())
      .add(2, 4, 5, Q::pop(), item(2))
      .add(2, 6, 7, Q::pop(), item(1));
  // push(1) returned before push(2) was called: 2 cannot come out first.
  ordered.add(0, 0, 1, Q::push(1), ok())
      .add(1, 2, 3, Q::push(2), ok())
      .add(2, 4, 5, Q::pop(), item(2))
      .add(2, 6, 7, Q::pop(), item(1));
  EXPECT_EQ(verdict(4, overlapping.h), kYes);
  EXPECT_EQ(verdict(4, ordered.h), kNo);
  // A pop overlapping both pushes may still only return what was pushed.
  Build pop_overlaps;
  pop_overlaps.add(0, 0, 1, Q::push(1), ok())
      .add(1, 2, 5, Q::push(2), ok())
      .add(2, 3, 4, Q::pop(), item(2));
  EXPECT_EQ(verdict(4, pop_overlaps.h), kNo);
}

TEST(QueueModelCheck, BlockingPopIsPlacedAfterThePushItWaitedFor) {
  Build waited, returned_too_early;
  waited.add(0, 0, 5, Q::pop(), item(7)).add(1, 2, 3, Q::push(7), ok());
  returned_too_early.add(0, 0, 1, Q::pop(), item(7)).add(1, 2, 3, Q::push(7), ok());
  EXPECT_EQ(verdict(1, waited.h), kYes);
  EXPECT_EQ(verdict(1, returned_too_early.h), kNo);
}

TEST(QueueModelCheck, CapacityRules) {
  // Capacity 1, holding item 1: try_push fails, a blocking push waits for the pop.
  Build full_try_push_fails, full_try_push_succeeds, push_waits_for_pop, push_did_not_wait;
  full_try_push_fails.add(0, 0, 1, Q::push(1), ok()).add(1, 2, 3, Q::try_push(2), failed());
  full_try_push_succeeds.add(0, 0, 1, Q::push(1), ok()).add(1, 2, 3, Q::try_push(2), ok());
  push_waits_for_pop.add(0, 0, 1, Q::push(1), ok())
      .add(1, 2, 7, Q::push(2), ok())
      .add(2, 4, 5, Q::pop(), item(1));
  push_did_not_wait.add(0, 0, 1, Q::push(1), ok())
      .add(1, 2, 3, Q::push(2), ok())
      .add(2, 4, 5, Q::pop(), item(1));
  EXPECT_EQ(verdict(1, full_try_push_fails.h), kYes);
  EXPECT_EQ(verdict(1, full_try_push_succeeds.h), kNo);
  EXPECT_EQ(verdict(1, push_waits_for_pop.h), kYes);
  EXPECT_EQ(verdict(1, push_did_not_wait.h), kNo);
  // With room, a timed push may not time out; on a full queue it may.
  Build timed_push_fails_with_room;
  timed_push_fails_with_room.add(0, 0, 1, Q::try_push_for(1), failed());
  EXPECT_EQ(verdict(1, timed_push_fails_with_room.h), kNo);
  EXPECT_EQ(verdict(2, full_try_push_succeeds.h), kYes);  // capacity 2: there was room
}

TEST(QueueModelCheck, FailedPopsNeedAnEmptyQueue) {
  Build empty_try_pop, try_pop_misses_item, timed_pop_misses_item, timed_pop_overlapping;
  empty_try_pop.add(0, 0, 1, Q::try_pop(), none()).add(0, 2, 3, Q::push(1), ok());
  try_pop_misses_item.add(0, 0, 1, Q::push(1), ok()).add(1, 2, 3, Q::try_pop(), none());
  timed_pop_misses_item.add(0, 0, 1, Q::push(1), ok()).add(1, 2, 3, Q::try_pop_for(), none());
  // Overlapping the push, the timed pop may have looked before it.
  timed_pop_overlapping.add(0, 0, 3, Q::push(1), ok()).add(1, 1, 2, Q::try_pop_for(), none());
  EXPECT_EQ(verdict(1, empty_try_pop.h), kYes);
  EXPECT_EQ(verdict(1, try_pop_misses_item.h), kNo);
  EXPECT_EQ(verdict(1, timed_pop_misses_item.h), kNo);
  EXPECT_EQ(verdict(1, timed_pop_overlapping.h), kYes);
}

TEST(QueueModelCheck, CloseRules) {
  Build push_after_close_fails, push_after_close_succeeds;
  push_after_close_fails.add(0, 0, 1, Q::close(), ok()).add(1, 2, 3, Q::push(1), failed());
  push_after_close_succeeds.add(0, 0, 1, Q::close(), ok()).add(1, 2, 3, Q::push(1), ok());
  EXPECT_EQ(verdict(2, push_after_close_fails.h), kYes);
  EXPECT_EQ(verdict(2, push_after_close_succeeds.h), kNo);

  // A closed queue drains before pops return none.
  Build drains, gives_up_early;
  drains.add(0, 0, 1, Q::push(1), ok())
      .add(0, 2, 3, Q::close(), ok())
      .add(1, 4, 5, Q::pop(), item(1))
      .add(1, 6, 7, Q::pop(), none());
  gives_up_early.add(0, 0, 1, Q::push(1), ok())
      .add(0, 2, 3, Q::close(), ok())
      .add(1, 4, 5, Q::pop(), none());
  EXPECT_EQ(verdict(2, drains.h), kYes);
  EXPECT_EQ(verdict(2, gives_up_early.h), kNo);

  // A blocked pop returns none only once close() happened; a blocked push fails only then too.
  Build woken_by_close, none_without_close, push_woken_by_close;
  woken_by_close.add(0, 0, 5, Q::pop(), none()).add(1, 2, 3, Q::close(), ok());
  none_without_close.add(0, 0, 1, Q::pop(), none()).add(1, 2, 3, Q::close(), ok());
  push_woken_by_close.add(0, 0, 1, Q::push(1), ok())
      .add(1, 2, 7, Q::push(2), failed())
      .add(2, 4, 5, Q::close(), ok())
      .add(2, 8, 9, Q::is_closed(), ok());
  EXPECT_EQ(verdict(1, woken_by_close.h), kYes);
  EXPECT_EQ(verdict(1, none_without_close.h), kNo);
  EXPECT_EQ(verdict(1, push_woken_by_close.h), kYes);

  Build is_closed_before_close;
  is_closed_before_close.add(0, 0, 1, Q::is_closed(), ok()).add(1, 2, 3, Q::close(), ok());
  EXPECT_EQ(verdict(1, is_closed_before_close.h), kNo);
}

TEST(QueueModelCheck, SizeMustBeASizeTheQueueHad) {
  Build right, wrong, overlapping;
  right.add(0, 0, 1, Q::push(1), ok())
      .add(0, 2, 3, Q::push(2), ok())
      .add(1, 4, 5, Q::size(), size_is(2));
  wrong.add(0, 0, 1, Q::push(1), ok()).add(1, 2, 3, Q::size(), size_is(2));
  overlapping.add(0, 0, 1, Q::push(1), ok())
      .add(1, 2, 9, Q::size(), size_is(0))
      .add(0, 4, 5, Q::pop(), item(1));
  EXPECT_EQ(verdict(4, right.h), kYes);
  EXPECT_EQ(verdict(4, wrong.h), kNo);
  EXPECT_EQ(verdict(4, overlapping.h), kYes);
}

TEST(QueueModelCheck, ViolationNamesTheCulpritAndTheLegalPrefix) {
  Build b;
  b.add(0, 0, 1, Q::push(1), ok())
      .add(1, 2, 3, Q::push(2), ok())
      .add(2, 4, 5, Q::try_pop(), item(2));
  auto outcome = check(QueueModel(4), b.h);
  ASSERT_EQ(outcome.verdict, kNo);
  EXPECT_EQ(outcome.culprit, 2u);
  EXPECT_EQ(outcome.prefix, (std::vector<std::size_t>{0, 1}));
  ASSERT_TRUE(outcome.expected.has_value());
  EXPECT_EQ(*outcome.expected, item(1));
}

TEST(QueueModelCheck, BudgetExceededIsUnknownNeverAPass) {
  // Many overlapping pushes and a wrong pop: the search must try many orders before it can say no.
  Build b;
  for (int t = 0; t < 8; ++t) b.add(t, t, 100 + t, Q::push(t + 1), ok());
  b.add(9, 200, 201, Q::pop(), item(42));
  auto outcome = check(QueueModel(16), b.h, Options{10});
  EXPECT_EQ(outcome.verdict, Verdict::kUnknown);
  EXPECT_EQ(check(QueueModel(16), b.h).verdict, kNo);
}

TEST(MapModelCheck, PartitionedByKey) {
  using M = MapOp;
  History<MapOp, MapResult> good{{0, 0, 1, M::put(1, 10), {true, 0}},
                                 {1, 2, 3, M::put(2, 20), {true, 0}},
                                 {0, 4, 5, M::get(1), {true, 10}},
                                 {1, 6, 9, M::erase(2), {true, 0}},
                                 {2, 7, 8, M::get(2), {true, 20}}};
  EXPECT_EQ(check(MapModel(), good).verdict, kYes);
  // get(1) misses a put that had returned before it started.
  History<MapOp, MapResult> stale{{0, 0, 1, M::put(1, 10), {true, 0}},
                                  {1, 2, 3, M::put(2, 20), {true, 0}},
                                  {2, 4, 5, M::get(1), {false, 0}}};
  auto outcome = check(MapModel(), stale);
  EXPECT_EQ(outcome.verdict, kNo);
  EXPECT_EQ(outcome.culprit, 2u);
}

// A report on a long history shrinks to the few calls that matter and fits on a screen.
TEST(Report, ShrinksAndDrawsOneLinePerThread) {
  Build b;
  std::uint64_t t = 0;
  // Noise: 30 harmless push/pop pairs by threads 0 and 1.
  for (int i = 0; i < 30; ++i) {
    b.add(0, t, t + 1, Q::push(100 + i), ok());
    b.add(1, t + 2, t + 3, Q::pop(), item(100 + i));
    t += 4;
  }
  // The bug: 1 then 2 pushed one after the other, 2 comes out first.
  b.add(2, t, t + 1, Q::push(1), ok()).add(3, t + 2, t + 3, Q::push(2), ok());
  b.add(0, t + 4, t + 5, Q::try_pop(), item(2)).add(1, t + 6, t + 7, Q::pop(), item(1));
  QueueModel model(4);
  auto outcome = check(model, b.h);
  ASSERT_EQ(outcome.verdict, kNo);
  std::string report = explain(model, b.h, outcome, "seed 7");
  SCOPED_TRACE(report);
  EXPECT_LT(std::count(report.begin(), report.end(), '\n'), 40);
  EXPECT_NE(report.find("these 4 calls (shrunk from 64)"), std::string::npos);
  EXPECT_NE(report.find("[!!try_pop()=2]"), std::string::npos);
  EXPECT_NE(report.find("would return 1"), std::string::npos);
  EXPECT_NE(report.find("seed 7"), std::string::npos);
  EXPECT_EQ(report.find("push(100)"), std::string::npos) << "noise left in the report";
  std::cout << report;
}

TEST(Report, DrawKeepsRealTimeOrderAcrossThreads) {
  Build b;
  b.add(0, 0, 3, Q::push(1), ok()).add(1, 1, 2, Q::push(2), ok()).add(1, 4, 5, Q::pop(), item(2));
  std::string drawing = draw(QueueModel(4), b.h, {0, 1, 2});
  std::istringstream lines(drawing);
  std::string t0, t1;
  std::getline(lines, t0);
  std::getline(lines, t1);
  // push(2) starts after push(1) starts and ends before push(1) ends; pop starts after both.
  EXPECT_LT(t0.find('['), t1.find('['));
  EXPECT_LT(t1.find(']'), t0.find(']'));
  EXPECT_GT(t1.find("[pop()"), t0.find(']'));
}

// Recording a real run: every call's interval is well formed, each thread's calls are in order,
// and a mutex-protected deque's history is linearizable.
TEST(Recorder, RecordsEveryCallOfEveryThreadAndALockedQueueIsLinearizable) {
  constexpr int kThreads = 4, kOps = 200;
  Recorder<QueueOp, QueueResult> recorder(kThreads);
  std::mutex mutex;
  std::deque<std::int64_t> items;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kOps; ++i) {
        if ((i + t) % 2 == 0) {
          std::int64_t v = t * 1000 + i;
          recorder.record(t, Q::try_push(v), [&] {
            std::lock_guard lock(mutex);
            if (items.size() >= 3) return failed();
            items.push_back(v);
            return ok();
          });
        } else {
          recorder.record(t, Q::try_pop(), [&] {
            std::lock_guard lock(mutex);
            if (items.empty()) return none();
            std::int64_t v = items.front();
            items.pop_front();
            return item(v);
          });
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  auto history = recorder.history();
  ASSERT_EQ(history.size(), std::size_t{kThreads * kOps});
  std::vector<std::uint64_t> last(kThreads, 0);
  for (const auto& op : history) {
    ASSERT_LT(op.call, op.ret);
    ASSERT_GE(op.call, last[op.thread]);
    last[op.thread] = op.ret;
  }
  auto outcome = check(QueueModel(3), history);
  EXPECT_EQ(outcome.verdict, kYes) << explain(QueueModel(3), history, outcome, "recorded");
}

}  // namespace
