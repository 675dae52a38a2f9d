// Test names from a test's parameter struct, so that a failing test's name says its shape.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace harness {

// A gtest name generator for a struct of integer fields: "<prefix><value>" for each listed field,
// joined by '_'. For example
//   const auto shape_name = harness::name_params(std::pair{"t", &Shape::threads},
//                                                std::pair{"cap", &Shape::capacity});
//   INSTANTIATE_TEST_SUITE_P(Shapes, Suite, testing::Values(Shape{2, 4}), shape_name);
// names the instance "t2_cap4".
template <class Param, class... Fields>
auto name_params(std::pair<const char*, Fields Param::*>... fields) {
  return [=](const testing::TestParamInfo<Param>& info) {
    std::string name;
    ((name += (name.empty() ? "" : "_") + std::string(fields.first) +
              std::to_string(info.param.*(fields.second))),
     ...);
    return name;
  };
}

}  // namespace harness
