#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "contracts/transaction.h"
#include "crypto/encoding.h"
#include "tests/contracts/ledger_fixture.h"
#include "tests/contracts/sample_transactions.h"

namespace imledger::contracts::testing {
namespace {

nlohmann::json LoadVectors() {
  std::ifstream file(std::string(IMLEDGER_TEST_DATA) + "/contracts/transaction_vectors.json");
  EXPECT_TRUE(file.good());
  return nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
}

TEST(TransactionCodec, GoldenVectorForEveryType) {
  nlohmann::json vectors = LoadVectors();
  ASSERT_TRUE(vectors.is_array());
  std::vector<SampleTransaction> samples = SampleTransactions();
  ASSERT_EQ(samples.size(), kTransactionTypeCount);
  ASSERT_EQ(vectors.size(), samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    const SampleTransaction& sample = samples[i];
    std::string encoded = crypto::HexEncode(EncodeTransaction(sample.transaction));
    std::string id = TransactionId(sample.transaction).ToHex();
    EXPECT_EQ(vectors[i].value("type", ""), sample.name);
    EXPECT_EQ(vectors[i].value("encoded", ""), encoded) << sample.name;
    EXPECT_EQ(vectors[i].value("id", ""), id) << sample.name;
    EXPECT_EQ(static_cast<size_t>(sample.transaction.type), i) << sample.name;
  }
}

TEST(TransactionCodec, GoldenVectorsDecodeAndVerify) {
  nlohmann::json vectors = LoadVectors();
  ASSERT_TRUE(vectors.is_array());
  for (const nlohmann::json& vector : vectors) {
    Result<Bytes> bytes = crypto::HexDecode(vector.value("encoded", ""));
    ASSERT_TRUE(bytes.ok());
    Result<Transaction> transaction = DecodeTransaction(*bytes);
    ASSERT_TRUE(transaction.ok()) << transaction.status().ToString();
    EXPECT_EQ(TransactionTypeName(transaction->type), vector.value("type", ""));
    EXPECT_TRUE(VerifyTransactionSignature(*transaction)) << vector.value("type", "");
    EXPECT_EQ(EncodeTransaction(*transaction), *bytes);
  }
}

TEST(TransactionCodec, EnvelopeLayoutIsFieldOrder) {
  Transaction transaction;
  transaction.network_id = "n";
  transaction.type = TransactionType::kConsentRevoke;
  transaction.signer.bytes.fill(0xaa);
  transaction.nonce = 300;
  transaction.client_time_ms = 1;
  transaction.payload = {0x42};
  transaction.signature.bytes.fill(0xbb);
  std::string expected =
      "016e"
      "07" +
      std::string(64, 'a') +
      "ac02"
      "01"
      "0142" +
      std::string(128, 'b');
  EXPECT_EQ(crypto::HexEncode(EncodeTransaction(transaction)), expected);
}

TEST(TransactionCodec, SigningBytesStartWithDomainAndNetwork) {
  Transaction transaction;
  transaction.network_id = "net";
  Bytes signing = TransactionSigningBytes(transaction);
  std::string prefix = "0e" + crypto::HexEncode(AsBytes("imledger/tx/v1")) + "03" +
                       crypto::HexEncode(AsBytes("net"));
  EXPECT_EQ(crypto::HexEncode(signing).substr(0, prefix.size()), prefix);
}

TEST(TransactionCodec, DecodeRejectsTrailingByte) {
  Bytes bytes = EncodeTransaction(SampleTransactions()[0].transaction);
  bytes.push_back(0);
  Result<Transaction> decoded = DecodeTransaction(bytes);
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(decoded.status().message().find("trailing"), std::string::npos);
}

TEST(TransactionCodec, DecodeRejectsUnknownType) {
  Transaction transaction = SampleTransactions()[0].transaction;
  Bytes bytes = EncodeTransaction(transaction);
  size_t type_offset = 1 + transaction.network_id.size();
  bytes[type_offset] = static_cast<uint8_t>(kTransactionTypeCount);
  Result<Transaction> decoded = DecodeTransaction(bytes);
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(decoded.status().message().find("\"type\""), std::string::npos)
      << decoded.status().message();
}

TEST(TransactionCodec, DecodeRejectsEveryTruncation) {
  Bytes bytes = EncodeTransaction(SampleTransactions()[4].transaction);
  for (size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(DecodeTransaction(ByteView(bytes.data(), size)).ok()) << "size " << size;
  }
}

TEST(TransactionCodec, TypeNamesRoundTrip) {
  for (uint64_t tag = 0; tag < kTransactionTypeCount; ++tag) {
    auto type = static_cast<TransactionType>(tag);
    Result<TransactionType> parsed = TransactionTypeFromName(TransactionTypeName(type));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, type);
  }
  EXPECT_FALSE(TransactionTypeFromName("consent.maybe").ok());
}

template <typename Payload>
void ExpectPayloadRoundTrip(const Transaction& transaction) {
  Result<Payload> payload = DecodePayload<Payload>(transaction.payload);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  EXPECT_EQ(EncodePayload(*payload), transaction.payload);
}

TEST(PayloadCodec, EverySampleRoundTrips) {
  std::vector<SampleTransaction> samples = SampleTransactions();
  ExpectPayloadRoundTrip<MemberEnroll>(samples[0].transaction);
  ExpectPayloadRoundTrip<MemberRevoke>(samples[1].transaction);
  ExpectPayloadRoundTrip<PatientEnroll>(samples[2].transaction);
  ExpectPayloadRoundTrip<PatientRotateKey>(samples[3].transaction);
  ExpectPayloadRoundTrip<StudyAnchor>(samples[4].transaction);
  ExpectPayloadRoundTrip<ReportSign>(samples[5].transaction);
  ExpectPayloadRoundTrip<ConsentGrant>(samples[6].transaction);
  ExpectPayloadRoundTrip<ConsentRevoke>(samples[7].transaction);
  ExpectPayloadRoundTrip<AccessEmergency>(samples[8].transaction);
  ExpectPayloadRoundTrip<AccessRecord>(samples[9].transaction);
  ExpectPayloadRoundTrip<AnnotationRecord>(samples[10].transaction);
  ExpectPayloadRoundTrip<DatasetSeal>(samples[11].transaction);
}

TEST(PayloadCodec, UnsortedRolesRejected) {
  MemberEnroll payload{
      KeyNamed("x").public_key(), "hospital-a", {Role::kRadiologist, Role::kTechnician}};
  Result<MemberEnroll> decoded = DecodePayload<MemberEnroll>(EncodePayload(payload));
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(decoded.status().message().find("roles"), std::string::npos);
}

TEST(PayloadCodec, DuplicateRoleRejected) {
  MemberEnroll payload{
      KeyNamed("x").public_key(), "hospital-a", {Role::kTechnician, Role::kTechnician}};
  EXPECT_FALSE(DecodePayload<MemberEnroll>(EncodePayload(payload)).ok());
}

TEST(PayloadCodec, EmptyRolesRejected) {
  MemberEnroll payload{KeyNamed("x").public_key(), "hospital-a", {}};
  EXPECT_FALSE(DecodePayload<MemberEnroll>(EncodePayload(payload)).ok());
}

TEST(PayloadCodec, UppercaseOrganizationRejected) {
  MemberEnroll payload{KeyNamed("x").public_key(), "Hospital-A", {Role::kTechnician}};
  Result<MemberEnroll> decoded = DecodePayload<MemberEnroll>(EncodePayload(payload));
  EXPECT_NE(decoded.status().message().find("organization"), std::string::npos);
}

TEST(PayloadCodec, LowercaseModalityRejected) {
  StudyAnchor anchor;
  anchor.modalities = {"ct"};
  Result<StudyAnchor> decoded = DecodePayload<StudyAnchor>(EncodePayload(anchor));
  EXPECT_NE(decoded.status().message().find("modalities"), std::string::npos);
}

TEST(PayloadCodec, GrantWithEmptyStudyListRejected) {
  ConsentGrant grant;
  grant.grantee.organization = "hospital-a";
  grant.all_studies = false;
  grant.purposes = {Purpose::kTreatment};
  Result<ConsentGrant> decoded = DecodePayload<ConsentGrant>(EncodePayload(grant));
  EXPECT_NE(decoded.status().message().find("study_keys"), std::string::npos);
}

TEST(PayloadCodec, AccessRecordAboveLimitRejected) {
  AccessRecord record;
  record.events.resize(kMaxAccessEvents + 1);
  EXPECT_FALSE(DecodePayload<AccessRecord>(EncodePayload(record)).ok());
}

TEST(PayloadCodec, ReasonWithControlCharacterRejected) {
  AccessEmergency emergency{DigestNamed("s"), "line\nbreak"};
  EXPECT_FALSE(DecodePayload<AccessEmergency>(EncodePayload(emergency)).ok());
}

}  // namespace
}  // namespace imledger::contracts::testing
