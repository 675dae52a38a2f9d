// Liveness and fairness, deterministically. Each test builds a scenario out of threads that take
// the lock and hold it (Hold, in watched_lock.h), waits until each newcomer either holds the lock
// or is asleep inside lock()/lock_shared() (read from /proc: no sleep-and-hope), then makes the
// change that must let the waiters in. A waiter that is never let in is reported by the watchdog,
// by name.
//
// Starvation is measured in admissions, not in time: "once a writer is waiting, how many readers
// that arrive after it get in before it" (level 2) and "once a reader is waiting, how many writers
// that arrive after it get in before it" (level 3). A phase-fair lock lets in none; the bound
// allows a few; a reader-preferring (or writer-preferring) lock lets in as many as keep coming.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "harness/watchdog.h"
#include "watched_lock.h"

namespace {

// How many later arrivals may overtake a waiter before the test calls it starvation.
constexpr int kLaterReadersAllowed = 8;
constexpr int kLaterWritersAllowed = 8;

using Holds = std::vector<std::unique_ptr<Hold>>;

// `first` takes a free lock; `second` must then stay out while it holds it, and get in when it
// leaves (its unlock must wake the waiter). Hold keeps pointers to its descriptions: the strings
// are declared first so that they outlive both threads.
void expect_second_waits_for_first(Mode first, Mode second, const std::string& holder) {
  const auto call = [](Mode mode) { return mode == Mode::kShared ? "lock_shared()" : "lock()"; };
  const std::string first_what = std::string(call(first)) + " on a free lock";
  const std::string second_what =
      std::string(call(second)) + " while " + holder + " holds the lock, until it leaves";
  const std::string wake_hint =
      std::string(first == Mode::kShared ? "unlock_shared()" : "unlock()") +
      " must let the waiting " + (second == Mode::kShared ? "reader" : "writer") + " in";
  WatchedLock lock;
  Hold held(lock, first, first_what.c_str(), "");
  ASSERT_TRUE(held.settle()) << call(first) << " blocked on a lock nobody held";
  Hold waiting(lock, second, second_what.c_str(), wake_hint.c_str());
  EXPECT_FALSE(waiting.settle()) << call(second) << " got in while " << holder << " held the lock";
  held.finish();
  waiting.wait_entered();
  waiting.finish();
}

TEST(Liveness, L1_WriterWaitsForTheReader) {
  expect_second_waits_for_first(Mode::kShared, Mode::kExclusive, "a reader");
}

TEST(Liveness, L1_ReaderWaitsForTheWriter) {
  expect_second_waits_for_first(Mode::kExclusive, Mode::kShared, "a writer");
}

TEST(Liveness, L1_WriterWaitsForAnotherWriter) {
  expect_second_waits_for_first(Mode::kExclusive, Mode::kExclusive, "another writer");
}

// Three readers inside, a writer waiting. It must stay out until the last of them leaves, and get
// in when that one does: the last unlock_shared() must wake it.
TEST(Liveness, L1_LastReaderOutLetsTheWriterIn) {
  constexpr int kReaders = 3;
  WatchedLock lock;
  std::atomic<int> readers_left{kReaders};
  harness::describe_state([&] {
    return std::to_string(readers_left.load()) + " readers still inside; a writer waiting";
  });
  Holds readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.push_back(std::make_unique<Hold>(lock, Mode::kShared,
                                             "lock_shared() while readers hold the lock", ""));
    ASSERT_TRUE(readers.back()->settle()) << "lock_shared() blocked while only readers held it";
  }
  Hold writer(lock, Mode::kExclusive, "lock() while readers drain, one by one",
              "the last unlock_shared() must wake the waiting writer: does it notify?");
  EXPECT_FALSE(writer.settle()) << "lock() got in while " << kReaders << " readers held the lock";
  for (int i = 0; i < kReaders; ++i) {
    readers[i]->finish();
    readers_left.fetch_sub(1);
    if (i + 1 < kReaders) {
      EXPECT_FALSE(writer.settle())
          << "lock() got in while " << kReaders - i - 1 << " reader(s) still held the lock";
    }
  }
  writer.wait_entered();
  writer.finish();
}

// A writer inside, three readers waiting. When it leaves, all three must get in, together.
TEST(Liveness, L1_WriterOutLetsEveryWaitingReaderIn) {
  constexpr int kReaders = 3;
  WatchedLock lock;
  std::atomic<int> readers_in{0};
  harness::describe_state([&] {
    return "the writer has left; " + std::to_string(readers_in.load()) + " of " +
           std::to_string(kReaders) + " waiting readers got in";
  });
  Hold writer(lock, Mode::kExclusive, "lock() on a free lock", "");
  ASSERT_TRUE(writer.settle()) << "lock() blocked on a lock nobody held";
  Holds readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.push_back(std::make_unique<Hold>(
        lock, Mode::kShared, "lock_shared() while a writer holds the lock, until it leaves",
        "unlock() by the writer must wake every waiting reader: notify_one?"));
    EXPECT_FALSE(readers.back()->settle()) << "lock_shared() got in while a writer held the lock";
  }
  writer.finish();
  for (auto& reader : readers) {
    reader->wait_entered();  // none has left yet: they are all inside at once
    readers_in.fetch_add(1);
  }
  for (auto& reader : readers) reader->finish();
}

