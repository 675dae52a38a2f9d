// harness/only_tests.h (force-included by CMake, as in a mutant's binary): a test outside
// KATA_ONLY_TESTS is registered and skips, a test inside it runs its body. One process runs all the
// tests, and the environment's tear-down checks both, so a selection that drops a wanted test or
// keeps an unwanted one fails this binary.
#include <gtest/gtest.h>

namespace {

bool kept_body_ran = false;

TEST(OnlyTests, KeptBodyRuns) { kept_body_ran = true; }

TEST(OnlyTests, DroppedBodyNeverRuns) { ADD_FAILURE() << "a body outside KATA_ONLY_TESTS ran"; }

class Verdict : public ::testing::Environment {
 public:
  void TearDown() override {
    EXPECT_TRUE(kept_body_ran)
        << "OnlyTests.KeptBodyRuns matches KATA_ONLY_TESTS yet its body did not run";
    EXPECT_EQ(::testing::UnitTest::GetInstance()->skipped_test_count(), 1)
        << "exactly OnlyTests.DroppedBodyNeverRuns should skip";
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new Verdict);
  return RUN_ALL_TESTS();
}
