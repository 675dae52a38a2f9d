// The parameter of the kata's concurrent tests: how many threads, on a cache of what capacity.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

struct Shape {
  int threads;
  std::size_t capacity;
};

// t<threads>_c<capacity>, the test name's suffix.
inline std::string shape_name(const testing::TestParamInfo<Shape>& info) {
  return "t" + std::to_string(info.param.threads) + "_c" + std::to_string(info.param.capacity);
}
