// Liveness: a blocked call sleeps while it must and wakes when it may; a non-blocking call never
// waits for the other thread. Each test parks an operation on its own thread and waits until it is
// asleep inside the ring (harness::BackgroundOp::settle reads the thread state; no sleep-and-hope),
// then makes the change that must wake it. If it never wakes, the watchdog fails the test and names
// it. The item type can pause the other thread inside its move into or out of a slot, which makes
// the windows of a few instructions (between a slot write and the index store) as wide as the test
// needs.
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include "harness/background.h"
#include "harness/watchdog.h"
#include "test_items.h"
#include "watched_ring.h"

namespace {

using harness::BackgroundOp;

constexpr const char* kPausedHint =
    "the test releases this thread once the other side's call has returned: if that call waits "
    "for the paused thread (a lock held across T's move), nothing moves";

pid_t this_thread_id() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

// From /proc/self/task/<tid>/schedstat: the nanoseconds the thread has run, and the nanoseconds it
// has waited, runnable, for a CPU. Their sum is the CPU time it asked for: a spinning thread asks
// for all of it whatever the machine's load (it runs or waits to run), a sleeping one for none.
struct CpuDemand {
  std::int64_t on_cpu_ns = 0;
  std::int64_t runnable_ns = 0;
  std::int64_t total() const { return on_cpu_ns + runnable_ns; }
};

std::optional<CpuDemand> read_cpu_demand(pid_t tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", static_cast<int>(tid));
  FILE* file = std::fopen(path, "r");
  if (file == nullptr) return std::nullopt;
  long long on_cpu = 0, runnable = 0;
  const int read = std::fscanf(file, "%lld %lld", &on_cpu, &runnable);
  std::fclose(file);
  if (read != 2) return std::nullopt;
  return CpuDemand{on_cpu, runnable};
}

// The header's bound: over kSpinWindow blocked, a blocked call's thread runs or waits to run for
// less than kSpinBound in all.
constexpr auto kSpinWindow = std::chrono::milliseconds(200);
constexpr auto kSpinBound = std::chrono::milliseconds(20);

// Measures the CPU time the parked call's thread (`tid`) asks for over kSpinWindow, while it stays
// blocked; fails the test if it is kSpinBound or more.
void expect_asleep_for_the_window(const BackgroundOp& op, const std::atomic<pid_t>& tid,
                                  const char* what) {
  const std::optional<CpuDemand> before = read_cpu_demand(tid.load());
  ASSERT_TRUE(before.has_value())
      << "cannot read /proc/self/task/<tid>/schedstat (a kernel without CONFIG_SCHED_INFO?): this "
         "test needs it to see whether the blocked call sleeps";
  std::this_thread::sleep_for(kSpinWindow);  // the window: what the other thread does meanwhile
  const std::optional<CpuDemand> after = read_cpu_demand(tid.load());
  ASSERT_TRUE(after.has_value());
  ASSERT_FALSE(op.returned()) << what << " returned while it had to block";
  const std::int64_t on_cpu = after->on_cpu_ns - before->on_cpu_ns;
  const std::int64_t runnable = after->runnable_ns - before->runnable_ns;
  EXPECT_LT(on_cpu + runnable, std::chrono::nanoseconds(kSpinBound).count())
      << what << " spins: over " << kSpinWindow.count() << " ms blocked its thread ran for "
      << on_cpu / 1000 << " us and waited to run for " << runnable / 1000 << " us (the bound is "
      << kSpinBound.count()
      << " ms in all): a blocked call must sleep, std::atomic::wait() on the index it waits for, "
         "not loop (a yield or a pause in the loop is still a spin)";
}

TEST(Liveness, L2_TryPopReturnsWhileTheProducerIsPausedInsideTryPush) {
  harness::PauseGate pause;
  WatchedRing<PausingItem> ring(4);
  ASSERT_TRUE(ring.try_push_made([&] { return PausingItem(1, pause); }));
  bool pushed = false;
  BackgroundOp producer("try_push() by a producer the test paused inside T's move", kPausedHint,
                        [&] {
                          pause.arm_this_thread();
                          pushed = ring.try_push_made([&] { return PausingItem(2, pause); });
                        });
  pause.wait_paused("the armed try_push() reaching T's move",
                    "try_push(T&&) must move the item into its slot");
  std::optional<PausingItem> first = ring.try_pop();
  ASSERT_TRUE(first.has_value()) << "try_pop() with an item pushed before the paused try_push()";
  EXPECT_EQ(first->value(), 1);
  pause.release();
  producer.join();
  EXPECT_TRUE(pushed) << "try_push() into a ring with room";
  std::optional<PausingItem> second = ring.try_pop();
  ASSERT_TRUE(second.has_value()) << "the paused try_push() returned true: its item must be there";
  EXPECT_EQ(second->value(), 2);
}

TEST(Liveness, L2_TryPushReturnsWhileTheConsumerIsPausedInsideTryPop) {
  harness::PauseGate pause;
  WatchedRing<PausingItem> ring(4);
  ASSERT_TRUE(ring.try_push_made([&] { return PausingItem(1, pause); }));
  std::optional<std::int64_t> popped;
  BackgroundOp consumer("try_pop() by a consumer the test paused inside T's move", kPausedHint,
                        [&] {
                          pause.arm_this_thread();
                          if (std::optional<PausingItem> item = ring.try_pop()) {
                            popped = item->value();
                          }
                        });
  pause.wait_paused("the armed try_pop() reaching T's move",
                    "try_pop() must move the item out of its slot");
  EXPECT_TRUE(ring.try_push_made([&] { return PausingItem(2, pause); }))
      << "try_push() into a ring with 3 free slots";
  pause.release();
  consumer.join();
  EXPECT_EQ(popped, 1);
  std::optional<PausingItem> second = ring.try_pop();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->value(), 2);
}

