#include "scheduler.h"

#include <errno.h>
#include <execinfo.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/failure_protocol.h"
#include "real.h"
#include "strategy.h"
#include "trace.h"

namespace kata_sched {

enum class State { runnable, blocked, finished };
enum class Wait { none, mutex, condvar, join, futex, sleep };

struct Thread {
  int id = 0;
  unsigned generation = 0;  // the session it belongs to
  long tid = 0;
  pthread_t handle{};
  State state = State::runnable;
  Wait wait = Wait::none;
  const char* blocked_op = "";  // the call it is parked in, for the verdict
  const void* blocked_on = nullptr;
  // A timed condition wait: fires only when no thread can run.
  bool timed = false;
  clockid_t clock = CLOCK_MONOTONIC;
  timespec deadline{};
  bool timed_out = false;
  Frames where;  // where it made its last call
  // Its scheduling points in a row that changed nothing (atomic loads, failed compare-exchanges,
  // yields): a spin. Reset by any write, block or sleep.
  long idle = 0;
  // Its scheduling points in a row while it alone could run, every other test thread blocked
  // without a timeout (kAloneLimit).
  long alone = 0;
  pthread_cond_t turn = PTHREAD_COND_INITIALIZER;  // signalled when it is its turn to run
};

namespace {

pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;  // guards everything below
std::atomic<bool> g_active{false};
std::atomic<unsigned> g_generation{0};
std::uint64_t g_seed = 0;
std::unique_ptr<Strategy> g_strategy;
std::vector<Thread*> g_threads;               // this session's, by id
int g_current = -1;                           // the one thread allowed to run; -1 after a verdict
std::unordered_map<const void*, int> g_held;  // lock object -> holds by managed threads
std::atomic<std::int64_t> g_offset_ns{0};
Trace g_trace;
long g_preemption_bound = -1;  // -1: none
long g_preemptions = 0;
std::vector<long> g_skipped;  // ordinals of attempted preemptions refused (ascending)
long g_attempts = 0;          // preemptions the strategy asked for, granted or not

thread_local Thread* t_self = nullptr;

void lock() { real::fn().mutex_lock(&g_lock); }
void unlock() { real::fn().mutex_unlock(&g_lock); }

long gettid_now() { return static_cast<long>(::syscall(SYS_gettid)); }

// Parks the caller until it is its turn (or the session ends). g_lock held.
void wait_turn(Thread* self) {
  while (g_active.load(std::memory_order_relaxed) && g_current != self->id) {
    real::fn().cond_wait(&self->turn, &g_lock);
  }
}

void hand_to(int next) {
  g_current = next;
  if (next >= 0) real::fn().cond_signal(&g_threads[next]->turn);
}

std::vector<int> runnable() {
  std::vector<int> ids;
  for (Thread* t : g_threads) {
    if (t->state == State::runnable) ids.push_back(t->id);
  }
  return ids;
}

std::int64_t to_ns(const timespec& ts) { return std::int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec; }

// Virtual time: when no thread can run, the earliest timed wait times out, and the clock jumps to
// its deadline. False if there is no timed wait.
bool fire_timeout() {
  Thread* first = nullptr;
  std::int64_t first_left = 0;
  for (Thread* t : g_threads) {
    if (t->state != State::blocked || !t->timed) continue;
    timespec now{};
    real::fn().clock_gettime(t->clock, &now);
    std::int64_t left = to_ns(t->deadline) - (to_ns(now) + g_offset_ns.load());
    if (first == nullptr || left < first_left) {
      first = t;
      first_left = left;
    }
  }
  if (first == nullptr) return false;
  if (first_left > 0) g_offset_ns.fetch_add(first_left + 1);
  first->timed_out = true;
  first->state = State::runnable;
  g_trace.note(
      first->id,
      first->wait == Wait::sleep ? "sleep ends (virtual time)" : "times out (virtual time)",
      first->blocked_on, Frames{});
  return true;
}

// Whether `self` is the only test thread that can run while at least one other waits, and every
// other one waits without a timeout (no time passing can end its wait). g_lock held.
bool alone_with_waiters(const Thread* self) {
  int waiting = 0;
  for (const Thread* t : g_threads) {
    if (t == self || t->state == State::finished) continue;
    if (t->state == State::runnable || t->timed) return false;
    ++waiting;
  }
  return waiting > 0;
}

void (*g_verdict_handler)(const std::string&) = nullptr;

// `spinner`: the one thread that can still run, spinning (a livelock), or running alone while the
// others wait (`alone`); null: none can run.
[[noreturn]] void verdict(const Thread* spinner = nullptr, bool alone = false) {
  std::string text =
      spinner == nullptr ? "every test thread is blocked, at step " +
                               std::to_string(g_trace.steps()) + ": a deadlock or a lost wakeup"
      : alone ? "thread " + std::to_string(spinner->id) + " runs alone, at step " +
                    std::to_string(g_trace.steps()) + ": " + std::to_string(spinner->alone) +
                    " steps in a row while every other test thread waits, with no timeout, for "
                    "a notify, an unlock or an exit that none of them brought: a lost wakeup or "
                    "a livelock"
              : "thread " + std::to_string(spinner->id) + " spins, at step " +
                    std::to_string(g_trace.steps()) + ": " + std::to_string(spinner->idle) +
                    " atomic operations in a row that changed nothing (loads, failed "
                    "compare-exchanges, yields) while no other test thread can run: a livelock";
  text += " (schedule " + std::to_string(g_seed) + ", " + g_strategy->describe() + ")\n";
  std::vector<Frames> blocked_at;
  for (Thread* t : g_threads) {
    if (t->state == State::blocked || t == spinner) blocked_at.push_back(t->where);
  }
  std::vector<std::string> where;
  std::string trace = g_trace.render(blocked_at, &where);
  std::size_t i = 0;
  for (Thread* t : g_threads) {
    if (t == spinner) {
      text += kThreadLine + std::to_string(t->id) + " " + (alone ? kThreadAlone : kThreadSpinning) +
              where[i++] + "\n";
      continue;
    }
    if (t->state != State::blocked) continue;
    text += kThreadLine + std::to_string(t->id) + " " + kThreadBlocked + " " + t->blocked_op;
    if (t->wait == Wait::join) {
      text += " (of thread " + std::to_string(static_cast<const Thread*>(t->blocked_on)->id) + ")";
    }
    text += where[i++] + "\n";
  }
  text += trace;
  // Nobody runs any more; this thread reports with its calls passed straight to libc, while the
  // others stay parked, holding what they hold.
  g_current = -1;
  t_self = nullptr;
  unlock();
  if (g_verdict_handler != nullptr) g_verdict_handler(text);
  std::fprintf(stderr, "%s: %s", harness::protocol::kSched, text.c_str());
  std::fflush(stderr);
  ::_exit(1);
}

// Lets the strategy pick who runs next, and parks the caller until it is picked again (unless it
// finished). g_lock held.
// `after_write`: the point after the caller's write to `object` (after_write()); a switch there is
// a step of the trace of its own, or the trace could not tell it from a switch before the write.
void reschedule(Thread* self, bool yielding, bool after_write = false,
                const void* object = nullptr) {
  std::vector<int> ids = runnable();
  if (ids.empty()) {
    if (!fire_timeout()) verdict();
    ids = runnable();
  } else if (yielding && ids.size() == 1 && ids[0] == self->id) {
    // The only thread that can run is spinning: let time pass for whoever waits with a timeout
    // (it may be what the spinner waits for).
    if (fire_timeout()) ids = runnable();
  }
  int next = after_write ? g_strategy->pick_after_write(ids, self->id)
                         : g_strategy->pick(ids, self->id, yielding);
  if (next != self->id && self->state == State::runnable && !yielding &&
      self->idle < kSpinBeforeFreeSwitch) {
    const long attempt = g_attempts++;
    if ((g_preemption_bound >= 0 && g_preemptions >= g_preemption_bound) ||
        std::binary_search(g_skipped.begin(), g_skipped.end(), attempt)) {
      next = self->id;  // the bound is used up, or this one is refused: it goes on
    } else {
      ++g_preemptions;
    }
  }
  if (after_write && next != self->id) {
    g_trace.note(self->id, "switch after the write", object, self->where);
  }
  hand_to(next);
  if (self->state != State::finished) wait_turn(self);
}

// Parks the caller in `op` until an event makes it runnable again. g_lock held.
void block(Thread* self, Wait wait, const char* op, const void* on) {
  self->idle = 0;
  self->state = State::blocked;
  self->wait = wait;
  self->blocked_op = op;
  self->blocked_on = on;
  g_strategy->on_blocked(self->id);
  reschedule(self, false);
  self->wait = Wait::none;
}

void wake_all(Wait wait, const void* on) {
  for (Thread* t : g_threads) {
    if (t->state == State::blocked && t->wait == wait && t->blocked_on == on) {
      t->state = State::runnable;
    }
  }
}

bool managed(Thread* self) {
  return self != nullptr && g_active.load(std::memory_order_acquire) &&
         self->generation == g_generation.load(std::memory_order_relaxed);
}

// A lock released by a managed thread: the bookkeeping, and every thread parked on it may retry.
void released(const void* object, Wait wait) {
  auto it = g_held.find(object);
  if (it != g_held.end() && --it->second <= 0) g_held.erase(it);
  wake_all(wait, object);
}

struct Boot {
  Thread* thread;
  void* (*start)(void*);
  void* arg;
};

void finish(Thread* self) {
  lock();
  if (!managed(self)) {
    t_self = nullptr;
    unlock();
    return;
  }
  g_trace.note(self->id, "thread exits", nullptr, capture());
  self->state = State::finished;
  wake_all(Wait::join, self);
  reschedule(self, false);
  t_self = nullptr;
  unlock();
}

void* trampoline(void* raw) {
  std::unique_ptr<Boot> boot(static_cast<Boot*>(raw));
  Thread* self = boot->thread;
  t_self = self;
  lock();
  self->tid = gettid_now();
  wait_turn(self);
  unlock();
  void* result = boot->start(boot->arg);
  finish(self);
  return result;
}

}  // namespace

void set_verdict_handler(void (*handler)(const std::string&)) { g_verdict_handler = handler; }

Thread* self() {
  Thread* self = t_self;
  return managed(self) ? self : nullptr;
}

namespace {

long bound_from_environment() {
  const char* text = std::getenv(kPreemptionsVariable);
  if (text == nullptr || *text == '\0') return -1;
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0) {
    std::fprintf(stderr, "%s: %s=%s: want a number of preemptions >= 0\n",
                 harness::protocol::kSched, kPreemptionsVariable, text);
    std::exit(2);
  }
  return value;
}

// KATA_SCHED_SKIP: ascending attempt ordinals and ranges, "3,8-15,40"; empty or unset: none.
std::vector<long> skipped_from_environment() {
  std::vector<long> skipped;
  const char* text = std::getenv(kSkippedVariable);
  if (text == nullptr) return skipped;
  for (const char* at = text; *at != '\0';) {
    char* end = nullptr;
    const long first = std::strtol(at, &end, 10);
    long last = first;
    if (end != at && *end == '-') {
      at = end + 1;
      last = std::strtol(at, &end, 10);
    }
    if (end == at || first < 0 || last < first || (!skipped.empty() && first <= skipped.back()) ||
        (*end != ',' && *end != '\0')) {
      std::fprintf(stderr, "%s: %s=%s: want ascending preemption attempts, like 3,8-15,40\n",
                   harness::protocol::kSched, kSkippedVariable, text);
      std::exit(2);
    }
    for (long attempt = first; attempt <= last; ++attempt) skipped.push_back(attempt);
    at = *end == ',' ? end + 1 : end;
  }
  return skipped;
}

}  // namespace

