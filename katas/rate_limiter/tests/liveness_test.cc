// Level 4: a thread paused inside the limiter never stops another one. The manual clock pauses the
// next thread that reads it (as if it were preempted inside try_acquire()); while it is paused,
// other threads' calls must still return. An implementation that holds a lock while it reads the
// clock fails here: everyone else queues behind the paused thread.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "harness/background.h"
#include "harness/watchdog.h"
#include "manual_clock.h"
#include "watched_limiter.h"

namespace {

using harness::BackgroundOp;
using namespace std::chrono_literals;

// `advance`: whether time has passed since the last call (so that every call has a refill to do).
void paused_reader_does_not_block_others(std::chrono::nanoseconds advance) {
  ManualClock clock;
  WatchedLimiter limiter(10, 5, clock);
  ASSERT_TRUE(limiter.try_acquire(2));
  clock.advance(advance);
  harness::describe_state([] { return std::string("one thread paused inside Clock::now()"); });

  clock.pause_next_reader();
  bool paused_got = false;
  BackgroundOp paused("try_acquire() paused inside Clock::now()", "released by the test",
                      [&] { paused_got = limiter.try_acquire(1); });
  clock.wait_until_paused();
  ASSERT_FALSE(paused.returned());

  bool other_got = false;
  std::int64_t left = -1;
  BackgroundOp other("try_acquire() and available() while another thread is paused inside",
                     "a lock held across Clock::now()?", [&] {
                       other_got = limiter.try_acquire(1);
                       left = limiter.available();
                     });
  const bool returned = other.settle();
  // Release before asserting, so the paused thread always finishes.
  clock.release();
  other.join();
  paused.join();
  EXPECT_TRUE(returned) << "try_acquire() waited for a thread paused inside Clock::now(): is a "
                           "lock held while the clock is read?";
  EXPECT_TRUE(other_got);
  EXPECT_TRUE(paused_got);
  EXPECT_GE(left, 0);
}

TEST(Liveness, L4_APausedThreadDoesNotBlockOthers) { paused_reader_does_not_block_others(0ns); }

TEST(Liveness, L4_APausedThreadDoesNotBlockOthersWhenARefillIsDue) {
  paused_reader_does_not_block_others(250ms);
}

}  // namespace
