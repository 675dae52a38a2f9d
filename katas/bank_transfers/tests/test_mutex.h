// The tests' Mutex, and scripted calls: how a deadlock is made to happen every run.
//
// TestMutex is a std::mutex that knows who holds it. The Bank makes account i's Mutex the i-th it
// constructs (bank_transfers.h), so TestMutex number i is account i's lock. Beside the lock itself
// it:
//  - pauses a scripted call (Script::start) just after its n-th acquisition or its n-th release,
//    until the test lets it go: two opposite transfers, each paused holding its first lock, then
//    let go together, deadlock every time unless they take their locks in one global order;
//  - ends the test with a report when a thread locks a lock it already holds (a std::mutex is not
//    recursive: that thread would wait for itself for ever);
//  - notes a scripted call that fails try_lock() twice on a lock a paused call holds: it polls
//    instead of waiting (a try-and-back-off loop, which can livelock).
// What every scripted call holds and waits for is the watchdog's state text, so a deadlock report
// names the calls, the locks each holds and the lock each waits for.
//
// Outside a scripted call the bookkeeping is two relaxed atomic stores per lock and unlock: the
// stress tests' threads are not serialised by it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/background.h"
#include "harness/watchdog.h"

// Where a scripted call pauses: just after its n-th lock acquisition (lock() or a try_lock() that
// succeeded), or just after its n-th unlock(); 0 for never. It pauses at most once.
struct PausePoint {
  int after_acquire = 0;
  int after_release = 0;
};

class Script;

// One scripted call's state, read by the test thread and the watchdog: atomics only.
struct CallRecord {
  static constexpr int kTracked = 64;  // locks numbered beyond this are not tracked (none in tests)

  const char* what = "";
  PausePoint pause;
  Script* script = nullptr;
  std::atomic<int> acquired{0};
  std::atomic<int> released{0};
  std::atomic<std::uint64_t> held{0};  // bit i: holds lock i
  std::atomic<int> waiting_for{-1};    // inside lock() of this lock
  std::atomic<int> polling_on{-1};     // failed try_lock() on it twice while a paused call held it
  std::atomic<bool> paused{false};
  std::atomic<bool> done{false};
  bool let_go = false;  // under Script's mutex
  // The calling thread's own: the lock whose try_lock() last failed while a paused call held it.
  int last_failed_on_paused = -1;
};

namespace test_mutex {

// The next TestMutex's number; WatchedBank sets it to 0 before it constructs a Bank.
inline std::atomic<int> next_number{0};
inline thread_local CallRecord* this_call = nullptr;
inline std::atomic<int> next_thread{0};

inline int this_thread_number() {
  thread_local const int number = next_thread.fetch_add(1, std::memory_order_relaxed) + 1;
  return number;
}

inline std::string lock_name(int number) { return "account " + std::to_string(number) + "'s lock"; }

// Pauses `call` until its script lets it go (defined below, once Script is complete).
inline void pause(CallRecord& call);

}  // namespace test_mutex

class TestMutex {
 public:
  TestMutex() : number_(test_mutex::next_number.fetch_add(1, std::memory_order_relaxed)) {}
  TestMutex(const TestMutex&) = delete;
  TestMutex& operator=(const TestMutex&) = delete;

  void lock() {
    check_not_mine("lock()");
    CallRecord* call = test_mutex::this_call;
    if (call != nullptr) call->waiting_for.store(number_);
    mutex_.lock();
    if (call != nullptr) call->waiting_for.store(-1);
    acquired(call);
  }

  bool try_lock() {
    check_not_mine("try_lock()");
    CallRecord* call = test_mutex::this_call;
    if (!mutex_.try_lock()) {
      if (call != nullptr) failed_try(*call);
      return false;
    }
    acquired(call);
    return true;
  }

  void unlock() {
    CallRecord* call = test_mutex::this_call;
    owner_.store(0, std::memory_order_relaxed);
    holder_.store(nullptr);
    if (call != nullptr) call->held.fetch_and(~bit());
    mutex_.unlock();
    if (call != nullptr) {
      const int n = call->released.fetch_add(1) + 1;
      if (n == call->pause.after_release) test_mutex::pause(*call);
    }
  }

  int number() const { return number_; }

 private:
  std::uint64_t bit() const {
    return number_ < CallRecord::kTracked ? std::uint64_t{1} << number_ : 0;
  }

  void check_not_mine(const char* how) const {
    if (owner_.load(std::memory_order_relaxed) != test_mutex::this_thread_number()) return;
    const CallRecord* call = test_mutex::this_call;
    harness::abandon_test(std::string(call != nullptr ? call->what : "") +
                          (call != nullptr ? ": " : "") + how + " of " +
                          test_mutex::lock_name(number_) +
                          " by the thread that already holds it. A std::mutex is not recursive: "
                          "the thread would wait for itself for ever (self-deadlock). A transfer "
                          "from an account to itself must not lock it twice.");
  }

  void acquired(CallRecord* call) {
    owner_.store(test_mutex::this_thread_number(), std::memory_order_relaxed);
    if (call == nullptr) return;
    holder_.store(call);
    call->held.fetch_or(bit());
    const int n = call->acquired.fetch_add(1) + 1;
    if (n == call->pause.after_acquire) test_mutex::pause(*call);
  }

