// Red team, blinding the sanitizers: ThreadSanitizer reads its suppressions from this hook, which
// the harness does not pin: every race in the learner's class is suppressed.
#pragma once
extern "C" const char* __tsan_default_suppressions() { return "race:kata::Counter\n"; }
namespace kata {
class Counter {  // unsynchronised: a data race on total_
 public:
  void add(long n) { total_ += n; }
  long get() const { return total_; }

 private:
  long total_ = 0;
};
}  // namespace kata