long preemption_bound() { return g_preemption_bound; }
long preemptions() { return g_preemptions; }
const std::vector<long>& skipped_preemptions() { return g_skipped; }

void begin_session(std::uint64_t seed) {
  prepare_capture();
  const long bound = bound_from_environment();
  std::vector<long> skipped = skipped_from_environment();
  lock();
  g_seed = seed;
  g_preemption_bound = bound;
  g_preemptions = 0;
  g_skipped = std::move(skipped);
  g_attempts = 0;
  g_strategy = strategy_from_environment(seed);
  g_threads
      .clear();  // the previous session's records stay allocated: a late thread may read its own
  g_held.clear();
  g_trace.reset();
  auto* main_thread = new Thread;
  main_thread->generation = g_generation.fetch_add(1) + 1;
  main_thread->tid = gettid_now();
  g_threads.push_back(main_thread);
  g_strategy->on_thread(0);
  g_current = 0;
  t_self = main_thread;
  g_active.store(true, std::memory_order_release);
  unlock();
}

void end_session() {
  lock();
  g_active.store(false, std::memory_order_release);
  for (Thread* t : g_threads) real::fn().cond_broadcast(&t->turn);
  t_self = nullptr;
  unlock();
}

std::uint64_t session_seed() { return g_seed; }

