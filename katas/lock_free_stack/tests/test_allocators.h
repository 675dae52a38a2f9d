// The allocators the level-2 and level-3 tests install, to see the stack's memory from outside:
// the stack must allocate its nodes through them (lock_free_stack.h, Memory).
//
// CountingAllocator counts the blocks live in a Ledger: a leak, or a node freed twice, shows as
// the wrong count. RecyclingAllocator hands the most recently freed block of the same size back
// at once to the next allocation, as a real allocator's per-thread cache often does: the ABA
// problem made likely. Neither takes a lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <iterator>
#include <map>
#include <new>
#include <vector>

#include "harness/config.h"

#if defined(KATA_SCHED)
#include <sys/mman.h>
#include <unistd.h>
#endif

// The contract's bound (lock_free_stack.h, Memory): nodes allocated and not yet freed, beyond the
// items in the stack, whenever no call is running.
inline constexpr std::int64_t kMaxWaitingNodes = 1024;

// Blocks allocated and not yet freed, and how many were ever allocated.
struct Ledger {
  std::atomic<std::int64_t> live{0};
  std::atomic<std::int64_t> allocated{0};
};

// Where CountingAllocator's blocks come from: the heap, where AddressSanitizer (the asan variant)
// sees a read of a freed node. The sched variant has no shadow memory (docs/schedules.md), so there
// every block has pages of its own, and freeing it makes them unreadable: a read of a freed node
// faults at that very read, and the scheduler reports the crash with the schedule that led to it.
// The last kQuarantined freed blocks stay unreadable (their addresses are not handed out again
// meanwhile); older ones are unmapped.
namespace counted_blocks {
#if defined(KATA_SCHED)
inline constexpr std::size_t kQuarantined = 4096;
struct Freed {
  void* block = nullptr;
  std::size_t bytes = 0;
};
// No lock: one test thread runs at a time under the scheduler, and it switches threads only at an
// atomic operation or a pthread call, of which there is none in here.
inline Freed quarantine[kQuarantined];
inline std::size_t next_freed = 0;

inline std::size_t whole_pages(std::size_t bytes) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return (bytes + page - 1) / page * page;
}
inline void* take(std::size_t bytes, std::size_t) {
  void* block = ::mmap(nullptr, whole_pages(bytes), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) throw std::bad_alloc();
  return block;
}
inline void give_back(void* block, std::size_t bytes, std::size_t) {
  const std::size_t size = whole_pages(bytes);
  ::madvise(block, size, MADV_DONTNEED);  // its memory goes back now, the address stays taken
  ::mprotect(block, size, PROT_NONE);
  Freed& oldest = quarantine[next_freed++ % kQuarantined];
  if (oldest.block != nullptr) ::munmap(oldest.block, oldest.bytes);
  oldest = {block, size};
}
#else
inline void* take(std::size_t bytes, std::size_t align) {
  return ::operator new (bytes, std::align_val_t{align});
}
inline void give_back(void* block, std::size_t bytes, std::size_t align) {
  ::operator delete (block, bytes, std::align_val_t{align});
}
#endif
}  // namespace counted_blocks

template <class T>
class CountingAllocator {
 public:
  using value_type = T;
  explicit CountingAllocator(Ledger& ledger) : ledger_(&ledger) {}
  template <class U>
  CountingAllocator(const CountingAllocator<U>& other) : ledger_(other.ledger()) {}

  T* allocate(std::size_t n) {
    T* p = static_cast<T*>(counted_blocks::take(n * sizeof(T), alignof(T)));
    ledger_->live.fetch_add(1, std::memory_order_relaxed);
    ledger_->allocated.fetch_add(1, std::memory_order_relaxed);
    return p;
  }
  void deallocate(T* p, std::size_t n) {
    ledger_->live.fetch_sub(1, std::memory_order_relaxed);
    counted_blocks::give_back(p, n * sizeof(T), alignof(T));
  }
  Ledger* ledger() const { return ledger_; }
  template <class U>
  bool operator==(const CountingAllocator<U>& other) const {
    return ledger_ == other.ledger();
  }

 private:
  Ledger* ledger_;
};

