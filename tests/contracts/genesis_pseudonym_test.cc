#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "contracts/genesis.h"
#include "contracts/pseudonym.h"
#include "tests/contracts/ledger_fixture.h"

namespace imledger::contracts::testing {
namespace {

std::string ReadGenesisFixture() {
  std::ifstream file(std::string(IMLEDGER_TEST_DATA) + "/contracts/genesis.json");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(GenesisFile, ParsesEveryField) {
  Result<Genesis> genesis = ParseGenesis(ReadGenesisFixture());
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_EQ(genesis->network_id, "imledger-test");
  EXPECT_EQ(genesis->genesis_time_ms, kGenesisTimeMs);
  ASSERT_EQ(genesis->organizations.size(), 3u);
  EXPECT_EQ(genesis->organizations[1].name, "hospital-b");
  ASSERT_EQ(genesis->validators.size(), 4u);
  EXPECT_EQ(genesis->validators[3].address, "127.0.0.1:7404");
  EXPECT_EQ(genesis->consensus.batch_size, 256u);
  EXPECT_EQ(genesis->consensus.view_change_timeout_ms, 2000u);
}

TEST(GenesisFile, MatchesTestGenesisAndJsonRoundTrips) {
  Result<Genesis> genesis = ParseGenesis(ReadGenesisFixture());
  ASSERT_TRUE(genesis.ok());
  EXPECT_EQ(*genesis, TestGenesis());
  Result<Genesis> again = ParseGenesis(GenesisToJson(*genesis));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *genesis);
}

TEST(GenesisFile, HashIsPinned) {
  EXPECT_EQ(GenesisHash(TestGenesis()).ToHex(),
            "ad830add08a94c0b69f13397e197bbe2070ff20668eb448224f10146ac14d896");
}

TEST(GenesisFile, EncodingDecodes) {
  Result<Genesis> decoded = DecodeGenesis(EncodeGenesis(TestGenesis()));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, TestGenesis());
}

TEST(GenesisFile, NotJsonRejected) {
  EXPECT_EQ(ParseGenesis("{").status().code(), StatusCode::kInvalidArgument);
}

TEST(GenesisFile, MissingConsensusNamed) {
  Genesis genesis = TestGenesis();
  std::string json = GenesisToJson(genesis);
  nlohmann::json parsed = nlohmann::json::parse(json);
  parsed.erase("consensus");
  Result<Genesis> result = ParseGenesis(parsed.dump());
  EXPECT_NE(result.status().message().find("consensus"), std::string::npos)
      << result.status().message();
}

TEST(GenesisFile, BadAdminKeyNamesPath) {
  nlohmann::json parsed = nlohmann::json::parse(GenesisToJson(TestGenesis()));
  parsed["organizations"][1]["admin_keys"][0] = "abcd";
  Result<Genesis> result = ParseGenesis(parsed.dump());
  EXPECT_NE(result.status().message().find("organizations[1].admin_keys[0]"), std::string::npos)
      << result.status().message();
}

TEST(GenesisFile, DuplicateValidatorKeyRejected) {
  Genesis genesis = TestGenesis();
  genesis.validators[1].public_key = genesis.validators[0].public_key;
  Status status = ValidateGenesis(genesis);
  EXPECT_NE(status.message().find("validators[1].public_key"), std::string::npos)
      << status.message();
}

TEST(GenesisFile, AddressWithoutPortRejected) {
  Genesis genesis = TestGenesis();
  genesis.validators[2].address = "127.0.0.1";
  EXPECT_NE(ValidateGenesis(genesis).message().find("validators[2].address"), std::string::npos);
}

TEST(GenesisFile, UnknownValidatorOrganizationRejected) {
  Genesis genesis = TestGenesis();
  genesis.validators[0].organization = "nowhere";
  EXPECT_FALSE(ValidateGenesis(genesis).ok());
}

TEST(GenesisFile, ZeroBatchSizeRejected) {
  Genesis genesis = TestGenesis();
  genesis.consensus.batch_size = 0;
  EXPECT_FALSE(ValidateGenesis(genesis).ok());
}

TEST(GenesisFile, MissingFileIsIoError) {
  EXPECT_EQ(LoadGenesisFile("/nonexistent/genesis.json").status().code(), StatusCode::kIoError);
}

class GenesisState : public LedgerFixture {};

TEST_F(GenesisState, DigestIsPinned) {
  EXPECT_EQ(genesis_digest_.ToHex(),
            "325558a25f1b0520601b68388b445061be458150726cc98be6846f83be6c76c5");
}

TEST_F(GenesisState, AdminsAreMembers) {
  Result<std::optional<MemberRecord>> admin = queries_->Member(Public("admin-b"));
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->has_value());
  EXPECT_EQ((*admin)->organization, "hospital-b");
  EXPECT_TRUE((*admin)->HasRole(Role::kAdmin));
}

TEST_F(GenesisState, GenesisStoredAtHeightZero) {
  Result<StateMeta> meta = queries_->Meta();
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->height, 0u);
  EXPECT_EQ(meta->network_id, "imledger-test");
  EXPECT_EQ(meta->state_digest, genesis_digest_);
  Result<Genesis> stored = queries_->LoadGenesis();
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, TestGenesis());
}

TEST(Pseudonym, MatchesHmacSha256) {
  // Expected value from Python's hmac module:
  // hmac.new(bytes(range(32)), b"HOSPITAL-A-MRN\x00123456", hashlib.sha256).hexdigest()
  Bytes secret(32);
  for (size_t i = 0; i < secret.size(); ++i) {
    secret[i] = static_cast<uint8_t>(i);
  }
  Result<crypto::Digest> pseudonym = MakePseudonym(secret, "HOSPITAL-A-MRN", "123456");
  ASSERT_TRUE(pseudonym.ok());
  EXPECT_EQ(pseudonym->ToHex(), "00ab89c036ec5119d1106b93641c71f51b4ca9f7ced9c6f1ea4c748ccf3ab917");
}

TEST(Pseudonym, IssuerSeparatesEqualIds) {
  Bytes secret(32, 7);
  Result<crypto::Digest> first = MakePseudonym(secret, "ISSUER-A", "1");
  Result<crypto::Digest> second = MakePseudonym(secret, "ISSUER-B", "1");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
}

TEST(Pseudonym, ShortSecretRejected) {
  EXPECT_EQ(MakePseudonym(Bytes(16, 1), "I", "1").status().code(), StatusCode::kInvalidArgument);
}

TEST(Pseudonym, IssuerWithNulRejected) {
  EXPECT_FALSE(MakePseudonym(Bytes(32, 1), std::string_view("A\0B", 3), "1").ok());
}

TEST(Pseudonym, EmptyPatientIdRejected) {
  EXPECT_FALSE(MakePseudonym(Bytes(32, 1), "I", "").ok());
}

}  // namespace
}  // namespace imledger::contracts::testing
