// The stack under test, with every call watched: if a call does not return, the watchdog's report
// names it (harness/watchdog.h); and every call is checked against the level rule
// (harness/level_rule.h): a test of level N may call only the methods of levels 1..N.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "harness/level_rule.h"
#include "harness/under_test.h"
#include "harness/watchdog.h"

template <class T, class Allocator = std::allocator<T>>
class WatchedStack {
 public:
  using Stack = under_test::LockFreeStack<T, Allocator>;

  WatchedStack() : stack_(harness::call(kConstructor, [] { return new Stack(); })) {}
  explicit WatchedStack(const Allocator& alloc)
      : stack_(harness::call(kConstructorAlloc, [&] { return new Stack(alloc); })) {}
  ~WatchedStack() { destroy(); }
  WatchedStack(const WatchedStack&) = delete;
  WatchedStack& operator=(const WatchedStack&) = delete;

  void push(T value) {
    harness::call(kPush, [&] { stack_->push(std::move(value)); });
  }
  // push(make()): the item is made in place as push()'s argument (a prvalue: no move before
  // push() runs), so the first move of it on this thread is one push() itself makes.
  template <class Make>
  void push_made(Make make) {
    harness::call(kPush, [&] { stack_->push(make()); });
  }
  std::optional<T> pop() {
    return harness::call(kPop, [&] { return stack_->pop(); });
  }
  bool empty() const {
    return harness::call(kEmpty, [&] { return stack_->empty(); });
  }
  // Runs the destructor now (the stack must free every node; nothing else may be running).
  void destroy() {
    if (stack_ == nullptr) return;
    harness::call(kDestructor, [&] { delete stack_; });
    stack_ = nullptr;
  }

 private:
  static constexpr const char* kNeverWaits =
      "this call never waits for another thread: a lock, or a CAS loop that cannot succeed "
      "(a cycle in the list, or an expected value never reloaded)?";

  // Each method at the level lock_free_stack.h's banner gives it (harness/level_rule.h).
  static constexpr harness::Method kConstructor{"LockFreeStack()", 1, kNeverWaits};
  static constexpr harness::Method kConstructorAlloc{"LockFreeStack(alloc)", 2, kNeverWaits};
  static constexpr harness::Method kPush{"push()", 1, kNeverWaits};
  static constexpr harness::Method kPop{"pop()", 1, kNeverWaits};
  static constexpr harness::Method kEmpty{"empty()", 1, kNeverWaits};
  static constexpr harness::Method kDestructor{"~LockFreeStack()", 1,
                                               "it runs alone: a cycle in the list of nodes?"};

  Stack* stack_;
};
