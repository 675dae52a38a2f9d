// The pthread and libc calls std::mutex, std::shared_mutex, std::condition_variable, std::thread
// and std::this_thread make, defined here so that they win over libc's: the executable's symbols
// come first in the dynamic lookup, for libstdc++.so's calls as for the test's own inline ones.
// A thread outside the scheduler goes straight to libc.
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>

#include <cstdarg>
#include <cstdint>

#include "real.h"
#include "scheduler.h"

using kata_sched::Thread;
namespace real = kata_sched::real;

namespace {

timespec add(const timespec& a, const timespec& b) {
  std::int64_t ns = (std::int64_t{a.tv_sec} + b.tv_sec) * 1000000000 + a.tv_nsec + b.tv_nsec;
  return timespec{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
}

bool sleep_for(Thread* self, clockid_t clock, const timespec& duration) {
  timespec now{};
  clock_gettime(clock, &now);  // the hook below: virtual time
  return kata_sched::sleep_until(self, clock, add(now, duration));
}

}  // namespace

extern "C" {

int pthread_mutex_lock(pthread_mutex_t* mutex) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::mutex_lock(self, mutex) : real::fn().mutex_lock(mutex);
}

int pthread_mutex_trylock(pthread_mutex_t* mutex) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::mutex_trylock(self, mutex) : real::fn().mutex_trylock(mutex);
}

int pthread_mutex_unlock(pthread_mutex_t* mutex) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::mutex_unlock(self, mutex) : real::fn().mutex_unlock(mutex);
}

int pthread_rwlock_rdlock(pthread_rwlock_t* lock) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::rwlock_lock(self, lock, true) : real::fn().rwlock_rdlock(lock);
}

int pthread_rwlock_wrlock(pthread_rwlock_t* lock) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::rwlock_lock(self, lock, false) : real::fn().rwlock_wrlock(lock);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t* lock) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::rwlock_trylock(self, lock, true) : real::fn().rwlock_tryrdlock(lock);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t* lock) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::rwlock_trylock(self, lock, false) : real::fn().rwlock_trywrlock(lock);
}

int pthread_rwlock_unlock(pthread_rwlock_t* lock) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::rwlock_unlock(self, lock) : real::fn().rwlock_unlock(lock);
}

int pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::cond_wait(self, cond, mutex, CLOCK_REALTIME, nullptr)
              : real::fn().cond_wait(cond, mutex);
}

// Assumes the condition variable's default clock (CLOCK_REALTIME): libstdc++ never sets another,
// and uses pthread_cond_clockwait for steady_clock.
int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex, const timespec* deadline) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::cond_wait(self, cond, mutex, CLOCK_REALTIME, deadline)
              : real::fn().cond_timedwait(cond, mutex, deadline);
}

int pthread_cond_clockwait(pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t clock,
                           const timespec* deadline) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::cond_wait(self, cond, mutex, clock, deadline)
              : real::fn().cond_clockwait(cond, mutex, clock, deadline);
}

int pthread_cond_signal(pthread_cond_t* cond) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::cond_signal(self, cond, false) : real::fn().cond_signal(cond);
}

int pthread_cond_broadcast(pthread_cond_t* cond) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::cond_signal(self, cond, true) : real::fn().cond_broadcast(cond);
}

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*),
                   void* arg) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::thread_create(self, thread, attr, start, arg)
              : real::fn().create(thread, attr, start, arg);
}

int pthread_join(pthread_t thread, void** result) {
  Thread* self = kata_sched::self();
  return self ? kata_sched::thread_join(self, thread, result) : real::fn().join(thread, result);
}

// yield: a scheduling point that asks to let others run. sleep: parked until virtual time reaches
// its end, which comes when no thread can run (time passes when everyone waits); it takes no real
// time.
int sched_yield() {
  Thread* self = kata_sched::self();
  if (self == nullptr) return real::fn().yield();
  kata_sched::point(self, "yield", nullptr, true);
  return 0;
}

int nanosleep(const timespec* duration, timespec* remaining) {
  Thread* self = kata_sched::self();
  if (self != nullptr && duration != nullptr && sleep_for(self, CLOCK_MONOTONIC, *duration)) {
    return 0;
  }
  return real::fn().nanosleep(duration, remaining);
}

int clock_nanosleep(clockid_t clock, int flags, const timespec* duration, timespec* remaining) {
  Thread* self = kata_sched::self();
  if (self != nullptr && duration != nullptr) {
    bool slept = (flags & TIMER_ABSTIME) ? kata_sched::sleep_until(self, clock, *duration)
                                         : sleep_for(self, clock, *duration);
    if (slept) return 0;
  }
  return real::fn().clock_nanosleep(clock, flags, duration, remaining);
}

int clock_gettime(clockid_t clock, timespec* now) {
  int rc = real::fn().clock_gettime(clock, now);
  if (rc != 0 || kata_sched::self() == nullptr) return rc;
  std::int64_t offset = kata_sched::virtual_offset_ns();
  if (offset == 0) return rc;
  std::int64_t ns = std::int64_t{now->tv_sec} * 1000000000 + now->tv_nsec + offset;
  now->tv_sec = ns / 1000000000;
  now->tv_nsec = ns % 1000000000;
  return rc;
}

// C++20 atomic wait and notify, and libstdc++'s guard for function-local statics, block with the
// futex system call through syscall(): for a managed thread, a wait is parked by the scheduler and
// a wake wakes parked threads. Every other system call, and every unmanaged thread's, goes to libc.
long syscall(long number, ...) {
  va_list list;
  va_start(list, number);
  long a[6];
  for (long& arg : a) arg = va_arg(list, long);
  va_end(list);
  if (number == SYS_futex) {
    if (Thread* self = kata_sched::self()) {
      const int* address = reinterpret_cast<const int*>(a[0]);
      int op = static_cast<int>(a[1]) & FUTEX_CMD_MASK;
      const auto* timeout = reinterpret_cast<const timespec*>(a[3]);
      if (op == FUTEX_WAKE || op == FUTEX_WAKE_BITSET) {
        long woken = kata_sched::futex_wake(self, address, static_cast<int>(a[2]));
        // Threads outside the scheduler may wait on it too.
        real::fn().syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
        return woken;
      }
      if (op == FUTEX_WAIT || op == FUTEX_WAIT_BITSET) {
        timespec deadline{};
        clockid_t clock = (a[1] & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
        if (timeout != nullptr) {
          deadline = *timeout;
          if (op == FUTEX_WAIT) {  // relative, on the monotonic clock
            timespec now{};
            clock_gettime(CLOCK_MONOTONIC, &now);
            deadline = add(now, *timeout);
          }
        }
        long rc = kata_sched::futex_wait(self, address, static_cast<int>(a[2]), clock,
                                         timeout != nullptr ? &deadline : nullptr);
        if (rc != -2) return rc;
      }
    }
  }
  return real::fn().syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

}  // extern "C"
