# GoogleTest, Google Benchmark and Abseil: the installed packages when there are any (the Debian
# packages libgtest-dev, libbenchmark-dev, libabsl-dev: the offline path), else fetched from source.
include(FetchContent)

FetchContent_Declare(GTest
  URL https://github.com/google/googletest/archive/refs/tags/v1.14.0.tar.gz
  FIND_PACKAGE_ARGS NAMES GTest)
FetchContent_Declare(benchmark
  URL https://github.com/google/benchmark/archive/refs/tags/v1.8.3.tar.gz
  FIND_PACKAGE_ARGS NAMES benchmark)
FetchContent_Declare(absl
  URL https://github.com/abseil/abseil-cpp/archive/refs/tags/20230802.1.tar.gz
  FIND_PACKAGE_ARGS NAMES absl)

set(INSTALL_GTEST OFF CACHE INTERNAL "")
set(BENCHMARK_ENABLE_TESTING OFF CACHE INTERNAL "")
set(BENCHMARK_ENABLE_GTEST_TESTS OFF CACHE INTERNAL "")
set(ABSL_PROPAGATE_CXX_STD ON CACHE INTERNAL "")
FetchContent_MakeAvailable(GTest benchmark absl)

# A fetched GoogleTest names its targets without the GTest:: namespace.
if(NOT TARGET GTest::gtest AND TARGET gtest)
  add_library(GTest::gtest ALIAS gtest)
endif()

find_package(Python3 REQUIRED COMPONENTS Interpreter)
find_package(Threads REQUIRED)