// Level 2. A reader holds the lock; a writer comes and waits. New readers keep arriving, one after
// the other, each entering and leaving while the first reader still holds the lock, so the lock is
// never free. However many come, the writer must not be overtaken by more than
// kLaterReadersAllowed of them: a reader-preferring lock lets every one of them in, for ever.
TEST(Liveness, L2_NoWriterStarvation) {
  WatchedLock lock;
  std::atomic<int> overtook{0};
  harness::describe_state([&] {
    return "a writer waiting; " + std::to_string(overtook.load()) +
           " later readers got in before it";
  });
  Hold first(lock, Mode::kShared, "lock_shared() on a free lock", "");
  ASSERT_TRUE(first.settle()) << "lock_shared() blocked on a lock nobody held";
  Hold writer(lock, Mode::kExclusive, "lock() while readers keep arriving",
              "once the readers inside have left, the waiting writer must get in");
  ASSERT_FALSE(writer.settle()) << "lock() got in while a reader held the lock";

  std::unique_ptr<Hold> blocked_reader;
  while (overtook.load() <= kLaterReadersAllowed) {
    auto reader =
        std::make_unique<Hold>(lock, Mode::kShared, "lock_shared() after a writer started waiting",
                               "it waits for the writer, which waits for the readers");
    if (!reader->settle()) {
      blocked_reader = std::move(reader);  // it waits its turn, behind the writer
      break;
    }
    overtook.fetch_add(1);
    reader->finish();
  }
  EXPECT_LE(overtook.load(), kLaterReadersAllowed)
      << "readers that arrived after a writer started waiting kept getting in before it (stopped "
         "counting at "
      << overtook.load() << "): the writer would starve while readers keep overlapping";

  first.finish();
  writer.wait_entered();
  if (blocked_reader) {
    EXPECT_FALSE(blocked_reader->settle()) << "lock_shared() got in while a writer held the lock";
  }
  writer.finish();
  if (blocked_reader) {
    blocked_reader->wait_entered();
    blocked_reader->finish();
  }
}

// Level 2, through try_lock_shared(). A reader holds the lock; a writer comes and waits. Then new
// readers keep trying try_lock_shared() (from this thread, one after the other), each leaving at
// once if it got in, so the lock is never free. A success is a later reader that got in before the
// waiting writer: at most kLaterReadersAllowed of them. A try_lock_shared() that looks only at the
// writer inside, not at the one waiting, lets a stream of readers starve the writer just the same.
TEST(Liveness, L2_NoWriterStarvationThroughTryLockShared) {
  WatchedLock lock;
  std::atomic<int> overtook{0};
  harness::describe_state([&] {
    return "a writer waiting; " + std::to_string(overtook.load()) +
           " later try_lock_shared() calls got in before it";
  });
  Hold first(lock, Mode::kShared, "lock_shared() on a free lock", "");
  ASSERT_TRUE(first.settle()) << "lock_shared() blocked on a lock nobody held";
  Hold writer(lock, Mode::kExclusive, "lock() while readers keep trying try_lock_shared()",
              "once the readers inside have left, the waiting writer must get in");
  ASSERT_FALSE(writer.settle()) << "lock() got in while a reader held the lock";

  while (overtook.load() <= kLaterReadersAllowed && lock.try_lock_shared()) {
    overtook.fetch_add(1);
    lock.unlock_shared();
  }
  EXPECT_LE(overtook.load(), kLaterReadersAllowed)
      << "try_lock_shared() kept succeeding while a writer waited (stopped counting at "
      << overtook.load()
      << "): from level 2 a success is a later reader overtaking the writer, which would starve "
         "while readers keep trying";

  first.finish();
  writer.wait_entered();
  writer.finish();
}

// Level 3. A writer holds the lock; a reader comes and waits. Writers keep arriving: each time,
// a new writer queues up and then the writer inside leaves. However many come, the reader must not
// be overtaken by more than kLaterWritersAllowed of them: a writer-preferring lock lets every one
// of them in first, for ever.
TEST(Liveness, L3_NoReaderStarvation) {
  WatchedLock lock;
  std::atomic<int> overtook{0};
  harness::describe_state([&] {
    return "a reader waiting; " + std::to_string(overtook.load()) +
           " later writers got in before it";
  });
  auto inside = std::make_unique<Hold>(lock, Mode::kExclusive, "lock() on a free lock", "");
  ASSERT_TRUE(inside->settle()) << "lock() blocked on a lock nobody held";
  Hold reader(
      lock, Mode::kShared, "lock_shared() while writers keep arriving",
      "when the writer inside leaves, the waiting reader must get in (before later writers)");
  ASSERT_FALSE(reader.settle()) << "lock_shared() got in while a writer held the lock";

  std::unique_ptr<Hold> next;
  while (true) {
    next = std::make_unique<Hold>(lock, Mode::kExclusive, "lock() after a reader started waiting",
                                  "it waits for the reader, which waits for the writer inside");
    ASSERT_FALSE(next->settle()) << "lock() got in while another writer held the lock";
    inside->finish();
    inside.reset();
    // One of the two waiters gets in: the reader (fair) or the newer writer (it overtook).
    while (!reader.entered() && !next->entered()) {
      reader.settle();
      next->settle();
    }
    if (reader.entered()) break;
    overtook.fetch_add(1);
    inside = std::move(next);
    if (overtook.load() > kLaterWritersAllowed) break;
  }
  EXPECT_LE(overtook.load(), kLaterWritersAllowed)
      << "writers that arrived after a reader started waiting kept getting in before it (stopped "
         "counting at "
      << overtook.load() << "): the reader would starve while writers keep coming";
  if (reader.entered() && next) {
    EXPECT_FALSE(next->settle()) << "lock() got in while a reader held the lock";
  }
  if (inside) inside->finish();
  reader.wait_entered();
  reader.finish();
  if (next) next->finish();
}

}  // namespace
