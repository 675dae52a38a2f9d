// What an untouched kata method throws, so an unfinished kata fails each test at once and says which
// method is missing, instead of crashing or hanging.
#pragma once

#include <stdexcept>
#include <string>

namespace kata {

class NotImplemented : public std::logic_error {
 public:
  explicit NotImplemented(const std::string& method)
      : std::logic_error(method + " is not implemented yet (replace the TODO in the kata header)") {}
};

}  // namespace kata