// The freed blocks a RecyclingAllocator keeps for reuse: each thread keeps the blocks it freed in
// a cache of its own (without a lock: a lock here would serialise the very threads whose races the
// test is after), and its next allocation of that size takes the NEWEST of them (the address it
// freed last comes back at once, as glibc's per-thread cache does) or, on a seeded coin, the
// OLDEST. Each order makes ABA harmful under one kind of schedule and hides it under the other:
//  - threads interleaving finely (the sched variant's random walk, stress): a popper reads head A
//    and A->next B; thread 2 pops A, thread 3 pops B, thread 2's push gets its newest block, A,
//    back on top of C, and the popper's CAS(head, A, B) makes freed B the head;
//  - one thread running alone while the popper is stopped (PCT): its newest-first reuse rebuilds
//    the chain it popped (pop A, pop B, push gets B, push gets A: A -> B again), harmless; its
//    oldest-first reuse hands A back on top of C.
// Measured on the naive pop in the sched variant: README.md, Coverage (each order alone catches
// it under one strategy and almost never under the other; the coin under both).
// A freed block is overwritten with a poison pattern, as a real allocator overwrites it with its
// own links: a stack that makes a freed node its head then pops an item no one pushed or follows a
// poisoned next (a crash, reported with its schedule in the sched variant) at once, instead of
// resurrecting a stale item the tally may not notice. A thread's cached blocks go back to the
// system when it ends; the pool must outlive every stack that uses it.
class RecyclingPool {
 public:
  RecyclingPool() = default;
  RecyclingPool(const RecyclingPool&) = delete;
  RecyclingPool& operator=(const RecyclingPool&) = delete;
  ~RecyclingPool() { caches().erase(this); }  // the destroying thread's cache of this pool

  void* take(std::size_t bytes) {
    ledger.live.fetch_add(1, std::memory_order_relaxed);
    ledger.allocated.fetch_add(1, std::memory_order_relaxed);
    auto found = caches().find(this);
    if (found != caches().end()) {
      auto& blocks = found->second.blocks;
      if (oldest_this_time()) {
        for (auto it = blocks.begin(); it != blocks.end(); ++it) {
          if (it->bytes == bytes) {
            void* block = it->block;
            blocks.erase(it);
            reused_.fetch_add(1, std::memory_order_relaxed);
            return block;
          }
        }
      }
      for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) {
        if (it->bytes == bytes) {
          void* block = it->block;
          blocks.erase(std::next(it).base());
          reused_.fetch_add(1, std::memory_order_relaxed);
          return block;
        }
      }
    }
    return ::operator new (bytes, std::align_val_t{kAlign});
  }
  void give_back(void* block, std::size_t bytes) {
    ledger.live.fetch_sub(1, std::memory_order_relaxed);
    std::memset(block, kPoison, bytes);
    caches()[this].blocks.push_back({block, bytes});
  }
  // How many allocations got a freed block back.
  std::int64_t reused() const { return reused_.load(std::memory_order_relaxed); }

  Ledger ledger;

 private:
  static constexpr std::size_t kAlign = 64;
  static constexpr int kPoison = 0xA5;
  // The seeded coin of a thread's next reuse: its k-th reuse takes the oldest block when bit 63 of
  // a hash of (the test's seed, k) is set. Per thread and without an atomic: no shared state, and
  // the same seed gives the same choices (a sched replay repeats them).
  static bool oldest_this_time() {
    thread_local std::uint64_t k = 0;
    std::uint64_t z = harness::seed() + 0x9E3779B97F4A7C15ULL * ++k;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return ((z ^ (z >> 31)) >> 63) != 0;
  }
  struct Block {
    void* block;
    std::size_t bytes;
  };
  struct Cache {
    Cache() = default;
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;
    Cache(Cache&&) = default;
    ~Cache() {
      for (const Block& b : blocks) {
        if (b.block != nullptr) ::operator delete (b.block, std::align_val_t{kAlign});
      }
    }
    std::deque<Block> blocks;
  };
  static std::map<const RecyclingPool*, Cache>& caches() {
    thread_local std::map<const RecyclingPool*, Cache> by_pool;
    return by_pool;
  }
  std::atomic<std::int64_t> reused_{0};
};

template <class T>
class RecyclingAllocator {
 public:
  using value_type = T;
  explicit RecyclingAllocator(RecyclingPool& pool) : pool_(&pool) {}
  template <class U>
  RecyclingAllocator(const RecyclingAllocator<U>& other) : pool_(other.pool()) {}

  T* allocate(std::size_t n) { return static_cast<T*>(pool_->take(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) { pool_->give_back(p, n * sizeof(T)); }
  RecyclingPool* pool() const { return pool_; }
  template <class U>
  bool operator==(const RecyclingAllocator<U>& other) const {
    return pool_ == other.pool();
  }

 private:
  RecyclingPool* pool_;
};
