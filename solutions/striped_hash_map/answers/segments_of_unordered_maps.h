// Java 7 segments: one std::unordered_map per stripe, each under its own std::mutex; a segment
// rehashes on its own, so there is no global growth and bucket_count() stays at stripe_count().
// expect-level: 2
// expect-caught-by: Contract.L3_GrowsByDoublingAtTheLoadFactor assertion
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class K, class V, class Hash = std::hash<K>>
class StripedHashMap {
 public:
  static constexpr std::size_t kMaxLoadFactor = 2;

  explicit StripedHashMap(std::size_t stripes = 16) : n_(stripes) {
    if (stripes == 0) throw std::invalid_argument("StripedHashMap: no stripes");
    segments_ = std::make_unique<Segment[]>(stripes);
  }

  StripedHashMap(const StripedHashMap&) = delete;
  StripedHashMap& operator=(const StripedHashMap&) = delete;

  std::optional<V> get(const K& key) const {
    const Segment& seg = segment(key);
    std::lock_guard<std::mutex> lock(seg.mutex);
    auto it = seg.map.find(key);
    if (it == seg.map.end()) return std::nullopt;
    return it->second;
  }

  bool contains(const K& key) const {
    const Segment& seg = segment(key);
    std::lock_guard<std::mutex> lock(seg.mutex);
    return seg.map.count(key) != 0;
  }

  bool insert(const K& key, V value) {
    Segment& seg = segment(key);
    std::lock_guard<std::mutex> lock(seg.mutex);
    const bool inserted = seg.map.try_emplace(key, std::move(value)).second;
    if (inserted) size_.fetch_add(1);
    return inserted;
  }

  bool insert_or_assign(const K& key, V value) {
    Segment& seg = segment(key);
    std::lock_guard<std::mutex> lock(seg.mutex);
    const bool inserted = seg.map.insert_or_assign(key, std::move(value)).second;
    if (inserted) size_.fetch_add(1);
    return inserted;
  }

  bool erase(const K& key) {
    Segment& seg = segment(key);
    std::lock_guard<std::mutex> lock(seg.mutex);
    const bool erased = seg.map.erase(key) != 0;
    if (erased) size_.fetch_sub(1);
    return erased;
  }

  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    Segment& seg = segment(key);
    std::lock_guard<std::mutex> lock(seg.mutex);
    auto it = seg.map.find(key);
    const bool present = it != seg.map.end();
    std::optional<V> next = fn(present ? std::optional<V>(it->second) : std::optional<V>());
    if (next && present) {
      it->second = *next;
    } else if (next) {
      seg.map.emplace(key, *next);
      size_.fetch_add(1);
    } else if (present) {
      seg.map.erase(it);
      size_.fetch_sub(1);
    }
    return next;
  }

  std::size_t size() const { return size_.load(); }

  std::size_t stripe_count() const { return n_; }

  // One table per segment; each grows inside std::unordered_map, under its own lock.
  std::size_t bucket_count() const { return n_; }

 private:
  struct Segment {
    mutable std::mutex mutex;
    std::unordered_map<K, V, Hash> map;
  };

  Segment& segment(const K& key) { return segments_[Hash{}(key) % n_]; }
  const Segment& segment(const K& key) const { return segments_[Hash{}(key) % n_]; }

  const std::size_t n_;
  std::unique_ptr<Segment[]> segments_;
  std::atomic<std::size_t> size_{0};
};

}  // namespace kata
