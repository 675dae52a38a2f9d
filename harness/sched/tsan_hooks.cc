// The entry points -fsanitize=thread makes the compiler call, implemented by us instead of by
// ThreadSanitizer's runtime (the sched variant compiles with the flag but does not link libtsan).
// Every atomic operation is a scheduling point, then done for real, sequentially consistent: the
// scheduler explores interleavings, not weak-memory reorderings (the tsan variant covers those).
// A store is followed by a second point: the plain code after it (a slot read after its index was
// published) is otherwise never interleaved with the threads that act on that store. Not after a
// read-modify-write: see after_write() in scheduler.h.
// Plain loads and stores, function entry and exit are not scheduling points: they cost nothing.
#include <cstddef>
#include <cstdint>

#include "scheduler.h"

namespace {

inline void at(const char* op, const volatile void* address) {
  if (kata_sched::Thread* self = kata_sched::self()) {
    kata_sched::point(self, op, const_cast<const void*>(address));
  }
}

// After the operation: a change to memory ends a spin; a load, a failed compare-exchange or a
// read-modify-write that left the value as it was (a test-and-set on a taken flag) continues it.
inline void wrote(bool yes) {
  if (kata_sched::Thread* self = kata_sched::self()) kata_sched::changed(self, yes);
}

// After a store: a scheduling point (scheduler.h, after_write()).
inline void stored(const volatile void* address) {
  if (kata_sched::Thread* self = kata_sched::self()) {
    kata_sched::after_write(self, const_cast<const void*>(address));
  }
}

template <class T>
T loaded(T value) {
  wrote(false);
  return value;
}

inline int exchanged(bool ok) {
  wrote(ok);
  return ok;
}

}  // namespace

extern "C" {

void __tsan_init() {}
void __tsan_func_entry(void*) {}
void __tsan_func_exit() {}
void __tsan_ignore_thread_begin() {}
void __tsan_ignore_thread_end() {}

#define KATA_PLAIN_ACCESS(size)                \
  void __tsan_read##size(void*) {}             \
  void __tsan_write##size(void*) {}            \
  void __tsan_unaligned_read##size(void*) {}   \
  void __tsan_unaligned_write##size(void*) {}  \
  void __tsan_read##size##_pc(void*, void*) {} \
  void __tsan_write##size##_pc(void*, void*) {}
KATA_PLAIN_ACCESS(1)
KATA_PLAIN_ACCESS(2)
KATA_PLAIN_ACCESS(4)
KATA_PLAIN_ACCESS(8)
KATA_PLAIN_ACCESS(16)
#undef KATA_PLAIN_ACCESS

void __tsan_read_range(void*, std::size_t) {}
void __tsan_write_range(void*, std::size_t) {}
void __tsan_vptr_read(void**) {}
void __tsan_vptr_update(void**, void*) {}

// clang routes memory intrinsics through these.
void* __tsan_memcpy(void* to, const void* from, std::size_t n) {
  return __builtin_memcpy(to, from, n);
}
void* __tsan_memmove(void* to, const void* from, std::size_t n) {
  return __builtin_memmove(to, from, n);
}
void* __tsan_memset(void* to, int value, std::size_t n) { return __builtin_memset(to, value, n); }

void __tsan_atomic_thread_fence(int) {
  at("atomic fence", nullptr);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
void __tsan_atomic_signal_fence(int) { __atomic_signal_fence(__ATOMIC_SEQ_CST); }

#define KATA_ATOMIC(bits, type)                                                                    \
  type __tsan_atomic##bits##_load(const volatile type* a, int) {                                   \
    at("atomic load", a);                                                                          \
    return loaded(__atomic_load_n(a, __ATOMIC_SEQ_CST));                                           \
  }                                                                                                \
  void __tsan_atomic##bits##_store(volatile type* a, type v, int) {                                \
    at("atomic store", a);                                                                         \
    __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                                      \
    wrote(true);                                                                                   \
    stored(a);                                                                                     \
  }                                                                                                \
  type __tsan_atomic##bits##_exchange(volatile type* a, type v, int) {                             \
    at("atomic exchange", a);                                                                      \
    type old = __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST);                                        \
    wrote(old != v);                                                                               \
    return old;                                                                                    \
  }                                                                                                \
  type __tsan_atomic##bits##_fetch_add(volatile type* a, type v, int) {                            \
    at("atomic fetch_add", a);                                                                     \
    type old = __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST);                                         \
    wrote(v != 0);                                                                                 \
    return old;                                                                                    \
  }                                                                                                \
  type __tsan_atomic##bits##_fetch_sub(volatile type* a, type v, int) {                            \
    at("atomic fetch_sub", a);                                                                     \
    type old = __atomic_fetch_sub(a, v, __ATOMIC_SEQ_CST);                                         \
    wrote(v != 0);                                                                                 \
    return old;                                                                                    \
  }                                                                                                \
  type __tsan_atomic##bits##_fetch_and(volatile type* a, type v, int) {                            \
    at("atomic fetch_and", a);                                                                     \
    type old = __atomic_fetch_and(a, v, __ATOMIC_SEQ_CST);                                         \
    wrote((old & v) != old);                                                                       \
    return old;                                                                                    \
  }                                                                                                \
  type __tsan_atomic##bits##_fetch_or(volatile type* a, type v, int) {                             \
    at("atomic fetch_or", a);                                                                      \
    type old = __atomic_fetch_or(a, v, __ATOMIC_SEQ_CST);                                          \
    wrote((old | v) != old);                                                                       \
    return old;                                                                                    \
  }                                                                                                \
  type __tsan_atomic##bits##_fetch_xor(volatile type* a, type v, int) {                            \
    at("atomic fetch_xor", a);                                                                     \
    type old = __atomic_fetch_xor(a, v, __ATOMIC_SEQ_CST);                                         \
    wrote(v != 0);                                                                                 \
    return old;                                                                                    \
  }                                                                                                \
  type __tsan_atomic##bits##_fetch_nand(volatile type* a, type v, int) {                           \
    at("atomic fetch_nand", a);                                                                    \
    type old = __atomic_fetch_nand(a, v, __ATOMIC_SEQ_CST);                                        \
    wrote(static_cast<type>(~(old & v)) != old);                                                   \
    return old;                                                                                    \
  }                                                                                                \
  int __tsan_atomic##bits##_compare_exchange_strong(volatile type* a, type* expected, type v, int, \
                                                    int) {                                         \
    at("atomic compare_exchange", a);                                                              \
    return exchanged(                                                                              \
        __atomic_compare_exchange_n(a, expected, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));   \
  }                                                                                                \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile type* a, type* expected, type v, int,   \
                                                  int) {                                           \
    at("atomic compare_exchange", a);                                                              \
    return exchanged(                                                                              \
        __atomic_compare_exchange_n(a, expected, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));   \
  }                                                                                                \
  type __tsan_atomic##bits##_compare_exchange_val(volatile type* a, type expected, type v, int,    \
                                                  int) {                                           \
    at("atomic compare_exchange", a);                                                              \
    exchanged(                                                                                     \
        __atomic_compare_exchange_n(a, &expected, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));  \
    return expected;                                                                               \
  }
KATA_ATOMIC(8, std::uint8_t)
KATA_ATOMIC(16, std::uint16_t)
KATA_ATOMIC(32, std::uint32_t)
KATA_ATOMIC(64, std::uint64_t)
#undef KATA_ATOMIC

}  // extern "C"
