// Flawed: an insert that overfills the table grows it on the spot: it keeps its own stripe and
// locks the others in index order; two inserts of different stripes growing at once deadlock.
// expect-level: 0
// expect-caught-by: Contract.L1_RandomOperationsMatchUnorderedMap lock_order
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
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

  explicit StripedHashMap(std::size_t stripes = 16)
      : mutexes_(stripes == 0 ? throw std::invalid_argument("stripes must be > 0") : stripes),
        buckets_(stripes) {}

  StripedHashMap(const StripedHashMap&) = delete;
  StripedHashMap& operator=(const StripedHashMap&) = delete;

  std::optional<V> get(const K& key) const {
    std::lock_guard<std::mutex> guard(mutex_for(key));
    const auto& chain = chain_for(key);
    for (const Node& node : chain) {
      if (node.key == key) return node.value;
    }
    return std::nullopt;
  }

  bool contains(const K& key) const {
    std::lock_guard<std::mutex> guard(mutex_for(key));
    for (const Node& node : chain_for(key)) {
      if (node.key == key) return true;
    }
    return false;
  }

  bool insert(const K& key, V value) { return put(key, std::move(value), false); }

  bool insert_or_assign(const K& key, V value) { return put(key, std::move(value), true); }

  bool erase(const K& key) {
    std::lock_guard<std::mutex> guard(mutex_for(key));
    auto& chain = chain_for(key);
    for (auto it = chain.begin(); it != chain.end(); ++it) {
      if (it->key == key) {
        chain.erase(it);
        count_.fetch_sub(1);
        return true;
      }
    }
    return false;
  }

  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    std::unique_lock<std::mutex> mine(mutex_for(key));
    auto& chain = chain_for(key);
    auto it = chain.begin();
    while (it != chain.end() && !(it->key == key)) ++it;
    std::optional<V> result =
        fn(it == chain.end() ? std::optional<V>() : std::optional<V>(it->value));
    if (it != chain.end()) {
      if (result) {
        it->value = *result;
      } else {
        chain.erase(it);
        count_.fetch_sub(1);
      }
    } else if (result) {
      chain.push_back(Node{key, *result});
      count_.fetch_add(1);
      grow_if_too_full(stripe_of(key));
    }
    return result;
  }

  std::size_t size() const { return count_.load(); }

  std::size_t stripe_count() const { return mutexes_.size(); }

  std::size_t bucket_count() const {
    std::lock_guard<std::mutex> guard(mutexes_[0]);
    return buckets_.size();
  }

 private:
  struct Node {
    K key;
    V value;
  };

  std::size_t stripe_of(const K& key) const { return Hash{}(key) % mutexes_.size(); }
  std::mutex& mutex_for(const K& key) const { return mutexes_[stripe_of(key)]; }
  std::vector<Node>& chain_for(const K& key) { return buckets_[Hash{}(key) % buckets_.size()]; }
  const std::vector<Node>& chain_for(const K& key) const {
    return buckets_[Hash{}(key) % buckets_.size()];
  }

  bool put(const K& key, V value, bool overwrite) {
    std::unique_lock<std::mutex> mine(mutex_for(key));
    auto& chain = chain_for(key);
    for (Node& node : chain) {
      if (node.key == key) {
        if (overwrite) node.value = std::move(value);
        return false;
      }
    }
    chain.push_back(Node{key, std::move(value)});
    count_.fetch_add(1);
    grow_if_too_full(stripe_of(key));
    return true;
  }

  // With stripe `held` locked: takes every other stripe, in order, and doubles the table.
  void grow_if_too_full(std::size_t held) {
    if (count_.load() <= kMaxLoadFactor * buckets_.size()) return;
    for (std::size_t s = 0; s < mutexes_.size(); ++s) {
      if (s != held) mutexes_[s].lock();
    }
    std::size_t target = buckets_.size();
    while (count_.load() > kMaxLoadFactor * target) target *= 2;
    if (target != buckets_.size()) {
      std::vector<std::vector<Node>> bigger(target);
      for (auto& chain : buckets_) {
        for (Node& node : chain) bigger[Hash{}(node.key) % target].push_back(std::move(node));
      }
      buckets_.swap(bigger);
    }
    for (std::size_t s = 0; s < mutexes_.size(); ++s) {
      if (s != held) mutexes_[s].unlock();
    }
  }

  mutable std::vector<std::mutex> mutexes_;
  std::vector<std::vector<Node>> buckets_;  // bucket b is guarded by mutexes_[b % stripes]
  std::atomic<std::size_t> count_{0};
};

}  // namespace kata
