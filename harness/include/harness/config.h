// Knobs every kata test reads: the seed, how hard to stress, how long to wait before calling a
// hang. Environment: KATA_SEED=<n> replays a run; KATA_STRESS=<factor> scales iterations (default
// 1); KATA_PERTURB=0 turns schedule perturbation off; KATA_OP_LIMIT_MS overrides the watchdog
// limit.
#pragma once

#include <chrono>
#include <cstdint>

namespace harness {

// The environment variable that fixes the seed of every test in the process (a replay).
inline constexpr char kSeedVariable[] = "KATA_SEED";

// Heads the line the test main prints as each test starts, right after gtest's `[ RUN ]` line:
// "SEED: 123456789". Printed first and flushed, so that even a test whose process a sanitizer or
// the watchdog ends leaves its seed in the output. The grader reads this constant and
// kSeedVariable from this very file (tools/grade.py, seed_markers()): keep each a plain literal.
inline constexpr char kSeedMarker[] = "SEED: ";

// The seed of the running test: kSeedVariable if set, else drawn at random when the test starts.
std::uint64_t seed();

// `iterations` scaled by KATA_STRESS and by the build variant (sanitizers run about 10x slower, so
// they do fewer iterations of the same schedule mix). Never less than 1.
int scaled(int iterations);

// How long a watched operation may stay blocked while no thread of the test finishes any operation,
// before the watchdog calls it a hang (default 2 s, 4 s under a sanitizer). A correct
// implementation makes progress every few microseconds; the margin absorbs a loaded machine.
std::chrono::milliseconds op_limit();

// How long one whole test may run before the watchdog fails it (30 s, 60 s under a sanitizer,
// times KATA_STRESS when above 1).
std::chrono::milliseconds test_limit();

// The most resident memory a test process may hold before the watchdog fails it
// (KATA_MEMORY_LIMIT_MB; default 1 GiB, 4 GiB under a sanitizer, whose shadow memory counts too;
// the tests need tens of MiB).
long memory_limit_mib();

// "plain", "tsan", "asan" or "sched": the variant this binary was built as.
const char* variant();

bool perturbation_enabled();

// Under the sched variant (docs/schedules.md), draws this test's schedules with `strategy`, "pause"
// or "pct" (`depth`: PCT's bug depth, 0 for the default), unless KATA_SCHED_STRATEGY names one: for
// a test whose bug needs a shape of schedule the random walk rarely makes (one thread stopped at
// one point while the others complete whole calls: the ABA problem). A learner's answer graded in
// the sched variant then meets the test as the selftest's mutants do. Call it first in the test
// body, before any thread starts; a replay needs nothing more (the test makes the same choice
// again). No effect in other variants.
void prefer_schedules(const char* strategy, int depth = 0);

namespace detail {
// Called by the test main when each test starts: picks the seed.
void start_test();
}  // namespace detail

}  // namespace harness
