// Contract: what each call returns and changes, one thread at a time, errors included.
#include <gtest/gtest.h>

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "watched_bank.h"

namespace {

// The benchmark's bank: the default Mutex is std::mutex.
static_assert(std::is_same_v<under_test::Bank<>, under_test::Bank<std::mutex>>,
              "Bank's Mutex parameter defaults to std::mutex");

std::vector<std::int64_t> balances_of(const WatchedBank& bank, std::size_t accounts) {
  std::vector<std::int64_t> balances;
  for (std::size_t i = 0; i < accounts; ++i) balances.push_back(bank.balance(i));
  return balances;
}

TEST(Contract, L1_NewAccountsHoldTheInitialBalance) {
  WatchedBank bank(4, 250);
  EXPECT_EQ(balances_of(bank, 4), (std::vector<std::int64_t>{250, 250, 250, 250}));
  WatchedBank broke(2, 0);
  EXPECT_EQ(balances_of(broke, 2), (std::vector<std::int64_t>{0, 0})) << "initial balance 0";
}

TEST(Contract, L1_TransferMovesTheAmount) {
  WatchedBank bank(3, 100);
  EXPECT_TRUE(bank.transfer(0, 1, 30));
  EXPECT_EQ(balances_of(bank, 3), (std::vector<std::int64_t>{70, 130, 100}));
  EXPECT_TRUE(bank.transfer(2, 0, 5));
  EXPECT_EQ(balances_of(bank, 3), (std::vector<std::int64_t>{75, 130, 95}));
  EXPECT_TRUE(bank.transfer(1, 2, 130)) << "account 1 holds exactly 130: it may send it all";
  EXPECT_EQ(balances_of(bank, 3), (std::vector<std::int64_t>{75, 0, 225}));
}

TEST(Contract, L1_ShortFundsReturnFalseAndChangeNothing) {
  WatchedBank bank(2, 100);
  EXPECT_FALSE(bank.transfer(0, 1, 101)) << "account 0 holds 100";
  EXPECT_EQ(balances_of(bank, 2), (std::vector<std::int64_t>{100, 100}));
  ASSERT_TRUE(bank.transfer(0, 1, 100));
  EXPECT_FALSE(bank.transfer(0, 1, 1)) << "account 0 holds 0";
  EXPECT_EQ(balances_of(bank, 2), (std::vector<std::int64_t>{0, 200}));
}

TEST(Contract, L1_TransferToItselfIsANoOp) {
  WatchedBank bank(3, 100);
  EXPECT_TRUE(bank.transfer(1, 1, 40));
  EXPECT_TRUE(bank.transfer(2, 2, 1000)) << "from == to returns true whatever the balance";
  EXPECT_EQ(balances_of(bank, 3), (std::vector<std::int64_t>{100, 100, 100}));
  EXPECT_TRUE(bank.transfer(1, 0, 10)) << "the accounts still work after a transfer to itself";
  EXPECT_EQ(balances_of(bank, 3), (std::vector<std::int64_t>{110, 90, 100}));
}

TEST(Contract, L1_BadArgumentsThrowAndChangeNothing) {
  WatchedBank bank(3, 100);
  EXPECT_THROW(bank.transfer(3, 0, 10), std::out_of_range) << "no account 3";
  EXPECT_THROW(bank.transfer(0, 3, 10), std::out_of_range) << "no account 3";
  EXPECT_THROW(bank.transfer(7, 7, 10), std::out_of_range) << "no account 7, even from == to";
  EXPECT_THROW(bank.transfer(0, 1, 0), std::invalid_argument) << "amount 0";
  EXPECT_THROW(bank.transfer(0, 1, -20), std::invalid_argument) << "a negative amount";
  EXPECT_THROW(bank.transfer(1, 1, 0), std::invalid_argument) << "amount 0, even from == to";
  EXPECT_THROW(bank.balance(3), std::out_of_range) << "no account 3";
  EXPECT_EQ(balances_of(bank, 3), (std::vector<std::int64_t>{100, 100, 100}));
  EXPECT_THROW(WatchedBank(2, -1), std::invalid_argument) << "a negative initial balance";
}

TEST(Contract, L3_TotalAndAuditOfAQuietBank) {
  WatchedBank bank(4, 50);
  EXPECT_EQ(bank.total(), 200);
  ASSERT_TRUE(bank.transfer(0, 3, 50));
  ASSERT_TRUE(bank.transfer(2, 1, 20));
  ASSERT_FALSE(bank.transfer(0, 1, 1));
  EXPECT_EQ(bank.total(), 200);
  EXPECT_EQ(bank.audit(), (std::vector<std::int64_t>{0, 70, 30, 100}));
  WatchedBank empty(0, 10);
  EXPECT_EQ(empty.total(), 0) << "a bank with no accounts";
  EXPECT_EQ(empty.audit(), std::vector<std::int64_t>{}) << "a bank with no accounts";
}

}  // namespace
