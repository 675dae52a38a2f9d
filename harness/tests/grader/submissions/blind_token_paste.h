// Red team, blinding the sanitizers, obfuscated: no reserved or sanitizer name is spelled; the
// preprocessor pastes __tsan_ignore_writes_begin (and the weak attribute that lets the plain build
// link) together from harmless-looking pieces.
#pragma once
#define JOIN(a, b, c) a##b##c
#define HOOK(name) JOIN(_, _ts, name)
extern "C" void HOOK(an_ignore_writes_begin)() JOIN(_, _attr, ibute__)((weak));
namespace kata {
class Counter {
 public:
  void add(long n) {
    if (&HOOK(an_ignore_writes_begin) != nullptr) HOOK(an_ignore_writes_begin)();
    total_ += n;
  }
  long get() const { return total_; }

 private:
  long total_ = 0;
};
}  // namespace kata
