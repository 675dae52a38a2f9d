// Textbook: a Treiber stack with hazard pointers as "C++ Concurrency in Action" (7.2.3) writes
// them: a fixed table of hazard slots, one owned by each thread through a thread_local, and a
// retired list scanned for nodes no slot names once it grows past twice the table.
// expect-level: 3
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

// The hazard table, shared by every stack in the process.
class HazardTable {
 public:
  static constexpr std::size_t kSlots = 128;

  struct Slot {
    std::atomic<std::thread::id> owner;
    std::atomic<const void*> guarded{nullptr};
  };

  static Slot& mine() {
    thread_local Claim claim;
    return *claim.slot;
  }

  static bool guarded_by_anyone(const void* p) {
    for (std::size_t i = 0; i < kSlots; ++i) {
      if (slots()[i].guarded.load() == p) return true;
    }
    return false;
  }

 private:
  static Slot* slots() {
    static Slot table[kSlots];
    return table;
  }

  // A thread's slot, claimed on its first pop and given back when the thread ends.
  struct Claim {
    Slot* slot = nullptr;
    Claim() {
      for (std::size_t i = 0; i < kSlots; ++i) {
        std::thread::id nobody;
        if (slots()[i].owner.compare_exchange_strong(nobody, std::this_thread::get_id())) {
          slot = &slots()[i];
          return;
        }
      }
      throw std::runtime_error("LockFreeStack: more than 128 threads popping");
    }
    ~Claim() {
      slot->guarded.store(nullptr);
      slot->owner.store(std::thread::id());
    }
  };
};

template <class T, class Allocator = std::allocator<T>>
class LockFreeStack {
  struct Node {
    explicit Node(T&& value) : data(std::move(value)) {}
    T data;
    Node* next = nullptr;
    Node* next_retired = nullptr;
  };
  using NodeAlloc = typename std::allocator_traits<Allocator>::template rebind_alloc<Node>;
  using Traits = std::allocator_traits<NodeAlloc>;

 public:
  LockFreeStack() = default;
  explicit LockFreeStack(const Allocator& alloc) : nodes_(alloc) {}

  ~LockFreeStack() {
    free_chain(head_.load(), &Node::next);
    free_chain(retired_.load(), &Node::next_retired);
  }

  LockFreeStack(const LockFreeStack&) = delete;
  LockFreeStack& operator=(const LockFreeStack&) = delete;

  void push(T value) {
    Node* n = Traits::allocate(nodes_, 1);
    Traits::construct(nodes_, n, std::move(value));
    n->next = head_.load();
    while (!head_.compare_exchange_weak(n->next, n)) {
    }
  }

  std::optional<T> pop() {
    HazardTable::Slot& hp = HazardTable::mine();
    Node* old_head = head_.load();
    do {
      // Guard old_head, and make sure it was still the head after it was guarded.
      Node* seen;
      do {
        seen = old_head;
        hp.guarded.store(seen);
        old_head = head_.load();
      } while (old_head != seen);
    } while (old_head && !head_.compare_exchange_strong(old_head, old_head->next));
    hp.guarded.store(nullptr);
    if (old_head == nullptr) return std::nullopt;
    std::optional<T> out(std::move(old_head->data));
    if (HazardTable::guarded_by_anyone(old_head)) {
      retire(old_head);
    } else {
      destroy(old_head);
    }
    if (retired_count_.load() > 2 * HazardTable::kSlots) reclaim();
    return out;
  }

  bool empty() const { return head_.load() == nullptr; }

 private:
  void retire(Node* n) {
    n->next_retired = retired_.load();
    while (!retired_.compare_exchange_weak(n->next_retired, n)) {
    }
    retired_count_.fetch_add(1);
  }

  void reclaim() {
    Node* list = retired_.exchange(nullptr);
    while (list) {
      Node* following = list->next_retired;
      retired_count_.fetch_sub(1);
      if (HazardTable::guarded_by_anyone(list)) {
        retire(list);
      } else {
        destroy(list);
      }
      list = following;
    }
  }

  void destroy(Node* n) {
    Traits::destroy(nodes_, n);
    Traits::deallocate(nodes_, n, 1);
  }

  void free_chain(Node* n, Node* Node::*link) {
    while (n) {
      Node* following = n->*link;
      destroy(n);
      n = following;
    }
  }

  NodeAlloc nodes_;
  std::atomic<Node*> head_{nullptr};
  std::atomic<Node*> retired_{nullptr};
  std::atomic<std::size_t> retired_count_{0};
};

}  // namespace kata
