// KATA: lock_free_stack. Make this class correct, thread-safe and lock-free. The contract is
// below; the tests are in tests/, the story and the hints in README.md. Run:
//   ./kata test lock_free_stack
//
// LockFreeStack is an unbounded LIFO stack (a Treiber stack): push() puts an item on top, pop()
// takes the top item off, or returns std::nullopt when there is none. Every method may be called
// from any number of threads at once, except the destructor, which runs when no other call does.
// No mutex, no condition variable, no spin lock: std::atomic only. T need be neither
// default-constructible nor copyable (a move-only T must work); its move constructor and its
// destructor do not throw.
//
// Guarantees:
//   - LIFO (level 1): pop() returns the item pushed last among those not yet popped, as if every
//     call took effect at one instant between its start and its return (linearizable); pop() on
//     an empty stack returns std::nullopt at once, it never waits.
//   - Exactly once (level 1): every pushed item is returned by exactly one pop(), or is still in
//     the stack (and then the destructor destroys it), under any mix of concurrent calls. A pop()
//     that returns an item sees it as its push() left it: push() happens-before that pop().
//   - Memory (level 2): every node is allocated through `alloc` (a copy of it rebound to your
//     node type with std::allocator_traits: one node per item), and freed through it. No node is
//     freed while another thread may still read it (hazard pointers, epochs, reference counts:
//     your choice). Memory is returned: whenever no call is running, the nodes allocated and not
//     yet freed number at most 1024 more than the items in the stack, and 0 once the destructor
//     has returned.
//   - ABA-safe (level 3): correct even when the allocator hands a freed node's address back at
//     once to the next allocation (a pop must not mistake a new node at an old address for the old
//     node).
//   - Lock-free (level 3): a thread paused anywhere inside push() or pop(), inside T's move
//     constructor included, never stops another thread's push() or pop() from completing.
//
//   Level 1: LockFreeStack(), push, pop, empty, the destructor's destruction of the items left;
//            LIFO and exactly once under concurrent calls.
//   Level 2: LockFreeStack(alloc); memory: safe reclamation, nodes freed through the allocator,
//            within the bound.
//   Level 3: ABA safety under an allocator that recycles addresses at once, and lock-free
//            progress (no thread waits for a paused one).
//
// Replace each `throw NotImplemented(...)` (and the TODO in the destructor) with your code; add
// members and includes as you need.
#pragma once

#include <memory>
#include <optional>

#include "kata/not_implemented.h"

namespace kata {

template <class T, class Allocator = std::allocator<T>>
class LockFreeStack {
 public:
  // An empty stack whose nodes come from a default-constructed Allocator.
  LockFreeStack() { throw NotImplemented("LockFreeStack::LockFreeStack"); }

  // Level 2. An empty stack whose nodes come from (a rebound copy of) `alloc`.
  explicit LockFreeStack(const Allocator& alloc) {
    (void)alloc;
    throw NotImplemented("LockFreeStack::LockFreeStack(alloc)");
  }

  // Runs when no other call does. Destroys every item still in the stack (level 1) and frees
  // every node the stack still holds, popped ones awaiting reclamation included (level 2).
  ~LockFreeStack() {
    // TODO: destroy the items left, free every node.
  }

  LockFreeStack(const LockFreeStack&) = delete;
  LockFreeStack& operator=(const LockFreeStack&) = delete;

  // Puts `value` on top of the stack. Never waits for another thread.
  void push(T value) {
    (void)value;
    throw NotImplemented("LockFreeStack::push");
  }

  // Takes the top item off the stack and returns it; std::nullopt if the stack is empty. Never
  // waits for another thread.
  std::optional<T> pop() { throw NotImplemented("LockFreeStack::pop"); }

  // Whether the stack held no item at some instant during the call.
  bool empty() const { throw NotImplemented("LockFreeStack::empty"); }
};

}  // namespace kata
