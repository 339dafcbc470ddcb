#include "ledger/checkpoint.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "crypto/merkle.h"
#include "ledger/merkle_log.h"
#include "tests/support/test_data.h"

namespace imledger::ledger {
namespace {

constexpr std::string_view kNetwork = "imledger-test";

// Expected values below were computed independently with Python's hashlib and pyca/cryptography
// for validators whose seeds are 32 bytes of 0x01, 0x02, ... and for leaves "leaf 0" ..
// "leaf 6".
const std::string kRoot = "WmH8K1T5z6cXdPJDIUPdQMbLKxGUf69lp9PaXLZRmcg=";
const std::string kCheckpointText = "imledger-test\n7\n" + kRoot + "\n";
const std::string kSignedCheckpoint =
    kCheckpointText +
    "\n\xE2\x80\x94 imledger-test/validator-8a88e3dd7409f195 "
    "sRbNaX178ywd7LU3buTDsnKQp+CVeng+alAjPMIEqV3KUwgCnJ83v1Vc+M85hrFeCNSDl0bqYc58jWSP77eMhhhMwQc="
    "\n\xE2\x80\x94 imledger-test/validator-8139770ea87d175f "
    "nGtD71hRJfLh5boZYPQQeVL34qyXyr8eFea2Ga4AclQslC9oTyPgbbFiOumy8ElC3rW6zTZOSbWQ2n6naDf42g86Ago="
    "\n";
const std::string kBundleForIndex3 =
    "c2sp.org/tlog-proof@v1\nindex 3\n"
    "qze6NNHf4pAV3nF6bVdkqPsCnDp6D1tkuTtUNRiFv3w=\n"
    "/F9riP+FVPdbsvnm85wxsZNtRLaSdu33sSBalVuXYeM=\n"
    "AVcbVXvHBnJlDUZ8e62DN+CafzVKcgUfI7Q6eCwPSOY=\n\n" +
    kSignedCheckpoint;

std::vector<crypto::SecretKey> ValidatorKeys(size_t count) {
  std::vector<crypto::SecretKey> keys;
  for (size_t i = 0; i < count; ++i) {
    keys.push_back(crypto::SecretKey::FromSeed(Bytes(32, static_cast<uint8_t>(i + 1))).value());
  }
  return keys;
}

std::vector<crypto::PublicKey> PublicKeys(const std::vector<crypto::SecretKey>& keys) {
  std::vector<crypto::PublicKey> public_keys;
  for (const crypto::SecretKey& key : keys) {
    public_keys.push_back(key.public_key());
  }
  return public_keys;
}

Bytes Leaf(uint64_t i) {
  return ToBytes("leaf " + std::to_string(i));
}

crypto::Digest RootOfSevenLeaves() {
  std::vector<crypto::Digest> hashes;
  for (uint64_t i = 0; i < 7; ++i) {
    hashes.push_back(crypto::MerkleLeafHash(Leaf(i)));
  }
  return crypto::MerkleTree(std::move(hashes)).Root();
}

std::string SignedBy(const std::vector<crypto::SecretKey>& keys, const Checkpoint& checkpoint) {
  return FormatSignedNote(SignCheckpoint(checkpoint, keys).value());
}

TEST(CheckpointTest, C2spExampleParses) {
  nlohmann::json example =
      testing::LoadJson("vectors/c2sp_format_examples.json")["checkpoint_with_cosignature"];
  nlohmann::json parsed = example["parsed"];
  Result<SignedNote> note = ParseSignedNote(example["note"].get<std::string>());
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  Result<Checkpoint> checkpoint = ParseCheckpointText(note.value().text);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  EXPECT_EQ(checkpoint.value().origin, parsed["origin"].get<std::string>());
  EXPECT_EQ(checkpoint.value().size, parsed["tree_size"].get<uint64_t>());
  EXPECT_EQ(checkpoint.value().root.ToHex(), parsed["root_hash_hex"].get<std::string>());
  EXPECT_TRUE(checkpoint.value().extensions.empty());
  EXPECT_EQ(FormatCheckpointText(checkpoint.value()), note.value().text);

  ASSERT_EQ(note.value().signatures.size(), 2u);
  const NoteSignature& log = note.value().signatures[0];
  EXPECT_EQ(log.key_name, parsed["log_signature"]["key_name"].get<std::string>());
  EXPECT_EQ(log.key_id, 0x033de0aeu);
  EXPECT_EQ(log.signature.size(), parsed["log_signature"]["sig_len"].get<size_t>());

  // A cosignature's bytes after the key ID are an 8-byte big-endian timestamp and a signature.
  const NoteSignature& witness = note.value().signatures[1];
  EXPECT_EQ(witness.key_name, parsed["witness_cosignature"]["key_name"].get<std::string>());
  EXPECT_EQ(witness.key_id, 0x8d66cf3fu);
  ASSERT_EQ(witness.signature.size(), 8u + 64u);
  uint64_t timestamp = 0;
  for (size_t i = 0; i < 8; ++i) {
    timestamp = (timestamp << 8) | witness.signature[i];
  }
  EXPECT_EQ(timestamp, parsed["witness_cosignature"]["timestamp"].get<uint64_t>());
}

TEST(CheckpointTest, WitnessRequestCheckpointParses) {
  std::string request = testing::LoadJson(
      "vectors/c2sp_format_examples.json")["witness_add_checkpoint_request_example"];
  // The checkpoint starts after the request's first blank line.
  std::string signed_checkpoint = request.substr(request.find("\n\n") + 2);
  Result<SignedNote> note = ParseSignedNote(signed_checkpoint);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  Result<Checkpoint> checkpoint = ParseCheckpointText(note.value().text);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  EXPECT_EQ(checkpoint.value().size, 20852163u);
  EXPECT_EQ(note.value().signatures.size(), 2u);
}

TEST(CheckpointTest, ExtensionLinesRoundTrip) {
  std::string text = "origin\n0\n" + crypto::Base64Encode(crypto::MerkleEmptyRoot().view()) +
                     "\nfirst extension\nsecond\n";
  Result<Checkpoint> checkpoint = ParseCheckpointText(text);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  EXPECT_EQ(checkpoint.value().size, 0u);
  EXPECT_EQ(checkpoint.value().extensions, (std::vector<std::string>{"first extension", "second"}));
  EXPECT_EQ(FormatCheckpointText(checkpoint.value()), text);
}

TEST(CheckpointTest, MalformedCheckpointTextNamesTheProblem) {
  const std::string root = "\n" + kRoot + "\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"origin\n7\n", "checkpoint has fewer than 3 lines (origin, size, root hash)"},
      {"\n7" + root, "checkpoint origin line is empty"},
      {"origin\n07" + root,
       "checkpoint tree size \"07\" is not a decimal number without leading zeros"},
      {"origin\n-7" + root, "checkpoint tree size \"-7\" is not a decimal number below 2^64"},
      {"origin\n+7" + root, "checkpoint tree size \"+7\" is not a decimal number below 2^64"},
      {"origin\n18446744073709551616" + root,
       "checkpoint tree size \"18446744073709551616\" is not a decimal number below 2^64"},
      {"origin\n\n" + kRoot + "\n",
       "checkpoint tree size \"\" is not a decimal number without leading zeros"},
      {"origin\n7\nAAAA\n", "checkpoint root hash has 3 bytes; a SHA-256 hash has 32"},
      {"origin\n7" + root + "ext\n\n", "checkpoint extension line 2 is empty"},
      {"origin\n7" + root.substr(0, root.size() - 1),
       "note text is empty or does not end with "
       "a newline"},
  };
  for (const auto& [text, expected_error] : cases) {
    Result<Checkpoint> checkpoint = ParseCheckpointText(text);
    ASSERT_FALSE(checkpoint.ok()) << text;
    EXPECT_EQ(checkpoint.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(checkpoint.status().message(), expected_error) << text;
  }
  EXPECT_TRUE(ParseCheckpointText("origin\n18446744073709551615" + root).ok());
}

TEST(CheckpointTest, ValidatorKeyNameUsesPublicKeyPrefix) {
  std::vector<crypto::SecretKey> keys = ValidatorKeys(1);
  EXPECT_EQ(ValidatorKeyName(kNetwork, keys[0].public_key()),
            "imledger-test/validator-8a88e3dd7409f195");
  std::vector<NoteVerifier> verifiers = ValidatorVerifiers(kNetwork, PublicKeys(keys)).value();
  EXPECT_EQ(FormatVerifierKey(verifiers[0]),
            "imledger-test/validator-8a88e3dd7409f195+b116cd69+"
            "AYqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c");
}

TEST(CheckpointTest, SignedCheckpointMatchesIndependentSigner) {
  Checkpoint checkpoint = MakeCheckpoint(kNetwork, 7, RootOfSevenLeaves()).value();
  EXPECT_EQ(FormatCheckpointText(checkpoint), kCheckpointText);
  EXPECT_EQ(SignedBy(ValidatorKeys(2), checkpoint), kSignedCheckpoint);
}

TEST(CheckpointTest, QuorumOfValidatorsVerifies) {
  std::vector<crypto::SecretKey> keys = ValidatorKeys(4);
  Checkpoint checkpoint = MakeCheckpoint(kNetwork, 7, RootOfSevenLeaves()).value();
  std::vector<crypto::SecretKey> signers = ValidatorKeys(3);
  Result<Checkpoint> verified =
      VerifyCheckpoint(SignedBy(signers, checkpoint), kNetwork, PublicKeys(keys), 3);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified.value(), checkpoint);
}

TEST(CheckpointTest, TooFewSignaturesMissQuorum) {
  std::vector<crypto::SecretKey> keys = ValidatorKeys(4);
  Checkpoint checkpoint = MakeCheckpoint(kNetwork, 7, RootOfSevenLeaves()).value();
  Result<Checkpoint> verified = VerifyCheckpoint(kSignedCheckpoint, kNetwork, PublicKeys(keys), 3);
  EXPECT_EQ(verified.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(verified.status().message(),
            "checkpoint has 2 valid validator signatures; the quorum is 3");
}

TEST(CheckpointTest, RepeatedValidatorSignatureCountsOnce) {
  std::vector<crypto::SecretKey> keys = ValidatorKeys(4);
  SignedNote note = ParseSignedNote(kSignedCheckpoint).value();
  note.signatures.push_back(note.signatures[0]);
  Result<Checkpoint> verified =
      VerifyCheckpoint(FormatSignedNote(note), kNetwork, PublicKeys(keys), 3);
  EXPECT_EQ(verified.status().message(),
            "checkpoint has 2 valid validator signatures; the quorum is 3");
}

TEST(CheckpointTest, SignatureFromNonValidatorIsIgnored) {
  std::vector<crypto::SecretKey> keys = ValidatorKeys(4);
  std::vector<crypto::PublicKey> validators = PublicKeys(keys);
  Checkpoint checkpoint = MakeCheckpoint(kNetwork, 7, RootOfSevenLeaves()).value();
  SignedNote note = SignCheckpoint(checkpoint, keys).value();
  crypto::SecretKey outsider = crypto::SecretKey::FromSeed(Bytes(32, 0x55)).value();
  note.signatures.insert(note.signatures.begin(),
                         SignNote(note.text, "imledger-test/outsider", outsider).value());
  Result<Checkpoint> verified = VerifyCheckpoint(FormatSignedNote(note), kNetwork, validators, 4);
  EXPECT_TRUE(verified.ok()) << verified.status().ToString();
}

TEST(CheckpointTest, AlteredSizeIsUnauthenticated) {
  std::vector<crypto::SecretKey> keys = ValidatorKeys(2);
  std::string altered = kSignedCheckpoint;
  altered.replace(altered.find("\n7\n"), 3, "\n8\n");
  Result<Checkpoint> verified = VerifyCheckpoint(altered, kNetwork, PublicKeys(keys), 1);
  EXPECT_EQ(verified.status().code(), StatusCode::kUnauthenticated);
}

TEST(CheckpointTest, OtherNetworkOriginIsRejected) {
  std::vector<crypto::SecretKey> keys = ValidatorKeys(2);
  Result<Checkpoint> verified =
      VerifyCheckpoint(kSignedCheckpoint, "imledger-prod", PublicKeys(keys), 1);
  EXPECT_EQ(verified.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(verified.status().message(),
            "checkpoint origin \"imledger-test\" is not network id \"imledger-prod\"");
}

TEST(CheckpointTest, NetworkIdMustBeValidOrigin) {
  EXPECT_EQ(MakeCheckpoint("two words", 0, crypto::MerkleEmptyRoot()).status().message(),
            "network id cannot be a checkpoint origin: key name \"two words\" contains white "
            "space");
  EXPECT_EQ(MakeCheckpoint("", 0, crypto::MerkleEmptyRoot()).status().code(),
            StatusCode::kInvalidArgument);
}

class InclusionProofBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    leveldb::Options options;
    options.create_if_missing = true;
    leveldb::DB* raw = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(options, folder_.File("db"), &raw).ok());
    db_.reset(raw);
    log_ = std::make_unique<MerkleLog>(MerkleLog::Open(db_.get()).value());
    std::vector<Bytes> leaves;
    for (uint64_t i = 0; i < 7; ++i) {
      leaves.push_back(Leaf(i));
    }
    ASSERT_TRUE(log_->Append(leaves).ok());
  }

