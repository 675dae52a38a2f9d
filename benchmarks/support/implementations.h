// The two implementations every kata benchmark measures: the learner's header and the reference's,
// named by the build (cmake/Kata.cmake: KATA_LEARNER_HEADER, KATA_REFERENCE_HEADER, and
// KATA_LEARNER_NS in the self-check build, where the learner is the reference itself).
#pragma once

#include "kata/not_implemented.h"

#include KATA_LEARNER_HEADER
#include KATA_REFERENCE_HEADER

// The learner's namespace: `kata`, except in the grader's self-check build, where the "learner" is
// the reference itself (namespace solution) and every ratio should come out at 1.
#ifndef KATA_LEARNER_NS
#define KATA_LEARNER_NS kata
#endif

namespace bench {

// The reference's rows run the benchmark body instantiated for a type of their own. In the
// self-check build the learner's class IS the reference's, and without this the two rows would be
// one function: one copy of the code and one set of its function-local statics (the shared map,
// cache or limiter), so each row would start on the state the other left. A learner's rows and the
// reference's never share those in a real grading, and the self-check must measure what a real
// grading measures. Usage: using reference = bench::Reference<Adapter<solution::X>>;
template <class T>
struct Reference : T {
  using T::T;
};

}  // namespace bench
