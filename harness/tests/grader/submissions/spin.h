#pragma once
namespace kata {
class Counter {
 public:
  void add(long n) {
    for (volatile long i = 0; i >= 0; i = i + 0) {  // spins for ever
    }
    total_ += n;
  }
  long get() const { return total_; }
 private:
  long total_ = 0;
};
}  // namespace kata
