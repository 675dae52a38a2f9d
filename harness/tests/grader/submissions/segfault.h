#pragma once
namespace kata {
class Counter {
 public:
  void add(long n) { *total_ += n; }  // never allocated
  long get() const { return *total_; }
 private:
  long* volatile total_ = nullptr;
};
}  // namespace kata
