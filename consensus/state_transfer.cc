// State transfer: a replica that has fallen behind fetches committed blocks from a peer.
//
// A replica starts fetching when its stable checkpoint lies above its last committed block, or
// when f+1 replicas have sent Commits or Checkpoints for sequences beyond the next one, so at
// least one correct replica is ahead. Every fetched block must carry a commit certificate of
// 2f+1 validators, link by hash to the block before it, and re-execute here to exactly the
// certified header; the first block that fails any check ends the batch, and the next retry
// goes to another peer. Only one fetch is outstanding at a time.

#include <algorithm>

#include "consensus/replica.h"

namespace imledger::consensus {

void Replica::MaybeStartTransfer(Actions& actions, uint64_t now_ms, uint64_t min_lag) {
  if (!transfer_queue_.empty() || now_ms < transfer_deadline_ms_) {
    return;
  }
  std::vector<uint64_t> heights;
  for (uint32_t replica = 0; replica < n_; ++replica) {
    if (replica != index_) {
      heights.push_back(committed_height_seen_[replica]);
    }
  }
  std::sort(heights.begin(), heights.end(), std::greater<>());
  const uint64_t target = heights.size() > f_ ? heights[f_] : 0;
  const uint64_t next = last_committed_.height + 1;
  // A replica that is changing views alone, or whose proposal has stalled, probes its peers
  // one at a time, because the others may have committed blocks that no message of its own
  // view reveals.
  const bool probe =
      min_lag <= 1 &&
      (!view_active_ || ((!pending_.empty() || HasUncommittedProposal()) &&
                         now_ms >= last_progress_ms_ + config_.retransmit_interval_ms));
  if (target < last_committed_.height + min_lag && stable_sequence_ < next && !probe) {
    return;
  }

  // Ask the next replica, in index order, that has been seen at or beyond the next height.
  for (uint32_t step = 1; step <= n_; ++step) {
    uint32_t peer = static_cast<uint32_t>((transfer_peer_ + step) % n_);
    if (peer != index_ && (probe || committed_height_seen_[peer] >= next)) {
      SendFetch(actions, peer, config_.max_fetch_blocks, now_ms);
      return;
    }
  }
}

void Replica::SendFetch(Actions& actions, uint32_t peer, uint64_t max_count, uint64_t now_ms) {
  transfer_peer_ = peer;
  transfer_requested_ = max_count;
  FetchBlocks fetch{last_committed_.height + 1, max_count};
  SendTo(actions, peer, Sign(MessageType::kFetchBlocks, EncodeBody(fetch)));
  transfer_deadline_ms_ = now_ms + 2 * config_.retransmit_interval_ms;
}

void Replica::HandleFetchBlocks(Actions& actions, const SignedMessage& message) {
  Result<FetchBlocks> fetch = DecodeFetchBlocks(message.body);
  if (!fetch.ok() || fetch->from_height == 0) {
    ++drops_.malformed;
    return;
  }
  if (fetch->from_height > last_committed_.height) {
    return;
  }
  uint64_t available = last_committed_.height - fetch->from_height + 1;
  uint64_t count = std::min({fetch->max_count, config_.max_fetch_blocks, available});
  if (count > 0) {
    actions.emplace_back(ReadBlocksAction{message.sender, fetch->from_height, count});
  }
}

Actions Replica::OnBlocksRead(uint32_t peer, std::vector<TransferBlock> blocks, uint64_t now_ms) {
  (void)now_ms;
  Actions actions;
  if (peer >= n_ || peer == index_ || blocks.empty()) {
    return actions;
  }
  // Send as many blocks as fit in one message. The peer requests the rest later.
  Blocks reply{std::move(blocks)};
  Bytes body = EncodeBody(reply);
  while (body.size() + 256 > config_.max_message_bytes && reply.blocks.size() > 1) {
    reply.blocks.pop_back();
    body = EncodeBody(reply);
  }
  if (body.size() + 256 > config_.max_message_bytes) {
    return actions;
  }
  SendTo(actions, peer, Sign(MessageType::kBlocks, std::move(body)));
  return actions;
}

void Replica::HandleBlocks(Actions& actions, const SignedMessage& message, uint64_t now_ms) {
  Result<Blocks> reply = DecodeBlocks(message.body, limits_);
  if (!reply.ok()) {
    ++drops_.malformed;
    return;
  }
  uint64_t expected = last_committed_.height + 1 + transfer_queue_.size();
  crypto::Digest previous = transfer_queue_.empty()
                                ? PreviousHash()
                                : ledger::BlockHash(transfer_queue_.back().certificate.header);
  if (!reply->blocks.empty()) {
    NoteCommittedHeight(message.sender, reply->blocks.back().certificate.header.height);
  }
  transfer_more_ = message.sender == transfer_peer_ && reply->blocks.size() >= transfer_requested_;
  for (TransferBlock& block : reply->blocks) {
    const ledger::BlockHeader& header = block.certificate.header;
    if (header.height < expected) {
      continue;
    }
    if (header.height != expected || header.previous_hash != previous ||
        transfer_queue_.size() >= 2 * config_.max_fetch_blocks) {
      break;
    }
    if (!ledger::VerifyCommitCertificate(block.certificate, config_.network_id, config_.validators,
                                         quorum_)
             .ok()) {
      ++drops_.invalid;
      break;
    }
    previous = ledger::BlockHash(header);
    ++expected;
    transfer_queue_.push_back(std::move(block));
  }
  if (transfer_queue_.empty()) {
    transfer_deadline_ms_ = 0;
    return;
  }
  transfer_deadline_ms_ = now_ms + 2 * config_.retransmit_interval_ms;
  TryExecute(actions);
}

void Replica::FinishTransferExecution(Actions& actions, const ledger::BlockHeader& header,
                                      uint64_t now_ms) {
  if (transfer_queue_.empty()) {
    return;
  }
  TransferBlock block = std::move(transfer_queue_.front());
  transfer_queue_.pop_front();
  if (header != block.certificate.header) {
    // The peer sent transactions that do not produce the certified header.
    ++drops_.invalid;
    transfer_queue_.clear();
    transfer_deadline_ms_ = 0;
    MaybeStartTransfer(actions, now_ms, /*min_lag=*/1);
    return;
  }
  std::vector<RequestKey> keys;
  for (const Bytes& transaction : block.transactions) {
    Result<Request> request = parser_(transaction);
    if (request.ok()) {
      keys.emplace_back(request->client, request->nonce);
    }
  }
  auto entry = log_.find(header.height);
  if (entry != log_.end()) {
    entry->second.executed_header.reset();
  }
  CommitBlock(actions, std::move(block.certificate), std::move(block.transactions), keys, now_ms);
  if (transfer_queue_.empty()) {
    transfer_deadline_ms_ = 0;
    if (transfer_more_) {
      transfer_more_ = false;
      SendFetch(actions, transfer_peer_, config_.max_fetch_blocks, now_ms);
    } else {
      MaybeStartTransfer(actions, now_ms, /*min_lag=*/1);
    }
  }
}

}  // namespace imledger::consensus
