// Advanced: each stripe a cache-line-aligned std::shared_mutex: get, contains and bucket_count
// share it, writes and compute hold it exclusively; growth takes every stripe, in order.
// expect-level: 3
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

// Invariants: the table has stripes * 2^k buckets, so bucket h % buckets lies in stripe
// h % stripes whatever k is; the table (its size and its storage) changes only with every stripe
// held exclusively, so any one stripe held, shared or not, pins it. A reader and a writer of one
// stripe still exclude each other: a reader never sees a chain mid-update.
template <class K, class V, class Hash = std::hash<K>>
class StripedHashMap {
 public:
  static constexpr std::size_t kMaxLoadFactor = 2;

  explicit StripedHashMap(std::size_t stripes = 16) : stripe_count_(stripes) {
    if (stripes == 0) throw std::invalid_argument("StripedHashMap: stripes must be at least 1");
    stripes_ = std::make_unique<Stripe[]>(stripes);
    table_.resize(stripes);
  }

  StripedHashMap(const StripedHashMap&) = delete;
  StripedHashMap& operator=(const StripedHashMap&) = delete;

  std::optional<V> get(const K& key) const {
    const std::size_t h = Hash{}(key);
    std::shared_lock<std::shared_mutex> read(stripe(h));
    const Chain& chain = table_[h % table_.size()];
    for (const auto& [k, v] : chain) {
      if (k == key) return v;
    }
    return std::nullopt;
  }

  bool contains(const K& key) const {
    const std::size_t h = Hash{}(key);
    std::shared_lock<std::shared_mutex> read(stripe(h));
    const Chain& chain = table_[h % table_.size()];
    for (const auto& entry : chain) {
      if (entry.first == key) return true;
    }
    return false;
  }

  bool insert(const K& key, V value) { return upsert(key, std::move(value), false); }

  bool insert_or_assign(const K& key, V value) { return upsert(key, std::move(value), true); }

  bool erase(const K& key) {
    const std::size_t h = Hash{}(key);
    std::unique_lock<std::shared_mutex> write(stripe(h));
    Chain& chain = table_[h % table_.size()];
    for (auto it = chain.begin(); it != chain.end(); ++it) {
      if (it->first == key) {
        chain.erase(it);
        count_.fetch_sub(1, std::memory_order_relaxed);
        return true;
      }
    }
    return false;
  }

  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    const std::size_t h = Hash{}(key);
    std::optional<V> result;
    std::size_t seen = 0;
    {
      std::unique_lock<std::shared_mutex> write(stripe(h));
      Chain& chain = table_[h % table_.size()];
      auto it = chain.begin();
      while (it != chain.end() && !(it->first == key)) ++it;
      if (it == chain.end()) {
        result = fn(std::optional<V>());
        if (result) {
          chain.emplace_back(key, *result);
          count_.fetch_add(1, std::memory_order_relaxed);
          seen = table_.size();
        }
      } else {
        result = fn(std::optional<V>(it->second));
        if (result) {
          it->second = *result;
        } else {
          chain.erase(it);
          count_.fetch_sub(1, std::memory_order_relaxed);
        }
      }
    }
    if (seen != 0) grow_if_needed(seen);
    return result;
  }

  std::size_t size() const { return count_.load(std::memory_order_relaxed); }

  std::size_t stripe_count() const { return stripe_count_; }

  std::size_t bucket_count() const {
    std::shared_lock<std::shared_mutex> read(stripes_[0].lock);
    return table_.size();
  }

 private:
  using Chain = std::list<std::pair<K, V>>;

  struct alignas(64) Stripe {
    std::shared_mutex lock;
  };

  std::shared_mutex& stripe(std::size_t h) const { return stripes_[h % stripe_count_].lock; }

  // Inserts `key` if absent (true), else overwrites it if `overwrite` (false either way); then,
  // with no stripe held, grows the table if this insert overfilled it.
  bool upsert(const K& key, V value, bool overwrite) {
    const std::size_t h = Hash{}(key);
    std::size_t seen;
    {
      std::unique_lock<std::shared_mutex> write(stripe(h));
      Chain& chain = table_[h % table_.size()];
      for (auto& entry : chain) {
        if (entry.first == key) {
          if (overwrite) entry.second = std::move(value);
          return false;
        }
      }
      chain.emplace_back(key, std::move(value));
      count_.fetch_add(1, std::memory_order_relaxed);
      seen = table_.size();
    }
    grow_if_needed(seen);
    return true;
  }

  void grow_if_needed(std::size_t seen) {
    if (count_.load(std::memory_order_relaxed) <= kMaxLoadFactor * seen) return;
    std::vector<std::unique_lock<std::shared_mutex>> all;
    all.reserve(stripe_count_);
    for (std::size_t s = 0; s < stripe_count_; ++s) all.emplace_back(stripes_[s].lock);
    // Every stripe is held: no insert runs, so the count is exact and final for this growth.
    std::size_t target = table_.size();
    while (count_.load(std::memory_order_relaxed) > kMaxLoadFactor * target) target *= 2;
    if (target == table_.size()) return;
    std::vector<Chain> bigger(target);
    for (Chain& chain : table_) {
      while (!chain.empty()) {
        Chain& into = bigger[Hash{}(chain.front().first) % target];
        into.splice(into.end(), chain, chain.begin());
      }
    }
    table_.swap(bigger);
  }

  const std::size_t stripe_count_;
  std::unique_ptr<Stripe[]> stripes_;
  std::vector<Chain> table_;
  std::atomic<std::size_t> count_{0};
};

}  // namespace kata
