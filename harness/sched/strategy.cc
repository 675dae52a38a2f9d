#include "strategy.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace kata_sched {

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

class RandomWalk final : public Strategy {
 public:
  explicit RandomWalk(std::uint64_t seed) : rng_(seed) {}
  void on_thread(int) override {}
  int pick(const std::vector<int>& runnable, int, bool) override {
    return runnable[rng_.below(runnable.size())];
  }
  std::size_t pick_waiter(std::size_t n) override { return rng_.below(n); }
  std::string describe() const override { return "random walk"; }

 private:
  Rng rng_;
};

class Pct final : public Strategy {
 public:
  Pct(std::uint64_t seed, int depth, int steps) : rng_(seed), depth_(depth), steps_(steps) {
    for (int i = 1; i < depth; ++i)
      change_points_.push_back(1 + static_cast<int>(rng_.below(steps)));
  }
  void on_thread(int id) override {
    // A new thread takes a random rank among the existing ones: a higher number runs first.
    if (static_cast<int>(priority_.size()) <= id) priority_.resize(id + 1, 0);
    priority_[id] = static_cast<long>(rng_.below(1u << 30)) + (1L << 31);
  }
  int pick(const std::vector<int>& runnable, int current, bool yielding) override {
    if (runnable.size() > 1) {
      ++step_;
      bool change =
          std::find(change_points_.begin(), change_points_.end(), step_) != change_points_.end();
      // A yielding thread is lowered too, as in shuttle and Coyote: otherwise a spin loop that
      // yields would keep the highest priority and never let the thread it waits for run.
      if ((change || yielding) && current >= 0 && current < static_cast<int>(priority_.size())) {
        priority_[current] = --lowest_;
      }
    }
    int best = runnable.front();
    for (int id : runnable) {
      if (priority_[id] > priority_[best]) best = id;
    }
    return best;
  }
  std::size_t pick_waiter(std::size_t n) override { return rng_.below(n); }
  std::string describe() const override {
    return "PCT depth " + std::to_string(depth_) + " over " + std::to_string(steps_) + " steps";
  }

 private:
  Rng rng_;
  int depth_, steps_;
  std::vector<int> change_points_;
  std::vector<long> priority_;
  long lowest_ = 1L << 30;  // below every initial priority; lowered once per change
  int step_ = 0;
};

int env_int(const char* name, int fallback, int min) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < min) {
    std::fprintf(stderr, "SCHED: %s=%s: want an integer >= %d\n", name, text, min);
    std::exit(2);
  }
  return static_cast<int>(value);
}

}  // namespace

std::unique_ptr<Strategy> random_walk(std::uint64_t seed) {
  return std::make_unique<RandomWalk>(seed);
}

std::unique_ptr<Strategy> pct(std::uint64_t seed, int depth, int steps) {
  return std::make_unique<Pct>(seed, depth, steps);
}

std::unique_ptr<Strategy> strategy_from_environment(std::uint64_t seed) {
  const char* name = std::getenv("KATA_SCHED_STRATEGY");
  if (name == nullptr || *name == '\0' || std::strcmp(name, "random") == 0)
    return random_walk(seed);
  if (std::strcmp(name, "pct") == 0) {
    return pct(seed, env_int("KATA_SCHED_DEPTH", 3, 1), env_int("KATA_SCHED_STEPS", 2000, 1));
  }
  std::fprintf(stderr, "SCHED: KATA_SCHED_STRATEGY=%s: want random or pct\n", name);
  std::exit(2);
}

}  // namespace kata_sched
