#include "trace.h"

#include <dlfcn.h>
#include <execinfo.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace kata_sched {

void prepare_capture() {
  void* warm[1];
  ::backtrace(warm, 1);
}

Frames capture() {
  Frames frames;
  frames.depth = ::backtrace(frames.pc.data(), static_cast<int>(frames.pc.size()));
  return frames;
}

namespace {

// One frame through addr2line: "function\nfile:line" pairs, innermost inlined frame first.
std::vector<std::pair<std::string, std::string>> symbolize(void* pc) {
  std::vector<std::pair<std::string, std::string>> out;
  Dl_info info{};
  if (::dladdr(pc, &info) == 0 || info.dli_fname == nullptr) return out;
  // A return address points after the call; one byte back is inside it.
  auto offset =
      reinterpret_cast<std::uintptr_t>(pc) - reinterpret_cast<std::uintptr_t>(info.dli_fbase) - 1;
  std::string path = info.dli_fname;
  if (path.empty() || path.find('\'') != std::string::npos) return out;
  if (path.rfind("/usr/", 0) == 0 || path.rfind("/lib", 0) == 0) return out;  // libc, libstdc++
  if (path.find('/') == std::string::npos) path = "/proc/self/exe";
  char command[1024];
  std::snprintf(command, sizeof command, "addr2line -C -f -i -e '%s' 0x%" PRIxPTR " 2>/dev/null",
                path.c_str(), offset);
  FILE* pipe = ::popen(command, "r");
  if (pipe == nullptr) return out;
  char function[4096], location[4096];
  while (std::fgets(function, sizeof function, pipe) != nullptr &&
         std::fgets(location, sizeof location, pipe) != nullptr) {
    function[std::strcspn(function, "\n")] = '\0';
    location[std::strcspn(location, "\n")] = '\0';
    out.emplace_back(function, location);
  }
  ::pclose(pipe);
  return out;
}

bool ours_or_system(const std::string& location) {
  return location.rfind("/usr/", 0) == 0 || location.find("/harness/") != std::string::npos ||
         location.rfind("??", 0) == 0;
}

std::string basename_of(const std::string& location) {
  auto slash = location.rfind('/');
  std::string base = slash == std::string::npos ? location : location.substr(slash + 1);
  auto paren = base.find(" (");  // addr2line's " (discriminator N)"
  return paren == std::string::npos ? base : base.substr(0, paren);
}

std::string short_function(const std::string& function) {
  std::string name = function.substr(0, function.find('('));
  return name.size() > 60 ? name.substr(0, 57) + "..." : name;
}

}  // namespace

std::string describe_location(const Frames& frames) {
  for (int i = 0; i < frames.depth; ++i) {
    for (const auto& [function, location] : symbolize(frames.pc[i])) {
      if (!ours_or_system(location)) {
        return " at " + basename_of(location) + " (" + short_function(function) + ")";
      }
    }
  }
  return "";
}

void Trace::reset() {
  steps_ = 0;
  ring_ = {};
}

void Trace::note(int thread, const char* op, const void* object, const Frames& where) {
  Step& step = ring_[steps_ % kKept];
  step = Step{++steps_, thread, op, object, where};
}

std::string Trace::render() const {
  std::string text = "  the last " + std::to_string(steps_ < kKept ? steps_ : kKept) + " of " +
                     std::to_string(steps_) + " steps:\n";
  long first = steps_ < kKept ? 0 : steps_ - kKept;
  for (long n = first; n < steps_; ++n) {
    const Step& step = ring_[n % kKept];
    char head[160];
    std::snprintf(head, sizeof head, "  #%-6ld thread %-2d %-32s", step.number, step.thread,
                  step.op);
    text += head + describe_location(step.where) + "\n";
  }
  return text;
}

}  // namespace kata_sched
