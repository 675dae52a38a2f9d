// Recording a concurrent history for the linearizability checker (harness/lin/checker.h).
//
//   harness::lin::Recorder<QueueOp, QueueResult> recorder(threads);
//   // in thread t:
//   recorder.record(t, QueueOp::push(7), [&] { return QueueResult::of(queue.push(7)); });
//   // after every thread has finished:
//   auto history = recorder.history();
//
// Each call is stamped twice from one atomic counter: just before the call (its invocation) and
// just after it returns (its response). The operation took effect somewhere between the two stamps,
// so when a's response stamp is below b's invocation stamp, a really finished before b started.
// Each thread appends to its own buffer (no lock, no shared write but the counter): the recorder
// must not serialise the threads, or it would hide the very interleavings the checker looks for.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace harness::lin {

// One completed call: who made it, when (invocation and response stamps, call < ret), what was
// asked, and what came back.
template <class Op, class Result>
struct Operation {
  int thread = 0;
  std::uint64_t call = 0;
  std::uint64_t ret = 0;
  Op op{};
  Result result{};
};

template <class Op, class Result>
using History = std::vector<Operation<Op, Result>>;

template <class Op, class Result>
class Recorder {
 public:
  using Entry = Operation<Op, Result>;

  // `threads` callers, numbered 0..threads-1; each must use only its own number.
  explicit Recorder(int threads) : buffers_(static_cast<std::size_t>(threads)) {}

  // Runs `call` (which returns a Result) as thread `thread`'s operation `op`, and records it.
  // An exception from `call` propagates and nothing is recorded.
  template <class F>
  Result record(int thread, const Op& op, F&& call) {
    // acquire: the call's own memory accesses cannot move above its invocation stamp; release
    // (below): they cannot move below its response stamp. Relaxed stamps could shrink the interval
    // and make a correct implementation look wrong.
    std::uint64_t called = clock_.fetch_add(1, std::memory_order_acquire);
    Result result = std::forward<F>(call)();
    std::uint64_t returned = clock_.fetch_add(1, std::memory_order_release);
    buffers_[static_cast<std::size_t>(thread)].entries.push_back(
        Entry{thread, called, returned, op, result});
    return result;
  }

  // Every recorded operation, in invocation order. Call only once the recording threads are done
  // (joined): the buffers are read without synchronisation of their own.
  History<Op, Result> history() const {
    History<Op, Result> all;
    for (const auto& buffer : buffers_) {
      all.insert(all.end(), buffer.entries.begin(), buffer.entries.end());
    }
    std::sort(all.begin(), all.end(),
              [](const Entry& a, const Entry& b) { return a.call < b.call; });
    return all;
  }

  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& buffer : buffers_) n += buffer.entries.size();
    return n;
  }

 private:
  // One cache line per thread, so appends by different threads never share a line.
  struct alignas(64) Buffer {
    std::vector<Entry> entries;
  };
  alignas(64) std::atomic<std::uint64_t> clock_{0};
  std::vector<Buffer> buffers_;
};

}  // namespace harness::lin
