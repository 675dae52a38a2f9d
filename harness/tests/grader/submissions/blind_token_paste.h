// Red team, blinding the sanitizers, obfuscated: no reserved or sanitizer name is spelled; the
// preprocessor pastes __tsan_ignore_writes_begin (and the weak attribute that lets the plain build
// link) together from harmless-looking pieces. (The counter is atomic here, so the fixture's plain
// run gives the same verdict every time.)
#pragma once
#include <atomic>
#define JOIN(a, b, c) a##b##c
#define HOOK(name) JOIN(_, _ts, name)
extern "C" void HOOK(an_ignore_writes_begin)() JOIN(_, _attr, ibute__)((weak));
namespace kata {
class Counter {
 public:
  void add(long n) {
    if (&HOOK(an_ignore_writes_begin) != nullptr) HOOK(an_ignore_writes_begin)();
    total_.fetch_add(n, std::memory_order_relaxed);
  }
  long get() const { return total_.load(std::memory_order_relaxed); }

 private:
  std::atomic<long> total_{0};
};
}  // namespace kata
