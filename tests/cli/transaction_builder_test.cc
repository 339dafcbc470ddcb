// Transaction building for each ledger command: the envelope decodes, verifies, and carries the
// type, network id and payload fields that the command-line values ask for.

#include "cli/transaction_builder.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "cli/messages.h"
#include "contracts/pseudonym.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "tests/support/test_data.h"

namespace imledger::cli {
namespace {

constexpr char kNetworkId[] = "builder-test";
constexpr char kStudyUid[] = "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457";

crypto::SecretKey KeyFromByte(uint8_t byte) {
  Bytes seed(crypto::SecretKey::kSeedSize, byte);
  return std::move(crypto::SecretKey::FromSeed(seed).value());
}

// The secret 0x00, 0x01, ..., 0x1f, written with mode 0600.
std::string WriteSecret(const testing::TemporaryFolder& folder, unsigned mode = 0600) {
  std::string path = folder.File("pseudonym.secret");
  std::string secret;
  for (int i = 0; i < 32; ++i) {
    secret.push_back(static_cast<char>(i));
  }
  std::ofstream(path, std::ios::binary) << secret;
  ::chmod(path.c_str(), mode);
  return path;
}

Bytes FixedSecret() {
  Bytes secret;
  for (int i = 0; i < 32; ++i) {
    secret.push_back(static_cast<uint8_t>(i));
  }
  return secret;
}

// Signs `payload`, encodes the envelope, decodes it again and checks the envelope fields.
template <typename Payload>
Payload RoundTrip(const Payload& payload, const crypto::SecretKey& key) {
  contracts::Transaction built = BuildTransaction(kNetworkId, payload, key);
  Result<contracts::Transaction> decoded =
      contracts::DecodeTransaction(contracts::EncodeTransaction(built));
  EXPECT_TRUE(decoded.ok());
  EXPECT_TRUE(contracts::VerifyTransactionSignature(*decoded));
  EXPECT_EQ(decoded->network_id, kNetworkId);
  EXPECT_EQ(decoded->type, Payload::kType);
  EXPECT_EQ(decoded->signer, key.public_key());
  EXPECT_GT(decoded->nonce, 0u);
  Result<Payload> decoded_payload = contracts::DecodePayload<Payload>(decoded->payload);
  EXPECT_TRUE(decoded_payload.ok()) << decoded_payload.status().ToString();
  return *decoded_payload;
}

TEST(TransactionBuilderTest, MemberEnrollCarriesSortedRoles) {
  crypto::SecretKey admin = KeyFromByte(1);
  crypto::SecretKey member = KeyFromByte(2);
  MemberArguments arguments;
  arguments.member_key_hex = member.public_key().ToHex();
  arguments.organization = "hospital-a";
  arguments.roles = {"radiologist", "technician", "radiologist"};
  Result<contracts::MemberEnroll> payload = BuildMemberEnroll(arguments);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();

  contracts::MemberEnroll decoded = RoundTrip(*payload, admin);
  EXPECT_EQ(decoded.member, member.public_key());
  EXPECT_EQ(decoded.organization, "hospital-a");
  std::vector<contracts::Role> roles = {contracts::Role::kTechnician,
                                        contracts::Role::kRadiologist};
  EXPECT_EQ(decoded.roles, roles);
}

TEST(TransactionBuilderTest, MemberKeyFromKeyFileOrHexFile) {
  testing::TemporaryFolder folder;
  crypto::SecretKey member = KeyFromByte(3);
  ASSERT_TRUE(crypto::WriteKeyFile(folder.File("member.key"), member).ok());
  std::ofstream(folder.File("member.pub")) << member.public_key().ToHex() << "\n";

  Result<crypto::PublicKey> from_key_file =
      ReadPublicKeyArgument("", folder.File("member.key"), "--member-key");
  ASSERT_TRUE(from_key_file.ok()) << from_key_file.status().ToString();
  EXPECT_EQ(*from_key_file, member.public_key());
  Result<crypto::PublicKey> from_hex_file =
      ReadPublicKeyArgument("", folder.File("member.pub"), "--member-key");
  ASSERT_TRUE(from_hex_file.ok()) << from_hex_file.status().ToString();
  EXPECT_EQ(*from_hex_file, member.public_key());
}

TEST(TransactionBuilderTest, MemberEnrollRejectsBadValues) {
  SetLanguage(Language::kEnglish);
  MemberArguments arguments;
  arguments.member_key_hex = KeyFromByte(2).public_key().ToHex();
  arguments.organization = "hospital-a";
  arguments.roles = {"admin"};
  Result<contracts::MemberEnroll> admin_role = BuildMemberEnroll(arguments);
  EXPECT_EQ(admin_role.status().message(),
            "--roles: unknown role \"admin\"; give registrar, technician, radiologist, "
            "clinician, gateway, annotator or auditor");

  arguments.roles = {"technician"};
  arguments.organization = "Hospital A";
  EXPECT_EQ(BuildMemberEnroll(arguments).status().code(), StatusCode::kInvalidArgument);

  arguments.organization = "hospital-a";
  arguments.member_key_hex = "abcd";
  EXPECT_EQ(BuildMemberEnroll(arguments).status().message(),
            "--member-key: \"abcd\" is not an Ed25519 public key; give 64 hex digits, as "
            "`imledger keys show` prints them");

  arguments.member_key_hex = "";
  EXPECT_EQ(BuildMemberEnroll(arguments).status().message(),
            "give exactly one of --member-key and --member-key-file");
}

TEST(TransactionBuilderTest, MemberRevokeCarriesKeyAndOrganization) {
  crypto::SecretKey member = KeyFromByte(4);
  MemberArguments arguments;
  arguments.member_key_hex = member.public_key().ToHex();
  arguments.organization = "hospital-b";
  Result<contracts::MemberRevoke> payload = BuildMemberRevoke(arguments);
  ASSERT_TRUE(payload.ok());

  contracts::MemberRevoke decoded = RoundTrip(*payload, KeyFromByte(1));
  EXPECT_EQ(decoded.member, member.public_key());
  EXPECT_EQ(decoded.organization, "hospital-b");
}

TEST(TransactionBuilderTest, PatientEnrollUsesThePseudonym) {
  testing::TemporaryFolder folder;
  crypto::SecretKey patient = KeyFromByte(5);
  PatientArguments arguments;
  arguments.secret_file = WriteSecret(folder);
  arguments.issuer = "HOSPITAL-A-MRN";
  arguments.patient_id = "123456";
  arguments.patient_key_hex = patient.public_key().ToHex();
  Result<contracts::PatientEnroll> payload = BuildPatientEnroll(arguments);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();

  contracts::PatientEnroll decoded = RoundTrip(*payload, KeyFromByte(6));
  Result<crypto::Digest> expected =
      contracts::MakePseudonym(FixedSecret(), "HOSPITAL-A-MRN", "123456");
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(decoded.pseudonym, *expected);
  EXPECT_EQ(decoded.patient_key, patient.public_key());
}

TEST(TransactionBuilderTest, SecretFileMustBeOwnerOnlyAndLongEnough) {
  SetLanguage(Language::kEnglish);
  testing::TemporaryFolder folder;
  std::string path = WriteSecret(folder, 0644);
  Result<Bytes> open_secret = ReadSecretFile(path);
  EXPECT_EQ(open_secret.status().message(),
            "secret file " + path + " is readable by group or others; run chmod 600 " + path);

  std::ofstream(path, std::ios::binary | std::ios::trunc) << "short";
  ::chmod(path.c_str(), 0600);
  Result<Bytes> short_secret = ReadSecretFile(path);
  EXPECT_EQ(short_secret.status().message(),
            "secret file " + path +
                " has 5 bytes; a pseudonymization secret needs at least 32 random bytes");
}

TEST(TransactionBuilderTest, StudyAnchorCarriesTheStudyDigest) {
  testing::TemporaryFolder folder;
  Result<dicom::StudyDigest> study =
      DigestOneStudy(std::string(IMLEDGER_TEST_DATA) + "/dicom/basic/MR_small.dcm");
  ASSERT_TRUE(study.ok()) << study.status().ToString();
  Result<crypto::Digest> pseudonym = PseudonymOf(WriteSecret(folder), "MRN", "P-1");
  ASSERT_TRUE(pseudonym.ok());
  crypto::Digest previous = testing::HexDigest(std::string(64, 'a'));

  contracts::StudyAnchor decoded =
      RoundTrip(BuildStudyAnchor(*study, *pseudonym, previous), KeyFromByte(7));
  EXPECT_EQ(decoded.study_key, crypto::Sha256Of(std::string_view(kStudyUid)));
  EXPECT_EQ(decoded.pseudonym, contracts::MakePseudonym(FixedSecret(), "MRN", "P-1").value());
  EXPECT_EQ(decoded.study_root.ToHex(),
            "0e174d41bb110555dfc5db1d008a831f88fbb3d02800d08264ec9af894a6ca33");
  EXPECT_EQ(decoded.instance_count, 1u);
  EXPECT_EQ(decoded.total_bytes, 9830u);
  EXPECT_EQ(decoded.modalities, std::vector<std::string>{"MR"});
  ASSERT_TRUE(decoded.previous_anchor.has_value());
  EXPECT_EQ(*decoded.previous_anchor, previous);
}

TEST(TransactionBuilderTest, FirstStudyAnchorHasNoPrevious) {
  Result<dicom::StudyDigest> study =
      DigestOneStudy(std::string(IMLEDGER_TEST_DATA) + "/dicom/basic/MR_small.dcm");
  ASSERT_TRUE(study.ok());
  contracts::StudyAnchor decoded =
      RoundTrip(BuildStudyAnchor(*study, crypto::Digest{}, std::nullopt), KeyFromByte(7));
  EXPECT_FALSE(decoded.previous_anchor.has_value());
}

TEST(TransactionBuilderTest, ReportSignDigestsTheDocument) {
  testing::TemporaryFolder folder;
  std::ofstream(folder.File("report.txt")) << "No acute findings.\n";
  ReportArguments arguments;
  arguments.file = folder.File("report.txt");
  arguments.study_uid = kStudyUid;
  arguments.media_type = "text/plain";
  arguments.supersedes_hex = std::string(64, 'b');
  Result<contracts::ReportSign> payload = BuildReportSign(arguments);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();

  contracts::ReportSign decoded = RoundTrip(*payload, KeyFromByte(8));
  EXPECT_EQ(decoded.study_key, crypto::Sha256Of(std::string_view(kStudyUid)));
  EXPECT_EQ(decoded.report_digest, crypto::Sha256Of(std::string_view("No acute findings.\n")));
  EXPECT_EQ(decoded.media_type, "text/plain");
  ASSERT_TRUE(decoded.supersedes.has_value());
  EXPECT_EQ(decoded.supersedes->ToHex(), std::string(64, 'b'));
}

TEST(TransactionBuilderTest, ConsentGrantForListedStudies) {
  crypto::SecretKey patient = KeyFromByte(9);
  ConsentGrantArguments arguments;
  arguments.grantee_organization = "hospital-b";
  arguments.purposes = {"research", "treatment"};
  arguments.study_uids = {"1.2.3", "1.2.4"};
  arguments.from = "2026-12-04T10:00:00Z";
  arguments.until = "1796378400001";
  Result<contracts::ConsentGrant> payload = BuildConsentGrant(arguments, 5);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();

  contracts::ConsentGrant decoded = RoundTrip(*payload, patient);
  EXPECT_EQ(decoded.grantee.kind, contracts::GranteeKind::kOrganization);
  EXPECT_EQ(decoded.grantee.organization, "hospital-b");
  EXPECT_FALSE(decoded.all_studies);
  std::vector<crypto::Digest> keys = {crypto::Sha256Of(std::string_view("1.2.3")),
                                      crypto::Sha256Of(std::string_view("1.2.4"))};
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(decoded.study_keys, keys);
  std::vector<contracts::Purpose> purposes = {contracts::Purpose::kTreatment,
                                              contracts::Purpose::kResearch};
  EXPECT_EQ(decoded.purposes, purposes);
  EXPECT_EQ(decoded.valid_from_ms, 1796378400000u);
  EXPECT_EQ(decoded.valid_until_ms, 1796378400001u);
}

TEST(TransactionBuilderTest, ConsentGrantDefaultsToNowAndNoEnd) {
  crypto::SecretKey member = KeyFromByte(10);
  ConsentGrantArguments arguments;
  arguments.grantee_member_hex = member.public_key().ToHex();
  arguments.purposes = {"ai-training"};
  Result<contracts::ConsentGrant> payload = BuildConsentGrant(arguments, 1234);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();

  contracts::ConsentGrant decoded = RoundTrip(*payload, KeyFromByte(9));
  EXPECT_EQ(decoded.grantee.kind, contracts::GranteeKind::kMember);
  EXPECT_EQ(decoded.grantee.member, member.public_key());
  EXPECT_TRUE(decoded.all_studies);
  EXPECT_TRUE(decoded.study_keys.empty());
  EXPECT_EQ(decoded.valid_from_ms, 1234u);
  EXPECT_EQ(decoded.valid_until_ms, UINT64_MAX);
}

TEST(TransactionBuilderTest, ConsentGrantRejectsBadValues) {
  SetLanguage(Language::kEnglish);
  ConsentGrantArguments arguments;
  arguments.purposes = {"treatment"};
  EXPECT_EQ(BuildConsentGrant(arguments, 0).status().message(),
            "give exactly one of --grantee-org and --grantee-member");
  arguments.grantee_organization = "hospital-b";
  arguments.purposes = {"billing"};
  EXPECT_EQ(BuildConsentGrant(arguments, 0).status().message(),
            "--purposes: unknown purpose \"billing\"; give treatment, emergency, research, "
            "ai-training or consultation");
  arguments.purposes = {"treatment"};
  arguments.until = "yesterday";
  EXPECT_EQ(BuildConsentGrant(arguments, 0).status().message(),
            "--until \"yesterday\" is not a time; give ISO 8601 UTC such as "
            "2026-12-04T10:00:00Z, or Unix milliseconds");
  arguments.from = "2000";
  arguments.until = "1000";
  EXPECT_EQ(BuildConsentGrant(arguments, 0).status().message(),
            "--until \"1000\" is not after the start of the grant (2000 ms); give a later "
            "--until");
}

TEST(TransactionBuilderTest, ConsentRevokeAndEmergency) {
  Result<crypto::Digest> grant = ParseTransactionId(std::string(64, 'c'), "--grant");
  ASSERT_TRUE(grant.ok());
  contracts::ConsentRevoke revoke = RoundTrip(contracts::ConsentRevoke{*grant}, KeyFromByte(9));
  EXPECT_EQ(revoke.grant_id.ToHex(), std::string(64, 'c'));
  EXPECT_EQ(ParseTransactionId("xyz", "--grant").status().code(), StatusCode::kInvalidArgument);

  Result<contracts::AccessEmergency> emergency =
      BuildAccessEmergency(kStudyUid, "trauma bay, patient unconscious");
  ASSERT_TRUE(emergency.ok());
  contracts::AccessEmergency decoded = RoundTrip(*emergency, KeyFromByte(11));
  EXPECT_EQ(decoded.study_key, crypto::Sha256Of(std::string_view(kStudyUid)));
  EXPECT_EQ(decoded.reason, "trauma bay, patient unconscious");
  EXPECT_EQ(BuildAccessEmergency(kStudyUid, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildAccessEmergency(kStudyUid, std::string(257, 'x')).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TransactionBuilderTest, TimesParseAsUtc) {
  EXPECT_EQ(ParseTimeMs("1970-01-01T00:00:00Z", "--from").value(), 0u);
  EXPECT_EQ(ParseTimeMs("2026-12-04T10:00:00Z", "--from").value(), 1796378400000u);
  EXPECT_EQ(ParseTimeMs("2026-12-04T10:00:00.250Z", "--from").value(), 1796378400250u);
  EXPECT_EQ(ParseTimeMs("1796378400123", "--from").value(), 1796378400123u);
  EXPECT_FALSE(ParseTimeMs("2026-12-04T10:00:00", "--from").ok());
  EXPECT_FALSE(ParseTimeMs("2026-02-30T10:00:00Z", "--from").ok());
  EXPECT_FALSE(ParseTimeMs("2026-12-04T25:00:00Z", "--from").ok());
  EXPECT_FALSE(ParseTimeMs("", "--from").ok());
}

TEST(TransactionBuilderTest, TimesFormatAsUtc) {
  struct Case {
    uint64_t time_ms;
    std::optional<std::string> text;
  };

  const Case cases[] = {
      {0, "1970-01-01T00:00:00Z"},
      {1796378400000, "2026-12-04T10:00:00Z"},
      {1796378400250, "2026-12-04T10:00:00.250Z"},
      {1796378400007, "2026-12-04T10:00:00.007Z"},
      {951782400000, "2000-02-29T00:00:00Z"},
      {253402300799999, "9999-12-31T23:59:59.999Z"},
      {253402300800000, std::nullopt},  // The year 10000.
      {UINT64_MAX, std::nullopt},
  };
  for (const Case& test_case : cases) {
    EXPECT_EQ(FormatTimeMs(test_case.time_ms), test_case.text) << test_case.time_ms;
  }
}

TEST(TransactionBuilderTest, FormattedTimesParseBack) {
  for (uint64_t time_ms : {uint64_t{0}, uint64_t{1796378400250}, uint64_t{253402300799999}}) {
    std::optional<std::string> text = FormatTimeMs(time_ms);
    ASSERT_TRUE(text.has_value()) << time_ms;
    EXPECT_EQ(ParseTimeMs(*text, "--from").value(), time_ms) << *text;
  }
}

TEST(TransactionBuilderTest, NoncesStrictlyIncrease) {
  uint64_t previous = NextNonce();
  for (int i = 0; i < 1000; ++i) {
    uint64_t next = NextNonce();
    ASSERT_GT(next, previous);
    previous = next;
  }
  // Microseconds since 1970: far above any millisecond count of today.
  EXPECT_GT(previous, NowMs() * 999);
}

}  // namespace
}  // namespace imledger::cli
