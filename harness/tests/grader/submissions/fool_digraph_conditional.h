// Red team, fooling the static checks, obfuscated: the conditional is spelled with a digraph and a
// line splice, so no line of the header starts with "#if"; what it selects is the reference.
#pragma once
%:\
  if __has_include("../solution/counter.h")
%:  include "../solution/counter.h"
namespace kata {
using Counter = solution::Counter;
}  // namespace kata
%:endif
