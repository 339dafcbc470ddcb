#include "crypto/key_file.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "crypto/encoding.h"
#include "tests/support/test_data.h"

namespace imledger::crypto {
namespace {

// Cheap Argon2id limits so the tests stay fast; the format records them per file.
KeyFileOptions Sealed(std::string passphrase) {
  KeyFileOptions options;
  options.passphrase = std::move(passphrase);
  options.opslimit = 1;
  options.memlimit = 8192;
  return options;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), 0600);
}

class KeyFileTest : public ::testing::Test {
 protected:
  testing::TemporaryFolder folder_;
  SecretKey key_ = SecretKey::FromSeed(Bytes(32, 0x42)).value();
};

TEST_F(KeyFileTest, PlainFileRoundTripsWithMode0600) {
  std::string path = folder_.File("node.key");
  ASSERT_TRUE(WriteKeyFile(path, key_).ok());

  struct stat info {};

  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  Result<SecretKey> loaded = ReadKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key(), key_.public_key());
}

TEST_F(KeyFileTest, SealedFileNeedsTheRightPassphrase) {
  std::string path = folder_.File("sealed.key");
  ASSERT_TRUE(WriteKeyFile(path, key_, Sealed("correct horse")).ok());
  EXPECT_EQ(ReadText(path).find(HexEncode(key_.seed())), std::string::npos);

  EXPECT_EQ(ReadKeyFile(path).status().code(), StatusCode::kFailedPrecondition);
  Result<SecretKey> wrong = ReadKeyFile(path, "battery staple");
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(wrong.status().message().find(path), std::string::npos);
  Result<SecretKey> right = ReadKeyFile(path, "correct horse");
  ASSERT_TRUE(right.ok()) << right.status().ToString();
  EXPECT_EQ(right->public_key(), key_.public_key());
}

TEST_F(KeyFileTest, GroupReadableFileIsRejectedWithTheFix) {
  std::string path = folder_.File("open.key");
  ASSERT_TRUE(WriteKeyFile(path, key_).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  Result<SecretKey> loaded = ReadKeyFile(path);
  EXPECT_EQ(loaded.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(loaded.status().message().find("chmod 600 " + path), std::string::npos);
}

TEST_F(KeyFileTest, WrongSeedLengthIsCorruption) {
  std::string path = folder_.File("short.key");
  WriteText(path, R"({"format":"imledger-key/v1","public_key":"00","seed":"0102"})");
  Result<SecretKey> loaded = ReadKeyFile(path);
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(loaded.status().message().find("2 bytes"), std::string::npos);
}

TEST_F(KeyFileTest, CorruptedSealedBodyIsDetected) {
  std::string path = folder_.File("flipped.key");
  ASSERT_TRUE(WriteKeyFile(path, key_, Sealed("pass")).ok());
  nlohmann::json json = nlohmann::json::parse(ReadText(path));
  Bytes sealed = Base64Decode(json["sealed_seed"].get<std::string>()).value();
  sealed[5] ^= 0x01;
  json["sealed_seed"] = Base64Encode(sealed);
  WriteText(path, json.dump());
  EXPECT_EQ(ReadKeyFile(path, "pass").status().code(), StatusCode::kUnauthenticated);
}

TEST_F(KeyFileTest, MismatchedPublicKeyIsCorruption) {
  std::string path = folder_.File("mismatch.key");
  ASSERT_TRUE(WriteKeyFile(path, key_).ok());
  nlohmann::json json = nlohmann::json::parse(ReadText(path));
  json["public_key"] = SecretKey::Generate().public_key().ToHex();
  WriteText(path, json.dump());
  EXPECT_EQ(ReadKeyFile(path).status().code(), StatusCode::kCorruption);
}

TEST_F(KeyFileTest, MissingAndForeignFilesAreNamed) {
  EXPECT_EQ(ReadKeyFile(folder_.File("absent.key")).status().code(), StatusCode::kNotFound);
  std::string path = folder_.File("notes.txt");
  WriteText(path, "not a key");
  Result<SecretKey> loaded = ReadKeyFile(path);
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(loaded.status().message().find("imledger keys new"), std::string::npos);
}

}  // namespace
}  // namespace imledger::crypto
