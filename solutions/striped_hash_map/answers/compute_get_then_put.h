// Flawed: striping and growth done right, but compute() is built from the public calls (get,
// then fn outside any lock, then insert_or_assign or erase): three critical sections, not one.
// expect-level: 1
// expect-caught-by: Concurrency.L2_SameKeyComputeIncrementsAddUpExactly assertion
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

template <class K, class V, class Hash = std::hash<K>>
class StripedHashMap {
 public:
  static constexpr std::size_t kMaxLoadFactor = 2;

  explicit StripedHashMap(std::size_t stripes = 16) : n_stripes_(stripes) {
    if (stripes == 0) throw std::invalid_argument("need at least one stripe");
    stripes_.reset(new std::mutex[stripes]);
    buckets_ = std::vector<Chain>(stripes);
  }

  StripedHashMap(const StripedHashMap&) = delete;
  StripedHashMap& operator=(const StripedHashMap&) = delete;

  std::optional<V> get(const K& key) const {
    std::unique_lock<std::mutex> lock = lock_stripe(key);
    const Chain& chain = chain_of(key);
    auto it = find(chain, key);
    if (it == chain.end()) return std::nullopt;
    return it->second;
  }

  bool contains(const K& key) const {
    std::unique_lock<std::mutex> lock = lock_stripe(key);
    const Chain& chain = chain_of(key);
    return find(chain, key) != chain.end();
  }

  bool insert(const K& key, V value) {
    std::size_t seen;
    {
      std::unique_lock<std::mutex> lock = lock_stripe(key);
      Chain& chain = chain_of(key);
      if (find(chain, key) != chain.end()) return false;
      chain.emplace_front(key, std::move(value));
      count_.fetch_add(1);
      seen = buckets_.size();
    }
    grow_if_needed(seen);
    return true;
  }

  bool insert_or_assign(const K& key, V value) {
    std::size_t seen;
    {
      std::unique_lock<std::mutex> lock = lock_stripe(key);
      Chain& chain = chain_of(key);
      if (auto it = find(chain, key); it != chain.end()) {
        it->second = std::move(value);
        return false;
      }
      chain.emplace_front(key, std::move(value));
      count_.fetch_add(1);
      seen = buckets_.size();
    }
    grow_if_needed(seen);
    return true;
  }

  bool erase(const K& key) {
    std::unique_lock<std::mutex> lock = lock_stripe(key);
    Chain& chain = chain_of(key);
    auto it = find(chain, key);
    if (it == chain.end()) return false;
    chain.erase(it);
    count_.fetch_sub(1);
    return true;
  }

  // fn runs with no lock held, so a slow fn never blocks the stripe.
  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    std::optional<V> result = fn(get(key));
    if (result) {
      insert_or_assign(key, *result);
    } else {
      erase(key);
    }
    return result;
  }

  std::size_t size() const { return count_.load(); }

  std::size_t stripe_count() const { return n_stripes_; }

  std::size_t bucket_count() const {
    std::lock_guard<std::mutex> lock(stripes_[0]);
    return buckets_.size();
  }

 private:
  using Chain = std::list<std::pair<K, V>>;

  std::unique_lock<std::mutex> lock_stripe(const K& key) const {
    return std::unique_lock<std::mutex>(stripes_[Hash{}(key) % n_stripes_]);
  }
  Chain& chain_of(const K& key) { return buckets_[Hash{}(key) % buckets_.size()]; }
  const Chain& chain_of(const K& key) const { return buckets_[Hash{}(key) % buckets_.size()]; }

  template <class C>
  static auto find(C& chain, const K& key) {
    for (auto it = chain.begin(); it != chain.end(); ++it) {
      if (it->first == key) return it;
    }
    return chain.end();
  }

  void grow_if_needed(std::size_t seen) {
    if (count_.load() <= kMaxLoadFactor * seen) return;
    for (std::size_t s = 0; s < n_stripes_; ++s) stripes_[s].lock();
    std::size_t target = buckets_.size();
    while (count_.load() > kMaxLoadFactor * target) target *= 2;
    if (target > buckets_.size()) {
      std::vector<Chain> bigger(target);
      for (Chain& chain : buckets_) {
        while (!chain.empty()) {
          Chain& to = bigger[Hash{}(chain.front().first) % target];
          to.splice(to.begin(), chain, chain.begin());
        }
      }
      buckets_ = std::move(bigger);
    }
    for (std::size_t s = n_stripes_; s-- > 0;) stripes_[s].unlock();
  }

  const std::size_t n_stripes_;
  std::unique_ptr<std::mutex[]> stripes_;
  std::vector<Chain> buckets_;
  std::atomic<std::size_t> count_{0};
};

}  // namespace kata
