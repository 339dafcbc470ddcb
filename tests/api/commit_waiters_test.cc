// CommitWaiters' pending set alone, on explicit times: the age limit, the size cap, the
// bounded expired set, a resubmission and a late commit.

#include "api/commit_waiters.h"

#include <chrono>

#include <gtest/gtest.h>

#include "api/metrics.h"
#include "tests/contracts/test_identities.h"

namespace imledger::api {
namespace {

using contracts::testing::DigestNamed;
using State = CommitWaiters::PendingState;
using std::chrono::milliseconds;

class PendingSetTest : public ::testing::Test {
 protected:
  CommitWaiters MakeWaiters(milliseconds max_age, size_t max_entries) {
    return CommitWaiters(
        [](const node::CommittedBlock&, const node::CommittedTransaction&) {
          return network::HttpResponse::Json(200, "{}");
        },
        [](const crypto::Digest&) { return network::HttpResponse::Json(202, "{}"); }, metrics_,
        CommitWaiters::PendingLimits{max_age, max_entries});
  }

  ApiMetrics metrics_;
  const CommitWaiters::Clock::time_point start_{};
};

TEST_F(PendingSetTest, EntryExpiresAtMaxAge) {
  CommitWaiters waiters = MakeWaiters(milliseconds(1000), 10);
  crypto::Digest id = DigestNamed("tx-1");
  waiters.Track(id, start_);

  EXPECT_EQ(waiters.Lookup(id, start_ + milliseconds(999)), State::kPending);
  EXPECT_EQ(waiters.Lookup(id, start_ + milliseconds(1000)), State::kExpired);
  EXPECT_EQ(waiters.Lookup(DigestNamed("tx-never"), start_), State::kUnknown);
}

TEST_F(PendingSetTest, SizeCapExpiresOldestFirst) {
  CommitWaiters waiters = MakeWaiters(milliseconds(1000), 2);
  waiters.Track(DigestNamed("tx-1"), start_);
  waiters.Track(DigestNamed("tx-2"), start_ + milliseconds(1));
  waiters.Track(DigestNamed("tx-3"), start_ + milliseconds(2));

  EXPECT_EQ(waiters.Lookup(DigestNamed("tx-1"), start_ + milliseconds(2)), State::kExpired);
  EXPECT_EQ(waiters.Lookup(DigestNamed("tx-2"), start_ + milliseconds(2)), State::kPending);
  EXPECT_EQ(waiters.Lookup(DigestNamed("tx-3"), start_ + milliseconds(2)), State::kPending);
}

TEST_F(PendingSetTest, ExpiredSetForgetsOldestBeyondCap) {
  CommitWaiters waiters = MakeWaiters(milliseconds(10), 2);
  waiters.Track(DigestNamed("tx-1"), start_);
  waiters.Track(DigestNamed("tx-2"), start_ + milliseconds(1));
  waiters.Track(DigestNamed("tx-3"), start_ + milliseconds(2));

  // The cap expired tx-1 when tx-3 arrived. At 20 ms tx-2 and tx-3 expire by age, so tx-1
  // leaves the expired set.
  CommitWaiters::Clock::time_point later = start_ + milliseconds(20);
  EXPECT_EQ(waiters.Lookup(DigestNamed("tx-1"), later), State::kUnknown);
  EXPECT_EQ(waiters.Lookup(DigestNamed("tx-2"), later), State::kExpired);
  EXPECT_EQ(waiters.Lookup(DigestNamed("tx-3"), later), State::kExpired);
}

TEST_F(PendingSetTest, ResubmissionIsPendingAgain) {
  CommitWaiters waiters = MakeWaiters(milliseconds(1000), 10);
  crypto::Digest id = DigestNamed("tx-1");
  waiters.Track(id, start_);
  ASSERT_EQ(waiters.Lookup(id, start_ + milliseconds(1500)), State::kExpired);

  waiters.Track(id, start_ + milliseconds(1600));
  EXPECT_EQ(waiters.Lookup(id, start_ + milliseconds(2500)), State::kPending);
  EXPECT_EQ(waiters.Lookup(id, start_ + milliseconds(2600)), State::kExpired);
}

TEST_F(PendingSetTest, CommitForgetsPendingAndExpiredIds) {
  CommitWaiters waiters = MakeWaiters(milliseconds(1000), 10);
  crypto::Digest late = DigestNamed("tx-late");
  crypto::Digest prompt = DigestNamed("tx-prompt");
  waiters.Track(late, start_);
  ASSERT_EQ(waiters.Lookup(late, start_ + milliseconds(1000)), State::kExpired);
  waiters.Track(prompt, start_ + milliseconds(1000));

  node::CommittedBlock block;
  block.height = 1;
  block.transactions = {{late, 0, 0, 0}, {prompt, 1, 1, 0}};
  waiters.OnCommit(block);

  EXPECT_EQ(waiters.Lookup(late, start_ + milliseconds(1001)), State::kUnknown);
  EXPECT_EQ(waiters.Lookup(prompt, start_ + milliseconds(1001)), State::kUnknown);
}

TEST_F(PendingSetTest, UntrackForgetsRejectedSubmission) {
  CommitWaiters waiters = MakeWaiters(milliseconds(1000), 10);
  crypto::Digest id = DigestNamed("tx-1");
  waiters.Track(id, start_);
  waiters.Untrack(id);
  EXPECT_EQ(waiters.Lookup(id, start_), State::kUnknown);
}

}  // namespace
}  // namespace imledger::api
