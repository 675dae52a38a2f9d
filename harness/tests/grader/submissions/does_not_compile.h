#pragma once
namespace kata {
class Counter {
 public:
  void add(long n) { total_ += n }
  long get() const { return total_; }
 private:
  long total_ = 0;
};
}  // namespace kata
