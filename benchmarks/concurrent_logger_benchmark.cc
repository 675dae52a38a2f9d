// concurrent_logger: threads log short messages as fast as they can, at 1, 2, 4 and 8 threads (the
// machine may have 2 cores: oversubscription is part of the picture), into a sink that drops the
// records or one that formats them into memory. Measures log() calls per second and the latency of
// one log() call (p50, p99, averaged over threads). The logger is created before the timed loop and
// drained after it, so what is timed is what a caller of log() sees, back-pressure included.
// Rows named BM_LogToNull<impl>/iterations:1/real_time/threads:T (one iteration: a fixed window,
// see kWindow), BM_LogToMemory<impl>/..., and <learner, reference> for the two measured in turns.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "support/bench.h"

#ifdef KATA_HAVE_SPDLOG
#include <spdlog/async.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#endif

namespace {

using kata::Level;
using kata::LogRecord;
using kata::LogSink;
constexpr std::size_t kCapacity = 1024;

// Sinks. Called from one writer thread at a time, by contract.
// Each counts the records written to it (from the one writer thread), for the check that every
// record logged is written once.
struct NullSink : LogSink {
  void write(const LogRecord& record) override {
    benchmark::DoNotOptimize(record.sequence);
    ++written;
  }
  void flush() override {}
  std::int64_t written = 0;
};

// Formats each record as a log line into a buffer, as a file sink would before its write(2).
struct MemorySink : LogSink {
  void write(const LogRecord& record) override {
    out << '[' << record.sequence << "] " << static_cast<int>(record.level) << ' ' << record.thread
        << ' ' << record.message << '\n';
    if (out.tellp() > (1 << 20)) out.str({});
    ++written;
  }
  void flush() override {}
  std::ostringstream out;
  std::int64_t written = 0;
};

template <template <class> class Logger, class Sink>
struct KataAdapter {
  KataAdapter() { logger.emplace(sink, kCapacity); }
  void log(std::string message) { logger->log(Level::kInfo, std::move(message)); }
  // Destroys the logger, which writes every record accepted and stops its writer thread first;
  // then how many records reached the sink.
  std::int64_t drain() {
    logger.reset();
    return sink.written;
  }
  Sink sink;
  std::optional<Logger<Sink>> logger;
};
template <class Sink>
struct LearnerLogger : KATA_LEARNER_NS::ConcurrentLogger {
  LearnerLogger(Sink& sink, std::size_t capacity)
      : KATA_LEARNER_NS::ConcurrentLogger(sink, capacity) {}
};
template <class Sink>
struct ReferenceLogger : solution::ConcurrentLogger {
  ReferenceLogger(Sink& sink, std::size_t capacity) : solution::ConcurrentLogger(sink, capacity) {}
};
template <class Sink>
using learner = KataAdapter<LearnerLogger, Sink>;
template <class Sink>
using reference = KataAdapter<ReferenceLogger, Sink>;

// The baseline: no writer thread; the caller writes to the sink itself, under one mutex.
template <class Sink>
struct synchronous {
  void log(std::string message) {
    std::lock_guard lock(mutex);
    sink.write(LogRecord{next++, std::this_thread::get_id(), Level::kInfo, std::move(message)});
  }
  std::int64_t drain() { return sink.written; }
  std::mutex mutex;
  std::uint64_t next = 0;
  Sink sink;
};

#ifdef KATA_HAVE_SPDLOG
// spdlog's async logger: a bounded queue (blocking when full) and one worker thread, like ours.
template <class Sink>
class SpdlogSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    record.sequence++;
    record.message.assign(msg.payload.data(), msg.payload.size());
    sink.write(record);
  }
  void flush_() override {}
  Sink sink;
  LogRecord record{0, {}, Level::kInfo, {}};
};
template <class Sink>
struct spdlog_async {
  spdlog_async()
      : pool(std::make_shared<spdlog::details::thread_pool>(kCapacity, 1)),
        logger(std::make_shared<spdlog::async_logger>("bench", std::make_shared<SpdlogSink<Sink>>(),
                                                      pool, spdlog::async_overflow_policy::block)) {
  }
  ~spdlog_async() { logger->flush(); }
  void log(std::string message) { logger->info(message); }
  std::shared_ptr<spdlog::details::thread_pool> pool;
  std::shared_ptr<spdlog::async_logger> logger;
};
#endif

constexpr int kCallsPerBatch = 16;
// Each implementation gets this much wall time a repetition (bench::for_window).
constexpr std::chrono::milliseconds kWindow(50);

// One logger per implementation for all the benchmark's threads: made by thread 0 before the timed
// loop (the others wait at its start) and drained after it, outside the timed loop, by the last
// of the row's threads to leave its loop.
template <class Logger>
std::unique_ptr<Logger>& shared() {
  static std::unique_ptr<Logger> logger;
  return logger;
}

// The log() calls the row's threads made on each logger ([0] the first's, [1] the second's in
// turns), and how many threads have added theirs. One per body (rows run one at a time): thread 0
// resets it before the row's start barrier; the threads add after its end barrier.
struct RowCalls {
  std::atomic<std::int64_t> calls[2] = {0, 0};
  std::atomic<int> finished{0};
  bench::ThreadCensus census;  // taken before the loggers are made
};

