#pragma once
#include "../solution/counter.h"
namespace kata {
using solution::Counter;
}  // namespace kata
