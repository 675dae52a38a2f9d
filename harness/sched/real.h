// The libc functions the scheduler interposes, as libc defines them. The test binary defines
// pthread_mutex_lock & co. itself (pthread_hooks.cc), so every call in the process, libstdc++'s
// included, reaches the scheduler first; the scheduler reaches the real ones through these
// pointers, looked up once with dlsym(RTLD_NEXT) before main().
#pragma once

#include <pthread.h>
#include <sched.h>
#include <time.h>

namespace kata_sched::real {

struct Functions {
  int (*mutex_lock)(pthread_mutex_t*);
  int (*mutex_trylock)(pthread_mutex_t*);
  int (*mutex_unlock)(pthread_mutex_t*);
  int (*rwlock_rdlock)(pthread_rwlock_t*);
  int (*rwlock_wrlock)(pthread_rwlock_t*);
  int (*rwlock_tryrdlock)(pthread_rwlock_t*);
  int (*rwlock_trywrlock)(pthread_rwlock_t*);
  int (*rwlock_unlock)(pthread_rwlock_t*);
  int (*cond_wait)(pthread_cond_t*, pthread_mutex_t*);
  int (*cond_timedwait)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
  int (*cond_clockwait)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);
  int (*cond_signal)(pthread_cond_t*);
  int (*cond_broadcast)(pthread_cond_t*);
  int (*create)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  int (*join)(pthread_t, void**);
  int (*yield)();
  int (*nanosleep)(const timespec*, timespec*);
  int (*clock_nanosleep)(clockid_t, int, const timespec*, timespec*);
  int (*clock_gettime)(clockid_t, timespec*);
  long (*syscall)(long, ...);
};

// Resolved on first use (and by a constructor, before any thread exists).
const Functions& fn();

}  // namespace kata_sched::real
