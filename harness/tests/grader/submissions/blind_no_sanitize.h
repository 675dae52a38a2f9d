// Red team, blinding the sanitizers: the racy methods are compiled without ThreadSanitizer's or
// AddressSanitizer's instrumentation, spelled both ways.
#pragma once
namespace kata {
class Counter {
 public:
  __attribute__((no_sanitize("thread"))) void add(long n) { total_ += n; }
  [[gnu::no_sanitize("thread", "address")]] long get() const { return total_; }

 private:
  long total_ = 0;
};
}  // namespace kata
