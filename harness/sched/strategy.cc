#include "strategy.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "harness/failure_protocol.h"

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
  void on_blocked(int) override {}
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
    // A new thread takes a uniformly random rank among all threads, as in shuttle: it starts on
    // top, then swaps places with a random thread (itself included). Starting it on top always
    // would let a thread that was lowered (a yielding test driver) never outrank the threads it
    // starts afterwards.
    if (static_cast<int>(priority_.size()) <= id) {
      priority_.resize(id + 1, 0);
      yields_.resize(id + 1, 0);
    }
    priority_[id] = ++highest_;
    std::swap(priority_[id], priority_[rng_.below(id + 1)]);
  }
  int pick(const std::vector<int>& runnable, int current, bool yielding) override {
    bool known = current >= 0 && current < static_cast<int>(priority_.size());
    if (yielding && known) ++yields_[current];
    if (runnable.size() > 1) {
      ++step_;
      bool change =
          std::find(change_points_.begin(), change_points_.end(), step_) != change_points_.end();
      // A thread that keeps yielding without ever blocking is lowered, as in shuttle and Coyote:
      // a spin loop that yields would otherwise keep the highest priority and never let the
      // thread it waits for run. A few yields only step aside: a test driver that polls with a
      // sleep (settle()) keeps its rank, or it would end below every thread it started and never
      // outrun them.
      if (known && (change || yields_[current] >= kYieldsBeforeLowering)) {
        priority_[current] = --lowest_;
        yields_[current] = 0;
      }
    }
    int best = -1;
    for (int id : runnable) {
      if (yielding && id == current && runnable.size() > 1) continue;
      if (best < 0 || priority_[id] > priority_[best]) best = id;
    }
    return best;
  }
  void on_blocked(int id) override {
    if (id < static_cast<int>(yields_.size())) yields_[id] = 0;
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
  static constexpr int kYieldsBeforeLowering = 32;
  std::vector<int> yields_;  // per thread, since it last blocked
  long highest_ = 0;         // above every priority given so far
  long lowest_ = 0;          // below every priority given so far: lowered once per change
  int step_ = 0;
};

int env_int(const char* name, int fallback, int min) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < min) {
    std::fprintf(stderr, "%s: %s=%s: want an integer >= %d\n", harness::protocol::kSched, name,
                 text, min);
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
  std::fprintf(stderr, "%s: KATA_SCHED_STRATEGY=%s: want random or pct\n",
               harness::protocol::kSched, name);
  std::exit(2);
}

}  // namespace kata_sched
