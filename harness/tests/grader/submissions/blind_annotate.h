// Red team, blinding the sanitizers: the racy accesses are wrapped in ThreadSanitizer's ignore
// calls and its dynamic annotations (weak, so that the plain build still links).
#pragma once
extern "C" {
__attribute__((weak)) void AnnotateHappensBefore(const char*, int, const volatile void*) {}
__attribute__((weak)) void AnnotateHappensAfter(const char*, int, const volatile void*) {}
__attribute__((weak)) void __tsan_ignore_writes_begin() {}
__attribute__((weak)) void __tsan_ignore_writes_end() {}
}
namespace kata {
class Counter {
 public:
  void add(long n) {
    __tsan_ignore_writes_begin();
    total_ += n;  // racy
    __tsan_ignore_writes_end();
    AnnotateHappensBefore(__FILE__, __LINE__, &total_);
  }
  long get() const {
    AnnotateHappensAfter(__FILE__, __LINE__, &total_);
    return total_;
  }

 private:
  long total_ = 0;
};
}  // namespace kata
