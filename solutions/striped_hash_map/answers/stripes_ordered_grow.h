// Textbook: a vector of std::list buckets, a fixed array of std::mutex stripes (key -> h % stripes,
// bucket count a multiple of the stripes), an atomic count; growth takes every stripe in order.
// expect-level: 3
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

  explicit StripedHashMap(std::size_t stripes = 16) : stripes_(stripes) {
    if (stripes == 0) throw std::invalid_argument("StripedHashMap: 0 stripes");
    locks_ = std::make_unique<std::mutex[]>(stripes);
    table_.resize(stripes);
  }

  StripedHashMap(const StripedHashMap&) = delete;
  StripedHashMap& operator=(const StripedHashMap&) = delete;

  std::optional<V> get(const K& key) const {
    const std::size_t h = Hash{}(key);
    std::lock_guard<std::mutex> lock(locks_[h % stripes_]);
    const Bucket& bucket = table_[h % table_.size()];
    for (const auto& [k, v] : bucket) {
      if (k == key) return v;
    }
    return std::nullopt;
  }

  bool contains(const K& key) const { return get(key).has_value(); }

  bool insert(const K& key, V value) {
    const std::size_t h = Hash{}(key);
    std::size_t buckets;
    {
      std::lock_guard<std::mutex> lock(locks_[h % stripes_]);
      Bucket& bucket = table_[h % table_.size()];
      for (const auto& entry : bucket) {
        if (entry.first == key) return false;
      }
      bucket.emplace_back(key, std::move(value));
      ++size_;
      buckets = table_.size();
    }
    maybe_grow(buckets);
    return true;
  }

  bool insert_or_assign(const K& key, V value) {
    const std::size_t h = Hash{}(key);
    std::size_t buckets;
    {
      std::lock_guard<std::mutex> lock(locks_[h % stripes_]);
      Bucket& bucket = table_[h % table_.size()];
      for (auto& entry : bucket) {
        if (entry.first == key) {
          entry.second = std::move(value);
          return false;
        }
      }
      bucket.emplace_back(key, std::move(value));
      ++size_;
      buckets = table_.size();
    }
    maybe_grow(buckets);
    return true;
  }

  bool erase(const K& key) {
    const std::size_t h = Hash{}(key);
    std::lock_guard<std::mutex> lock(locks_[h % stripes_]);
    Bucket& bucket = table_[h % table_.size()];
    for (auto it = bucket.begin(); it != bucket.end(); ++it) {
      if (it->first == key) {
        bucket.erase(it);
        --size_;
        return true;
      }
    }
    return false;
  }

  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    const std::size_t h = Hash{}(key);
    std::optional<V> next;
    std::size_t buckets = 0;
    {
      std::lock_guard<std::mutex> lock(locks_[h % stripes_]);
      Bucket& bucket = table_[h % table_.size()];
      auto it = bucket.begin();
      while (it != bucket.end() && !(it->first == key)) ++it;
      const bool present = it != bucket.end();
      next = fn(present ? std::optional<V>(it->second) : std::nullopt);
      if (present && next) {
        it->second = *next;
      } else if (present) {
        bucket.erase(it);
        --size_;
      } else if (next) {
        bucket.emplace_back(key, *next);
        ++size_;
        buckets = table_.size();
      }
    }
    if (buckets != 0) maybe_grow(buckets);
    return next;
  }

  std::size_t size() const { return size_.load(); }

  std::size_t stripe_count() const { return stripes_; }

  std::size_t bucket_count() const {
    std::lock_guard<std::mutex> lock(locks_[0]);  // grow() needs every stripe, this one too
    return table_.size();
  }

 private:
  using Bucket = std::list<std::pair<K, V>>;

  // Called with no stripe held, after an insert that saw `buckets` buckets.
  void maybe_grow(std::size_t buckets) {
    if (size_.load() <= kMaxLoadFactor * buckets) return;
    std::vector<std::unique_lock<std::mutex>> all;
    all.reserve(stripes_);
    for (std::size_t s = 0; s < stripes_; ++s) all.emplace_back(locks_[s]);  // always 0, 1, 2, ...
    std::size_t target = table_.size();
    while (size_.load() > kMaxLoadFactor * target) target *= 2;
    if (target == table_.size()) return;  // someone grew it while we queued for the stripes
    std::vector<Bucket> bigger(target);
    for (Bucket& old : table_) {
      while (!old.empty()) {
        Bucket& into = bigger[Hash{}(old.front().first) % target];
        into.splice(into.end(), old, old.begin());
      }
    }
    table_.swap(bigger);
  }

  const std::size_t stripes_;
  std::unique_ptr<std::mutex[]> locks_;
  std::vector<Bucket> table_;  // bucket b is guarded by stripe b % stripes_
  std::atomic<std::size_t> size_{0};
};

}  // namespace kata
