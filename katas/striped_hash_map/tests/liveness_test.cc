// Striping, deterministically: while compute() on one key is parked inside its fn (holding whatever
// guards that key), calls on keys of every other stripe must complete. One lock for the whole map
// fails this; so does a map whose stripe for a key changes when the table grows. The parked call
// and the other calls run on their own threads; BackgroundOp::settle() tells "returned" from
// "asleep inside the call" (read from /proc), so nothing here waits on a timer.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/background.h"
#include "harness/config.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "watched_map.h"

namespace {

using Key = std::int64_t;
using Map = WatchedMap<Key, std::int64_t>;

// compute(key) on its own thread, parked inside fn until release().
class ParkedCompute {
 public:
  ParkedCompute(Map& map, Key key)
      : op_("compute() parked inside fn", "fn waits for the test to release it", [this, &map, key] {
          map.compute(key, [this](std::optional<std::int64_t> v) -> std::optional<std::int64_t> {
            inside_.store(true);
            inside_.notify_all();
            while (!released_.load()) released_.wait(false);
            return v.value_or(0) + 1;
          });
        }) {
    while (!inside_.load()) inside_.wait(false);
  }
  ~ParkedCompute() { release(); }
  void release() {
    released_.store(true);
    released_.notify_all();
  }
  void join() {
    release();
    op_.join();
  }

 private:
  std::atomic<bool> inside_{false};
  std::atomic<bool> released_{false};
  harness::BackgroundOp op_;  // last: started once the flags exist
};

struct Call {
  const char* name;
  bool key_absent;  // the call is made on an absent key (else on a present one)
  std::function<void(Map&, Key)> run;
};

std::vector<Call> calls() {
  return {
      {"get()", false, [](Map& m, Key k) { (void)m.get(k); }},
      {"contains()", false, [](Map& m, Key k) { (void)m.contains(k); }},
      {"insert_or_assign() of a present key", false,
       [](Map& m, Key k) { m.insert_or_assign(k, 5); }},
      {"compute()", false,
       [](Map& m, Key k) {
         m.compute(k, [](std::optional<std::int64_t> v) -> std::optional<std::int64_t> {
           return v.value_or(0) + 1;
         });
       }},
      {"erase()", false, [](Map& m, Key k) { (void)m.erase(k); }},
      {"insert() of a new key", true, [](Map& m, Key k) { (void)m.insert(k, 1); }},
  };
}

// With key `parked` held by a compute() parked in fn, each call on each key of another stripe must
// return. `map` holds few enough keys that no insert here makes it grow.
void expect_other_stripes_proceed(Map& map, Key parked) {
  const Key stripes = static_cast<Key>(map.stripe_count());
  ParkedCompute held(map, parked);
  for (Key other = parked + 1; other < parked + stripes; ++other) {
    for (const Call& call : calls()) {
      // A key of another stripe (other % stripes != parked % stripes), made present or absent
      // first.
      harness::BackgroundOp op("a call on a key of another stripe",
                               "a compute() on a key of another stripe is parked in its fn: "
                               "does one lock guard the whole map?",
                               [&] {
                                 if (call.key_absent) {
                                   (void)map.erase(other);
                                 } else {
                                   map.insert_or_assign(other, 1);
                                 }
                                 call.run(map, other);
                               });
      const bool returned = op.settle();
      if (!returned) {
        held.release();
        op.join();
        // The op first makes the key present (insert_or_assign) or absent (erase): with one lock
        // for every key that is what blocks, so the message names it too.
        FAIL() << call.name << " on key " << other << " (stripe " << other % stripes << "), or the "
               << (call.key_absent ? "erase()" : "insert_or_assign()")
               << " before it that sets the key up, waited for a compute() parked on key " << parked
               << " (stripe " << parked % stripes
               << "): keys of different stripes must not block each other";
      }
      op.join();
    }
  }
  held.join();
}

TEST(Liveness, L2_OtherStripesProceedWhileComputeIsParked) {
  Map map(4);
  ASSERT_TRUE(map.insert(0, 0));
  expect_other_stripes_proceed(map, 0);
  EXPECT_EQ(map.get(0), 1);
}

// After the table has grown several times, a key's stripe must still be Hash(key) % stripe_count():
// a stripe chosen from the bucket index moves with every growth.
TEST(Liveness, L3_StripesStayFixedAfterTheTableGrows) {
  Map map(4);
  for (Key k = 0; k < 200; ++k) ASSERT_TRUE(map.insert(k + 1000, 1));
  const std::size_t buckets = map.bucket_count();
  ASSERT_GE(buckets, 64u) << "200 keys in 4 buckets at load factor " << Map::kMaxLoadFactor
                          << ": the table must have grown";
  SCOPED_TRACE("after the table grew from 4 to " + std::to_string(buckets) + " buckets");
  ASSERT_TRUE(map.insert(0, 0));
  expect_other_stripes_proceed(map, 0);
  expect_other_stripes_proceed(map, 1000);
}

// Level 3: many threads insert into fresh small maps at once, so that several of them find the
// table too full at the same moment and grow it together. Growing takes every stripe: two growers
// that take them in different orders (or one that still holds its own stripe) deadlock, and the
// watchdog names the stuck insert.
TEST(Liveness, L3_ConcurrentGrowersNeverDeadlock) {
  const int rounds = harness::scaled(300);
  std::atomic<int> round_now{0};
  harness::describe_state([&] { return "round " + std::to_string(round_now.load()); });
  for (int round = 0; round < rounds; ++round) {
    round_now.store(round);
    Map map(4);
    constexpr int kThreads = 6, kPerThread = 100;
    harness::Crew crew;
    crew.add("inserter", kThreads, [&](harness::Worker& w) {
      for (int i = 0; i < kPerThread; ++i) {
        const Key key = static_cast<Key>(i) * kThreads + w.index();
        ASSERT_TRUE(map.insert(key, key));
        if (w.chance(0.2)) w.perturb();
      }
    });
    crew.run();
    ASSERT_EQ(map.size(), static_cast<std::size_t>(kThreads * kPerThread));
  }
}

}  // namespace
