// Liveness: a blocked operation blocks while it must, and wakes when it may. Each test parks
// operations on their own threads, waits until they are asleep inside the queue (harness::
// BackgroundOp::settle reads the thread state; no sleep-and-hope), then makes the change that must
// wake them. If one never wakes, the watchdog fails the test and names it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/background.h"
#include "harness/watchdog.h"
#include "watched_queue.h"

namespace {

using harness::BackgroundOp;
using IntQueue = WatchedQueue<int>;
constexpr auto kForever = std::chrono::hours(1);

// Starts `count` operations that must block, and waits until each is asleep inside the queue.
template <class MakeOp>
std::vector<std::unique_ptr<BackgroundOp>> park(int count, const char* what, const char* hint,
                                                MakeOp make_op) {
  std::vector<std::unique_ptr<BackgroundOp>> ops;
  for (int i = 0; i < count; ++i) ops.push_back(std::make_unique<BackgroundOp>(what, hint, make_op(i)));
  for (auto& op : ops) {
    EXPECT_FALSE(op->settle()) << what << " returned instead of blocking";
  }
  return ops;
}

void join_all(std::vector<std::unique_ptr<BackgroundOp>>& ops) {
  for (auto& op : ops) op->join();
}

TEST(Liveness, L1_FullQueueBlocksProducerUntilPop) {
  IntQueue queue(1);
  ASSERT_TRUE(queue.push(1));
  harness::describe_state([] { return std::string("1 item in a queue of capacity 1"); });
  bool pushed = false;
  BackgroundOp producer("push() on a full queue", "pop() freed a slot: was the producer notified?",
                        [&] { pushed = queue.push(2); });
  ASSERT_FALSE(producer.settle()) << "push() returned while the queue was full";
  EXPECT_EQ(queue.pop(), 1);
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(queue.pop(), 2);
}

TEST(Liveness, L1_EmptyQueueBlocksConsumerUntilPush) {
  IntQueue queue(1);
  std::optional<int> popped;
  BackgroundOp consumer("pop() on an empty queue", "push() added an item: was the consumer notified?",
                        [&] { popped = queue.pop(); });
  ASSERT_FALSE(consumer.settle()) << "pop() returned while the queue was empty";
  ASSERT_TRUE(queue.push(5));
  consumer.join();
  EXPECT_EQ(popped, 5);
}

// Several consumers wait; as many items arrive back to back, before any consumer has woken. Each
// item must wake a consumer: an implementation that notifies only when the queue was empty wakes one.
TEST(Liveness, L1_EveryPushWakesAWaitingConsumer) {
  constexpr int kConsumers = 3;
  for (int round = 0; round < 10; ++round) {
    IntQueue queue(kConsumers);
    std::atomic<int> taken{0};
    harness::describe_state([&] {
      return std::to_string(kConsumers - taken.load()) + " of " + std::to_string(kConsumers) +
             " pushed items still in the queue";
    });
    std::vector<std::optional<int>> popped(kConsumers);
    auto consumers = park(kConsumers, "pop() with items in the queue",
                          "each push() must wake a waiting consumer: lost wakeup?", [&](int i) {
                            return [&, i] {
                              popped[i] = queue.pop();
                              taken.fetch_add(1);
                            };
                          });
    // Room for every item: the pushes do not wait, they come back to back.
    for (int item = 0; item < kConsumers; ++item) ASSERT_TRUE(queue.push(item));
    join_all(consumers);
    std::vector<int> got;
    for (auto& p : popped) {
      ASSERT_TRUE(p.has_value());
      got.push_back(*p);
    }
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<int>{0, 1, 2}));
  }
}

// The mirror image: a full queue, several producers waiting, as many slots freed back to back.
TEST(Liveness, L1_EveryPopWakesAWaitingProducer) {
  constexpr int kProducers = 3;
  for (int round = 0; round < 10; ++round) {
    IntQueue queue(kProducers);
    for (int i = 0; i < kProducers; ++i) ASSERT_TRUE(queue.push(i));
    std::atomic<int> done{0};
    harness::describe_state([&] {
      return std::to_string(kProducers - done.load()) + " producers waiting, with free slots";
    });
    auto producers = park(kProducers, "push() with free slots in the queue",
                          "each pop() must wake a waiting producer: lost wakeup?", [&](int i) {
                            return [&, i] {
                              EXPECT_TRUE(queue.push(100 + i));
                              done.fetch_add(1);
                            };
                          });
    // An item for every pop: the pops do not wait, they come back to back.
    for (int i = 0; i < kProducers; ++i) ASSERT_EQ(queue.pop(), i);
    join_all(producers);
    EXPECT_EQ(queue.size(), static_cast<std::size_t>(kProducers));
  }
}

