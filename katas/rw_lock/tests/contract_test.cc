// Level 1 contract: what each call does, one holder at a time. A call that must not block is made
// from its own thread and must have returned by the time that thread would be asleep
// (harness::BackgroundOp::settle), so a try_ call that waits is caught at once, without a timeout.
#include <gtest/gtest.h>

#include <concepts>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "harness/background.h"
#include "harness/watchdog.h"
#include "watched_lock.h"

namespace {

using harness::BackgroundOp;
using harness::watched;

// The outcome of one try_ call made from another thread.
struct Attempt {
  bool returned = false;  // false: it blocked, which a try_ call must never do
  bool got = false;
};

// Runs `try_op` on another thread (the holder is this thread) and reports whether it returned at
// once and what it returned. If it blocked, `unblock` is called to let it finish.
template <class TryOp, class Unblock>
Attempt attempt_from_another_thread(const char* what, TryOp try_op, Unblock unblock) {
  Attempt attempt;
  BackgroundOp call(what, "a try_ call never waits", [&] { attempt.got = try_op(); });
  attempt.returned = call.settle();
  if (!attempt.returned) unblock();
  call.join();
  return attempt;
}

// The standard's requirements, as it words them: Cpp17Lockable ([thread.req.lockable.req]: lock(),
// unlock(), and try_lock() whose return type is bool) and Cpp17SharedLockable
// ([thread.req.lockable.shared]: the same three for shared ownership, try_lock_shared() of type
// bool). Checked here as written because std::unique_lock and std::shared_lock do not check them:
// libstdc++'s compile as well with a try_lock() that returns an int, a class that does not meet
// the requirements the header promises. Defined above the first test, so that a compile error
// they cause is reported in the test that asserts them (tools/expect_compile_error.py).
template <class L>
concept Lockable = requires(L& m) {
  m.lock();
  m.unlock();
  { m.try_lock() } -> std::same_as<bool>;
};

template <class L>
concept SharedLockable = requires(L& m) {
  m.lock_shared();
  m.unlock_shared();
  { m.try_lock_shared() } -> std::same_as<bool>;
};

TEST(Contract, L1_LockAndUnlockRepeatedly) {
  WatchedLock lock;
  for (int i = 0; i < 1000; ++i) {
    lock.lock();
    lock.unlock();
    lock.lock_shared();
    lock.unlock_shared();
  }
}

TEST(Contract, L1_TryLockOnAFreeLockSucceeds) {
  WatchedLock lock;
  ASSERT_TRUE(lock.try_lock()) << "try_lock() on a lock nobody holds must succeed";
  lock.unlock();
  ASSERT_TRUE(lock.try_lock_shared()) << "try_lock_shared() on a lock nobody holds must succeed";
  lock.unlock_shared();
  ASSERT_TRUE(lock.try_lock()) << "try_lock() must succeed once the reader has left";
  lock.unlock();
  ASSERT_TRUE(lock.try_lock_shared()) << "try_lock_shared() must succeed once the writer has left";
  lock.unlock_shared();
}

TEST(Contract, L1_WorksWithStandardLockTypes) {
  static_assert(Lockable<under_test::RWLock>,
                "RWLock must meet the standard's Lockable requirements: lock(), unlock(), and "
                "try_lock() returning bool");
  static_assert(SharedLockable<under_test::RWLock>,
                "RWLock must meet the standard's SharedLockable requirements: lock_shared(), "
                "unlock_shared(), and try_lock_shared() returning bool");
  under_test::RWLock raw;  // the class itself: std::unique_lock and std::shared_lock must accept it
  watched("std::unique_lock<RWLock> on a free lock", "", [&] { std::unique_lock writer(raw); });
  watched("std::shared_lock<RWLock> on a free lock", "", [&] { std::shared_lock reader(raw); });
  watched("std::unique_lock<RWLock>(try_to_lock) on a free lock", "", [&] {
    std::unique_lock writer(raw, std::try_to_lock);
    EXPECT_TRUE(writer.owns_lock());
  });
  watched("std::shared_lock<RWLock>(try_to_lock) on a free lock", "", [&] {
    std::shared_lock reader(raw, std::try_to_lock);
    EXPECT_TRUE(reader.owns_lock());
  });
}

// Readers share: while one thread holds the lock shared and no writer waits, another thread's
// try_lock_shared() succeeds and its lock_shared() returns. A plain mutex posing as a reader-writer
// lock fails this.
TEST(Contract, L1_ReadersShare) {
  WatchedLock lock;
  lock.lock_shared();
  Attempt attempt = attempt_from_another_thread(
      "try_lock_shared() while only a reader holds the lock",
      [&] {
        bool got = lock.try_lock_shared();
        if (got) lock.unlock_shared();
        return got;
      },
      [&] { lock.unlock_shared(); });
  ASSERT_TRUE(attempt.returned) << "try_lock_shared() blocked while a reader held the lock";
  EXPECT_TRUE(attempt.got) << "try_lock_shared() failed while only a reader held the lock and no "
                              "writer waited: readers must share (is it a plain mutex?)";

  // Three more readers, each on its own thread, all inside at once with this one.
  std::vector<std::unique_ptr<Hold>> readers;
  for (int i = 0; i < 3; ++i) {
    readers.push_back(std::make_unique<Hold>(lock, Mode::kShared,
                                             "lock_shared() while only readers hold the lock",
                                             "readers must share: it must return at once"));
    EXPECT_TRUE(readers.back()->settle())
        << "lock_shared() blocked while only " << i + 1
        << " reader(s) held the lock and no writer waited: readers must share";
  }
  lock.unlock_shared();
  for (auto& reader : readers) reader->finish();
}

TEST(Contract, L1_TryLockFailsWhileAReaderHolds) {
  WatchedLock lock;
  lock.lock_shared();
  Attempt attempt = attempt_from_another_thread(
      "try_lock() while a reader holds the lock", [&] { return lock.try_lock(); },
      [&] { lock.unlock_shared(); });
  ASSERT_TRUE(attempt.returned) << "try_lock() blocked while a reader held the lock: it must "
                                   "fail at once";
  ASSERT_FALSE(attempt.got) << "try_lock() succeeded while a reader held the lock";
  lock.unlock_shared();
  EXPECT_TRUE(lock.try_lock()) << "try_lock() must succeed once the reader has left";
  lock.unlock();
}

TEST(Contract, L1_TryLockFailsWhileAWriterHolds) {
  WatchedLock lock;
  lock.lock();
  Attempt attempt = attempt_from_another_thread(
      "try_lock() while a writer holds the lock", [&] { return lock.try_lock(); },
      [&] { lock.unlock(); });
  ASSERT_TRUE(attempt.returned) << "try_lock() blocked while a writer held the lock: it must "
                                   "fail at once";
  ASSERT_FALSE(attempt.got) << "try_lock() succeeded while another writer held the lock";
  lock.unlock();
}

TEST(Contract, L1_TryLockSharedFailsWhileAWriterHolds) {
  WatchedLock lock;
  lock.lock();
  Attempt attempt = attempt_from_another_thread(
      "try_lock_shared() while a writer holds the lock", [&] { return lock.try_lock_shared(); },
      [&] { lock.unlock(); });
  ASSERT_TRUE(attempt.returned) << "try_lock_shared() blocked while a writer held the lock: it "
                                   "must fail at once";
  ASSERT_FALSE(attempt.got) << "try_lock_shared() succeeded while a writer held the lock";
  lock.unlock();
  EXPECT_TRUE(lock.try_lock_shared()) << "try_lock_shared() must succeed once the writer has left";
  lock.unlock_shared();
}

}  // namespace
