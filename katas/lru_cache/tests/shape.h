// The parameter of the kata's concurrent tests: how many threads, on a cache of what capacity.
#pragma once

#include <cstddef>

#include "harness/param_name.h"

struct Shape {
  int threads;
  std::size_t capacity;
};

// t<threads>_c<capacity>, the test name's suffix.
inline const auto shape_name =
    harness::name_params(std::pair{"t", &Shape::threads}, std::pair{"c", &Shape::capacity});
