// How the scheduler picks the next thread at a scheduling point. Every strategy draws from one
// seeded generator, so a seed fixes every choice and the run replays exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kata_sched {

// splitmix64: tiny, and the same sequence from every compiler and standard library (std::
// distributions are not specified bit for bit).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // A thread the scheduler started managing (ids are 0, 1, 2, ... in creation order).
  virtual void on_thread(int id) = 0;
  // `id` parked in a blocking call.
  virtual void on_blocked(int id) = 0;
  // Picks one of `runnable` (ascending ids, never empty) to run next; `current` made the call,
  // `yielding` when it asked to let others run (yield, sleep).
  virtual int pick(const std::vector<int>& runnable, int current, bool yielding) = 0;
  // The same, at the point right after `current`'s atomic store (scheduler.h, after_write()):
  // there another thread may act on the store before the writer's next plain accesses.
  virtual int pick_after_write(const std::vector<int>& runnable, int current) {
    return pick(runnable, current, false);
  }
  // Which of `n` waiters a notify_one wakes (the standard does not say which).
  virtual std::size_t pick_waiter(std::size_t n) = 0;
  virtual std::string describe() const = 0;
};

// Uniform choice among the runnable threads at every point.
std::unique_ptr<Strategy> random_walk(std::uint64_t seed);

// PCT (Burckhardt et al., ASPLOS 2010): random distinct thread priorities, always run the highest,
// and at depth-1 random steps among the first `steps` lower the running thread to the bottom. A bug
// that needs d ordering constraints is found with probability >= 1/(n * steps^(d-1)) per run.
std::unique_ptr<Strategy> pct(std::uint64_t seed, int depth, int steps);

// A random walk with long pauses: at each point, with probability 1/`every`, the thread that made
// it is parked for a geometrically distributed number (mean `steps`) of the other threads' points,
// or until none of them can run. The random walk switches at every point, so it keeps a thread
// stopped for k points with probability (1 - 1/n)^k: about 0.5% for 40 points among 8 threads. A
// bug that needs one thread stopped at one point while the others complete a few calls (the ABA
// problem: pop, pop, push the recycled node) needs exactly that long stop.
std::unique_ptr<Strategy> pausing_walk(std::uint64_t seed, int every, int steps);

// From KATA_SCHED_STRATEGY (random | pct | pause, default random), KATA_SCHED_DEPTH (default 3)
// and KATA_SCHED_STEPS (PCT's step horizon, default 2000), KATA_SCHED_PAUSE_EVERY (default
// kPauseEvery) and KATA_SCHED_PAUSE_STEPS (default kPauseSteps). Exits with a message on a bad
// value.
inline constexpr char kStrategyVariable[] = "KATA_SCHED_STRATEGY";
inline constexpr int kPauseEvery = 16;
inline constexpr int kPauseSteps = 100;
std::unique_ptr<Strategy> strategy_from_environment(std::uint64_t seed);
// The strategy `name` (random, pct or pause) with its parameters from the environment as above,
// but PCT's depth `depth` when it is above 0. Exits with a message on an unknown name.
std::unique_ptr<Strategy> strategy_named(const char* name, std::uint64_t seed, int depth);

}  // namespace kata_sched
