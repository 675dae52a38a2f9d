// bank_transfers: transfer() throughput at 1, 2, 4 and 8 threads (the machine may have 2 cores:
// oversubscription is part of the picture) on one shared bank of 1,024 accounts, 64 calls a batch,
// in four workloads:
//  - accounts=0 uniform: both accounts of a transfer drawn uniformly: transfers rarely collide;
//  - accounts=1 zipf:    both drawn from Zipf(0.99): a few hot accounts are in most transfers, and
//    the threads queue on their locks;
//  - audits=1: one call of each batch is total() instead of a transfer: every account's lock, in
//    order, while the other threads transfer.
// Same body for every implementation; rows named BM_Transfers<impl>/accounts:<0|1>/audits:<0|1>/
// iterations:1/threads:<n> (one iteration: a fixed window), and BM_Transfers<learner,
// reference>/... for the two measured in turns. Baseline: one std::mutex for the whole bank. No
// peer: Debian packages no concurrent bank or multi-lock account library (a transfer between two
// locks is this exercise, not a library's API).
#include <chrono>
#include <cstdint>
#include <tuple>
#include <vector>

#include "baselines/bank_transfers_naive.h"
#include "support/bench.h"

namespace {

constexpr std::size_t kAccounts = 1024;
// Large enough that no transfer of 1 is refused in a window: every call moves money.
constexpr std::int64_t kInitialBalance = std::int64_t{1} << 40;
constexpr int kCallsPerBatch = 64;
constexpr std::chrono::milliseconds kWindow(50);

template <class Bank>
struct Adapter : Bank {
  Adapter() : Bank(kAccounts, kInitialBalance) {}
};
using learner = Adapter<KATA_LEARNER_NS::Bank<>>;
using reference = bench::Reference<Adapter<solution::Bank<>>>;
using global_mutex = Adapter<baseline::GlobalMutexBank>;

const std::vector<std::int64_t>& accounts(int pattern) {
  static const std::vector<std::int64_t> uniform = bench::uniform_keys(kAccounts, 1 << 16, 1);
  static const std::vector<std::int64_t> zipf = bench::zipf_keys(kAccounts, 1 << 16, 2);
  return pattern == 0 ? uniform : zipf;
}

// One bank per implementation and workload, shared by the benchmark's threads; never destroyed
// (threads of later runs reuse it). Null if the implementation's constructor threw.
template <class Bank>
Bank* shared_bank(int workload, benchmark::State& state) {
  auto make = []() -> Bank* {
    try {
      return bench::new_isolated<Bank>();
    } catch (...) {
      return nullptr;
    }
  };
  static Bank* const banks[4] = {make(), make(), make(), make()};
  Bank* bank = banks[workload];
  if (bank == nullptr) bench::guarded(state, [] { Bank again; });
  return bank;
}

template <class... Banks>
void BM_Transfers(benchmark::State& state) {
  const int pattern = static_cast<int>(state.range(0));
  const bool audits = state.range(1) != 0;
  const std::tuple<Banks*...> banks{shared_bank<Banks>(pattern * 2 + (audits ? 1 : 0), state)...};
  if (std::apply([](auto*... bank) { return ((bank == nullptr) || ...); }, banks)) return;
  const std::vector<std::int64_t>& sequence = accounts(pattern);
  std::size_t at = (static_cast<std::size_t>(state.thread_index()) * 7717) % sequence.size();
  auto next = [&] {
    at = at + 1 == sequence.size() ? 0 : at + 1;
    return static_cast<std::size_t>(sequence[at]);
  };
  auto batch = [&](auto& bank) {
    for (int i = 0; i < kCallsPerBatch; ++i) {
      if (audits && i == 0) {
        benchmark::DoNotOptimize(bank.total());
        continue;
      }
      const std::size_t from = next();
      benchmark::DoNotOptimize(bank.transfer(from, next(), 1));
    }
  };
  std::apply(
      [&](auto*... bank) { bench::for_window(state, kWindow, kCallsPerBatch, batch, *bank...); },
      banks);
}

void transfer_args(benchmark::internal::Benchmark* b) {
  for (int pattern : {0, 1}) {
    for (int audits : {0, 1}) b->Args({pattern, audits});
  }
  b->ArgNames({"accounts", "audits"})->UseRealTime()->Iterations(1);
}

KATA_LEARNER_AND_REFERENCE(BM_Transfers, transfer_args, kUpToCores);
BENCHMARK_TEMPLATE(BM_Transfers, global_mutex)
    ->Apply(transfer_args)
    ->Apply(bench::all_thread_counts);

}  // namespace

BENCHMARK_MAIN();
