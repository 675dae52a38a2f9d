// Flawed: the Treiber stack of the textbook's first page: CAS on the head to push and to pop, and a
// popped node is simply never freed ("reclamation later"): safe and ABA-free only because it leaks.
// expect-level: 1
// expect-caught-by: Contract.L2_PoppedNodesAreFreed assertion
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class T, class Allocator = std::allocator<T>>
class LockFreeStack {
  struct Cell {
    T item;
    Cell* below;
  };
  using CellAlloc = typename std::allocator_traits<Allocator>::template rebind_alloc<Cell>;
  using Cells = std::allocator_traits<CellAlloc>;

 public:
  LockFreeStack() = default;
  explicit LockFreeStack(const Allocator& alloc) : cells_(alloc) {}

  ~LockFreeStack() {
    Cell* c = top_.load();
    while (c) {
      Cell* below = c->below;
      Cells::destroy(cells_, c);
      Cells::deallocate(cells_, c, 1);
      c = below;
    }
  }

  LockFreeStack(const LockFreeStack&) = delete;
  LockFreeStack& operator=(const LockFreeStack&) = delete;

  void push(T value) {
    Cell* c = Cells::allocate(cells_, 1);
    Cells::construct(cells_, c, Cell{std::move(value), top_.load(std::memory_order_relaxed)});
    while (!top_.compare_exchange_weak(c->below, c, std::memory_order_release,
                                       std::memory_order_relaxed)) {
    }
  }

  std::optional<T> pop() {
    Cell* c = top_.load(std::memory_order_acquire);
    while (c && !top_.compare_exchange_weak(c, c->below, std::memory_order_acquire)) {
    }
    if (!c) return std::nullopt;
    // Never freed: another pop may still be about to read c->below.
    return std::optional<T>(std::move(c->item));
  }

  bool empty() const { return top_.load(std::memory_order_acquire) == nullptr; }

 private:
  CellAlloc cells_;
  std::atomic<Cell*> top_{nullptr};
};

}  // namespace kata
