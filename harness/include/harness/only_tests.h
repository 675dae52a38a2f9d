// Compiles only the tests a mutant's binary will run. Force-included (-include) into a mutant's
// test binary, with KATA_ONLY_TESTS set to the mutant's `caught-by:` filter (cmake/Kata.cmake).
//
// Why: a mutant binary runs one gtest filter, usually one test, yet compiling its category file
// generates code for every test in it, and the 150-odd mutants were most of the build. Here each
// TEST(S, N) still registers and its body is still parsed and checked (a test that does not compile
// fails every mutant build, as before), but the body becomes a function template that is only
// instantiated, so only code-generated, when "S.N" matches the filter; an unmatched test is
// registered as a skip that says why. One 16-test contract file against one mutant: 12.2 s to
// compile in full, 5.3 s with one test kept.
//
// What it guarantees: every test the filter selects is compiled exactly as written, so a mutant's
// verdict is the one the whole suite would give. The match errs on the side of keeping: it reads
// gtest's filter syntax ('*', '?', ':' between patterns), and ignores the negative part after '-'
// (a test kept that the filter then excludes costs compile time only). What it does not do: TEST_P
// (parameterised) tests are left whole, since their bodies need the fixture object. A test the
// filter selects but this match missed would skip, the run would pass, and the mutant's ctest
// would say MUTANT SURVIVED (tools/expect_caught.py): a loud failure, never a silent pass.
// harness/tests/only_tests_test.cc checks both directions.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string_view>

#ifndef KATA_ONLY_TESTS
#error "harness/only_tests.h needs KATA_ONLY_TESTS, the gtest filter of the tests to compile"
#endif

namespace harness::only_tests {

// "suite.name" as one string, without building it: constexpr and allocation-free.
struct FullName {
  std::string_view suite;
  std::string_view name;
  constexpr std::size_t size() const { return suite.size() + 1 + name.size(); }
  constexpr char operator[](std::size_t i) const {
    if (i < suite.size()) return suite[i];
    return i == suite.size() ? '.' : name[i - suite.size() - 1];
  }
};

// Glob match of one pattern ('*' any run, '?' any one character), the usual greedy algorithm with
// one backtrack point: linear in practice for the short names here.
constexpr bool glob(std::string_view pattern, const FullName& s) {
  std::size_t p = 0, i = 0, star = std::string_view::npos, resume = 0;
  while (i < s.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == s[i])) {
      ++p;
      ++i;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Does gtest's `filter` (positive patterns separated by ':', then optionally '-' and negative ones)
// select the test suite.name? Negative patterns are ignored: keeping more is always safe.
constexpr bool selected(std::string_view filter, std::string_view suite, std::string_view name) {
  filter = filter.substr(0, filter.find('-'));
  while (true) {
    const std::size_t end = filter.find(':');
    if (glob(filter.substr(0, end), FullName{suite, name})) return true;
    if (end == std::string_view::npos) return false;
    filter.remove_prefix(end + 1);
  }
}

static_assert(selected("Contract.L1_*", "Contract", "L1_StartsEmpty"));
static_assert(selected("Liveness.X:Contract.L1_?tarts*", "Contract", "L1_StartsEmpty"));
static_assert(!selected("Contract.L1_StartsEmpty", "Contract", "L1_StartsEmptyToo"));
static_assert(!selected("Threads/Concurrency.*", "Contract", "L1_StartsEmpty"));
static_assert(selected("*-Contract.L1_StartsEmpty", "Contract", "L1_StartsEmpty"));

// The test's body, a function template: instantiated only when kept.
template <bool kKeep, class Body>
void run_if_selected() {
  if constexpr (kKeep) {
    Body::template run<true>();
  } else {
    GTEST_SKIP() << "not compiled into this binary: it is outside KATA_ONLY_TESTS (" KATA_ONLY_TESTS
                    ")";
  }
}

}  // namespace harness::only_tests

// The body's holder derives from ::testing::Test so a body's unqualified calls to its static
// members (RecordProperty, HasFailure, ...) resolve as they do in gtest's own test class.
#undef TEST
#define TEST(suite, name)                                                                    \
  struct KataOnlyTests_##suite##_##name : ::testing::Test {                                  \
    template <bool>                                                                          \
    static void run();                                                                       \
  };                                                                                         \
  GTEST_TEST(suite, name) {                                                                  \
    ::harness::only_tests::run_if_selected< ::harness::only_tests::selected(KATA_ONLY_TESTS, \
                                                                            #suite, #name),  \
                                            KataOnlyTests_##suite##_##name>();               \
  }                                                                                          \
  template <bool>                                                                            \
  void KataOnlyTests_##suite##_##name::run()
