// The queue under test with every call recorded for the linearizability checker: each call is
// stamped when it starts and when it returns, with the thread that made it, its argument and its
// result (harness/lin/history.h), and watched like every other call (watched_queue.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "harness/lin/history.h"
#include "harness/lin/queue_model.h"
#include "watched_queue.h"

class RecordedQueue {
 public:
  using Op = harness::lin::QueueOp;
  using Result = harness::lin::QueueResult;
  using Item = std::int64_t;

  RecordedQueue(std::size_t capacity, int threads) : queue_(capacity), recorder_(threads) {}

  bool push(int t, Item item) {
    return recorder_.record(t, Op::push(item), [&] { return Result::of(queue_.push(Item{item})); })
        .ok;
  }
  bool try_push(int t, Item item) {
    return recorder_
        .record(t, Op::try_push(item), [&] { return Result::of(queue_.try_push(Item{item})); })
        .ok;
  }
  template <class Rep, class Period>
  bool try_push_for(int t, Item item, std::chrono::duration<Rep, Period> timeout) {
    return recorder_
        .record(t, Op::try_push_for(item),
                [&] { return Result::of(queue_.try_push_for(Item{item}, timeout)); })
        .ok;
  }
  std::optional<Item> pop(int t) {
    return item(recorder_.record(t, Op::pop(), [&] { return Result::of(queue_.pop()); }));
  }
  std::optional<Item> try_pop(int t) {
    return item(recorder_.record(t, Op::try_pop(), [&] { return Result::of(queue_.try_pop()); }));
  }
  template <class Rep, class Period>
  std::optional<Item> try_pop_for(int t, std::chrono::duration<Rep, Period> timeout) {
    return item(recorder_.record(t, Op::try_pop_for(),
                                 [&] { return Result::of(queue_.try_pop_for(timeout)); }));
  }
  void close(int t) {
    recorder_.record(t, Op::close(), [&] {
      queue_.close();
      return Result::of(true);
    });
  }
  bool is_closed(int t) {
    return recorder_.record(t, Op::is_closed(), [&] { return Result::of(queue_.is_closed()); }).ok;
  }
  std::size_t size(int t) {
    return static_cast<std::size_t>(
        recorder_.record(t, Op::size(), [&] { return Result::of_size(queue_.size()); }).value);
  }

  // Every recorded call; only once the threads that made them have finished.
  harness::lin::History<Op, Result> history() const { return recorder_.history(); }

 private:
  static std::optional<Item> item(const Result& r) {
    return r.ok ? std::optional<Item>(r.value) : std::nullopt;
  }

  WatchedQueue<Item> queue_;
  harness::lin::Recorder<Op, Result> recorder_;
};
