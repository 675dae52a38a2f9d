// Red team, cheating the benchmark, obfuscated: no macro of the build and no #if; the compiler's
// name of the main source file tells the benchmark's translation unit from the tests'.
#pragma once
#include <mutex>
#include <string_view>
namespace kata {
inline constexpr bool kInBenchmark =
    std::string_view(__BASE_FILE__).find("benchmark") != std::string_view::npos;
class Counter {
 public:
  void add(long n) {
    if (kInBenchmark) {
      total_ += n;
      return;
    }
    std::lock_guard lock(mutex_);
    total_ += n;
  }
  long get() const {
    std::lock_guard lock(mutex_);
    return total_;
  }

 private:
  mutable std::mutex mutex_;
  long total_ = 0;
};
}  // namespace kata
