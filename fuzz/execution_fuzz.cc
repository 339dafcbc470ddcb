// Fuzzes the rules: each input is one transaction executed, with signature checks skipped so
// that mutated payloads reach the type rules, against a state that already contains staff, a
// patient, a study and a grant. Execution must never fail as a whole or abort, and running the
// same input twice must give the same results and state digest.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>
#include <leveldb/write_batch.h>

#include "base/check.h"
#include "contracts/engine.h"
#include "tests/contracts/sample_transactions.h"
#include "tests/contracts/test_identities.h"

namespace {

namespace c = imledger::contracts;

template <typename Payload>
imledger::Bytes Signed(std::string_view signer, uint64_t nonce, const Payload& payload) {
  return c::EncodeTransaction(
      c::MakeTransaction(c::testing::kNetworkId, nonce, 0, payload, c::testing::KeyNamed(signer)));
}

std::vector<imledger::Bytes> SetupBlock() {
  using c::testing::DigestNamed;
  using c::testing::KeyNamed;
  c::ConsentGrant grant;
  grant.grantee = c::Grantee{c::GranteeKind::kOrganization, "ai-lab", {}};
  grant.all_studies = true;
  grant.purposes = {c::Purpose::kTreatment, c::Purpose::kAiTraining};
  grant.valid_from_ms = 0;
  grant.valid_until_ms = UINT64_MAX;
  return {
      Signed("admin-a", 1,
             c::MemberEnroll{KeyNamed("registrar").public_key(),
                             "hospital-a",
                             {c::Role::kRegistrar, c::Role::kTechnician, c::Role::kRadiologist,
                              c::Role::kClinician, c::Role::kGateway}}),
      Signed("admin-lab", 1,
             c::MemberEnroll{KeyNamed("annotator").public_key(), "ai-lab", {c::Role::kAnnotator}}),
      Signed("registrar", 1,
             c::PatientEnroll{DigestNamed("pseudonym"), KeyNamed("patient").public_key()}),
      Signed("registrar", 2,
             c::StudyAnchor{DigestNamed("study"),
                            DigestNamed("pseudonym"),
                            DigestNamed("root"),
                            1,
                            1,
                            {"CT"},
                            std::nullopt}),
      Signed("patient", 1, grant),
  };
}

struct Harness {
  Harness() : env(leveldb::NewMemEnv(leveldb::Env::Default())) {
    leveldb::Options options;
    options.create_if_missing = true;
    options.env = env.get();
    leveldb::DB* raw = nullptr;
    imledger::Check(leveldb::DB::Open(options, "/fuzz", &raw).ok(), "open in-memory LevelDB");
    db.reset(raw);
    engine = std::make_unique<c::Engine>(db.get());
    leveldb::WriteBatch batch;
    imledger::Check(engine->ApplyGenesis(c::testing::TestGenesis(), batch).ok(), "genesis");
    imledger::Check(db->Write(leveldb::WriteOptions(), &batch).ok(), "write genesis");
    leveldb::WriteBatch setup;
    std::vector<imledger::Bytes> block = SetupBlock();
    imledger::Result<c::BlockExecution> execution =
        engine->ExecuteBlock(1, c::testing::kGenesisTimeMs + 1000, block, setup);
    imledger::Check(execution.ok(), "setup block executes");
    for (const c::TransactionResult& result : execution->results) {
      imledger::CheckEq(result.code_value(), 0u, "setup transaction accepted");
    }
    imledger::Check(db->Write(leveldb::WriteOptions(), &setup).ok(), "write setup block");
  }

  std::unique_ptr<leveldb::Env> env;
  std::unique_ptr<leveldb::DB> db;
  std::unique_ptr<c::Engine> engine;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness harness;
  std::vector<imledger::Bytes> block{imledger::Bytes(data, data + size)};
  uint64_t time_ms = c::testing::kGenesisTimeMs + 2000;

  // The batch is never written, so every input runs against the same state.
  leveldb::WriteBatch first_batch;
  leveldb::WriteBatch second_batch;
  imledger::Result<c::BlockExecution> first = harness.engine->ExecuteBlock(
      2, time_ms, block, first_batch, c::SignatureCheck::kAlreadyVerified);
  imledger::Result<c::BlockExecution> second = harness.engine->ExecuteBlock(
      2, time_ms, block, second_batch, c::SignatureCheck::kAlreadyVerified);
  imledger::Check(first.ok() && second.ok(), "execution never fails as a whole");
  imledger::CheckEq(first->state_digest, second->state_digest, "state digest is deterministic");
  imledger::CheckEq(first->results[0].code_value(), second->results[0].code_value(),
                    "result code is deterministic");
  return 0;
}
