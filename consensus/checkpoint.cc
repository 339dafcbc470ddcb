// Checkpoints: every K blocks each replica signs the block hash; 2f+1 matching signatures make
// the checkpoint stable, which moves the low watermark and frees the log below it.
//
// Only checkpoints inside the watermark window are stored, at most one vote per replica and
// sequence, so memory stays bounded. A stable checkpoint this replica has not reached yet is
// the signal for state transfer.

#include <algorithm>

#include "consensus/replica.h"

namespace imledger::consensus {

void Replica::SendCheckpoint(Actions& actions, uint64_t sequence,
                             const crypto::Digest& block_hash) {
  if (sequence <= stable_sequence_) {
    return;
  }
  own_checkpoint_hashes_[sequence] = block_hash;
  SignedMessage message =
      Sign(MessageType::kCheckpoint, EncodeBody(Checkpoint{sequence, block_hash}));
  checkpoints_[sequence][index_] = CheckpointVote{block_hash, message};
  Broadcast(actions, message);
  CheckStable(actions, sequence);
}

void Replica::HandleCheckpoint(Actions& actions, const SignedMessage& message, uint64_t now_ms) {
  Result<Checkpoint> checkpoint = DecodeCheckpoint(message.body);
  if (!checkpoint.ok() || checkpoint->sequence == 0 ||
      checkpoint->sequence % config_.checkpoint_interval != 0) {
    ++drops_.malformed;
    return;
  }
  NoteCommittedHeight(message.sender, checkpoint->sequence);
  if (checkpoint->sequence <= stable_sequence_) {
    return;
  }
  // A replica catching up by state transfer must still collect votes above its own window.
  if (checkpoint->sequence >
      std::max(stable_sequence_, last_committed_.height) + config_.watermark_window) {
    ++drops_.out_of_window;
    MaybeStartTransfer(actions, now_ms, /*min_lag=*/2);
    return;
  }
  checkpoints_[checkpoint->sequence][message.sender] =
      CheckpointVote{checkpoint->block_hash, message};
  CheckStable(actions, checkpoint->sequence);
  MaybeStartTransfer(actions, now_ms, /*min_lag=*/2);
}

void Replica::CheckStable(Actions& actions, uint64_t sequence) {
  auto votes = checkpoints_.find(sequence);
  auto own = own_checkpoint_hashes_.find(sequence);
  if (votes == checkpoints_.end() || own == own_checkpoint_hashes_.end()) {
    return;
  }
  std::vector<SignedMessage> proof;
  for (const auto& [sender, vote] : votes->second) {
    if (vote.block_hash == own->second) {
      proof.push_back(vote.message);
    }
  }
  if (proof.size() >= quorum_) {
    proof.resize(quorum_);
    MakeStable(actions, sequence, own->second, std::move(proof));
  }
}

void Replica::MakeStable(Actions& actions, uint64_t sequence, const crypto::Digest& block_hash,
                         std::vector<SignedMessage> proof) {
  if (sequence <= stable_sequence_) {
    return;
  }
  stable_sequence_ = sequence;
  stable_hash_ = block_hash;
  stable_proof_ = std::move(proof);
  actions.emplace_back(PersistAction{{CheckpointRecord()}, true});
  CollectGarbage(actions);
}

void Replica::CollectGarbage(Actions& actions) {
  PersistAction erase;
  erase.sync = false;  // A lost delete leaves a record below the checkpoint, ignored on load.
  while (!log_.empty() && log_.begin()->first <= stable_sequence_) {
    StoreWrite write = EntryRecord(log_.begin()->first);
    write.erase = true;
    write.value.clear();
    erase.writes.push_back(std::move(write));
    log_.erase(log_.begin());
  }
  checkpoints_.erase(checkpoints_.begin(), checkpoints_.upper_bound(stable_sequence_));
  own_checkpoint_hashes_.erase(own_checkpoint_hashes_.begin(),
                               own_checkpoint_hashes_.upper_bound(stable_sequence_));
  if (!erase.writes.empty()) {
    actions.emplace_back(std::move(erase));
  }
}

Status Replica::VerifyCheckpointProof(uint64_t sequence, const crypto::Digest& block_hash,
                                      const std::vector<SignedMessage>& proof) const {
  if (sequence == 0) {
    if (!proof.empty() || block_hash != crypto::Digest{}) {
      return Status::InvalidArgument("genesis checkpoint carries a proof or a hash");
    }
    return Status::Ok();
  }
  std::vector<uint32_t> senders;
  for (const SignedMessage& message : proof) {
    if (message.type != MessageType::kCheckpoint) {
      return Status::InvalidArgument("checkpoint proof holds a non-checkpoint message");
    }
    if (Status status = VerifyMessage(message, config_.network_id, config_.validators);
        !status.ok()) {
      return status;
    }
    Result<Checkpoint> checkpoint = DecodeCheckpoint(message.body);
    if (!checkpoint.ok()) {
      return checkpoint.status();
    }
    if (checkpoint->sequence != sequence || checkpoint->block_hash != block_hash) {
      return Status::InvalidArgument("checkpoint proof mixes sequences or hashes");
    }
    senders.push_back(message.sender);
  }
  std::sort(senders.begin(), senders.end());
  senders.erase(std::unique(senders.begin(), senders.end()), senders.end());
  if (senders.size() < quorum_) {
    return Status::InvalidArgument("checkpoint proof has fewer than 2f+1 distinct signers");
  }
  return Status::Ok();
}

}  // namespace imledger::consensus
