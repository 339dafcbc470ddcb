// Test support: a fresh LevelDB state in a temporary folder, with the three-organization test
// genesis applied. Helpers sign transactions with per-key nonces and commit one block per call
// as the block store would, in one WriteBatch.

#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <leveldb/db.h>
#include <stdlib.h>

#include "contracts/engine.h"
#include "contracts/payload.h"
#include "contracts/queries.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "tests/contracts/test_identities.h"

namespace imledger::contracts::testing {

// A fresh folder under the system temporary directory, removed on destruction.
class TempDirectory {
 public:
  TempDirectory();
  ~TempDirectory();
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<leveldb::DB> OpenDatabase(const std::filesystem::path& path);

// Commits an executed block the way the block store does: one atomic, synced write.
void CommitBatch(leveldb::DB* db, leveldb::WriteBatch& batch);

class LedgerFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  // Closes and reopens the database, as a node restart does.
  void Restart();

  template <typename Payload>
  Bytes Sign(std::string_view signer, const Payload& payload) {
    crypto::SecretKey key = KeyNamed(signer);
    uint64_t& nonce = next_nonce_[std::string(signer)];
    nonce += 1;
    return EncodeTransaction(MakeTransaction(kNetworkId, nonce, time_ms_, payload, key));
  }

  // Executes `transactions` as the next block, `advance_ms` after the previous one, commits it
  // and returns the results.
  BlockExecution ExecuteBlock(const std::vector<Bytes>& transactions, uint64_t advance_ms = 1000);

  // Executes one signed transaction as its own block and returns its result.
  TransactionResult Submit(const Bytes& transaction) {
    return ExecuteBlock({transaction}).results[0];
  }

  template <typename Payload>
  TransactionResult Run(std::string_view signer, const Payload& payload) {
    return Submit(Sign(signer, payload));
  }

  // Shortcuts that set up state and expect acceptance.
  void EnrollMember(std::string_view admin, std::string_view organization, std::string_view member,
                    std::vector<Role> roles);
  crypto::Digest EnrollPatient(std::string_view registrar, std::string_view pseudonym_name,
                               std::string_view patient);
  crypto::Digest AnchorStudy(std::string_view technician, std::string_view study_name,
                             std::string_view pseudonym_name,
                             std::optional<crypto::Digest> previous = std::nullopt);
  crypto::Digest GrantConsent(std::string_view patient, const ConsentGrant& grant);

  // The usual cast: registrar-a, technician-a, radiologist-a, clinician-a, gateway-a of
  // hospital-a; clinician-b of hospital-b; annotator-lab of ai-lab.
  void EnrollStaff();

  ConsentGrant GrantToOrganization(std::string_view organization, std::vector<Purpose> purposes,
                                   std::vector<crypto::Digest> studies = {});

  crypto::PublicKey Public(std::string_view name) { return KeyNamed(name).public_key(); }

  uint64_t height() const { return height_; }

  uint64_t time_ms() const { return time_ms_; }

  std::unique_ptr<TempDirectory> directory_;
  std::unique_ptr<leveldb::DB> db_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<LedgerQueries> queries_;
  crypto::Digest genesis_digest_;
  std::map<std::string, uint64_t> next_nonce_;
  uint64_t height_ = 0;
  uint64_t time_ms_ = kGenesisTimeMs;
};

}  // namespace imledger::contracts::testing
