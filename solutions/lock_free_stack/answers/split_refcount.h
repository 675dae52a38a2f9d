// Advanced: split reference counts (Williams, "C++ Concurrency in Action" 7.2.4) without a 16-byte
// CAS: the head is one 64-bit word, a 48-bit node address and a 16-bit external count of poppers.
// expect-level: 3
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class T, class Allocator = std::allocator<T>>
class LockFreeStack {
  struct Node;

  // A node address (x86-64 user space: below 2^47) with the count of threads that may read it
  // through this reference, in the top 16 bits.
  class Counted {
   public:
    Counted() = default;
    Counted(Node* n, std::uint64_t count)
        : bits_(reinterpret_cast<std::uintptr_t>(n) | (count << kShift)) {}
    Node* node() const { return reinterpret_cast<Node*>(bits_ & kAddressMask); }
    std::uint64_t count() const { return bits_ >> kShift; }
    Counted plus_one() const { return Counted(node(), count() + 1); }
    bool operator==(const Counted&) const = default;

   private:
    static constexpr int kShift = 48;
    static constexpr std::uint64_t kAddressMask = (std::uint64_t{1} << kShift) - 1;
    std::uint64_t bits_ = 0;
  };

  struct Node {
    explicit Node(T&& v) : payload(std::move(v)) {}
    std::optional<T> payload;
    std::atomic<std::int64_t> internal{0};  // releases minus the external count handed over
    Counted next;                           // fixed before the node is published
  };

  using NodeAlloc = typename std::allocator_traits<Allocator>::template rebind_alloc<Node>;
  using Traits = std::allocator_traits<NodeAlloc>;

 public:
  LockFreeStack() = default;
  explicit LockFreeStack(const Allocator& alloc) : alloc_(alloc) {}

  ~LockFreeStack() {
    for (Node* n = head_.load(std::memory_order_relaxed).node(); n != nullptr;) {
      Node* below = n->next.node();
      release(n);
      n = below;
    }
  }

  LockFreeStack(const LockFreeStack&) = delete;
  LockFreeStack& operator=(const LockFreeStack&) = delete;

  void push(T value) {
    Node* n = Traits::allocate(alloc_, 1);
    Traits::construct(alloc_, n, std::move(value));
    Counted fresh(n, 1);
    n->next = head_.load(std::memory_order_relaxed);
    while (!head_.compare_exchange_weak(n->next, fresh, std::memory_order_release,
                                        std::memory_order_relaxed)) {
    }
  }

  std::optional<T> pop() {
    Counted top = head_.load(std::memory_order_relaxed);
    for (;;) {
      // Count ourselves in on the head before touching the node it names.
      Counted mine;
      do {
        mine = top.plus_one();
      } while (!head_.compare_exchange_strong(top, mine, std::memory_order_acquire,
                                              std::memory_order_relaxed));
      top = mine;
      Node* n = top.node();
      if (n == nullptr) return std::nullopt;
      if (head_.compare_exchange_strong(top, n->next, std::memory_order_relaxed)) {
        std::optional<T> out(std::move(n->payload));
        // Hand the external count over: the other readers still counted in it (all but the
        // list's own reference and ours) each give one back through `internal`.
        const std::int64_t others = static_cast<std::int64_t>(mine.count()) - 2;
        // acq_rel: the losers' reads of this node (their release below) happen before the free.
        if (n->internal.fetch_add(others, std::memory_order_acq_rel) == -others) release(n);
        return out;
      }
      // Book's relaxed decrement races with the winner's free (ThreadSanitizer says so): acq_rel.
      if (n->internal.fetch_sub(1, std::memory_order_acq_rel) == 1) release(n);
    }
  }

  bool empty() const { return head_.load(std::memory_order_acquire).node() == nullptr; }

 private:
  void release(Node* n) {
    Traits::destroy(alloc_, n);
    Traits::deallocate(alloc_, n, 1);
  }

  NodeAlloc alloc_;
  std::atomic<Counted> head_{};
};

}  // namespace kata