void prefer_strategy(const char* name, int depth) {
  const char* chosen = std::getenv(kStrategyVariable);
  if (chosen != nullptr && *chosen != '\0') return;  // the environment's choice wins
  std::unique_ptr<Strategy> strategy = strategy_named(name, g_seed, depth);
  lock();
  if (g_active.load(std::memory_order_relaxed)) {
    g_strategy = std::move(strategy);
    for (Thread* t : g_threads) g_strategy->on_thread(t->id);
  }
  unlock();
}

void point(Thread* self, const char* op, const void* object, bool yielding) {
  Frames where = capture();
  lock();
  if (managed(self)) {
    self->where = where;
    if (yielding) ++self->idle;
    if (self->idle <= kSpinShown) {
      g_trace.note(self->id, op, object, where);
    } else {
      g_trace.skip();
    }
    if (alone_with_waiters(self)) {
      if (++self->alone >= kAloneLimit) verdict(self, true);
    } else {
      self->alone = 0;
    }
    if (self->idle >= kSpinLimit) {
      // Nothing this thread does changes what it reads, so only another thread could end the spin:
      // if none can run, nothing ever will (unless a timed wait is due: time passes first).
      std::vector<int> ids = runnable();
      if (ids.size() == 1 && ids[0] == self->id) {
        if (!fire_timeout()) verdict(self);
      }
      self->idle = 0;
    }
    reschedule(self, yielding);
  }
  unlock();
}