TEST(Liveness, L3_PopBlocksOnEmptyUntilAPush) {
  WatchedRing<int> ring(2);
  std::optional<int> popped;
  BackgroundOp consumer("pop() on an empty ring", "push() added an item: was the consumer woken?",
                        [&] { popped = ring.pop(); });
  ASSERT_FALSE(consumer.settle()) << "pop() returned while the ring was empty";
  ring.push(5);
  consumer.join();
  EXPECT_EQ(popped, 5);
}

TEST(Liveness, L3_PushBlocksOnFullUntilAPop) {
  WatchedRing<int> ring(2);
  ring.push(1);
  ring.push(2);
  BackgroundOp producer("push() on a full ring", "pop() freed a slot: was the producer woken?",
                        [&] { ring.push(3); });
  ASSERT_FALSE(producer.settle()) << "push() returned while the ring was full";
  EXPECT_EQ(ring.pop(), 1);
  producer.join();
  EXPECT_EQ(ring.pop(), 2);
  EXPECT_EQ(ring.pop(), 3);
}

// try_push() publishes too: a consumer asleep in pop() must be woken by it.
TEST(Liveness, L3_TryPushWakesABlockedPop) {
  WatchedRing<int> ring(2);
  std::optional<int> popped;
  BackgroundOp consumer("pop() on an empty ring",
                        "try_push() added an item: it must wake the consumer too",
                        [&] { popped = ring.pop(); });
  ASSERT_FALSE(consumer.settle()) << "pop() returned while the ring was empty";
  ASSERT_TRUE(ring.try_push(6));
  consumer.join();
  EXPECT_EQ(popped, 6);
}

// The producer is paused inside push(), in its move of the item into the slot: after the slot is
// claimed, before the item is published. The consumer, asleep in pop(), must still be asleep
// there (the item is not published yet), and must wake once the producer finishes. A wakeup sent
// before the item is published wakes it too early: it finds nothing, sleeps again, and nothing
// wakes it after.
TEST(Liveness, L3_PopWakesWhenThePushPublishesLate) {
  harness::PauseGate pause;
  WatchedRing<PausingItem> ring(2);
  std::optional<std::int64_t> popped;
  BackgroundOp consumer("pop() on an empty ring, woken by a push() paused before publishing",
                        "the item was published after the pause: was the consumer notified "
                        "after the index store (a notify before it is lost)?",
                        [&] { popped = ring.pop().value(); });
  ASSERT_FALSE(consumer.settle()) << "pop() returned while the ring was empty";
  BackgroundOp producer("push() paused inside T's move into the slot", kPausedHint, [&] {
    pause.arm_this_thread();
    ring.push_made([&] { return PausingItem(9, pause); });
  });
  pause.wait_paused("the armed push() reaching T's move", "push() must move the item into a slot");
  ASSERT_FALSE(consumer.settle()) << "pop() returned before the paused push() published its item";
  pause.release();
  producer.join();
  consumer.join();
  EXPECT_EQ(popped, 9);
}

// The mirror image: the consumer is paused inside pop(), in its move out of the slot, while the
// producer sleeps in push() on the full ring; it must wake once the slot is really free.
TEST(Liveness, L3_PushWakesWhenThePopFreesTheSlotLate) {
  harness::PauseGate pause;
  WatchedRing<PausingItem> ring(1);
  ring.push_made([&] { return PausingItem(1, pause); });
  BackgroundOp producer("push() on a full ring, woken by a pop() paused before freeing the slot",
                        "the slot was freed after the pause: was the producer notified after "
                        "the index store (a notify before it is lost)?",
                        [&] { ring.push_made([&] { return PausingItem(2, pause); }); });
  ASSERT_FALSE(producer.settle()) << "push() returned while the ring was full";
  std::optional<std::int64_t> first;
  BackgroundOp consumer("pop() paused inside T's move out of the slot", kPausedHint, [&] {
    pause.arm_this_thread();
    first = ring.pop().value();
  });
  pause.wait_paused("the armed pop() reaching T's move",
                    "pop() must move the item out of its slot");
  ASSERT_FALSE(producer.settle()) << "push() returned before the paused pop() freed the slot";
  pause.release();
  consumer.join();
  producer.join();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(ring.pop().value(), 2);
}

TEST(Liveness, L3_ABlockedPopSleeps) {
  WatchedRing<int> ring(4);
  std::atomic<pid_t> tid{0};
  std::optional<int> popped;
  BackgroundOp consumer("pop() on an empty ring", "push() added an item: was the consumer woken?",
                        [&] {
                          tid.store(this_thread_id());
                          popped = ring.pop();
                        });
  ASSERT_FALSE(consumer.settle()) << "pop() returned while the ring was empty";
  expect_asleep_for_the_window(consumer, tid, "pop() on an empty ring");
  ring.push(3);
  consumer.join();
  EXPECT_EQ(popped, 3);
}

TEST(Liveness, L3_ABlockedPushSleeps) {
  WatchedRing<int> ring(1);
  ring.push(1);
  std::atomic<pid_t> tid{0};
  BackgroundOp producer("push() on a full ring", "pop() freed a slot: was the producer woken?",
                        [&] {
                          tid.store(this_thread_id());
                          ring.push(2);
                        });
  ASSERT_FALSE(producer.settle()) << "push() returned while the ring was full";
  expect_asleep_for_the_window(producer, tid, "push() on a full ring");
  EXPECT_EQ(ring.pop(), 1);
  producer.join();
  EXPECT_EQ(ring.pop(), 2);
}

}  // namespace