  // A failed try_lock() while a paused call holds this lock: the lock stays held until the test
  // lets that call go, so a second failure on it by the same call is a retry, not a wait.
  void failed_try(CallRecord& call) const {
    const CallRecord* holder = holder_.load();
    if (holder == nullptr || !holder->paused.load()) return;
    if (call.last_failed_on_paused == number_) call.polling_on.store(number_);
    call.last_failed_on_paused = number_;
  }

  std::mutex mutex_;
  const int number_;
  std::atomic<int> owner_{0};                 // this_thread_number() of the holder, 0 if none
  std::atomic<CallRecord*> holder_{nullptr};  // the scripted call holding it, if one does
};

// The scripted calls of one test, each on its own thread (a harness::BackgroundOp, so that a call
// that never returns is named by the watchdog), and the watchdog's state text: what each holds and
// waits for.
class Script {
 public:
  static constexpr int kMaxCalls = 8;

  Script() {
    harness::describe_state([this] { return describe(); });
  }
  ~Script() {
    release_all();
    for (int i = 0; i < count_.load(); ++i) ops_[static_cast<std::size_t>(i)].reset();
    harness::describe_state([] { return std::string(); });
  }
  Script(const Script&) = delete;
  Script& operator=(const Script&) = delete;

  // Runs call() on its own thread as the scripted call `what` (a literal, e.g. "transfer(0, 1,
  // 30)"), pausing at `pause`; the watchdog names it with `hint` if it never returns.
  CallRecord& start(const char* what, const char* hint, PausePoint pause,
                    std::function<void()> call) {
    const int index = count_.load();
    if (index == kMaxCalls) harness::abandon_test("a Script holds at most 8 calls");
    CallRecord& record = records_[static_cast<std::size_t>(index)];
    record.what = what;
    record.pause = pause;
    record.script = this;
    count_.store(index + 1);
    ops_[static_cast<std::size_t>(index)] =
        std::make_unique<harness::BackgroundOp>(what, hint, [&record, call = std::move(call)] {
          struct Done {
            CallRecord& record;
            ~Done() {
              test_mutex::this_call = nullptr;
              record.done.store(true);
            }
          } done{record};
          test_mutex::this_call = &record;
          call();
        });
    return record;
  }

  // Waits until `call` is paused at its pause point, has returned, is inside lock() of a lock a
  // paused call holds, or has polled one (see TestMutex): a state it cannot leave on its own.
  void wait_settled(const CallRecord& call) {
    harness::watched(
        "the test, waiting for a scripted call to pause, return, or block on a held account lock",
        "the call is blocked on something else, or spins: a lock that is not an account's Mutex, "
        "or a transfer waiting for a transfer between other accounts?",
        [&] {
          while (!settled(call)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
  }

  // Lets every paused call go (and every call that reaches its pause point from now on).
  void release_all() {
    {
      std::lock_guard lock(mutex_);
      released_all_ = true;
      for (int i = 0; i < count_.load(); ++i) records_[static_cast<std::size_t>(i)].let_go = true;
    }
    wake_.notify_all();
  }

  // Waits for every call to return (the watchdog names the ones that do not, and the state text
  // what they hold and wait for); rethrows what a call threw.
  void join_all() {
    for (int i = 0; i < count_.load(); ++i) ops_[static_cast<std::size_t>(i)]->join();
  }

  void pause(CallRecord& call) {
    std::unique_lock lock(mutex_);
    if (released_all_) return;
    call.paused.store(true);
    wake_.wait(lock, [&] { return call.let_go; });
    call.paused.store(false);
  }

  // Who holds `number`, if a scripted call does.
  const CallRecord* holder_of(int number) const {
    if (number < 0 || number >= CallRecord::kTracked) return nullptr;
    for (int i = 0; i < count_.load(); ++i) {
      const CallRecord& r = records_[static_cast<std::size_t>(i)];
      if ((r.held.load() >> number) & 1) return &r;
    }
    return nullptr;
  }

  std::string describe() const {
    std::string text;
    bool waits_for_a_call = false;
    for (int i = 0; i < count_.load(); ++i) {
      const CallRecord& r = records_[static_cast<std::size_t>(i)];
      text += std::string(text.empty() ? "" : "; ") + r.what + ": ";
      if (r.done.load()) {
        text += "returned";
        continue;
      }
      const std::uint64_t held = r.held.load();
      std::string holds;
      for (int n = 0; n < CallRecord::kTracked; ++n) {
        if ((held >> n) & 1) holds += (holds.empty() ? "" : " and ") + test_mutex::lock_name(n);
      }
      text += holds.empty() ? "holds no account lock" : "holds " + holds;
      if (r.paused.load()) text += ", paused by the test";
      if (const int w = r.waiting_for.load(); w >= 0) {
        text += ", waits for " + test_mutex::lock_name(w);
        if (const CallRecord* h = holder_of(w); h != nullptr) {
          text += std::string(" (held by ") + h->what + ")";
          waits_for_a_call = true;
        }
      }
    }
    if (!waits_for_a_call) return text;
    return text +
           ". Locks taken in one global order (the lower account number first) never form "
           "a cycle";
  }

 private:
  bool settled(const CallRecord& call) const {
    if (call.done.load() || call.paused.load() || call.polling_on.load() >= 0) return true;
    const CallRecord* holder = holder_of(call.waiting_for.load());
    return holder != nullptr && holder != &call && holder->paused.load();
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool released_all_ = false;
  CallRecord records_[kMaxCalls];
  std::atomic<int> count_{0};
  std::unique_ptr<harness::BackgroundOp> ops_[kMaxCalls];
};

inline void test_mutex::pause(CallRecord& call) { call.script->pause(call); }
