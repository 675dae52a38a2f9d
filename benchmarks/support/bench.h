// What every kata benchmark shares: the learner's and the reference's headers side by side, a guard
// that turns an unfinished kata into a "not implemented" row instead of a crash, and latency
// percentiles. One benchmark body per workload, instantiated per implementation with
// BENCHMARK_TEMPLATE, so the learner, the reference, the baselines and the peers run the same code
// in the same process, interleaved (the grader passes --benchmark_enable_random_interleaving); or,
// for the learner and the reference, in one row in turns (for_window with two objects).
//
// The pieces, each a header of its own: implementations.h (the two headers measured), protocol.h
// (what the grader reads besides the numbers), run_time.h (what a class leaves running), turns.h
// (the learner and the reference in turns; registering their rows), workload.h (isolated objects,
// keys, latencies). A kata's benchmark includes this one.
#pragma once

#include <benchmark/benchmark.h>

#include "support/implementations.h"
#include "support/protocol.h"
#include "support/run_time.h"
#include "support/turns.h"
#include "support/workload.h"
