// The fixture kata's suite: small, but shaped like a real kata's (categories, levels, crew, watchdog).
#include <gtest/gtest.h>

#include "harness/stress.h"
#include "harness/under_test.h"
#include "harness/watchdog.h"

namespace {

using harness::watched;

TEST(Contract, L1_AddsUp) {
  under_test::Counter counter;
  watched("add()", "", [&] { counter.add(2); });
  watched("add()", "", [&] { counter.add(3); });
  EXPECT_EQ(watched("get()", "", [&] { return counter.get(); }), 5);
}

TEST(Concurrency, L1_ExactTotalUnderContention) {
  under_test::Counter counter;
  harness::Crew crew;
  crew.add("adder", 4, [&](harness::Worker& w) {
    for (int i = 0; i < 2000; ++i) {
      watched("add()", "add() never waits for long: a deadlock?", [&] { counter.add(1); });
      w.perturb();
    }
  });
  crew.run();
  EXPECT_EQ(watched("get()", "", [&] { return counter.get(); }), 8000);
}

}  // namespace
