#include "listener.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "harness/config.h"
#include "harness/watchdog.h"
#include "scheduler.h"

namespace kata_sched {
namespace {

// A budget of schedules per test is gtest's --gtest_repeat=N: repetition i > 0 runs the schedule
// derived from the seed and i, so each repetition explores another one even with KATA_SEED fixed;
// the seed it prints replays it alone.
int g_iteration = 0;

// The running test's full name, kept as it starts: a failure is reported with gtest's own mutex
// held, so current_test_info() cannot be asked then.
char g_test[512] = "(no test)";

std::uint64_t derive(std::uint64_t seed, int iteration) {
  if (iteration == 0) return seed;
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(iteration);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) % 1000000000000ULL;
}

std::uint64_t schedule_seed() {
  const char* fixed = std::getenv(kScheduleVariable);
  if (fixed == nullptr || *fixed == '\0') return derive(harness::seed(), g_iteration);
  char* end = nullptr;
  unsigned long long value = std::strtoull(fixed, &end, 10);
  if (*end != '\0') {
    std::fprintf(stderr, "%s=%s: want a non-negative integer\n", kScheduleVariable, fixed);
    std::exit(2);
  }
  return derive(value, g_iteration);
}

// Ascending values as KATA_SCHED_SKIP reads them, runs as ranges: "3,8-15,40".
std::string joined(const std::vector<long>& values) {
  std::string text;
  for (std::size_t i = 0; i < values.size();) {
    std::size_t j = i;
    while (j + 1 < values.size() && values[j + 1] == values[j] + 1) ++j;
    text += (text.empty() ? "" : ",") + std::to_string(values[i]);
    if (j > i) text += "-" + std::to_string(values[j]);
    i = j + 1;
  }
  return text;
}

// "KATA_SCHEDULE=<n> KATA_SEED=<m>", and the preemption bound when there is one: what replays
// this session's schedule.
std::string replay_variables() {
  std::string text = std::string(kScheduleVariable) + "=" + std::to_string(session_seed()) + " " +
                     harness::kSeedVariable + "=" + std::to_string(harness::seed());
  if (preemption_bound() >= 0) {
    text += std::string(" ") + kPreemptionsVariable + "=" + std::to_string(preemption_bound());
  }
  if (!skipped_preemptions().empty()) {
    text += std::string(" ") + kSkippedVariable + "=" + joined(skipped_preemptions());
  }
  return text;
}

// Shrinking (KATA_SCHED_SHRINK=1; off by default, it reruns the test): after a test's first
// failure, its schedule runs again in child processes of this binary, that test alone, with fewer
// preemptions (scheduler.h), and the smallest set under which a child fails the same way (the same
// exit code, and `signature` in its output: the failed assertion's file:line, or the verdict's
// kind) is printed with its replay line and its trace. Two passes:
// - a bound, bisected between 0 and the number the failing run made. It keeps the strategy's
//   choices and refuses only the switches past it: the failing run with its later preemptions
//   taken out. Under bound B the run is the failing one up to its B-th preemption, so the
//   preemptions it makes are attempts 0 to B-1;
// - then those preemptions refused one group at a time (halves, quarters, ... single ones, as
//   delta debugging does), keeping each refusal under which the child still fails alike: the
//   preemptions in the middle that the failure did not need (the threads' start, a lookup that
//   did not race). The bound falls by one for each, so the run makes exactly the attempts left.
// The result is small (no kept preemption can be refused alone), not the smallest there is.
constexpr int kShrinkTries = 14;    // bisecting up to 16383 preemptions
constexpr int kRefusalTries = 100;  // children of the second pass
// A child's limits: its watchdog's, and timeout(1)'s SIGKILL for a watchdog that cannot report
// (blocked on gtest's mutex, held by a parked thread: docs/schedules.md).
constexpr char kShrinkTestLimitMs[] = "8000";
constexpr char kShrinkKillSeconds[] = "10";

bool shrinking_wanted() {
  const char* text = std::getenv(kShrinkVariable);
  return text != nullptr && std::strcmp(text, "1") == 0 && preemption_bound() < 0;
}

// Runs this binary on `test` alone with `environment` added; its exit code (-1 if it did not
// exit) and what it printed.
int run_child(const std::string& test, const std::vector<std::string>& environment,
              std::string* output) {
  char path[] = "/tmp/kata-sched-shrink-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return -1;
  char exe[4096];
  const ssize_t length = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (length <= 0) {
    ::close(fd);
    ::unlink(path);
    return -1;
  }
  exe[length] = '\0';
  std::vector<std::string> args = {"timeout",          "-s", "KILL",
                                   kShrinkKillSeconds, exe,  "--gtest_filter=" + test,
                                   "--gtest_fail_fast"};
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    bool replaced = false;
    for (const std::string& mine : environment) {
      if (entry.compare(0, mine.find('=') + 1, mine, 0, mine.find('=') + 1) == 0) replaced = true;
    }
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), environment.begin(), environment.end());
  std::vector<char*> argv, envp;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, fd, STDOUT_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, fd, STDERR_FILENO);
  pid_t pid = 0;
  int status = 0;
  int code = -1;
  if (::posix_spawnp(&pid, "timeout", &actions, nullptr, argv.data(), envp.data()) == 0 &&
      ::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    code = WEXITSTATUS(status);
  }
  ::posix_spawn_file_actions_destroy(&actions);
  output->clear();
  ::lseek(fd, 0, SEEK_SET);
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) output->append(buffer, n);
  ::close(fd);
  ::unlink(path);
  return code;
}

