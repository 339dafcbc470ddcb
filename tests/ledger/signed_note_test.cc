#include "ledger/signed_note.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "tests/support/test_data.h"

namespace imledger::ledger {
namespace {

// The vectors' description documents the format; vectors[i] is picked by name below.
nlohmann::json Vector(const std::string& name) {
  nlohmann::json vectors = testing::LoadJson("vectors/signed_note_ed25519.json")["vectors"];
  for (const nlohmann::json& vector : vectors) {
    if (vector["name"] == name) {
      return vector;
    }
  }
  ADD_FAILURE() << "no vector named " << name;
  return {};
}

NoteVerifier VerifierFrom(const nlohmann::json& vkey) {
  return ParseVerifierKey(vkey.get<std::string>()).value();
}

// A syntactically valid signature line from an unknown key.
const std::string kUnknownLine =
    "\xE2\x80\x94 someone AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAA\n";

TEST(SignedNoteTest, C2spExampleVerifies) {
  nlohmann::json vector = Vector("c2sp-signed-note-example");
  std::vector<NoteVerifier> verifiers = {VerifierFrom(vector["vkey"])};
  Result<SignedNote> note = ParseSignedNote(vector["note"].get<std::string>());
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(crypto::HexEncode(AsBytes(note.value().text)),
            vector["note_text_hex"].get<std::string>());
  ASSERT_EQ(note.value().signatures.size(), 1u);
  EXPECT_EQ(note.value().signatures[0].key_name, "example.com/foo");
  EXPECT_EQ(note.value().signatures[0].key_id, 0x530d903au);
  EXPECT_EQ(note.value().signatures[0].signature.size(), 64u);

  Result<NoteVerification> verification = VerifySignedNote(note.value(), verifiers);
  ASSERT_TRUE(verification.ok()) << verification.status().ToString();
  ASSERT_EQ(verification.value().verified_by.size(), 1u);
  EXPECT_EQ(verification.value().verified_by[0].key_name, "example.com/foo");
}

TEST(SignedNoteTest, FormatReproducesParsedNote) {
  std::string message = Vector("go-sumdb-note-TestOpen-two-signers")["note"];
  EXPECT_EQ(FormatSignedNote(ParseSignedNote(message).value()), message);
}

TEST(SignedNoteTest, VerifierKeysRoundTrip) {
  for (const char* name : {"c2sp-signed-note-example", "go-sumdb-note-TestSign"}) {
    std::string vkey = Vector(name)["vkey"];
    Result<NoteVerifier> verifier = ParseVerifierKey(vkey);
    ASSERT_TRUE(verifier.ok()) << name << ": " << verifier.status().ToString();
    EXPECT_EQ(FormatVerifierKey(verifier.value()), vkey);
    EXPECT_EQ(verifier.value().key_id,
              NoteKeyId(verifier.value().key_name, verifier.value().public_key));
  }
}

TEST(SignedNoteTest, GoSignerKeyReproducesSignatureExactly) {
  nlohmann::json vector = Vector("go-sumdb-note-TestSign");
  Result<NoteSigner> signer = ParseSignerKey(vector["skey_published_test_key"].get<std::string>());
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(signer.value().key_name, "PeterNeumann");
  NoteVerifier verifier = VerifierFrom(vector["vkey"]);
  EXPECT_EQ(signer.value().secret_key.public_key(), verifier.public_key);

  std::string text = vector["note_text"];
  Result<NoteSignature> signature =
      SignNote(text, signer.value().key_name, signer.value().secret_key);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  SignedNote note{text, {signature.value()}};
  EXPECT_EQ(FormatSignedNote(note), vector["expected_signed_note"].get<std::string>());
}

TEST(SignedNoteTest, TwoSignersBothVerify) {
  nlohmann::json vector = Vector("go-sumdb-note-TestOpen-two-signers");
  std::vector<NoteVerifier> verifiers = {VerifierFrom(vector["vkeys"][0]),
                                         VerifierFrom(vector["vkeys"][1])};
  SignedNote note = ParseSignedNote(vector["note"].get<std::string>()).value();
  Result<NoteVerification> verification = VerifySignedNote(note, verifiers);
  ASSERT_TRUE(verification.ok()) << verification.status().ToString();
  ASSERT_EQ(verification.value().verified_by.size(), 2u);
  EXPECT_EQ(verification.value().verified_by[0].key_name, "PeterNeumann");
  EXPECT_EQ(verification.value().verified_by[1].key_name, "EnochRoot");
}

TEST(SignedNoteTest, VerifierWithOneKeyIgnoresOtherSigner) {
  nlohmann::json vector = Vector("go-sumdb-note-TestOpen-two-signers");
  std::vector<NoteVerifier> verifiers = {VerifierFrom(vector["vkeys"][1])};
  SignedNote note = ParseSignedNote(vector["note"].get<std::string>()).value();
  Result<NoteVerification> verification = VerifySignedNote(note, verifiers);
  ASSERT_TRUE(verification.ok()) << verification.status().ToString();
  ASSERT_EQ(verification.value().verified_by.size(), 1u);
  EXPECT_EQ(verification.value().verified_by[0].key_name, "EnochRoot");
}

TEST(SignedNoteTest, RepeatedSignatureLineCountsOnce) {
  nlohmann::json vector = Vector("c2sp-signed-note-example");
  SignedNote note = ParseSignedNote(vector["note"].get<std::string>()).value();
  note.signatures.push_back(note.signatures[0]);
  std::vector<NoteVerifier> verifiers = {VerifierFrom(vector["vkey"])};
  Result<NoteVerification> verification = VerifySignedNote(note, verifiers);
  ASSERT_TRUE(verification.ok()) << verification.status().ToString();
  EXPECT_EQ(verification.value().verified_by.size(), 1u);
}

TEST(SignedNoteTest, AlteredTextIsUnauthenticated) {
  nlohmann::json vector = Vector("c2sp-signed-note-example");
  SignedNote note = ParseSignedNote(vector["note"].get<std::string>()).value();
  note.text = "This is an example message!\n";
  std::vector<NoteVerifier> verifiers = {VerifierFrom(vector["vkey"])};
  Result<NoteVerification> verification = VerifySignedNote(note, verifiers);
  EXPECT_EQ(verification.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(verification.status().message(),
            "signature by example.com/foo+530d903a does not verify");
}

TEST(SignedNoteTest, OnlyUnknownSignersIsUnauthenticated) {
  nlohmann::json vector = Vector("c2sp-signed-note-example");
  Result<SignedNote> note = ParseSignedNote("hello\n\n" + kUnknownLine);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  std::vector<NoteVerifier> verifiers = {VerifierFrom(vector["vkey"])};
  EXPECT_EQ(VerifySignedNote(note.value(), verifiers).status().code(),
            StatusCode::kUnauthenticated);
}

TEST(SignedNoteTest, DuplicateVerifierKeysAreInvalid) {
  NoteVerifier verifier = VerifierFrom(Vector("c2sp-signed-note-example")["vkey"]);
  std::vector<NoteVerifier> verifiers = {verifier, verifier};
  SignedNote note = ParseSignedNote("hello\n\n" + kUnknownLine).value();
  EXPECT_EQ(VerifySignedNote(note, verifiers).status().code(), StatusCode::kInvalidArgument);
}

TEST(SignedNoteTest, WrongLengthSignatureFromKnownKeyIsUnauthenticated) {
  nlohmann::json vector = Vector("c2sp-signed-note-example");
  SignedNote note = ParseSignedNote(vector["note"].get<std::string>()).value();
  note.signatures[0].signature.pop_back();
  std::vector<NoteVerifier> verifiers = {VerifierFrom(vector["vkey"])};
  EXPECT_EQ(VerifySignedNote(note, verifiers).status().code(), StatusCode::kUnauthenticated);
}

struct MalformedNote {
  const char* case_name;
  std::string message;
  std::string expected_error;
};

TEST(SignedNoteTest, MalformedNotesNameTheProblem) {
  const std::string dash = "\xE2\x80\x94 ";
  const std::vector<MalformedNote> cases = {
      {"empty", "", "note text is empty or does not end with a newline"},
      {"no final newline", "hello\n\n" + kUnknownLine.substr(0, kUnknownLine.size() - 1),
       "note text is empty or does not end with a newline"},
      {"no blank line", "hello\n" + kUnknownLine, "note has no blank line before its signatures"},
      {"no signatures", "hello\n\n", "note has no signature lines after its last blank line"},
      {"only blank lines", "hello\n\n\n", "note has no signature lines after its last blank line"},
      {"hyphen instead of dash", "hello\n\n- someone AAAAAAA=\n",
       "signature line 1 does not start with an em dash (U+2014) and a space"},
      {"no space", "hello\n\n" + dash + "someone\n",
       "signature line 1 has no space between key name and signature"},
      {"plus in name", "hello\n\n" + dash + "some+one AAAAAAA=\n",
       "signature line 1: key name \"some+one\" contains '+'"},
      {"empty name", "hello\n\n" + dash + " AAAAAAA=\n", "signature line 1: key name is empty"},
      {"no-break space in name", "hello\n\n" + dash + "some\xC2\xA0one AAAAAAA=\n",
       "signature line 1: key name \"some\xC2\xA0one\" contains white space"},
      {"short signature", "hello\n\n" + dash + "someone AAAAAA==\n",
       "signature line 1 signature has 4 bytes; it needs a 4-byte key ID and a signature"},
      {"control character", "hel\rlo\n\n" + kUnknownLine,
       "note has control character 13 at byte 3"},
      {"invalid UTF-8", "hel\xC0\xAFlo\n\n" + kUnknownLine, "note has invalid UTF-8 at byte 3"},
      {"tab", "hel\tlo\n\n" + kUnknownLine, "note has control character 9 at byte 3"},
  };
  for (const MalformedNote& c : cases) {
    Result<SignedNote> note = ParseSignedNote(c.message);
    ASSERT_FALSE(note.ok()) << c.case_name;
    EXPECT_EQ(note.status().code(), StatusCode::kInvalidArgument) << c.case_name;
    EXPECT_EQ(note.status().message(), c.expected_error) << c.case_name;
  }
}

TEST(SignedNoteTest, BadBase64SignatureIsInvalid) {
  Result<SignedNote> note = ParseSignedNote("hello\n\n\xE2\x80\x94 someone AAAA*AAA=\n");
  EXPECT_EQ(note.status().code(), StatusCode::kInvalidArgument);
}

TEST(SignedNoteTest, HundredSignaturesParseButNotMore) {
  std::string message = "hello\n\n";
  for (size_t i = 0; i < kMaxNoteSignatures; ++i) {
    message += kUnknownLine;
  }
  EXPECT_TRUE(ParseSignedNote(message).ok());
  Result<SignedNote> too_many = ParseSignedNote(message + kUnknownLine);
  EXPECT_EQ(too_many.status().message(), "note has more than 100 signature lines");
}

TEST(SignedNoteTest, MalformedVerifierKeysAreRejected) {
  std::string good = Vector("c2sp-signed-note-example")["vkey"];
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"example.com/foo", "verifier key is not <name>+<key ID>+<key>"},
      {"example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
       "verifier key ID 530d903b does not match name \"example.com/foo\" and its public key"},
      {"example.com/fo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
       "verifier key ID 530d903a does not match name \"example.com/fo\" and its public key"},
      {"example.com/foo+530d90+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
       "verifier key ID \"530d90\" is not 8 hex digits"},
      {"example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
       "verifier public key does not start with algorithm byte 0x01 (Ed25519)"},
      {"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3Q==",
       "verifier public key has 30 key bytes; Ed25519 needs 32"},
      {"example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
       "verifier key ID \"530D903A\" has uppercase hex digits; write them in lowercase"},
      {" +530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
       "verifier key: key name \" \" contains white space"},
  };
  for (const auto& [text, expected_error] : cases) {
    Result<NoteVerifier> verifier = ParseVerifierKey(text);
    ASSERT_FALSE(verifier.ok()) << text;
    EXPECT_EQ(verifier.status().message(), expected_error) << text;
  }
  EXPECT_TRUE(ParseVerifierKey(good).ok());
}

TEST(SignedNoteTest, SignRejectsInvalidTextAndName) {
  crypto::SecretKey key = crypto::SecretKey::FromSeed(Bytes(32, 7)).value();
  EXPECT_EQ(SignNote("no newline", "name", key).status().message(),
            "note text is empty or does not end with a newline");
  EXPECT_EQ(SignNote("text\n", "bad name", key).status().message(),
            "key name \"bad name\" contains white space");
}

}  // namespace
}  // namespace imledger::ledger