  InclusionProofBundle BundleFor(uint64_t index) {
    Checkpoint checkpoint = MakeCheckpoint(kNetwork, log_->size(), log_->Root()).value();
    InclusionProofBundle bundle;
    bundle.index = index;
    bundle.proof = log_->InclusionProof(index, log_->size()).value();
    bundle.signed_checkpoint = SignedBy(keys_, checkpoint);
    return bundle;
  }

  testing::TemporaryFolder folder_;
  std::unique_ptr<leveldb::DB> db_;
  std::unique_ptr<MerkleLog> log_;
  std::vector<crypto::SecretKey> keys_ = ValidatorKeys(2);
};

TEST_F(InclusionProofBundleTest, BundleFromLogMatchesIndependentEncoder) {
  EXPECT_EQ(FormatInclusionProofBundle(BundleFor(3)), kBundleForIndex3);
}

TEST_F(InclusionProofBundleTest, EveryLeafVerifiesEndToEnd) {
  for (uint64_t index = 0; index < 7; ++index) {
    std::string text = FormatInclusionProofBundle(BundleFor(index));
    Result<InclusionProofBundle> bundle = ParseInclusionProofBundle(text);
    ASSERT_TRUE(bundle.ok()) << index << ": " << bundle.status().ToString();
    EXPECT_EQ(bundle.value(), BundleFor(index));
    Result<Checkpoint> checkpoint =
        VerifyInclusionProofBundle(bundle.value(), Leaf(index), kNetwork, PublicKeys(keys_), 2);
    ASSERT_TRUE(checkpoint.ok()) << index << ": " << checkpoint.status().ToString();
    EXPECT_EQ(checkpoint.value().size, 7u);
  }
}