void after_write(Thread* self, const void* object) {
  lock();
  if (managed(self)) {
    bool others = false;
    for (const Thread* t : g_threads) others |= t != self && t->state == State::runnable;
    if (others) reschedule(self, false, true, object);
  }
  unlock();
}

void changed(Thread* self, bool wrote) {
  // Only the thread itself reads its count, and only while it holds the baton.
  self->idle = wrote ? 0 : self->idle + 1;
}

// Whether a managed thread of this session holds `mutex`, by the owner glibc records in it. The
// bookkeeping (g_held) says so too, but it lives on the heap, which a test's use after free can
// overwrite (aba_prone_pop_deletes_at_once); a real, blocking lock of a mutex a parked thread holds
// would stop every thread at once, the watchdog's report too (it waited for gtest's mutex: seed
// 207056137606, schedule 113723723725). g_lock held.
static bool held_by_managed(const pthread_mutex_t* mutex) {
  const int owner = mutex->__data.__owner;
  if (owner == 0) return false;  // not held, or held without glibc recording its owner
  for (const Thread* t : g_threads) {
    if (t->tid == owner && t->state != State::finished) return true;
  }
  return false;
}

int mutex_lock(Thread* self, pthread_mutex_t* mutex) {
  for (;;) {
    point(self, "mutex lock", mutex);
    lock();
    if (!managed(self)) {
      unlock();
      return real::fn().mutex_lock(mutex);
    }
    int rc = real::fn().mutex_trylock(mutex);
    if (rc == 0) {
      ++g_held[mutex];
      unlock();
      return 0;
    }
    if (rc != EBUSY) {
      unlock();
      return rc;
    }
    if (g_held.count(mutex) == 0 && !held_by_managed(mutex)) {
      // Held by a thread outside the scheduler (the watchdog): it will let go without us.
      unlock();
      rc = real::fn().mutex_lock(mutex);
      lock();
      if (rc == 0) ++g_held[mutex];
      unlock();
      return rc;
    }
    block(self, Wait::mutex, "std::mutex::lock", mutex);
    unlock();
  }
}

int mutex_trylock(Thread* self, pthread_mutex_t* mutex) {
  point(self, "mutex try_lock", mutex);
  lock();
  int rc = real::fn().mutex_trylock(mutex);
  if (rc == 0 && managed(self)) ++g_held[mutex];
  unlock();
  return rc;
}

int mutex_unlock(Thread* self, pthread_mutex_t* mutex) {
  lock();
  int rc = real::fn().mutex_unlock(mutex);
  if (rc == 0 && managed(self)) released(mutex, Wait::mutex);
  unlock();
  point(self, "mutex unlock", mutex);
  return rc;
}