TEST(Liveness, L2_TryPushForWakesWhenRoomAppears) {
  IntQueue queue(1);
  ASSERT_TRUE(queue.push(1));
  bool pushed = false;
  BackgroundOp producer("try_push_for(1 h) on a full queue",
                        "pop() freed a slot: the timed wait must wake too",
                        [&] { pushed = queue.try_push_for(2, kForever); });
  ASSERT_FALSE(producer.settle()) << "try_push_for() returned while the queue was full";
  EXPECT_EQ(queue.pop(), 1);
  producer.join();
  EXPECT_TRUE(pushed);
}

TEST(Liveness, L2_TryPopForWakesWhenAnItemArrives) {
  IntQueue queue(1);
  std::optional<int> popped;
  BackgroundOp consumer("try_pop_for(1 h) on an empty queue",
                        "push() added an item: the timed wait must wake too",
                        [&] { popped = queue.try_pop_for(kForever); });
  ASSERT_FALSE(consumer.settle()) << "try_pop_for() returned while the queue was empty";
  ASSERT_TRUE(queue.push(8));
  consumer.join();
  EXPECT_EQ(popped, 8);
}

TEST(Liveness, L3_CloseWakesEveryBlockedConsumer) {
  constexpr int kConsumers = 4;
  IntQueue queue(2);
  std::atomic<int> woken{0};
  harness::describe_state([&] {
    return "closed, empty queue; " + std::to_string(kConsumers - woken.load()) + " of " +
           std::to_string(kConsumers) + " consumers not woken";
  });
  auto consumers = park(kConsumers, "pop() on an empty queue, then close()",
                        "close() must wake every waiting consumer: notify_one, or no notify?",
                        [&](int) {
                          return [&] {
                            EXPECT_EQ(queue.pop(), std::nullopt);
                            woken.fetch_add(1);
                          };
                        });
  queue.close();
  join_all(consumers);
}

TEST(Liveness, L3_CloseWakesEveryBlockedProducer) {
  constexpr int kProducers = 4;
  IntQueue queue(1);
  ASSERT_TRUE(queue.push(0));
  std::atomic<int> woken{0};
  harness::describe_state([&] {
    return "closed, full queue; " + std::to_string(kProducers - woken.load()) + " of " +
           std::to_string(kProducers) + " producers not woken";
  });
  auto producers = park(kProducers, "push() on a full queue, then close()",
                        "close() must wake every waiting producer: notify_one, or no notify?",
                        [&](int i) {
                          return [&, i] {
                            EXPECT_FALSE(queue.push(i + 1)) << "push() succeeded after close()";
                            woken.fetch_add(1);
                          };
                        });
  queue.close();
  join_all(producers);
  EXPECT_EQ(queue.pop(), 0);
  EXPECT_EQ(queue.pop(), std::nullopt);
}

TEST(Liveness, L3_CloseWakesTimedWaiters) {
  IntQueue empty(1), full(1);
  ASSERT_TRUE(full.push(0));
  std::optional<int> popped = 42;
  bool pushed = true;
  BackgroundOp consumer("try_pop_for(1 h) on an empty queue, then close()",
                        "close() must wake timed waiters too",
                        [&] { popped = empty.try_pop_for(kForever); });
  BackgroundOp producer("try_push_for(1 h) on a full queue, then close()",
                        "close() must wake timed waiters too",
                        [&] { pushed = full.try_push_for(1, kForever); });
  ASSERT_FALSE(consumer.settle()) << "try_pop_for() returned while the queue was empty";
  ASSERT_FALSE(producer.settle()) << "try_push_for() returned while the queue was full";
  empty.close();
  full.close();
  consumer.join();
  producer.join();
  EXPECT_EQ(popped, std::nullopt);
  EXPECT_FALSE(pushed);
}

}  // namespace
