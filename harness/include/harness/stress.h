// Seeded stress runs: threads started together from a gate, each with its own random generator
// drawn from the test's seed, with random yields and spins between operations so that a 2-core
// machine still sees many interleavings. Oversubscription (more threads than cores) is the caller's
// choice of thread counts.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace harness {

// One stress thread's view: who it is and its own random stream.
class Worker {
 public:
  Worker(const char* role, int index, std::uint64_t seed);

  const char* role() const { return role_; }
  int index() const { return index_; }
  std::mt19937_64& rng() { return rng_; }

  // A uniformly drawn integer in [lo, hi].
  std::int64_t uniform(std::int64_t lo, std::int64_t hi);
  // True with probability p.
  bool chance(double p);
  // Between operations: usually nothing, sometimes a yield, a short spin or a few microseconds'
  // sleep, to shake the interleaving (KATA_PERTURB=0 turns it off).
  void perturb();

 private:
  const char* role_;
  int index_;
  std::mt19937_64 rng_;
};

// What a worker threw, with the worker named: "consumer 2: BoundedQueue::pop is not ...".
class WorkerFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A group of threads run together:
//   Crew crew;
//   crew.add("producer", 4, [&](Worker& w) { ... });
//   crew.add("consumer", 4, [&](Worker& w) { ... });
//   crew.run();
// run() releases every thread at once and returns when all have finished. If one throws, the others
// get a grace period to finish (an untouched kata's methods all throw at once) and run() throws
// WorkerFailed; if some are still blocked after it, the test process is ended with that message.
class Crew {
 public:
  using Body = std::function<void(Worker&)>;
  // `salt` is mixed into every worker's seed: crews that run the same roles many times in one test
  // (the histories of a linearizability series) give each run its own calls by a salt of its own.
  explicit Crew(std::uint64_t salt = 0) : salt_(salt) {}
  void add(const char* role, int count, Body body);
  void run();

 private:
  struct Member {
    const char* role;
    int index;
    Body body;
  };
  std::uint64_t salt_;
  std::vector<Member> members_;
};

// Derives the seed of one worker from the test's seed (and a crew's salt), so a replay gives every
// worker its stream.
std::uint64_t worker_seed(const char* role, int index, std::uint64_t salt = 0);

}  // namespace harness
