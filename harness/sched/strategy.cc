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
  void on_thread(int id) override {
    if (static_cast<int>(left_.size()) <= id) left_.resize(id + 1, 0);
  }
  void on_blocked(int id) override {
    if (id < static_cast<int>(left_.size())) left_[id] = 0;
  }
  int pick(const std::vector<int>& runnable, int current, bool) override {
    // The point `current` just made is one step of the others for a writer parked after its write.
    for (std::size_t id = 0; id < left_.size(); ++id) {
      if (static_cast<int>(id) != current && left_[id] > 0) --left_[id];
    }
    candidates_.clear();
    for (int id : runnable) {
      if (left_[id] == 0) candidates_.push_back(id);
    }
    if (candidates_.empty()) {
      // Every thread that can run is a parked writer: its pause ends here.
      for (int id : runnable) left_[id] = 0;
      return runnable[rng_.below(runnable.size())];
    }
    return candidates_[rng_.below(candidates_.size())];
  }
  // A switch right after a store gives the other thread one step, and it is preempted again at its
  // next point with probability (n-1)/n: acting on the store (load the index, test it, write the
  // slot the writer still reads) takes it several steps, 3 for spsc_ring's producer, so a uniform
  // choice let it get there about 1 time in 8 (slot_read_after_index_published 9/20 seeds). So when
  // the walk switches away from a writer, the writer stays parked for a geometric number (mean
  // kWriterPause) of the others' points, or until none of them can run: what the others make of the
  // store runs before the writer goes on. Mean 4: 67 of 80 seeds; 8: 78/80; 16 and 32: 80/80.
  int pick_after_write(const std::vector<int>& runnable, int current) override {
    int next = pick(runnable, current, false);
    if (next != current) {
      long length = 1;
      while (rng_.below(kWriterPause) != 0) ++length;
      left_[current] = length;
    }
    return next;
  }
  std::size_t pick_waiter(std::size_t n) override { return rng_.below(n); }
  std::string describe() const override { return "random walk"; }

 private:
  static constexpr int kWriterPause = 16;
  Rng rng_;
  std::vector<long> left_;  // per thread: the others' steps until its pause after a write ends
  std::vector<int> candidates_;
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

class Pause final : public Strategy {
 public:
  Pause(std::uint64_t seed, int every, int steps) : rng_(seed), every_(every), steps_(steps) {}
  void on_thread(int id) override {
    if (static_cast<int>(left_.size()) <= id) left_.resize(id + 1, 0);
  }
  void on_blocked(int) override {}
  int pick(const std::vector<int>& runnable, int current, bool yielding) override {
    const bool known = current >= 0 && current < static_cast<int>(left_.size());
    // The point `current` just made is one step of the others for every parked thread.
    for (std::size_t id = 0; id < left_.size(); ++id) {
      if (static_cast<int>(id) != current && left_[id] > 0) --left_[id];
    }
    if (known && runnable.size() > 1 && rng_.below(every_) == 0 &&
        std::find(runnable.begin(), runnable.end(), current) != runnable.end()) {
      // Geometric with mean steps_, drawn one Bernoulli trial at a time: integer draws only, so
      // the length is the same on every platform (a logarithm of a double need not be).
      long length = 1;
      while (rng_.below(steps_) != 0) ++length;
      left_[current] = length;
    }
    candidates_.clear();
    for (int id : runnable) {
      if (yielding && id == current && runnable.size() > 1) continue;
      if (id < static_cast<int>(left_.size()) && left_[id] > 0) continue;
      candidates_.push_back(id);
    }
    if (candidates_.empty()) {
      // Every thread that can run is parked (the others are blocked or done): a pause ends here,
      // or it would stop the test.
      for (int id : runnable) {
        if (!(yielding && id == current && runnable.size() > 1)) candidates_.push_back(id);
      }
      int next = candidates_[rng_.below(candidates_.size())];
      if (next < static_cast<int>(left_.size())) left_[next] = 0;
      return next;
    }
    return candidates_[rng_.below(candidates_.size())];
  }
  std::size_t pick_waiter(std::size_t n) override { return rng_.below(n); }
  std::string describe() const override {
    return "random walk, pausing a thread at 1 point in " + std::to_string(every_) + " for " +
           std::to_string(steps_) + " of the others' steps on average";
  }

 private:
  Rng rng_;
  int every_, steps_;
  std::vector<long> left_;  // per thread: the others' steps until its pause ends (0: running)
  std::vector<int> candidates_;
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

std::unique_ptr<Strategy> pausing_walk(std::uint64_t seed, int every, int steps) {
  return std::make_unique<Pause>(seed, every, steps);
}

std::unique_ptr<Strategy> strategy_from_environment(std::uint64_t seed) {
  const char* name = std::getenv(kStrategyVariable);
  return strategy_named(name == nullptr || *name == '\0' ? "random" : name, seed, 0);
}

std::unique_ptr<Strategy> strategy_named(const char* name, std::uint64_t seed, int depth) {
  if (std::strcmp(name, "random") == 0) return random_walk(seed);
  if (std::strcmp(name, "pct") == 0) {
    return pct(seed, depth > 0 ? depth : env_int("KATA_SCHED_DEPTH", 3, 1),
               env_int("KATA_SCHED_STEPS", 2000, 1));
  }
  if (std::strcmp(name, "pause") == 0) {
    return pausing_walk(seed, env_int("KATA_SCHED_PAUSE_EVERY", kPauseEvery, 1),
                        env_int("KATA_SCHED_PAUSE_STEPS", kPauseSteps, 1));
  }
  std::fprintf(stderr, "%s: %s=%s: want random, pct or pause\n", harness::protocol::kSched,
               kStrategyVariable, name);
  std::exit(2);
}

}  // namespace kata_sched
