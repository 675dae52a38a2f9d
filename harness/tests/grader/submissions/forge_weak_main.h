// Red team, forging the verdict in process: a weak main that reports success without running a
// test, for a link where the harness's main would be missing or weaker.
#pragma once
extern "C" __attribute__((weak)) int main(int, char**) { return 0; }
namespace kata {
class Counter {
 public:
  void add(long) {}
  long get() const { return 0; }
};
}  // namespace kata
