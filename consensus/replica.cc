// Replica construction, event entry points and the plumbing shared by every phase.

#include "consensus/replica.h"

#include <algorithm>
#include <string>

namespace imledger::consensus {

Result<std::unique_ptr<Replica>> Replica::Open(Config config, crypto::SecretKey key,
                                               RequestParser parser,
                                               const std::vector<StoreEntry>& stored) {
  const std::vector<crypto::PublicKey>& validators = config.validators;
  if (validators.empty()) {
    return Status::InvalidArgument("pbft configuration lists no validators");
  }
  auto found = std::find(validators.begin(), validators.end(), key.public_key());
  if (found == validators.end()) {
    return Status::InvalidArgument("replica key " + key.public_key().ToHex() +
                                   " is not in the validator list of network " + config.network_id);
  }
  for (size_t i = 0; i < validators.size(); ++i) {
    if (std::count(validators.begin(), validators.end(), validators[i]) != 1) {
      return Status::InvalidArgument("validator " + validators[i].ToHex() +
                                     " appears twice in the validator list");
    }
  }
  if (config.checkpoint_interval == 0 || config.watermark_window < config.checkpoint_interval) {
    return Status::InvalidArgument(
        "pbft checkpoint_interval must be positive and at most watermark_window");
  }
  if (config.max_batch_requests == 0 || !parser) {
    return Status::InvalidArgument("pbft max_batch_requests must be positive and a parser set");
  }
  auto index = static_cast<uint32_t>(found - validators.begin());
  std::unique_ptr<Replica> replica(
      new Replica(std::move(config), std::move(key), std::move(parser), index));
  if (Status status = replica->Restore(stored); !status.ok()) {
    return status;
  }
  return replica;
}

Replica::Replica(Config config, crypto::SecretKey key, RequestParser parser, uint32_t index)
    : config_(std::move(config)),
      key_(std::move(key)),
      parser_(std::move(parser)),
      index_(index),
      n_(config_.validators.size()),
      f_((config_.validators.size() - 1) / 3),
      quorum_(ledger::QuorumSize(config_.validators.size())),
      limits_{config_.max_message_bytes,
              std::max({config_.max_batch_requests, config_.watermark_window,
                        config_.max_fetch_blocks}) +
                  4 * n_ + 16},
      highest_view_seen_(n_, 0),
      committed_height_seen_(n_, 0) {}

Actions Replica::Start(uint64_t now_ms) {
  Actions actions;
  last_progress_ms_ = now_ms;
  SetTimer(actions, TimerKind::kRetransmit, now_ms + config_.retransmit_interval_ms);
  // A starting replica cannot tell what it missed, so it requests the next block from every peer.
  for (uint32_t peer = 0; peer < n_; ++peer) {
    if (peer != index_) {
      SendFetch(actions, peer, 1, now_ms);
    }
  }
  if (!view_active_) {
    ViewChange view_change = MakeViewChange(view_);
    SignedMessage message = Sign(MessageType::kViewChange, EncodeBody(view_change));
    view_changes_[index_] = {std::move(view_change), message};
    Broadcast(actions, message);
    MaybeArmViewChangeTimer(actions, now_ms);
    return actions;
  }
  RetransmitNormalCase(actions);
  ArmProgressTimer(actions, now_ms);
  TryExecute(actions);
  return actions;
}

Actions Replica::OnMessage(ByteView bytes, uint64_t now_ms) {
  Actions actions;
  if (bytes.size() > config_.max_message_bytes) {
    ++drops_.malformed;
    return actions;
  }
  Result<SignedMessage> message = DecodeSignedMessage(bytes, limits_);
  if (!message.ok() || message->sender >= n_ || message->sender == index_) {
    ++drops_.malformed;
    return actions;
  }
  // Retransmissions repeat identical bytes; a verified copy needs no second check.
  const crypto::Digest digest = crypto::Sha256Of(bytes);
  if (!verified_.contains(digest)) {
    if (!VerifyMessage(*message, config_.network_id, config_.validators).ok()) {
      ++drops_.bad_signature;
      return actions;
    }
    verified_.insert(digest);
    verified_order_.push_back(digest);
    if (verified_order_.size() > kVerifiedCacheSize) {
      verified_.erase(verified_order_.front());
      verified_order_.pop_front();
    }
  }
  Dispatch(actions, *message, now_ms);
  return actions;
}

void Replica::Dispatch(Actions& actions, const SignedMessage& message, uint64_t now_ms) {
  switch (message.type) {
    case MessageType::kRequest:
      HandleRequestMessage(actions, message, now_ms);
      return;
    case MessageType::kPrePrepare:
      HandlePrePrepare(actions, message, now_ms);
      return;
    case MessageType::kPrepare:
      HandlePrepare(actions, message, now_ms);
      return;
    case MessageType::kCommit:
      HandleCommit(actions, message, now_ms);
      return;
    case MessageType::kCheckpoint:
      HandleCheckpoint(actions, message, now_ms);
      return;
    case MessageType::kViewChange:
      HandleViewChange(actions, message, now_ms);
      return;
    case MessageType::kNewView:
      HandleNewView(actions, message, now_ms);
      return;
    case MessageType::kFetchBlocks:
      HandleFetchBlocks(actions, message);
      return;
    case MessageType::kBlocks:
      HandleBlocks(actions, message, now_ms);
      return;
  }
  ++drops_.malformed;
}

Actions Replica::OnClientRequest(ByteView transaction, uint64_t now_ms) {
  Actions actions;
  if (transaction.size() > config_.max_batch_bytes) {
    ++drops_.malformed;
    return actions;
  }
  Result<Request> request = parser_(transaction);
  if (!request.ok()) {
    ++drops_.invalid;
    return actions;
  }
  AcceptRequest(actions, std::move(request).value(), /*from_client=*/true, now_ms);
  return actions;
}

Actions Replica::OnTimer(TimerKind kind, uint64_t now_ms) {
  Actions actions;
  auto slot = static_cast<size_t>(kind);
  if (deadlines_[slot] == 0 || now_ms < deadlines_[slot]) {
    return actions;
  }
  deadlines_[slot] = 0;
  switch (kind) {
    case TimerKind::kBatch:
      MaybePropose(actions, now_ms, /*force=*/true);
      break;
    case TimerKind::kProgress:
      // Either the view made no progress on pending work, or no NewView came in time.
      StartViewChange(actions, view_ + 1, now_ms);
      break;
    case TimerKind::kRetransmit:
      if (!view_active_) {
        if (auto own = view_changes_.find(index_); own != view_changes_.end()) {
          Broadcast(actions, own->second.second);
        }
      } else if (!pending_.empty() || HasUncommittedProposal() ||
                 now_ms <= last_progress_ms_ + 4 * config_.retransmit_interval_ms) {
        // An idle replica stops repeating itself a few intervals after its last commit.
        RetransmitNormalCase(actions);
      }
      MaybeStartTransfer(actions, now_ms, /*min_lag=*/1);
      SetTimer(actions, TimerKind::kRetransmit, now_ms + config_.retransmit_interval_ms);
      break;
  }
  return actions;
}

Actions Replica::OnExecuted(uint64_t height, const ledger::BlockHeader& header, uint64_t now_ms) {
  Actions actions;
  if (!execution_ || execution_->height != height) {
    return actions;
  }
  CheckEq(header.height, height, "executed header height");
  Execution execution = *execution_;
  execution_.reset();
  if (execution.transfer) {
    FinishTransferExecution(actions, header, now_ms);
  } else if (height == last_committed_.height + 1) {
    Check(header.previous_hash == PreviousHash(), "executed header links to the last block");
    auto entry = log_.find(height);
    if (entry != log_.end()) {
      entry->second.executed_header = header;
      entry->second.executed_digest = execution.digest;
      FinishExecution(actions, height);
    }
  }
  TryExecute(actions);
  return actions;
}

SignedMessage Replica::Sign(MessageType type, Bytes body) const {
  return SignMessage(config_.network_id, type, index_, std::move(body), key_);
}

void Replica::Broadcast(Actions& actions, const SignedMessage& message) const {
  actions.emplace_back(BroadcastAction{EncodeSignedMessage(message)});
}

void Replica::SendTo(Actions& actions, uint32_t to, const SignedMessage& message) const {
  actions.emplace_back(SendAction{to, EncodeSignedMessage(message)});
}

void Replica::SetTimer(Actions& actions, TimerKind kind, uint64_t deadline_ms) {
  auto slot = static_cast<size_t>(kind);
  if (deadlines_[slot] == deadline_ms) {
    return;
  }
  deadlines_[slot] = deadline_ms;
  actions.emplace_back(SetTimerAction{kind, deadline_ms});
}

crypto::Digest Replica::PreviousHash() const {
  return last_committed_.height == 0 ? crypto::Digest{} : ledger::BlockHash(last_committed_);
}

bool Replica::InWindow(uint64_t sequence) const {
  return sequence > stable_sequence_ && sequence <= stable_sequence_ + config_.watermark_window;
}

void Replica::NoteCommittedHeight(uint32_t sender, uint64_t sequence) {
  committed_height_seen_[sender] = std::max(committed_height_seen_[sender], sequence);
}

}  // namespace imledger::consensus
