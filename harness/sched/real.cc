#include "real.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "harness/failure_protocol.h"

namespace kata_sched::real {
namespace {

template <class F>
void resolve(F*& slot, const char* name) {
  slot = reinterpret_cast<F*>(::dlsym(RTLD_NEXT, name));
  if (slot == nullptr) {
    std::fprintf(stderr, "%s: cannot find libc's %s: %s\n", harness::protocol::kSched, name,
                 ::dlerror());
    std::abort();
  }
}

Functions resolve_all() {
  Functions f{};
  resolve(f.mutex_lock, "pthread_mutex_lock");
  resolve(f.mutex_trylock, "pthread_mutex_trylock");
  resolve(f.mutex_unlock, "pthread_mutex_unlock");
  resolve(f.rwlock_rdlock, "pthread_rwlock_rdlock");
  resolve(f.rwlock_wrlock, "pthread_rwlock_wrlock");
  resolve(f.rwlock_tryrdlock, "pthread_rwlock_tryrdlock");
  resolve(f.rwlock_trywrlock, "pthread_rwlock_trywrlock");
  resolve(f.rwlock_unlock, "pthread_rwlock_unlock");
  // dlsym returns the default version: pthread_cond_*@@GLIBC_2.3.2, the one libstdc++ links.
  resolve(f.cond_wait, "pthread_cond_wait");
  resolve(f.cond_timedwait, "pthread_cond_timedwait");
  resolve(f.cond_clockwait, "pthread_cond_clockwait");
  resolve(f.cond_signal, "pthread_cond_signal");
  resolve(f.cond_broadcast, "pthread_cond_broadcast");
  resolve(f.create, "pthread_create");
  resolve(f.join, "pthread_join");
  resolve(f.yield, "sched_yield");
  resolve(f.nanosleep, "nanosleep");
  resolve(f.clock_nanosleep, "clock_nanosleep");
  resolve(f.clock_gettime, "clock_gettime");
  resolve(f.syscall, "syscall");
  return f;
}

// A plain global, not a function-local static: the static's guard may itself lock a mutex, which
// would come back here. Resolved before main() by the constructor; earlier callers (other
// constructors) resolve it themselves, still single-threaded.
Functions g_functions;
bool g_resolved = false;

[[gnu::constructor(101)]] void resolve_early() { fn(); }

}  // namespace

const Functions& fn() {
  if (!g_resolved) {
    g_functions = resolve_all();
    g_resolved = true;
  }
  return g_functions;
}

}  // namespace kata_sched::real