int rwlock_lock(Thread* self, pthread_rwlock_t* rw, bool shared) {
  for (;;) {
    point(self, shared ? "shared_mutex lock_shared" : "shared_mutex lock", rw);
    lock();
    if (!managed(self)) {
      unlock();
      return shared ? real::fn().rwlock_rdlock(rw) : real::fn().rwlock_wrlock(rw);
    }
    int rc = shared ? real::fn().rwlock_tryrdlock(rw) : real::fn().rwlock_trywrlock(rw);
    if (rc == 0) {
      ++g_held[rw];
      unlock();
      return 0;
    }
    if (rc != EBUSY) {
      unlock();
      return rc;
    }
    if (g_held.count(rw) == 0) {
      unlock();
      rc = shared ? real::fn().rwlock_rdlock(rw) : real::fn().rwlock_wrlock(rw);
      lock();
      if (rc == 0) ++g_held[rw];
      unlock();
      return rc;
    }
    block(self, Wait::mutex, shared ? "std::shared_mutex::lock_shared" : "std::shared_mutex::lock",
          rw);
    unlock();
  }
}

int rwlock_trylock(Thread* self, pthread_rwlock_t* rw, bool shared) {
  point(self, shared ? "shared_mutex try_lock_shared" : "shared_mutex try_lock", rw);
  lock();
  int rc = shared ? real::fn().rwlock_tryrdlock(rw) : real::fn().rwlock_trywrlock(rw);
  if (rc == 0 && managed(self)) ++g_held[rw];
  unlock();
  return rc;
}

int rwlock_unlock(Thread* self, pthread_rwlock_t* rw) {
  lock();
  int rc = real::fn().rwlock_unlock(rw);
  if (rc == 0 && managed(self)) released(rw, Wait::mutex);
  unlock();
  point(self, "shared_mutex unlock", rw);
  return rc;
}

int cond_wait(Thread* self, pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t clock,
              const timespec* deadline) {
  Frames where = capture();
  lock();
  if (!managed(self)) {
    unlock();
    return deadline == nullptr ? real::fn().cond_wait(cond, mutex)
                               : real::fn().cond_clockwait(cond, mutex, clock, deadline);
  }
  const char* op =
      deadline == nullptr ? "condition_variable::wait" : "condition_variable::wait_until";
  self->where = where;
  g_trace.note(self->id, op, cond, where);
  // Releasing the mutex and starting to wait are one step: no thread runs in between.
  real::fn().mutex_unlock(mutex);
  released(mutex, Wait::mutex);
  self->timed = deadline != nullptr;
  if (self->timed) {
    self->clock = clock;
    self->deadline = *deadline;
  }
  self->timed_out = false;
  block(self, Wait::condvar, op, cond);
  bool timed_out = self->timed_out;
  self->timed = false;
  self->timed_out = false;
  unlock();
  mutex_lock(self, mutex);
  return timed_out ? ETIMEDOUT : 0;
}

int cond_signal(Thread* self, pthread_cond_t* cond, bool all) {
  point(self, all ? "condition_variable::notify_all" : "condition_variable::notify_one", cond);
  lock();
  if (managed(self)) {
    std::vector<Thread*> waiters;
    for (Thread* t : g_threads) {
      if (t->state == State::blocked && t->wait == Wait::condvar && t->blocked_on == cond) {
        waiters.push_back(t);
      }
    }
    if (all) {
      for (Thread* t : waiters) t->state = State::runnable;
    } else if (!waiters.empty()) {
      waiters[g_strategy->pick_waiter(waiters.size())]->state = State::runnable;
    }
  }
  unlock();
  // Threads outside the scheduler may wait on it too (they wait for real).
  return all ? real::fn().cond_broadcast(cond) : real::fn().cond_signal(cond);
}

long futex_wait(Thread* self, const int* address, int expected, clockid_t clock,
                const timespec* deadline) {
  point(self, "atomic wait", address);
  lock();
  if (!managed(self)) {
    unlock();
    return -2;  // not ours: the caller makes the real call
  }
  if (__atomic_load_n(address, __ATOMIC_SEQ_CST) != expected) {
    unlock();
    errno = EAGAIN;
    return -1;
  }
  self->timed = deadline != nullptr;
  if (self->timed) {
    self->clock = clock;
    self->deadline = *deadline;
  }
  self->timed_out = false;
  block(self, Wait::futex, "atomic wait (futex)", address);
  bool timed_out = self->timed_out;
  self->timed = false;
  self->timed_out = false;
  unlock();
  if (timed_out) {
    errno = ETIMEDOUT;
    return -1;
  }
  return 0;
}

