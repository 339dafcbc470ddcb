#include "gateway/access_recorder.h"

#include <chrono>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "crypto/sha256.h"

namespace imledger::gateway {
namespace {

crypto::SecretKey Key(std::string_view name) {
  return crypto::SecretKey::FromSeed(crypto::Sha256Of(name).view()).value();
}

contracts::AccessEvent Event(uint64_t time_ms) {
  contracts::AccessEvent event;
  event.requester = Key("doctor").public_key();
  event.study_key = crypto::Sha256Of(std::string_view("1.2.3"));
  event.purpose = contracts::Purpose::kTreatment;
  event.allowed = true;
  event.time_ms = time_ms;
  return event;
}

// Collects what the recorder submits.
class Submitted {
 public:
  SubmitFunction Function() {
    return [this](Bytes bytes) {
      std::lock_guard<std::mutex> lock(mutex_);
      transactions_.push_back(contracts::DecodeTransaction(bytes).value());
    };
  }

  std::vector<contracts::Transaction> Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    return transactions_;
  }

 private:
  std::mutex mutex_;
  std::vector<contracts::Transaction> transactions_;
};

TEST(AccessRecorder, FullBatchIsSubmittedAtOnce) {
  Submitted submitted;
  AccessRecorder recorder(Key("gateway"), "net-1", submitted.Function(), 3, 60'000);
  recorder.Start();
  for (uint64_t i = 1; i <= 7; ++i) {
    recorder.Record(Event(i));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (submitted.Take().size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  recorder.Stop();  // Submits the seventh event.

  std::vector<contracts::Transaction> transactions = submitted.Take();
  ASSERT_EQ(transactions.size(), 3u);
  uint64_t time_ms = 1;
  uint64_t previous_nonce = 0;
  for (const contracts::Transaction& transaction : transactions) {
    EXPECT_EQ(transaction.network_id, "net-1");
    EXPECT_EQ(transaction.type, contracts::TransactionType::kAccessRecord);
    EXPECT_EQ(transaction.signer, Key("gateway").public_key());
    EXPECT_TRUE(contracts::VerifyTransactionSignature(transaction));
    EXPECT_GT(transaction.nonce, previous_nonce);
    previous_nonce = transaction.nonce;
    contracts::AccessRecord record =
        contracts::DecodePayload<contracts::AccessRecord>(transaction.payload).value();
    for (const contracts::AccessEvent& event : record.events) {
      EXPECT_EQ(event, Event(time_ms));
      ++time_ms;
    }
  }
  EXPECT_EQ(time_ms, 8u);
  EXPECT_EQ(recorder.transactions_submitted(), 3u);
  EXPECT_EQ(recorder.events_submitted(), 7u);
}

TEST(AccessRecorder, IntervalSubmitsPartialBatch) {
  Submitted submitted;
  AccessRecorder recorder(Key("gateway"), "net-1", submitted.Function(), 100, 20);
  recorder.Start();
  recorder.Record(Event(1));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (submitted.Take().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(submitted.Take().size(), 1u);
  recorder.Stop();
  EXPECT_EQ(submitted.Take().size(), 1u);
}

TEST(AccessRecorder, NoncesIncreaseWithinOneMicrosecond) {
  Submitted submitted;
  AccessRecorder recorder(Key("gateway"), "net-1", submitted.Function(), 1, 60'000);
  for (uint64_t i = 1; i <= 50; ++i) {
    recorder.Record(Event(i));
    recorder.Flush();
  }
  std::vector<contracts::Transaction> transactions = submitted.Take();
  ASSERT_EQ(transactions.size(), 50u);
  for (size_t i = 1; i < transactions.size(); ++i) {
    EXPECT_GT(transactions[i].nonce, transactions[i - 1].nonce);
  }
}

}  // namespace
}  // namespace imledger::gateway
