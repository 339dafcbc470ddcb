// The node's log fields: the type and sequence named for an encoded PBFT message, and the
// per-peer counts of rejected messages with their rate limit.

#include "node/log_fields.h"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "consensus/messages.h"
#include "tests/contracts/test_identities.h"

namespace imledger::node {
namespace {

using contracts::testing::KeyNamed;

Bytes Encoded(consensus::MessageType type, Bytes body) {
  return consensus::EncodeSignedMessage(
      consensus::SignMessage("log-net", type, 2, std::move(body), KeyNamed("validator-2")));
}

TEST(MessageLogFieldsTest, NamesTypeAndSequence) {
  consensus::PrePrepare pre_prepare{3, 41, {3, 1000, {Bytes{1, 2, 3}}}};
  EXPECT_EQ(MessageLogFields(
                Encoded(consensus::MessageType::kPrePrepare, consensus::EncodeBody(pre_prepare))),
            "type=preprepare seq=41");
  EXPECT_EQ(MessageLogFields(Encoded(consensus::MessageType::kPrepare,
                                     consensus::EncodeBody(consensus::Prepare{3, 42, {}}))),
            "type=prepare seq=42");
  consensus::Commit commit;
  commit.view = 3;
  commit.sequence = 43;
  commit.header.height = 43;
  EXPECT_EQ(
      MessageLogFields(Encoded(consensus::MessageType::kCommit, consensus::EncodeBody(commit))),
      "type=commit seq=43");
  EXPECT_EQ(MessageLogFields(Encoded(consensus::MessageType::kCheckpoint,
                                     consensus::EncodeBody(consensus::Checkpoint{128, {}}))),
            "type=checkpoint seq=128");
  EXPECT_EQ(MessageLogFields(Encoded(consensus::MessageType::kFetchBlocks,
                                     consensus::EncodeBody(consensus::FetchBlocks{17, 16}))),
            "type=fetchblocks seq=17");
}

TEST(MessageLogFieldsTest, ViewChangeHasNoSequence) {
  consensus::ViewChange view_change;
  view_change.new_view = 4;
  view_change.checkpoint_sequence = 128;
  EXPECT_EQ(MessageLogFields(
                Encoded(consensus::MessageType::kViewChange, consensus::EncodeBody(view_change))),
            "type=viewchange");
}

TEST(MessageLogFieldsTest, UndecodableBytes) {
  EXPECT_EQ(MessageLogFields(Bytes{}), "type=undecodable");
  EXPECT_EQ(MessageLogFields(Bytes{0xff, 0xff}), "type=undecodable");
}

TEST(DropsByReasonTest, ListsEveryReasonInOrder) {
  consensus::DropCounters drops{1, 2, 3, 4, 5, 6, 7};
  std::vector<std::pair<std::string, uint64_t>> expected = {
      {"malformed", 1}, {"bad_signature", 2},     {"wrong_view", 3},  {"out_of_window", 4},
      {"invalid", 5},   {"duplicate_request", 6}, {"pending_full", 7}};
  EXPECT_EQ(DropsByReason(drops), expected);
}

TEST(RejectionLogTest, CountsByReasonAndPeer) {
  RejectionLog log(std::chrono::seconds(10));
  consensus::DropCounters before;
  consensus::DropCounters after;
  after.malformed = 2;
  after.wrong_view = 1;
  log.Add(before, after, "1");
  consensus::DropCounters later = after;
  later.malformed = 3;
  log.Add(after, later, "2");

  std::vector<RejectionLog::Line> expected = {
      {"malformed", "1", 2}, {"malformed", "2", 1}, {"wrong_view", "1", 1}};
  EXPECT_EQ(log.Flush(RejectionLog::Clock::time_point{}), expected);
  EXPECT_TRUE(log.Flush(RejectionLog::Clock::time_point{}).empty());
}

TEST(RejectionLogTest, HeldBackCountsReachTheNextLine) {
  RejectionLog log(std::chrono::seconds(10));
  RejectionLog::Clock::time_point start{};
  consensus::DropCounters none;
  consensus::DropCounters one;
  one.bad_signature = 1;

  log.Add(none, one, "client");
  std::vector<RejectionLog::Line> first = {{"bad_signature", "client", 1}};
  EXPECT_EQ(log.Flush(start), first);

  log.Add(none, one, "client");
  log.Add(none, one, "client");
  EXPECT_TRUE(log.Flush(start + std::chrono::seconds(9)).empty());

  log.Add(none, one, "client");
  std::vector<RejectionLog::Line> second = {{"bad_signature", "client", 3}};
  EXPECT_EQ(log.Flush(start + std::chrono::seconds(10)), second);
}

}  // namespace
}  // namespace imledger::node
