#include "trace.h"

#include <dlfcn.h>
#include <execinfo.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
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

using Inlined =
    std::vector<std::pair<std::string, std::string>>;  // (function, file:line), innermost first

// Every pc's frames, from one addr2line run per module: a run reads the binary's debug information,
// which for a test binary takes a good part of a second.
std::map<void*, Inlined> symbolize(const std::vector<void*>& pcs) {
  std::map<std::string, std::vector<std::pair<void*, std::uintptr_t>>> by_module;
  for (void* pc : pcs) {
    Dl_info info{};
    if (::dladdr(pc, &info) == 0 || info.dli_fname == nullptr) continue;
    std::string path = info.dli_fname;
    if (path.rfind("/usr/", 0) == 0 || path.rfind("/lib", 0) == 0) continue;  // libc, libstdc++
    if (path.empty() || path.find('/') == std::string::npos) path = "/proc/self/exe";
    if (path.find('\'') != std::string::npos) continue;
    // A return address points after the call; one byte back is inside it.
    by_module[path].emplace_back(pc, reinterpret_cast<std::uintptr_t>(pc) -
                                         reinterpret_cast<std::uintptr_t>(info.dli_fbase) - 1);
  }
  std::map<void*, Inlined> out;
  for (const auto& [path, entries] : by_module) {
    std::string command = "addr2line -a -C -f -i -e '" + path + "'";
    for (const auto& entry : entries) {
      char offset[32];
      std::snprintf(offset, sizeof offset, " 0x%" PRIxPTR, entry.second);
      command += offset;
    }
    command += " 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) continue;
    // Each address: a line "0x...", then (function, location) line pairs.
    std::vector<Inlined> results;
    char line[4096];
    std::string function;
    bool want_function = true;
    while (std::fgets(line, sizeof line, pipe) != nullptr) {
      line[std::strcspn(line, "\n")] = '\0';
      if (std::strncmp(line, "0x", 2) == 0 && want_function) {
        results.emplace_back();
      } else if (want_function) {
        function = line;
        want_function = false;
      } else {
        if (!results.empty()) results.back().emplace_back(function, line);
        want_function = true;
      }
    }
    ::pclose(pipe);
    for (std::size_t i = 0; i < entries.size() && i < results.size(); ++i) {
      out[entries[i].first] = results[i];
    }
  }
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

// "BoundedQueue<int>::pop" from "solution::BoundedQueue<int>::pop() const": no namespaces the
// reader did not write, no parameters.
std::string short_function(std::string name) {
  for (const char* noise : {"(anonymous namespace)::", "solution::", "kata::"}) {
    for (auto at = name.find(noise); at != std::string::npos; at = name.find(noise)) {
      name.erase(at, std::strlen(noise));
    }
  }
  std::size_t cut = 0;
  while ((cut = name.find('(', cut)) != std::string::npos && cut >= 6 &&
         name.compare(cut - 6, 6, "lambda") == 0) {
    ++cut;
  }
  if (cut != std::string::npos) name.erase(cut);
  return name.size() > 60 ? "..." + name.substr(name.size() - 57) : name;
}

}  // namespace

std::vector<std::string> describe_locations(const std::vector<Frames>& all) {
  std::vector<void*> pcs;
  for (const Frames& frames : all)
    pcs.insert(pcs.end(), frames.pc.begin(), frames.pc.begin() + frames.depth);
  std::map<void*, Inlined> symbols = symbolize(pcs);
  std::vector<std::string> out;
  for (const Frames& frames : all) {
    std::string text;
    for (int i = 0; i < frames.depth && text.empty(); ++i) {
      auto it = symbols.find(frames.pc[i]);
      if (it == symbols.end()) continue;
      for (const auto& [function, location] : it->second) {
        if (!ours_or_system(location)) {
          text = " at " + basename_of(location) + " (" + short_function(function) + ")";
          break;
        }
      }
    }
    out.push_back(text);
  }
  return out;
}

void Trace::reset() {
  steps_ = 0;
  kept_ = 0;
  ring_ = {};
}

void Trace::note(int thread, const char* op, const void* object, const Frames& where) {
  Step& step = ring_[kept_ % kKept];
  step = Step{++steps_, thread, op, object, where};
  ++kept_;
}

std::string Trace::render(const std::vector<Frames>& also,
                          std::vector<std::string>* also_text) const {
  long first = kept_ < kKept ? 0 : kept_ - kKept;
  std::vector<Frames> all = also;
  for (long n = first; n < kept_; ++n) all.push_back(ring_[n % kKept].where);
  std::vector<std::string> where = describe_locations(all);
  if (also_text != nullptr) also_text->assign(where.begin(), where.begin() + also.size());
  std::string text = kTraceHead + std::to_string(kept_ - first) + " of " + std::to_string(steps_) +
                     " steps" + (kept_ < steps_ ? " (a spin's repeats left out):\n" : ":\n");
  for (long n = first; n < kept_; ++n) {
    const Step& step = ring_[n % kKept];
    char head[160];
    std::snprintf(head, sizeof head, "%s%-6ld thread %-2d %-32s", kTraceStep, step.number,
                  step.thread, step.op);
    text += head + where[also.size() + (n - first)] + "\n";
  }
  return text;
}

}  // namespace kata_sched
