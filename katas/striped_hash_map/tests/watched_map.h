// The map under test, with every call watched: if a call does not return, the watchdog's report
// names it (see harness/watchdog.h). Tests use this instead of the bare class so a deadlock
// anywhere (two threads growing the table, a lock never released) is reported by name, not as a
// hung test; and every call is checked against the level rule (harness/level_rule.h): a test of
// level N may call only the methods of levels 1..N.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

#include "harness/level_rule.h"
#include "harness/under_test.h"

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
    return harness::call(kGet, [&] { return map_.get(key); });
  }
  bool contains(const K& key) const {
    return harness::call(kContains, [&] { return map_.contains(key); });
  }
  bool insert(const K& key, V value) {
    return harness::call(kInsert, [&] { return map_.insert(key, std::move(value)); });
  }
  bool insert_or_assign(const K& key, V value) {
    return harness::call(kInsertOrAssign,
                         [&] { return map_.insert_or_assign(key, std::move(value)); });
  }
  bool erase(const K& key) {
    return harness::call(kErase, [&] { return map_.erase(key); });
  }
  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    return harness::call(kCompute, [&] { return map_.compute(key, std::move(fn)); });
  }
  std::size_t size() const {
    return harness::call(kSize, [&] { return map_.size(); });
  }
  std::size_t stripe_count() const {
    return harness::call(kStripeCount, [&] { return map_.stripe_count(); });
  }
  std::size_t bucket_count() const {
    return harness::call(kBucketCount, [&] { return map_.bucket_count(); });
  }

 private:
  static constexpr const char* kHint =
      "it waits only for calls on the same stripe, or a resize: a lock never released?";
  static constexpr const char* kGrowHint =
      "an insert may grow the table: two threads growing at once, taking the stripes in different "
      "orders (or one still holding its own stripe), deadlock";

  // Each method at the level striped_hash_map.h's banner gives it (harness/level_rule.h).
  static constexpr harness::Method kGet{"get()", 1, kHint};
  static constexpr harness::Method kContains{"contains()", 1, kHint};
  static constexpr harness::Method kInsert{"insert()", 1, kGrowHint};
  static constexpr harness::Method kInsertOrAssign{"insert_or_assign()", 1, kGrowHint};
  static constexpr harness::Method kErase{"erase()", 1, kHint};
  static constexpr harness::Method kSize{"size()", 1, kHint};
  static constexpr harness::Method kStripeCount{"stripe_count()", 1, kHint};
  static constexpr harness::Method kCompute{"compute()", 2, kGrowHint};
  static constexpr harness::Method kBucketCount{"bucket_count()", 3, kHint};

  Map map_;
};