long futex_wake(Thread* self, const int* address, int count) {
  point(self, "atomic notify", address);
  lock();
  long woken = 0;
  if (managed(self)) {
    std::vector<Thread*> waiters;
    for (Thread* t : g_threads) {
      if (t->state == State::blocked && t->wait == Wait::futex && t->blocked_on == address) {
        waiters.push_back(t);
      }
    }
    while (woken < count && !waiters.empty()) {
      std::size_t i = g_strategy->pick_waiter(waiters.size());
      waiters[i]->state = State::runnable;
      waiters.erase(waiters.begin() + static_cast<long>(i));
      ++woken;
    }
  }
  unlock();
  return woken;
}

bool sleep_until(Thread* self, clockid_t clock, const timespec& deadline) {
  Frames where = capture();
  lock();
  if (!managed(self)) {
    unlock();
    return false;
  }
  self->where = where;
  g_trace.note(self->id, "sleep", nullptr, where);
  self->timed = true;
  self->clock = clock;
  self->deadline = deadline;
  self->timed_out = false;
  block(self, Wait::sleep, "sleep", nullptr);
  self->timed = false;
  self->timed_out = false;
  unlock();
  return true;
}

int thread_create(Thread* self, pthread_t* thread, const pthread_attr_t* attr,
                  void* (*start)(void*), void* arg) {
  point(self, "thread create", nullptr);
  lock();
  if (!managed(self)) {
    unlock();
    return real::fn().create(thread, attr, start, arg);
  }
  auto* child = new Thread;
  child->id = static_cast<int>(g_threads.size());
  child->generation = self->generation;
  g_threads.push_back(child);
  g_strategy->on_thread(child->id);
  unlock();
  int rc = real::fn().create(thread, attr, trampoline, new Boot{child, start, arg});
  lock();
  if (rc != 0) {
    child->state = State::finished;
  } else {
    child->handle = *thread;
  }
  unlock();
  if (rc == 0) point(self, "thread started", child);
  return rc;
}

int thread_join(Thread* self, pthread_t thread, void** result) {
  lock();
  Thread* target = nullptr;
  // glibc reuses a joined thread's pthread_t: the newest thread with this handle is the one meant.
  for (Thread* t : g_threads) {
    if (t->id != 0 && ::pthread_equal(t->handle, thread)) target = t;
  }
  unlock();
  if (target != nullptr) {
    point(self, "thread join", target);
    lock();
    while (managed(self) && target->state != State::finished) {
      block(self, Wait::join, "std::thread::join", target);
    }
    unlock();
  }
  return real::fn().join(thread, result);
}

long stop_for_crash() {
  Thread* me = t_self;
  // The crashing thread may have been inside the scheduler itself: then it has no step to give.
  if (!managed(me) || real::fn().mutex_trylock(&g_lock) != 0) return -1;
  // The fault is in plain code, between two scheduling points: without a step of its own the trace
  // would end on the step of whichever thread ran before (a use after free shows the freeing
  // thread last, not the reader). Noting it does not allocate.
  g_trace.note(me->id, "crashes (signal)", nullptr, capture());
  // As after a verdict: nobody runs any more, and this thread reports through libc.
  g_current = -1;
  t_self = nullptr;
  long steps = g_trace.steps();
  unlock();
  return steps;
}

std::string stopped_trace() { return g_trace.render(); }

std::string trace_so_far() {
  lock();
  std::string text = g_active.load(std::memory_order_relaxed) ? g_trace.render() : "";
  unlock();
  return text;
}

std::int64_t virtual_offset_ns() { return g_offset_ns.load(std::memory_order_relaxed); }

int thread_blocked(long tid) {
  if (!g_active.load(std::memory_order_acquire)) return -1;
  lock();
  int answer = -1;
  for (Thread* t : g_threads) {
    if (t->tid == tid && t->state != State::finished) answer = t->state == State::blocked ? 1 : 0;
  }
  unlock();
  return answer;
}

}  // namespace kata_sched
