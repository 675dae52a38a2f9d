// The schedule as it ran: one numbered line per scheduling point (thread, operation, and the line
// of the test's or the learner's code it came from), kept for the last steps only, printed with a
// verdict.
#pragma once

#include <array>
#include <string>

namespace kata_sched {

// A call stack, captured at a scheduling point; turned into a source line only when printed.
struct Frames {
  std::array<void*, 12> pc{};
  int depth = 0;
};

// Loads the unwinder before the first test thread needs it (its first use allocates and locks).
void prepare_capture();
Frames capture();
// " at file.h:42 (function)": the innermost frame outside the system headers and the scheduler, or
// "" if none (addr2line missing, or no debug information).
std::string describe_location(const Frames& frames);

class Trace {
 public:
  static constexpr int kKept = 40;  // the steps printed with a verdict
  void reset();
  void note(int thread, const char* op, const void* object, const Frames& where);
  long steps() const { return steps_; }
  std::string render() const;

 private:
  struct Step {
    long number = 0;
    int thread = 0;
    const char* op = "";
    const void* object = nullptr;
    Frames where;
  };
  std::array<Step, kKept> ring_{};
  long steps_ = 0;
};

}  // namespace kata_sched
