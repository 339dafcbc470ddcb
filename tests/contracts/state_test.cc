#include <gtest/gtest.h>
#include <leveldb/write_batch.h>

#include "contracts/ledger_state.h"
#include "contracts/state_overlay.h"
#include "tests/contracts/ledger_fixture.h"

namespace imledger::contracts::testing {
namespace {

TEST(StateOverlay, ReadsOwnWritesBeforeDatabase) {
  TempDirectory directory;
  std::unique_ptr<leveldb::DB> db = OpenDatabase(directory.path());
  ASSERT_TRUE(db->Put(leveldb::WriteOptions(), "sA", "stored").ok());
  StateOverlay overlay(db.get());
  EXPECT_EQ(overlay.Get("sA"), "stored");
  overlay.Put("sA", "pending");
  EXPECT_EQ(overlay.Get("sA"), "pending");
  overlay.Delete("sA");
  EXPECT_EQ(overlay.Get("sA"), std::nullopt);
  std::string value;
  ASSERT_TRUE(db->Get(leveldb::ReadOptions(), "sA", &value).ok());
  EXPECT_EQ(value, "stored");
}

TEST(StateOverlay, WritesDigestEncodesSortedWrites) {
  // Expected value from Python: hashlib.sha256(bytes([2, 2, 0x73, 0x41, 1, 1, 0x78, 2, 0x73,
  // 0x42, 0])), the encoding of {"sA": "x", "sB": deleted}.
  StateOverlay overlay(nullptr);
  overlay.Delete("sB");
  overlay.Put("sA", "x");
  crypto::Digest writes = overlay.WritesDigest();
  EXPECT_EQ(writes.ToHex(), "7de6eb6a45abf1609922094b4a2b33aa74de5e7b68d7f08ee7164969f94add00");
  EXPECT_EQ(ChainStateDigest(crypto::Digest{}, writes).ToHex(),
            "0f2e43b345d28caf67a3957cffbb3e923298b1b56f5132236a7026a61dbc35c7");
}

// Records the operations of a WriteBatch in order.
class BatchRecorder : public leveldb::WriteBatch::Handler {
 public:
  void Put(const leveldb::Slice& key, const leveldb::Slice& value) override {
    operations.push_back("put " + key.ToString() + "=" + value.ToString());
  }

  void Delete(const leveldb::Slice& key) override {
    operations.push_back("delete " + key.ToString());
  }

  std::vector<std::string> operations;
};

TEST(StateOverlay, FlushWritesInKeyOrder) {
  StateOverlay overlay(nullptr);
  overlay.Put("sC", "3");
  overlay.Delete("sB");
  overlay.Put("sA", "1");
  leveldb::WriteBatch batch;
  overlay.Flush(batch);
  BatchRecorder recorder;
  ASSERT_TRUE(batch.Iterate(&recorder).ok());
  std::vector<std::string> expected = {"put sA=1", "delete sB", "put sC=3"};
  EXPECT_EQ(recorder.operations, expected);
}

TEST(RecordKeys, NewestFirstKeysSortDescending) {
  crypto::Digest id = DigestNamed("patient");
  std::string older = NewestFirstKey(kTrailTable, id.view(), 1);
  std::string newer = NewestFirstKey(kTrailTable, id.view(), 2);
  EXPECT_LT(newer, older);
  EXPECT_EQ(NewestFirstSequence(newer), 2u);
  EXPECT_EQ(NewestFirstSequence(older), 1u);
}

TEST(RecordKeys, DatasetEntryKeysDoNotCollideAcrossIds) {
  EXPECT_NE(DatasetEntryKey("a", 0x6200000000000000).substr(0, 4),
            DatasetEntryKey("ab", 0).substr(0, 4));
}

class CorruptState : public LedgerFixture {};

TEST_F(CorruptState, UndecodableRecordFailsWholeBlock) {
  std::string key = TableKey(kMemberTable, Public("admin-a").view());
  ASSERT_TRUE(db_->Put(leveldb::WriteOptions(), key, std::string("\xff\xff", 2)).ok());
  Bytes transaction =
      Sign("admin-a", MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}});
  leveldb::WriteBatch batch;
  Result<BlockExecution> execution =
      engine_->ExecuteBlock(1, time_ms() + 1, std::vector<Bytes>{transaction}, batch);
  EXPECT_EQ(execution.status().code(), StatusCode::kCorruption);
  EXPECT_NE(execution.status().message().find("block 1"), std::string::npos)
      << execution.status().message();
  EXPECT_EQ(batch.ApproximateSize(), leveldb::WriteBatch().ApproximateSize());
}

TEST_F(CorruptState, QueryReportsCorruption) {
  std::string key = TableKey(kMemberTable, Public("admin-a").view());
  ASSERT_TRUE(db_->Put(leveldb::WriteOptions(), key, std::string("\x01", 1)).ok());
  EXPECT_EQ(queries_->Member(Public("admin-a")).status().code(), StatusCode::kCorruption);
}

class QueryLookups : public LedgerFixture {};

TEST_F(QueryLookups, UnknownReportIsNotFound) {
  EXPECT_EQ(queries_->ReportChain(DigestNamed("none")).status().code(), StatusCode::kNotFound);
}

TEST_F(QueryLookups, UnknownDatasetIsNotFound) {
  EXPECT_EQ(queries_->Dataset("none").status().code(), StatusCode::kNotFound);
}

TEST_F(QueryLookups, UnanchoredStudyHasNoAnchors) {
  Result<std::vector<AnchorRecord>> anchors = queries_->StudyAnchors(DigestNamed("none"));
  ASSERT_TRUE(anchors.ok());
  EXPECT_TRUE(anchors->empty());
}

TEST_F(QueryLookups, UnknownPatientKeyHasNoId) {
  Result<std::optional<crypto::Digest>> id = queries_->PatientIdForKey(Public("nobody"));
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(id->has_value());
}

TEST(EngineWithoutGenesis, ExecuteBlockReportsMissingGenesis) {
  TempDirectory directory;
  std::unique_ptr<leveldb::DB> db = OpenDatabase(directory.path());
  Engine engine(db.get());
  leveldb::WriteBatch batch;
  Result<BlockExecution> execution = engine.ExecuteBlock(1, 1, std::vector<Bytes>{}, batch);
  EXPECT_EQ(execution.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace imledger::contracts::testing

namespace imledger::contracts::testing {
namespace {

class SnapshotQueries : public LedgerFixture {};

TEST_F(SnapshotQueries, SnapshotHidesLaterBlocks) {
  ScopedSnapshot snapshot(db_.get());
  LedgerQueries before(db_.get(), snapshot.get());
  EnrollMember("admin-a", "hospital-a", "tech", {Role::kTechnician});

  Result<std::optional<MemberRecord>> old_view = before.Member(Public("tech"));
  Result<std::optional<MemberRecord>> new_view = queries_->Member(Public("tech"));
  ASSERT_TRUE(old_view.ok());
  ASSERT_TRUE(new_view.ok());
  EXPECT_FALSE(old_view->has_value());
  EXPECT_TRUE(new_view->has_value());
  Result<StateMeta> old_meta = before.Meta();
  ASSERT_TRUE(old_meta.ok());
  EXPECT_EQ(old_meta->height, 0u);
}

}  // namespace
}  // namespace imledger::contracts::testing
