// Reference solution of the lock_free_stack kata: a Treiber stack with hazard pointers (Michael,
// "Hazard Pointers: Safe Memory Reclamation for Lock-Free Objects", 2004).
//
// Why hazard pointers, and not a tagged head: a counted head (pointer + tag, or Williams' split
// reference count) needs a 16-byte compare-and-swap, and with g++ 12 on x86-64 std::atomic of a
// 16-byte struct is not lock-free (is_lock_free() is false even with -mcx16: libatomic serves it,
// and a header cannot add -mcx16 or -latomic to the build anyway). Hazard pointers need only
// word-sized atomics, and they solve both problems at once: a node a popper has announced is never
// freed, so its `next` is never read after a free, and its address is never handed out again while
// the popper may still compare against it, so there is no ABA.
//
// Why it is correct, in short:
//  - Linearization points: push() at its successful CAS on head_; pop() that returns an item at its
//    successful CAS on head_; pop() that returns nothing, and empty(), at the load of head_ that
//    saw nullptr.
//  - Publication: push() writes the node's value and next, then CASes head_ with release; every
//    load of head_ that leads to reading a node is acquire (or seq_cst), and the pops' CASes on
//    head_ are read-modify-writes, which continue the release sequence. So a popper reads the value
//    and next exactly as the pusher wrote them.
//  - Protection: pop() announces the head in its hazard slot (seq_cst store), then reads head_
//  again
//    (seq_cst) and goes on only if it is unchanged. The reclaimer unlinks a node with a seq_cst CAS
//    before it reads the hazard slots (seq_cst loads). In the single order of seq_cst operations
//    either the announcement comes first, and the reclaimer sees it and keeps the node, or the
//    unlinking comes first, and the re-read sees a new head and the popper starts over. So a node
//    is freed only once no popper can still read it, and an address that comes back from the
//    allocator can be compared against only after it was announced afresh: no ABA.
//  - Exclusive ownership after the CAS: only the popper whose CAS unlinked a node moves its value
//    out and retires it; other poppers that announced it read only its `next`, which no one writes
//    after publication.
//  - Reclamation: retired nodes wait on a lock-free list; when it holds more than twice the hazard
//    slots plus 64, the retiring thread takes the whole list, frees every node no slot announces,
//    and puts the rest back. So at most (2 slots + 64) + slots retired nodes wait when no call
//    runs: far within the contract's 1024 for any number of threads the tests use.
//  - Lock-free: every loop retries only because another thread's CAS on the same word succeeded
//    (some thread made progress); a popper never waits for another, and a paused thread holds no
//    lock, only at most one hazard slot and one node.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace solution {

template <class T, class Allocator = std::allocator<T>>
class LockFreeStack {
  struct Node {
    explicit Node(T&& v) : value(std::move(v)) {}
    T value;
    Node* next = nullptr;          // written before the node is published, never after
    Node* retired_next = nullptr;  // the retired list's link, written only by the retirer
  };

  // One hazard slot, claimed by one pop() at a time; slots are never freed before the destructor,
  // so a thread may read any slot at any time.
  struct HazardSlot {
    std::atomic<Node*> hazard{nullptr};
    std::atomic<bool> claimed{false};
    HazardSlot* next = nullptr;  // written before the slot is published, never after
  };

  using NodeAlloc = typename std::allocator_traits<Allocator>::template rebind_alloc<Node>;
  using NodeTraits = std::allocator_traits<NodeAlloc>;

 public:
  LockFreeStack() : LockFreeStack(Allocator()) {}
  explicit LockFreeStack(const Allocator& alloc) : alloc_(alloc) {}

  ~LockFreeStack() {
    for (Node* n = head_.load(std::memory_order_relaxed); n != nullptr;) {
      Node* next = n->next;
      free_node(n);
      n = next;
    }
    for (Node* n = retired_.load(std::memory_order_relaxed); n != nullptr;) {
      Node* next = n->retired_next;
      free_node(n);
      n = next;
    }
    for (HazardSlot* s = slots_.load(std::memory_order_relaxed); s != nullptr;) {
      HazardSlot* next = s->next;
      delete s;
      s = next;
    }
  }

  LockFreeStack(const LockFreeStack&) = delete;
  LockFreeStack& operator=(const LockFreeStack&) = delete;