// Every record logged is written once: the sink saw as many records as the row's threads logged,
// once the logger is drained. The last thread to add its calls destroys the loggers and checks;
// a logger whose records cannot be counted (a peer's sink is its own) is only destroyed.
template <class... Loggers>
void drain_and_check(benchmark::State& state, RowCalls& row) {
  int which = 0;
  auto one = [&](auto& logger) {
    const std::int64_t calls = row.calls[which++];
    if constexpr (requires { logger->drain(); }) {
      const std::int64_t written = logger->drain();
      if (written != calls && !state.error_occurred()) {
        bench::contract_broken(state, std::to_string(calls) + " records logged, " +
                                          std::to_string(written) + " written");
      }
    }
    logger.reset();
  };
  (one(shared<Loggers>()), ...);
  row.census.check(state, "after the row's loggers were destroyed");
}

// log() calls into Sink through one logger, or through the learner's and the reference's in turns
// (bench::for_window); with one logger, the latency of the first call of each batch (in turns the
// samples would be of both, so none are taken).
template <class Sink, class... Loggers>
void log_calls(benchmark::State& state) {
  constexpr bool kSampled = sizeof...(Loggers) == 1;
  static RowCalls row;
  if (state.thread_index() == 0) {
    row.calls[0] = row.calls[1] = 0;
    row.finished = 0;
    row.census = bench::ThreadCensus(state);
    if (!bench::guarded(state, [] { ((shared<Loggers>() = std::make_unique<Loggers>()), ...); })) {
      return;
    }
  }
  std::vector<std::int64_t> samples;
  std::int64_t calls[2] = {0, 0};
  using First = std::tuple_element_t<0, std::tuple<Loggers...>>;
  auto batch = [&](auto& logger) {
    if (logger == nullptr) throw std::runtime_error("logger not constructed");  // by thread 0
    if constexpr (kSampled) {
      const std::int64_t start = bench::now_ns();
      logger->log("request 4711 served in 12 ms");
      samples.push_back(bench::now_ns() - start);
    } else {
      logger->log("request 4711 served in 12 ms");
    }
    for (int i = 1; i < kCallsPerBatch; ++i) logger->log("request 4711 served in 12 ms");
    // Read here, past the start barrier: thread 0 makes the loggers before it.
    const void* first = shared<First>().get();
    calls[static_cast<const void*>(logger.get()) == first ? 0 : 1] += kCallsPerBatch;
  };
  bench::for_window(state, kWindow, kCallsPerBatch, batch, shared<Loggers>()...);
  if constexpr (kSampled) {
    bench::Latencies latencies;
    latencies.add(samples);
    latencies.report(state);
    for (const char* name : {"p50_ns", "p99_ns"}) {
      if (state.counters.count(name)) {
        state.counters[name] =
            benchmark::Counter(state.counters[name], benchmark::Counter::kAvgThreads);
      }
    }
  }
  row.calls[0] += calls[0];
  row.calls[1] += calls[1];
  if (row.finished.fetch_add(1) + 1 == state.threads()) {
    bench::guarded(state, [&] { drain_and_check<Loggers...>(state, row); });
  }
}

// BM_LogToNull<impl> / BM_LogToMemory<impl>: one implementation. <learner, reference>: the two in
// turns, at every thread count (bench::Turns::kEveryThreadCount: docs/benchmarks.md).
template <template <class> class... Impls>
void BM_LogToNull(benchmark::State& state) {
  log_calls<NullSink, Impls<NullSink>...>(state);
}
template <template <class> class... Impls>
void BM_LogToMemory(benchmark::State& state) {
  log_calls<MemorySink, Impls<MemorySink>...>(state);
}

void log_args(benchmark::internal::Benchmark* b) { b->UseRealTime()->Iterations(1); }

KATA_LEARNER_AND_REFERENCE(BM_LogToNull, log_args, kEveryThreadCount);
KATA_LEARNER_AND_REFERENCE(BM_LogToMemory, log_args, kEveryThreadCount);
#define KATA_LOG_BENCHMARKS(impl)                                                           \
  BENCHMARK_TEMPLATE(BM_LogToNull, impl)->Apply(log_args)->Apply(bench::all_thread_counts); \
  BENCHMARK_TEMPLATE(BM_LogToMemory, impl)->Apply(log_args)->Apply(bench::all_thread_counts)

KATA_LOG_BENCHMARKS(synchronous);
#ifdef KATA_HAVE_SPDLOG
KATA_LOG_BENCHMARKS(spdlog_async);
#endif

}  // namespace

// Its rows swing 3-5x between repetitions of the same code (the writer thread's schedule against
// the callers'). In turns, the self-check ratio's standard deviation over 8 runs was 0.018 at 15 s
// and 0.012 at 30 s (docs/scoring.md, Calibration).
KATA_GRADER_SECONDS(30);
// The logger's writer thread works beside the row's threads (bench::RowCpu).
KATA_CLASS_RUNS_THREADS();

BENCHMARK_MAIN();
