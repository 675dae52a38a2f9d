// The map under test, with every call watched: if a call does not return, the watchdog's report
// names it (see harness/watchdog.h). Tests use this instead of the bare class so a deadlock
// anywhere (two threads growing the table, a lock never released) is reported by name, not as a
// hung test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

#include "harness/under_test.h"
#include "harness/watchdog.h"

// Key k's stripe is k % stripe_count(): the tests can pick keys of the same or different stripes.
struct IdentityHash {
  std::size_t operator()(std::int64_t key) const { return static_cast<std::size_t>(key); }
};

template <class K, class V, class Hash = IdentityHash>
class WatchedMap {
 public:
  using Map = under_test::StripedHashMap<K, V, Hash>;
  static constexpr std::size_t kMaxLoadFactor = Map::kMaxLoadFactor;

  explicit WatchedMap(std::size_t stripes) : map_(stripes) {}

  std::optional<V> get(const K& key) const {
    return harness::watched("get()", kHint, [&] { return map_.get(key); });
  }
  bool contains(const K& key) const {
    return harness::watched("contains()", kHint, [&] { return map_.contains(key); });
  }
  bool insert(const K& key, V value) {
    return harness::watched("insert()", kGrowHint,
                            [&] { return map_.insert(key, std::move(value)); });
  }
  bool insert_or_assign(const K& key, V value) {
    return harness::watched("insert_or_assign()", kGrowHint,
                            [&] { return map_.insert_or_assign(key, std::move(value)); });
  }
  bool erase(const K& key) {
    return harness::watched("erase()", kHint, [&] { return map_.erase(key); });
  }
  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    return harness::watched("compute()", kGrowHint,
                            [&] { return map_.compute(key, std::move(fn)); });
  }
  std::size_t size() const {
    return harness::watched("size()", kHint, [&] { return map_.size(); });
  }
  std::size_t stripe_count() const {
    return harness::watched("stripe_count()", kHint, [&] { return map_.stripe_count(); });
  }
  std::size_t bucket_count() const {
    return harness::watched("bucket_count()", kHint, [&] { return map_.bucket_count(); });
  }

 private:
  static constexpr const char* kHint =
      "it waits only for calls on the same stripe, or a resize: a lock never released?";
  static constexpr const char* kGrowHint =
      "an insert may grow the table: two threads growing at once, taking the stripes in different "
      "orders (or one still holding its own stripe), deadlock";

  Map map_;
};
