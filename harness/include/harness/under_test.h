// The class under test: the learner's (namespace kata), the reference (namespace solution) or a
// mutant, chosen by the build through KATA_HEADER and KATA_NS. Test sources name it under_test::X.
#pragma once

#include KATA_HEADER

namespace under_test = KATA_NS;
