// Reference solution of the striped_hash_map kata: a chained hash table whose buckets are guarded
// by a fixed array of stripe locks, growing by doubling while holding every stripe.
//
// Why it is correct, in short:
//  - A key's stripe is Hash(key) % stripe_count. It depends on the key only, never on the table's
//    size, so the lock that guards a key is the same before and after any resize.
//  - bucket_count is always stripe_count * 2^k, so bucket b = h % bucket_count satisfies
//    b % stripe_count == h % stripe_count: every bucket belongs to exactly one stripe, and holding
//    a key's stripe lock means holding the only lock that guards that key's bucket.
//  - The bucket array itself (its size and its address) changes only in grow(), which holds every
//    stripe lock. So holding ANY one stripe lock is enough to read the bucket array safely: a call
//    takes its stripe lock first, and only then computes the bucket index.
//  - grow() takes the stripes in one fixed order (0, 1, 2, ...) and is never called with a stripe
//    already held: two threads growing at once queue up on stripe 0 instead of deadlocking. The
//    second one finds the table already big enough and does nothing.
//  - count_ is changed by threads holding different stripe locks, so it must be an atomic (a plain
//    size_t guarded by "my stripe" is a data race: two stripes, two locks, one counter). When no
//    call is running it is exact; while calls run it is some value the size passed through.
//  - compute() calls fn with the key's stripe held, so the read-modify-write is atomic with respect
//    to every other call on that key (a get followed by an insert is not: two increments can both
//    read 5 and both write 6).
//  - Linearization point of every single-key call: the moment it holds its stripe lock.
//  - The load factor bound: an insert that makes size exceed kMaxLoadFactor * bucket_count calls
//    grow() after releasing its stripe; grow() doubles until the bound holds, with every stripe
//    held, so nothing can be inserted meanwhile. The last insert to finish checks after its own
//    increment, so when the map is idle the bound holds.
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

namespace solution {

template <class K, class V, class Hash = std::hash<K>>
class StripedHashMap {
 public:
  static constexpr std::size_t kMaxLoadFactor = 2;

  explicit StripedHashMap(std::size_t stripes = 16) : stripe_count_(stripes) {
    if (stripes == 0) throw std::invalid_argument("StripedHashMap: stripes must be positive");
    stripes_ = std::make_unique<Stripe[]>(stripes);
    buckets_.resize(stripes);
  }

  StripedHashMap(const StripedHashMap&) = delete;
  StripedHashMap& operator=(const StripedHashMap&) = delete;

  std::optional<V> get(const K& key) const {
    std::lock_guard lock(stripe_of(key));
    const Bucket& bucket = bucket_of(key);
    auto it = find(bucket, key);
    if (it == bucket.end()) return std::nullopt;
    return it->second;
  }

  bool contains(const K& key) const {
    std::lock_guard lock(stripe_of(key));
    const Bucket& bucket = bucket_of(key);
    return find(bucket, key) != bucket.end();
  }

  bool insert(const K& key, V value) {
    std::size_t buckets_seen;
    {
      std::lock_guard lock(stripe_of(key));
      Bucket& bucket = bucket_of(key);
      if (find(bucket, key) != bucket.end()) return false;
      bucket.emplace_back(key, std::move(value));
      ++count_;
      buckets_seen = buckets_.size();
    }
    grow_if_needed(buckets_seen);
    return true;
  }

  bool insert_or_assign(const K& key, V value) {
    std::size_t buckets_seen;
    {
      std::lock_guard lock(stripe_of(key));
      Bucket& bucket = bucket_of(key);
      auto it = find(bucket, key);
      if (it != bucket.end()) {
        it->second = std::move(value);
        return false;
      }
      bucket.emplace_back(key, std::move(value));
      ++count_;
      buckets_seen = buckets_.size();
    }
    grow_if_needed(buckets_seen);
    return true;
  }

  bool erase(const K& key) {
    std::lock_guard lock(stripe_of(key));
    Bucket& bucket = bucket_of(key);
    auto it = find(bucket, key);
    if (it == bucket.end()) return false;
    bucket.erase(it);
    --count_;
    return true;
  }

  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    std::optional<V> result;
    bool inserted = false;
    std::size_t buckets_seen = 0;
    {
      std::lock_guard lock(stripe_of(key));  // held while fn runs: the update is atomic
      Bucket& bucket = bucket_of(key);
      auto it = find(bucket, key);
      std::optional<V> current;
      if (it != bucket.end()) current = it->second;
      result = fn(std::move(current));
      if (it != bucket.end()) {
        if (result) {
          it->second = *result;
        } else {
          bucket.erase(it);
          --count_;
        }
      } else if (result) {
        bucket.emplace_back(key, *result);
        ++count_;
        inserted = true;
        buckets_seen = buckets_.size();
      }
    }
    if (inserted) grow_if_needed(buckets_seen);
    return result;
  }

  std::size_t size() const { return count_; }

  std::size_t stripe_count() const { return stripe_count_; }

  std::size_t bucket_count() const {
    std::lock_guard lock(stripes_[0].mutex);  // any one stripe keeps grow() out
    return buckets_.size();
  }

 private:
  using Bucket = std::list<std::pair<K, V>>;

  // One lock per stripe, each on its own cache line so that threads on different stripes do not
  // slow each other down by sharing one (false sharing).
  struct alignas(64) Stripe {
    std::mutex mutex;
  };

  std::mutex& stripe_of(const K& key) const { return stripes_[Hash{}(key) % stripe_count_].mutex; }

  // Only with the key's stripe (or every stripe) held.
  Bucket& bucket_of(const K& key) { return buckets_[Hash{}(key) % buckets_.size()]; }
  const Bucket& bucket_of(const K& key) const { return buckets_[Hash{}(key) % buckets_.size()]; }

  template <class B>
  static auto find(B& bucket, const K& key) {
    auto it = bucket.begin();
    while (it != bucket.end() && !(it->first == key)) ++it;
    return it;
  }

  // Called with no stripe held, after an insert saw `buckets_seen` buckets.
  void grow_if_needed(std::size_t buckets_seen) {
    if (count_ <= kMaxLoadFactor * buckets_seen) return;
    grow();
  }

  // Takes every stripe, always in the same order (0, 1, 2, ...), so two threads growing at once
  // cannot deadlock; the second finds the work done.
  void grow() {
    std::vector<std::unique_lock<std::mutex>> held;
    held.reserve(stripe_count_);
    for (std::size_t s = 0; s < stripe_count_; ++s) held.emplace_back(stripes_[s].mutex);
    rehash();
  }

  // With every stripe held: doubles the bucket array until the load factor bound holds.
  void rehash() {
    std::size_t target = buckets_.size();
    while (count_ > kMaxLoadFactor * target) target *= 2;
    if (target == buckets_.size()) return;  // another thread grew it already
    std::vector<Bucket> bigger(target);
    for (Bucket& old : buckets_) {
      while (!old.empty()) {
        auto& into = bigger[Hash{}(old.front().first) % target];
        into.splice(into.end(), old, old.begin());  // moves the node: no copy, no allocation
      }
    }
    buckets_.swap(bigger);
  }

  const std::size_t stripe_count_;
  std::unique_ptr<Stripe[]> stripes_;
  std::vector<Bucket> buckets_;        // guarded by the stripes: bucket b by stripe b % stripes
  std::atomic<std::size_t> count_{0};  // changed under different stripes: atomic
};

}  // namespace solution