  void push(T value) {
    Node* node = NodeTraits::allocate(alloc_, 1);
    NodeTraits::construct(alloc_, node, std::move(value));
    Node* top = head_.load(std::memory_order_relaxed);
    do {
      node->next = top;  // on failure the CAS reloaded `top`: link to the new head
    } while (!head_.compare_exchange_weak(top, node, std::memory_order_release,
                                          std::memory_order_relaxed));
  }

  std::optional<T> pop() {
    HazardSlot* slot = claim_slot();
    Node* top = nullptr;
    for (;;) {
      top = protect_head(slot);
      if (top == nullptr) break;
      // `top` is announced, so it is not freed: its next is safe to read, and if head_ still holds
      // this address it is this very node.
      if (head_.compare_exchange_strong(top, top->next, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        break;
      }
    }
    slot->hazard.store(nullptr, std::memory_order_release);
    slot->claimed.store(false, std::memory_order_release);
    if (top == nullptr) return std::nullopt;
    std::optional<T> result(std::move(top->value));
    retire(top);
    return result;
  }

  bool empty() const { return head_.load(std::memory_order_acquire) == nullptr; }

 private:
  // Announces the current head in `slot` and returns it once head_ is seen unchanged after the
  // announcement (nullptr: the stack was empty at that load).
  Node* protect_head(HazardSlot* slot) {
    Node* top = head_.load(std::memory_order_acquire);
    for (;;) {
      if (top == nullptr) return nullptr;
      slot->hazard.store(top, std::memory_order_seq_cst);
      Node* again = head_.load(std::memory_order_seq_cst);
      if (again == top) return top;
      top = again;
    }
  }

  HazardSlot* claim_slot() {
    for (HazardSlot* s = slots_.load(std::memory_order_acquire); s != nullptr; s = s->next) {
      bool expected = false;
      if (!s->claimed.load(std::memory_order_relaxed) &&
          s->claimed.compare_exchange_strong(expected, true, std::memory_order_acquire,
                                             std::memory_order_relaxed)) {
        return s;
      }
    }
    // Every slot is in use: add one (slots only ever grow, up to the number of concurrent poppers).
    auto* s = new HazardSlot;
    s->claimed.store(true, std::memory_order_relaxed);
    HazardSlot* first = slots_.load(std::memory_order_relaxed);
    do {
      s->next = first;
    } while (!slots_.compare_exchange_weak(first, s, std::memory_order_release,
                                           std::memory_order_relaxed));
    slot_count_.fetch_add(1, std::memory_order_relaxed);
    return s;
  }

  void retire(Node* node) {
    push_retired(node);
    const std::size_t threshold = 2 * slot_count_.load(std::memory_order_relaxed) + 64;
    if (retired_count_.fetch_add(1, std::memory_order_relaxed) + 1 >= threshold) reclaim();
  }

  void push_retired(Node* node) {
    Node* first = retired_.load(std::memory_order_relaxed);
    do {
      node->retired_next = first;
    } while (!retired_.compare_exchange_weak(first, node, std::memory_order_release,
                                             std::memory_order_relaxed));
  }

  // Frees every retired node no hazard slot announces; puts the others back.
  void reclaim() {
    Node* list = retired_.exchange(nullptr, std::memory_order_acquire);
    std::vector<Node*> announced;
    for (HazardSlot* s = slots_.load(std::memory_order_acquire); s != nullptr; s = s->next) {
      if (Node* h = s->hazard.load(std::memory_order_seq_cst)) announced.push_back(h);
    }
    std::sort(announced.begin(), announced.end());
    std::size_t taken = 0;
    std::size_t kept = 0;
    while (list != nullptr) {
      Node* next = list->retired_next;
      ++taken;
      if (std::binary_search(announced.begin(), announced.end(), list)) {
        push_retired(list);
        ++kept;
      } else {
        free_node(list);
      }
      list = next;
    }
    retired_count_.fetch_sub(taken - kept, std::memory_order_relaxed);
  }

  void free_node(Node* node) {
    NodeTraits::destroy(alloc_, node);
    NodeTraits::deallocate(alloc_, node, 1);
  }

  NodeAlloc alloc_;
  alignas(64) std::atomic<Node*> head_{nullptr};
  alignas(64) std::atomic<Node*> retired_{nullptr};
  std::atomic<std::size_t> retired_count_{0};
  alignas(64) std::atomic<HazardSlot*> slots_{nullptr};
  std::atomic<std::size_t> slot_count_{0};
};

}  // namespace solution
