// The controlled scheduler: while a test runs under it, exactly one of the test's threads runs at a
// time, and each synchronisation call (pthread_hooks.cc) and atomic operation (tsan_hooks.cc) is a
// scheduling point where the strategy picks who runs next. Blocking is the scheduler's: a thread
// waiting for a mutex, a condition variable or a join is parked until the event that frees it, so
// when every thread is parked the scheduler knows, at that very step, that the test can never
// finish, and says which call each thread is stuck in.
//
// Threads the scheduler does not manage (the watchdog, and every thread while no test runs) go
// straight to libc. Mutexes are locked for real too (with trylock, the scheduler deciding when to
// try), so a mutex shared with an unmanaged thread stays correct.
#pragma once

#include <pthread.h>
#include <time.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kata_sched {

struct Thread;

// The calling thread's record, or nullptr when it is not under the scheduler (then every hook
// passes the call through to libc).
Thread* self();

// Starts managing the calling thread (the test's main thread) as thread 0, with schedule `seed`.
void begin_session(std::uint64_t seed);
// Stops managing; threads still parked are let go with their calls passed through to libc.
void end_session();
std::uint64_t session_seed();
// The test's own choice of strategy (harness::prefer_schedules()), made before it starts a thread:
// the session's strategy becomes `name` (strategy.h, strategy_named()), drawn from the session's
// seed, unless KATA_SCHED_STRATEGY names one.
void prefer_strategy(const char* name, int depth);

// A scheduling point: records `op` on `object` as a step and lets the strategy pick who runs next.
void point(Thread* self, const char* op, const void* object, bool yielding = false);

// After an atomic operation: whether it wrote (a store, a read-modify-write, a compare-exchange
// that succeeded). A thread that makes kSpinLimit scheduling points in a row without writing or
// blocking, while no other test thread can run, can never get out: the verdict is a livelock.
inline constexpr long kSpinLimit = 10000;
// A thread that makes kAloneLimit scheduling points in a row as the only one that can run, while
// every other test thread is blocked without a timeout (on a lock, a condition variable, a join: on
// something only a running thread can end) and none is woken meanwhile, is a lost wakeup or a
// livelock too, even when its own steps change things (a polling observer's lock and unlock, its
// sleeps). Far above the longest lone phase a reference makes (a settle() loop: about 1500).
inline constexpr long kAloneLimit = 20000;
// A spin's first steps are in the trace, the rest only counted: what led into it stays in view.
inline constexpr long kSpinShown = 3;
void changed(Thread* self, bool wrote);

// A scheduling point right after an atomic store to `object`, as a mutex unlock has one after it:
// the code that follows a store is often plain (spsc_ring's consumer publishes its index, then
// reads the slot), and with points only before atomics no other thread could ever run between the
// two. A switch there is a step of the trace ("switch after the write", at the store's line);
// staying on is not. Not after a read-modify-write: measured with one there too (and the random
// walk's pause after it, strategy.h), lock_free_stack's aba_prone_pop_deletes_at_once fell from
// 20/20 to 4/20 (a popper parked right after its winning compare-exchange frees its node late, and
// the ABA needs that node's address back at once) and cas_expected_never_reloaded lost its
// livelock verdict in 4 of 20 seeds to the watchdog (docs/schedules.md).
void after_write(Thread* self, const void* object);

// A bound on the session's preemptions: switches away from a thread that could go on, did not
// yield and is not spinning (kSpinBeforeFreeSwitch points that changed nothing: only another
// thread can end that). Once it is used up, the running thread goes on. Unbounded (-1) unless
// KATA_SCHED_PREEMPTIONS says otherwise; shrinking a failure (listener.cc) reruns its schedule
// under smaller bounds.
inline constexpr char kPreemptionsVariable[] = "KATA_SCHED_PREEMPTIONS";
inline constexpr long kSpinBeforeFreeSwitch = 64;
long preemption_bound();
// The preemptions the session has made so far.
long preemptions();
// Preemptions refused one by one: KATA_SCHED_SKIP lists attempts (0 is the first switch the
// strategy asked for that would be a preemption, granted or not) at which the running thread goes
// on. Refusing one changes what follows, so an ordinal names an attempt of that run only; shrinking
// (listener.cc) searches for a set that keeps the failure with fewer preemptions.
inline constexpr char kSkippedVariable[] = "KATA_SCHED_SKIP";
const std::vector<long>& skipped_preemptions();

// The scheduler's versions of the blocking calls, for a managed thread.
int mutex_lock(Thread* self, pthread_mutex_t* mutex);
int mutex_trylock(Thread* self, pthread_mutex_t* mutex);
int mutex_unlock(Thread* self, pthread_mutex_t* mutex);
int rwlock_lock(Thread* self, pthread_rwlock_t* lock, bool shared);
int rwlock_trylock(Thread* self, pthread_rwlock_t* lock, bool shared);
int rwlock_unlock(Thread* self, pthread_rwlock_t* lock);
// `deadline` null: an untimed wait. Otherwise an absolute time on `clock`; the timeout fires only
// when no thread can run (virtual time), and returns ETIMEDOUT.
int cond_wait(Thread* self, pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t clock,
              const timespec* deadline);
int cond_signal(Thread* self, pthread_cond_t* cond, bool all);
// The futex calls behind C++20 atomic wait/notify (std::latch, std::barrier, semaphores) and
// libstdc++'s static-initialisation guard. `deadline` as for cond_wait.
long futex_wait(Thread* self, const int* address, int expected, clockid_t clock,
                const timespec* deadline);
long futex_wake(Thread* self, const int* address, int count);
// Parks the caller until virtual time reaches `deadline` on `clock`, which happens when no thread
// can run and no earlier deadline is pending. False if the caller is not managed (any more).
bool sleep_until(Thread* self, clockid_t clock, const timespec& deadline);
int thread_create(Thread* self, pthread_t* thread, const pthread_attr_t* attr,
                  void* (*start)(void*), void* arg);
int thread_join(Thread* self, pthread_t thread, void** result);

// For a crash (a signal) in a managed thread: stops the schedule where it is (no thread runs any
// more, the caller's calls go to libc) and returns the step it happened at, or -1 if the caller is
// not managed. Then stopped_trace() renders the trace (it allocates: it may fail on a corrupted
// heap, so the caller reports what it must first).
long stop_for_crash();
std::string stopped_trace();

// The numbered trace of the session's last steps (as a verdict prints it), or "" outside a session.
std::string trace_so_far();

// Virtual time, added to what clock_gettime reports to managed threads: advanced when a timed wait
// times out, so the waiter's own clock agrees that its deadline passed.
std::int64_t virtual_offset_ns();

// Called with the verdict's text when every thread is blocked; expected not to return (the harness
// ends the test with it). Without one, or if it returns, the text goes to stderr and the process
// exits with 1.
void set_verdict_handler(void (*handler)(const std::string& text));

// 1 if the managed thread with kernel id `tid` is parked (blocked in a call), 0 if it can run,
// -1 if no session is on or the thread is not managed.
int thread_blocked(long tid);

}  // namespace kata_sched