TEST_F(InclusionProofBundleTest, ExtraDataRoundTrips) {
  InclusionProofBundle bundle = BundleFor(6);
  bundle.extra = ToBytes("Hello, world!");
  std::string text = FormatInclusionProofBundle(bundle);
  EXPECT_TRUE(text.starts_with("c2sp.org/tlog-proof@v1\nextra SGVsbG8sIHdvcmxkIQ==\nindex 6\n"));
  Result<InclusionProofBundle> parsed = ParseInclusionProofBundle(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed.value(), bundle);
}

TEST_F(InclusionProofBundleTest, OtherLeafDoesNotVerify) {
  Result<Checkpoint> checkpoint =
      VerifyInclusionProofBundle(BundleFor(3), Leaf(4), kNetwork, PublicKeys(keys_), 2);
  EXPECT_FALSE(checkpoint.ok());
}

TEST_F(InclusionProofBundleTest, OtherIndexDoesNotVerify) {
  InclusionProofBundle bundle = BundleFor(3);
  bundle.index = 2;
  EXPECT_FALSE(VerifyInclusionProofBundle(bundle, Leaf(3), kNetwork, PublicKeys(keys_), 2).ok());
  bundle.index = 7;
  EXPECT_FALSE(VerifyInclusionProofBundle(bundle, Leaf(3), kNetwork, PublicKeys(keys_), 2).ok());
}

