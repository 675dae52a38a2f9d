#include "harness/config.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

#if defined(KATA_SCHED)
#include "scheduler.h"  // harness/sched: this library's private include in the sched variant
#endif

namespace harness {
namespace {

#if defined(KATA_SCHED)
constexpr const char* kVariant = "sched";  // compiled with -fsanitize=thread, without libtsan
#elif defined(__SANITIZE_THREAD__)
constexpr const char* kVariant = "tsan";
#elif defined(__SANITIZE_ADDRESS__)
constexpr const char* kVariant = "asan";
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr const char* kVariant = "tsan";
#elif __has_feature(address_sanitizer)
constexpr const char* kVariant = "asan";
#else
constexpr const char* kVariant = "plain";
#endif
#else
constexpr const char* kVariant = "plain";
#endif

constexpr bool kSanitized = kVariant[0] != 'p';
constexpr bool kScheduled = std::string_view(kVariant) == "sched";

std::atomic<std::uint64_t> g_seed{0};

double env_double(const char* name, double fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  double value = std::strtod(text, &end);
  return end != text ? value : fallback;
}

}  // namespace

std::uint64_t seed() { return g_seed.load(std::memory_order_relaxed); }

int scaled(int iterations) {
  // Under the sched variant one thread runs at a time and every atomic is a context switch; a
  // controlled schedule finds an interleaving bug in few operations, not by their number.
  double variant_factor = kScheduled ? 0.005 : kSanitized ? 0.2 : 1.0;
  double factor = env_double("KATA_STRESS", 1.0) * variant_factor;
  double n = iterations * factor;
  return n < 1 ? 1 : static_cast<int>(n);
}

std::chrono::milliseconds op_limit() {
  return std::chrono::milliseconds(
      static_cast<long>(env_double("KATA_OP_LIMIT_MS", kSanitized ? 4000 : 2000)));
}

std::chrono::milliseconds test_limit() {
  double stress = std::max(1.0, env_double("KATA_STRESS", 1.0));
  return std::chrono::milliseconds(
      static_cast<long>(env_double("KATA_TEST_LIMIT_MS", (kSanitized ? 60000 : 30000) * stress)));
}

long memory_limit_mib() {
  return static_cast<long>(env_double("KATA_MEMORY_LIMIT_MB", kSanitized ? 4096 : 1024));
}

const char* variant() { return kVariant; }

bool perturbation_enabled() { return env_double("KATA_PERTURB", 1.0) != 0.0; }

namespace detail {
void start_test() {
  const char* fixed = std::getenv(kSeedVariable);
  std::uint64_t value = 0;
  if (fixed != nullptr && *fixed != '\0') {
    value = std::stoull(fixed);
  } else {
    std::random_device device;
    value = (std::uint64_t{device()} << 32 | device()) % 1000000000000ULL;
  }
  g_seed.store(value, std::memory_order_relaxed);
}
}  // namespace detail

void prefer_schedules(const char* strategy, int depth) {
#if defined(KATA_SCHED)
  kata_sched::prefer_strategy(strategy, depth);
#else
  (void)strategy;
  (void)depth;
#endif
}

}  // namespace harness
