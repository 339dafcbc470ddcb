#include "contracts/engine.h"

#include "contracts/ledger_state.h"
#include "contracts/state_overlay.h"

namespace imledger::contracts {

namespace {

void WriteGenesisTables(LedgerState& state, const Genesis& genesis) {
  state.overlay().Put(std::string(kGenesisKey), std::string(AsChars(EncodeGenesis(genesis))));
  for (const GenesisOrganization& organization : genesis.organizations) {
    state.Write(TableKey(kOrganizationTable, organization.name),
                OrganizationRecord{organization.admin_keys});
    for (const crypto::PublicKey& admin : organization.admin_keys) {
      MemberRecord member;
      member.organization = organization.name;
      member.roles = RoleBit(Role::kAdmin);
      member.enrolled_ms = genesis.genesis_time_ms;
      state.Write(TableKey(kMemberTable, admin.view()), member);
    }
  }
}

TransactionResult ExecuteOne(LedgerState& state, const StateMeta& meta, uint64_t height,
                             uint64_t block_time_ms, const Bytes& bytes,
                             SignatureCheck signature_check) {
  TransactionResult result;
  result.transaction_id = TransactionIdOf(bytes);
  Result<Transaction> transaction = DecodeTransaction(bytes);
  if (!transaction.ok()) {
    result.code = RejectCode::kMalformedTransaction;
    result.message = "transaction: " + transaction.status().message();
    return result;
  }
  RuleContext context{state,  *transaction,  result.transaction_id, meta.network_id,
                      height, block_time_ms, signature_check};
  Verdict verdict = Execute(context);
  result.code = verdict.code;
  result.message = std::move(verdict.message);
  return result;
}

}  // namespace

Result<StateMeta> Engine::Committed() const {
  StateOverlay overlay(db_);
  LedgerState state(overlay);
  std::optional<StateMeta> meta = state.Meta();
  if (!overlay.status().ok()) {
    return overlay.status();
  }
  if (!meta) {
    return Status::NotFound("the state holds no genesis; apply the genesis file first");
  }
  return *meta;
}

Result<crypto::Digest> Engine::ApplyGenesis(const Genesis& genesis, leveldb::WriteBatch& batch) {
  Status status = ValidateGenesis(genesis);
  if (!status.ok()) {
    return status;
  }
  StateOverlay overlay(db_);
  LedgerState state(overlay);
  if (state.Meta()) {
    return Status::AlreadyExists("the state already holds a genesis; it is applied only once");
  }
  if (!overlay.status().ok()) {
    return overlay.status();
  }

  WriteGenesisTables(state, genesis);
  StateMeta meta;
  meta.height = 0;
  meta.block_time_ms = genesis.genesis_time_ms;
  meta.genesis_hash = GenesisHash(genesis);
  meta.network_id = genesis.network_id;
  meta.state_digest = ChainStateDigest(crypto::Digest{}, overlay.WritesDigest());
  state.Write(std::string(kMetaKey), meta);
  overlay.Flush(batch);
  return meta.state_digest;
}

Result<BlockExecution> Engine::ExecuteBlock(uint64_t height, uint64_t block_time_ms,
                                            std::span<const Bytes> transactions,
                                            leveldb::WriteBatch& batch,
                                            SignatureCheck signature_check) {
  Result<StateMeta> committed = Committed();
  if (!committed.ok()) {
    return committed.status();
  }
  StateMeta meta = *committed;
  if (height != meta.height + 1) {
    return Status::FailedPrecondition("block height " + std::to_string(height) +
                                      " does not follow the committed height " +
                                      std::to_string(meta.height));
  }
  if (block_time_ms < meta.block_time_ms) {
    return Status::InvalidArgument("block time " + std::to_string(block_time_ms) +
                                   " ms is before the previous block's " +
                                   std::to_string(meta.block_time_ms) + " ms");
  }

  StateOverlay overlay(db_);
  LedgerState state(overlay);
  BlockExecution execution;
  execution.results.reserve(transactions.size());
  for (const Bytes& bytes : transactions) {
    execution.results.push_back(
        ExecuteOne(state, meta, height, block_time_ms, bytes, signature_check));
    if (!overlay.status().ok()) {
      return Status(overlay.status().code(),
                    "block " + std::to_string(height) + ": " + overlay.status().message());
    }
  }

  execution.writes_digest = overlay.WritesDigest();
  execution.state_digest = ChainStateDigest(meta.state_digest, execution.writes_digest);
  meta.height = height;
  meta.block_time_ms = block_time_ms;
  meta.state_digest = execution.state_digest;
  state.Write(std::string(kMetaKey), meta);
  overlay.Flush(batch);
  return execution;
}

}  // namespace imledger::contracts
