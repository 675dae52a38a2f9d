// The allocators the level-2 and level-3 tests install, to see the stack's memory from outside:
// the stack must allocate its nodes through them (lock_free_stack.h, Memory).
//
// CountingAllocator counts the blocks live in a Ledger: a leak, or a node freed twice, shows as
// the wrong count. RecyclingAllocator hands the most recently freed block of the same size back
// at once to the next allocation, as a real allocator's per-thread cache often does: the ABA
// problem made likely. Both are the test's code; their own mutex (RecyclingAllocator's) is held
// only inside allocate() and deallocate(), never across a call of the stack.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <new>
#include <vector>

// The contract's bound (lock_free_stack.h, Memory): nodes allocated and not yet freed, beyond the
// items in the stack, whenever no call is running.
inline constexpr std::int64_t kMaxWaitingNodes = 1024;

// Blocks allocated and not yet freed, and how many were ever allocated.
struct Ledger {
  std::atomic<std::int64_t> live{0};
  std::atomic<std::int64_t> allocated{0};
};

template <class T>
class CountingAllocator {
 public:
  using value_type = T;
  explicit CountingAllocator(Ledger& ledger) : ledger_(&ledger) {}
  template <class U>
  CountingAllocator(const CountingAllocator<U>& other) : ledger_(other.ledger()) {}

  T* allocate(std::size_t n) {
    T* p = static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{alignof(T)}));
    ledger_->live.fetch_add(1, std::memory_order_relaxed);
    ledger_->allocated.fetch_add(1, std::memory_order_relaxed);
    return p;
  }
  void deallocate(T* p, std::size_t n) {
    ledger_->live.fetch_sub(1, std::memory_order_relaxed);
    ::operator delete (p, n * sizeof(T), std::align_val_t{alignof(T)});
  }
  Ledger* ledger() const { return ledger_; }
  template <class U>
  bool operator==(const CountingAllocator<U>& other) const {
    return ledger_ == other.ledger();
  }

 private:
  Ledger* ledger_;
};

// The freed blocks a RecyclingAllocator keeps for reuse, by size, newest last. Outlives every
// stack that uses it; frees what it kept when destroyed.
class RecyclingPool {
 public:
  RecyclingPool() = default;
  RecyclingPool(const RecyclingPool&) = delete;
  RecyclingPool& operator=(const RecyclingPool&) = delete;
  ~RecyclingPool() {
    for (auto& [size, blocks] : free_) {
      for (void* block : blocks) ::operator delete (block, std::align_val_t{kAlign});
    }
  }

  void* take(std::size_t bytes) {
    ledger.live.fetch_add(1, std::memory_order_relaxed);
    ledger.allocated.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard lock(mutex_);
      auto& blocks = free_[bytes];
      if (!blocks.empty()) {
        void* block = blocks.back();
        blocks.pop_back();
        reused_.fetch_add(1, std::memory_order_relaxed);
        return block;
      }
    }
    return ::operator new (bytes, std::align_val_t{kAlign});
  }
  void give_back(void* block, std::size_t bytes) {
    ledger.live.fetch_sub(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    free_[bytes].push_back(block);
  }
  // How many allocations got a freed block back.
  std::int64_t reused() const { return reused_.load(std::memory_order_relaxed); }

  Ledger ledger;

 private:
  static constexpr std::size_t kAlign = 64;
  std::mutex mutex_;
  std::map<std::size_t, std::vector<void*>> free_;
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