// Heads the schedule printed under a failed assertion; shrinking finds it in a child's output.
constexpr char kAssertionScheduleHead[] = "  the schedule up to this failure";

// The failure's report in a child's output: the verdict or the assertion's schedule, up to its
// replay line (the child's own, for the schedule it ran).
std::string failure_section(const std::string& output) {
  std::size_t from = output.find(kAssertionScheduleHead);
  if (from == std::string::npos) from = output.find(std::string(harness::protocol::kSched) + ": ");
  if (from == std::string::npos) return "";
  std::size_t to = output.find("  replay: ", from);
  return output.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

std::string shrink(const std::string& test, int exit_code, const std::string& signature) {
  const long made = preemptions();
  const std::string schedule = std::to_string(session_seed());
  const std::string seed = std::to_string(harness::seed());
  std::string output, shrunk_output;
  auto fails_alike = [&](long bound, const std::vector<long>& skipped) {
    std::vector<std::string> environment = {
        std::string(kScheduleVariable) + "=" + schedule,
        std::string(harness::kSeedVariable) + "=" + seed,
        std::string(kPreemptionsVariable) + "=" + std::to_string(bound),
        std::string(kSkippedVariable) + "=" + joined(skipped),
        std::string(kShrinkVariable) + "=0",
        std::string("KATA_TEST_LIMIT_MS=") + kShrinkTestLimitMs};
    const bool alike = run_child(test, environment, &output) == exit_code &&
                       output.find(signature) != std::string::npos;
    if (alike) shrunk_output = output;
    return alike;
  };
  // Under the bound `made` the schedule is the failing one. Bisect for the smallest bound that
  // still fails alike (failing need not be monotonic in the bound: this finds one such bound, not
  // always the least).
  long low = 0, high = made;
  for (int tries = 0; tries < kShrinkTries && low < high; ++tries) {
    const long middle = low + (high - low) / 2;
    if (fails_alike(middle, {})) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  std::vector<long> kept, skipped;
  for (long attempt = 0; attempt < high; ++attempt) kept.push_back(attempt);
  int tries = 0;
  for (std::size_t group = std::max<std::size_t>(1, kept.size() / 2);
       !kept.empty() && tries < kRefusalTries; group = std::max<std::size_t>(1, group / 2)) {
    for (std::size_t first = 0; first < kept.size() && tries < kRefusalTries; ++tries) {
      const std::size_t last = std::min(kept.size(), first + group);
      std::vector<long> more = skipped;
      more.insert(more.end(), kept.begin() + first, kept.begin() + last);
      std::sort(more.begin(), more.end());
      if (fails_alike(high - static_cast<long>(last - first), more)) {
        high -= static_cast<long>(last - first);
        skipped = more;
        kept.erase(kept.begin() + first, kept.begin() + last);
      } else {
        first = last;
      }
    }
    if (group == 1) break;
  }
  if (high >= made) {
    return kShrunkMarker + std::string("no schedule with fewer than its ") + std::to_string(made) +
           " preemptions fails the same way\n";
  }
  std::string replay = std::string(kScheduleVariable) + "=" + schedule + " " +
                       harness::kSeedVariable + "=" + seed + " " + kPreemptionsVariable + "=" +
                       std::to_string(high);
  if (!skipped.empty()) replay += std::string(" ") + kSkippedVariable + "=" + joined(skipped);
  return kShrunkMarker + std::string("the same failure with ") + std::to_string(high) +
         " preemptions (of " + std::to_string(made) + "): replay: " + replay + "\n" +
         failure_section(shrunk_output);
}

// The verdict ends the test the way the watchdog does, naming it, with its own marker.
[[noreturn]] void report_verdict(const std::string& text) {
  std::string shrunk;
  if (shrinking_wanted()) {
    const char* signature =
        text.rfind("every test thread is blocked", 0) == 0        ? "every test thread is blocked"
        : text.find(" runs alone, at step ") != std::string::npos ? " runs alone, at step "
                                                                  : " spins, at step ";
    shrunk = shrink(g_test, harness::kWatchdogExitCode, signature);
  }
  if (!shrunk.empty()) shrunk = "\n" + shrunk.substr(0, shrunk.size() - 1);  // its newline
  harness::abandon_test(text + "  replay: " + replay_variables() + shrunk,
                        harness::protocol::kSched);
}

// A crash in a test thread (a corrupted list followed to freed memory, a double free) is the
// interleaving's doing as much as a failed assertion: it is reported as a verdict, with the replay
// line and then the steps that led to it. The heap may be what is corrupted, so the verdict line
// is written first without allocating; a second fault while the trace is rendered ends the process
// with the signal, after it.
void on_crash(int signal) {
  std::signal(signal, SIG_DFL);
  const long step = stop_for_crash();
  const auto schedule = static_cast<unsigned long long>(session_seed());
  char bound[512] = "";
  int used = 0;
  if (preemption_bound() >= 0) {
    used = std::snprintf(bound, sizeof bound, " %s=%ld", kPreemptionsVariable, preemption_bound());
  }
  // The refused attempts as joined() writes them, without allocating.
  const std::vector<long>& skipped = skipped_preemptions();
  for (std::size_t i = 0, j = 0; i < skipped.size(); i = j + 1) {
    for (j = i; j + 1 < skipped.size() && skipped[j + 1] == skipped[j] + 1;) ++j;
    if (used < 0 || used >= int{sizeof bound}) break;
    used += i == 0 ? std::snprintf(bound + used, sizeof bound - used, " %s=%ld", kSkippedVariable,
                                   skipped[i])
                   : std::snprintf(bound + used, sizeof bound - used, ",%ld", skipped[i]);
    if (j > i && used >= 0 && used < int{sizeof bound}) {
      used += std::snprintf(bound + used, sizeof bound - used, "-%ld", skipped[j]);
    }
  }
  // No step when the fault is inside the scheduler's own bookkeeping (a heap the test corrupted
  // broke its maps: aba_prone_pop_deletes_at_once's did in 1 of 7 runs) or in a thread it does not
  // run: still a verdict with its replay line, but no trace, which needs the scheduler's state.
  char where[64] = "inside the scheduler (no trace)";
  if (step >= 0) std::snprintf(where, sizeof where, "at step %ld", step);
  char line[1024];
  int n = std::snprintf(line, sizeof line,
                        "\n%s: %s: the process crashed (signal %d, %s) %s (schedule "
                        "%llu)\n  replay: %s=%llu %s=%llu%s\n",
                        harness::protocol::kSched, g_test, signal, sigabbrev_np(signal), where,
                        schedule, kScheduleVariable, schedule, harness::kSeedVariable,
                        static_cast<unsigned long long>(harness::seed()), bound);
  std::fflush(stdout);
  if (n > 0) (void)!::write(STDERR_FILENO, line, std::min<std::size_t>(n, sizeof line - 1));
  if (step < 0) std::_Exit(harness::kWatchdogExitCode);
  std::string trace = stopped_trace();
  std::fprintf(stderr, "%s", trace.c_str());
  std::fflush(stderr);
  std::printf("[  FAILED  ] %s (SCHED)\n", g_test);
  std::fflush(stdout);
  std::_Exit(harness::kWatchdogExitCode);
}

class Listener : public ::testing::EmptyTestEventListener {
  void OnTestIterationStart(const ::testing::UnitTest&, int iteration) override {
    if (failed_) {
      // gtest wrote its report of the failing repetition when it ended; more would overwrite it.
      std::printf("[  FAILED  ] stopped after repetition %d, the first that failed\n", iteration);
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(1);
    }
    g_iteration = iteration;
  }
  void OnTestIterationEnd(const ::testing::UnitTest& unit, int) override {
    failed_ = unit.Failed();
  }
  void OnTestStart(const ::testing::TestInfo& info) override {
    std::snprintf(g_test, sizeof g_test, "%s.%s", info.test_suite_name(), info.name());
    std::uint64_t seed = schedule_seed();
    std::printf("%s%llu\n", kScheduleMarker, static_cast<unsigned long long>(seed));
    std::fflush(stdout);
    set_verdict_handler(report_verdict);
    traced_ = false;
    begin_session(seed);
  }
  // The schedule that led to a test's first failed assertion, printed under it.
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed() || traced_) return;
    traced_ = true;
    std::string trace = trace_so_far();
    if (trace.empty()) return;
    std::printf("%s (schedule %llu):\n%s", kAssertionScheduleHead,
                static_cast<unsigned long long>(session_seed()), trace.c_str());
    std::fflush(stdout);
    if (shrinking_wanted() && !shrunk_) {
      // Its own line, so that a child fails "the same way" only at the same assertion.
      signature_ = std::string(result.file_name() != nullptr ? result.file_name() : "") + ":" +
                   std::to_string(result.line_number()) + ": Failure";
    }
    if (GTEST_FLAG_GET(fail_fast) && self() != nullptr) {
      // Nothing after this failure will be reported, and the test's threads would go on with what
      // the failure found broken (a list with a cycle, a node freed twice) until the watchdog or a
      // crash ends them. One thread runs at a time: stop here, the failure and its schedule said.
      std::printf("  replay: %s\n[  FAILED  ] %s (first failure, fail-fast)\n",
                  replay_variables().c_str(), g_test);
      if (!signature_.empty()) std::printf("%s", shrink(g_test, 1, signature_).c_str());
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(1);
    }
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    end_session();
    if (info.result()->Failed()) {
      std::printf("  schedule %llu: replay with %s\n",
                  static_cast<unsigned long long>(session_seed()), replay_variables().c_str());
      if (!signature_.empty()) {
        std::printf("%s", shrink(g_test, 1, signature_).c_str());
        signature_.clear();  // the first failing test only: each shrink reruns it several times
        shrunk_ = true;
      }
    }
  }

  bool traced_ = false;
  bool shrunk_ = false;
  std::string signature_;  // the first failure's, while it waits to be shrunk
  bool failed_ = false;
};

}  // namespace

::testing::TestEventListener* make_listener() {
  for (int signal : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) std::signal(signal, on_crash);
  return new Listener;
}

void apply_budget() {
  if (GTEST_FLAG_GET(repeat) != 1) return;  // the user's --gtest_repeat
  const char* fixed = std::getenv(kScheduleVariable);
  if (fixed != nullptr && *fixed != '\0') return;  // a replay: that one schedule
  int budget = kDefaultBudget;
  if (const char* text = std::getenv(kBudgetVariable); text != nullptr && *text != '\0') {
    char* end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (*end != '\0' || value < 1 || value > 1000000) {
      std::fprintf(stderr, "%s=%s: want a number of schedules from 1 to 1000000\n", kBudgetVariable,
                   text);
      std::exit(2);
    }
    budget = static_cast<int>(value);
  }
  GTEST_FLAG_SET(repeat, budget);
}

}  // namespace kata_sched