TEST_F(InclusionProofBundleTest, UnsignedQuorumDoesNotVerify) {
  Result<Checkpoint> checkpoint =
      VerifyInclusionProofBundle(BundleFor(3), Leaf(3), kNetwork, PublicKeys(ValidatorKeys(4)), 3);
  EXPECT_EQ(checkpoint.status().code(), StatusCode::kUnauthenticated);
}

TEST(InclusionProofBundleParseTest, MalformedBundlesNameTheProblem) {
  const std::string hash = kRoot + "\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "inclusion proof bundle does not start with \"c2sp.org/tlog-proof@v1\""},
      {"c2sp.org/tlog-proof@v2\nindex 0\n\n" + kSignedCheckpoint,
       "inclusion proof bundle does not start with \"c2sp.org/tlog-proof@v1\""},
      {"c2sp.org/tlog-proof@v1\n", "inclusion proof bundle has no \"index <n>\" line"},
      {"c2sp.org/tlog-proof@v1\n" + hash + "\n" + kSignedCheckpoint,
       "inclusion proof bundle has no \"index <n>\" line"},
      {"c2sp.org/tlog-proof@v1\nindex 01\n\n" + kSignedCheckpoint,
       "bundle index \"01\" is not a decimal number without leading zeros"},
      {"c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\n" + kSignedCheckpoint, ""},
      {"c2sp.org/tlog-proof@v1\nindex 0\n" + hash,
       "inclusion proof bundle ends before its blank line"},
      {"c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\n" + kSignedCheckpoint,
       "proof hash 1 has 3 bytes; a SHA-256 hash has 32"},
      {"c2sp.org/tlog-proof@v1\nindex 0\n\n" + kCheckpointText,
       "inclusion proof bundle checkpoint: note has no blank line before its signatures"},
      {"c2sp.org/tlog-proof@v1\nindex 0\n\norigin\n7\n\n" +
           kSignedCheckpoint.substr(kSignedCheckpoint.find("\xE2\x80\x94")),
       "inclusion proof bundle checkpoint: checkpoint has fewer than 3 lines (origin, size, root "
       "hash)"},
  };
  for (const auto& [text, expected_error] : cases) {
    Result<InclusionProofBundle> bundle = ParseInclusionProofBundle(text);
    ASSERT_FALSE(bundle.ok()) << text;
    EXPECT_EQ(bundle.status().code(), StatusCode::kInvalidArgument) << text;
    if (!expected_error.empty()) {
      EXPECT_EQ(bundle.status().message(), expected_error) << text;
    }
  }
}

TEST(InclusionProofBundleParseTest, SixtyFiveHashesAreTooMany) {
  std::string hashes;
  for (size_t i = 0; i < kMaxInclusionProofHashes; ++i) {
    hashes += kRoot + "\n";
  }
  std::string head = "c2sp.org/tlog-proof@v1\nindex 0\n";
  EXPECT_TRUE(ParseInclusionProofBundle(head + hashes + "\n" + kSignedCheckpoint).ok());
  Result<InclusionProofBundle> too_many =
      ParseInclusionProofBundle(head + hashes + kRoot + "\n\n" + kSignedCheckpoint);
  EXPECT_EQ(too_many.status().message(), "inclusion proof has more than 64 hashes");
}

}  // namespace
}  // namespace imledger::ledger
