// Flawed: stripes, buckets and growth as in the textbook, but the key count is a plain size_t,
// "guarded by the stripe lock": threads holding different stripes update it at the same time.
// expect-level: 0
// expect-caught-by: Concurrency.L1_DisjointInsertsAllPresentAndSizeExact data_race
#pragma once

#include <cstddef>
#include <functional>
#include <list>
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

  explicit StripedHashMap(std::size_t stripes = 16) : locks_(stripes), table_(stripes) {
    if (stripes == 0) throw std::invalid_argument("StripedHashMap: stripes == 0");
  }

  StripedHashMap(const StripedHashMap&) = delete;
  StripedHashMap& operator=(const StripedHashMap&) = delete;

  std::optional<V> get(const K& key) const {
    const std::size_t h = hash_(key);
    std::lock_guard<std::mutex> lock(locks_[h % locks_.size()]);
    for (const auto& kv : table_[h % table_.size()]) {
      if (kv.first == key) return kv.second;
    }
    return std::nullopt;
  }

  bool contains(const K& key) const { return get(key).has_value(); }

  bool insert(const K& key, V value) {
    const std::size_t h = hash_(key);
    std::size_t seen;
    {
      std::lock_guard<std::mutex> lock(locks_[h % locks_.size()]);
      auto& bucket = table_[h % table_.size()];
      for (const auto& kv : bucket) {
        if (kv.first == key) return false;
      }
      bucket.emplace_back(key, std::move(value));
      ++count_;  // under the lock
      seen = table_.size();
    }
    resize_if_needed(seen);
    return true;
  }

  bool insert_or_assign(const K& key, V value) {
    const std::size_t h = hash_(key);
    std::size_t seen;
    {
      std::lock_guard<std::mutex> lock(locks_[h % locks_.size()]);
      auto& bucket = table_[h % table_.size()];
      for (auto& kv : bucket) {
        if (kv.first == key) {
          kv.second = std::move(value);
          return false;
        }
      }
      bucket.emplace_back(key, std::move(value));
      ++count_;
      seen = table_.size();
    }
    resize_if_needed(seen);
    return true;
  }

  bool erase(const K& key) {
    const std::size_t h = hash_(key);
    std::lock_guard<std::mutex> lock(locks_[h % locks_.size()]);
    auto& bucket = table_[h % table_.size()];
    for (auto it = bucket.begin(); it != bucket.end(); ++it) {
      if (it->first == key) {
        bucket.erase(it);
        --count_;
        return true;
      }
    }
    return false;
  }

  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    const std::size_t h = hash_(key);
    std::optional<V> out;
    std::size_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(locks_[h % locks_.size()]);
      auto& bucket = table_[h % table_.size()];
      auto it = bucket.begin();
      for (; it != bucket.end(); ++it) {
        if (it->first == key) break;
      }
      if (it == bucket.end()) {
        out = fn(std::nullopt);
        if (out) {
          bucket.emplace_back(key, *out);
          ++count_;
          seen = table_.size();
        }
      } else {
        out = fn(it->second);
        if (out) {
          it->second = *out;
        } else {
          bucket.erase(it);
          --count_;
        }
      }
    }
    if (seen != 0) resize_if_needed(seen);
    return out;
  }

  std::size_t size() const { return count_; }

  std::size_t stripe_count() const { return locks_.size(); }

  std::size_t bucket_count() const {
    std::lock_guard<std::mutex> lock(locks_[0]);
    return table_.size();
  }

 private:
  // After an insert that saw `seen` buckets, with no stripe held.
  void resize_if_needed(std::size_t seen) {
    if (count_ <= kMaxLoadFactor * seen) return;
    for (auto& lock : locks_) lock.lock();
    if (count_ > kMaxLoadFactor * table_.size()) {
      std::size_t target = table_.size() * 2;
      while (count_ > kMaxLoadFactor * target) target *= 2;
      std::vector<std::list<std::pair<K, V>>> bigger(target);
      for (auto& bucket : table_) {
        for (auto& kv : bucket) bigger[hash_(kv.first) % target].push_back(std::move(kv));
      }
      table_.swap(bigger);
    }
    for (auto& lock : locks_) lock.unlock();
  }

  Hash hash_;
  mutable std::vector<std::mutex> locks_;
  std::vector<std::list<std::pair<K, V>>> table_;
  std::size_t count_ = 0;
};

}  // namespace kata
