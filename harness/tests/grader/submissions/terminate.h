#pragma once
#include <exception>
namespace kata {
class Counter {
 public:
  void add(long) { std::terminate(); }
  long get() const { return 0; }
};
}  // namespace kata
