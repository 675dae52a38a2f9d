// kata_mutate: applies a .mutant to a reference, and refuses one that does not apply exactly.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

class Mutate : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mutate_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write("ref.h", "int f() {\n  while (x) wait();\n  return 1;\n}\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string read(const std::string& name) {
    std::ostringstream text;
    text << std::ifstream(dir_ / name).rdbuf();
    return text.str();
  }
  int run(const std::string& mutant) {
    write("m.mutant", mutant);
    std::string command = std::string(KATA_MUTATE) + " " + (dir_ / "ref.h").string() + " " +
                          (dir_ / "m.mutant").string() + " " + (dir_ / "out.h").string() +
                          " 2>" + (dir_ / "err.txt").string();
    return std::system(command.c_str());
  }

  fs::path dir_;
};

TEST_F(Mutate, ReplacesTheQuotedLines) {
  ASSERT_EQ(run("# if, not while\nvariant: plain\n@@ replace\n  while (x) wait();\n@@ with\n"
                "  if (x) wait();\n@@ end\n"),
            0)
      << read("err.txt");
  std::string out = read("out.h");
  EXPECT_NE(out.find("  if (x) wait();\n"), std::string::npos);
  EXPECT_EQ(out.find("while"), std::string::npos);
}

TEST_F(Mutate, RefusesTextThatIsNotThere) {
  EXPECT_NE(run("@@ replace\n  for (;;) wait();\n@@ with\n\n@@ end\n"), 0);
  EXPECT_NE(read("err.txt").find("not in"), std::string::npos);
}

TEST_F(Mutate, RefusesAmbiguousText) {
  write("ref.h", "a();\na();\n");
  EXPECT_NE(run("@@ replace\na();\n@@ with\nb();\n@@ end\n"), 0);
  EXPECT_NE(read("err.txt").find("more than once"), std::string::npos);
}

TEST_F(Mutate, RefusesAnUnfinishedHunk) {
  EXPECT_NE(run("@@ replace\n  return 1;\n@@ with\n  return 2;\n"), 0);
}

}  // namespace
