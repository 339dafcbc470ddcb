// The PBFT normal case: requests, batching, PrePrepare, Prepare, execution and Commit.
//
// A sequence commits at this replica once it is prepared here (the PrePrepare and 2f matching
// Prepares of the current view), executed here on top of the previous committed block, and
// 2f+1 Commits of the current view carry exactly the header this replica computed. The primary
// proposes the next sequence only when no proposal of its view is uncommitted, so execution is
// always for the height right after the last committed block.

#include <algorithm>
#include <set>
#include <string>

#include "consensus/replica.h"

namespace imledger::consensus {

void Replica::AcceptRequest(Actions& actions, Request request, bool from_client, uint64_t now_ms) {
  auto committed = committed_nonces_.find(request.client);
  if (committed != committed_nonces_.end() && request.nonce <= committed->second) {
    ++drops_.duplicate_request;
    return;
  }
  const bool primary = Primary(view_) == index_;
  RequestKey key{request.client, request.nonce};
  if (pending_index_.contains(key)) {
    // A client retry: the primary or a backup may have missed the first copy.
    if (from_client && !primary && view_active_) {
      Broadcast(actions, Sign(MessageType::kRequest, request.transaction));
    }
    ++drops_.duplicate_request;
    return;
  }
  if (pending_.size() >= config_.max_pending_requests) {
    ++drops_.pending_full;
    return;
  }
  if (pending_.empty() && !HasUncommittedProposal()) {
    last_progress_ms_ = now_ms;
  }
  // A backup relays a client's request to every replica, not only the primary, so every backup
  // arms its progress timer for it. A crashed primary is then replaced after 2f+1 timeouts,
  // instead of stalling on the one backup that the client happened to reach.
  if (from_client && !primary && view_active_) {
    Broadcast(actions, Sign(MessageType::kRequest, request.transaction));
  }
  uint64_t arrival = next_arrival_++;
  pending_index_.emplace(key, arrival);
  pending_.emplace(arrival, PendingRequest{std::move(request), now_ms});
  MaybePropose(actions, now_ms, /*force=*/false);
  ArmProgressTimer(actions, now_ms);
}

void Replica::HandleRequestMessage(Actions& actions, const SignedMessage& message,
                                   uint64_t now_ms) {
  if (message.body.size() > config_.max_batch_bytes) {
    ++drops_.malformed;
    return;
  }
  Result<Request> request = parser_(message.body);
  if (!request.ok()) {
    ++drops_.invalid;
    return;
  }
  AcceptRequest(actions, std::move(request).value(), /*from_client=*/false, now_ms);
}

bool Replica::HasUncommittedProposal() const {
  for (auto it = log_.upper_bound(last_committed_.height); it != log_.end(); ++it) {
    if (it->second.pre_prepare) {
      return true;
    }
  }
  return false;
}

void Replica::MaybePropose(Actions& actions, uint64_t now_ms, bool force) {
  if (Primary(view_) != index_ || !view_active_ || pending_.empty() || HasUncommittedProposal() ||
      !transfer_queue_.empty()) {
    return;
  }
  const uint64_t sequence = last_committed_.height + 1;
  if (!InWindow(sequence)) {
    return;
  }
  const uint64_t oldest_ms = pending_.begin()->second.arrival_ms;
  const uint64_t due_ms = oldest_ms + config_.batch_delay_ms;
  if (!force && pending_.size() < config_.max_batch_requests && now_ms < due_ms) {
    SetTimer(actions, TimerKind::kBatch, due_ms);
    return;
  }
  deadlines_[static_cast<size_t>(TimerKind::kBatch)] = 0;

  // Take requests in arrival order, then order each client's requests by nonce.
  std::vector<const Request*> batch;
  uint64_t batch_bytes = 0;
  for (const auto& [arrival, pending] : pending_) {
    if (batch.size() >= config_.max_batch_requests ||
        batch_bytes + pending.request.transaction.size() > config_.max_batch_bytes) {
      break;
    }
    batch_bytes += pending.request.transaction.size();
    batch.push_back(&pending.request);
  }
  std::sort(batch.begin(), batch.end(), [](const Request* a, const Request* b) {
    return std::tie(a->client, a->nonce) < std::tie(b->client, b->nonce);
  });

  PrePrepare pre_prepare;
  pre_prepare.view = view_;
  pre_prepare.sequence = sequence;
  pre_prepare.proposal.view = view_;
  pre_prepare.proposal.time_ms = std::max(now_ms, last_committed_.time_ms);
  std::vector<RequestKey> keys;
  for (const Request* request : batch) {
    pre_prepare.proposal.transactions.push_back(request->transaction);
    keys.emplace_back(request->client, request->nonce);
  }
  SignedMessage message = Sign(MessageType::kPrePrepare, EncodeBody(pre_prepare));
  AcceptPrePrepare(actions, message, std::move(pre_prepare), std::move(keys));
}

void Replica::HandlePrePrepare(Actions& actions, const SignedMessage& message, uint64_t now_ms) {
  Result<PrePrepare> pre_prepare = DecodePrePrepare(message.body, limits_);
  if (!pre_prepare.ok()) {
    ++drops_.malformed;
    return;
  }
  if (pre_prepare->view != view_ || !view_active_ || message.sender != Primary(view_)) {
    ++drops_.wrong_view;
    HandleViewEvidence(actions, message.sender, pre_prepare->view, now_ms);
    return;
  }
  const uint64_t sequence = pre_prepare->sequence;
  if (!InWindow(sequence)) {
    ++drops_.out_of_window;
    return;
  }
  LogEntry& entry = log_[sequence];
  if (entry.pre_prepare) {
    if (entry.digest != ProposalDigest(pre_prepare->proposal)) {
      ++drops_.invalid;  // The primary equivocates; the request timer will replace it.
    }
    return;
  }
  if (sequence <= last_committed_.height || pre_prepare->proposal.view != view_) {
    ++drops_.invalid;
    return;
  }
  Result<std::vector<RequestKey>> keys =
      CheckProposal(pre_prepare->proposal, sequence, /*fresh=*/true, now_ms);
  if (!keys.ok()) {
    ++drops_.invalid;
    return;
  }
  if (pending_.empty() && !HasUncommittedProposal()) {
    last_progress_ms_ = now_ms;  // Idle until now: the request timeout counts from here.
  }
  AcceptPrePrepare(actions, message, std::move(pre_prepare).value(), std::move(keys).value());
  ArmProgressTimer(actions, now_ms);
}

Result<std::vector<Replica::RequestKey>> Replica::CheckProposal(const Proposal& proposal,
                                                                uint64_t sequence, bool fresh,
                                                                uint64_t now_ms) const {
  if (proposal.transactions.size() > config_.max_batch_requests) {
    return Status::InvalidArgument("proposal has too many transactions");
  }
  if (fresh) {
    uint64_t skew =
        proposal.time_ms > now_ms ? proposal.time_ms - now_ms : now_ms - proposal.time_ms;
    if (skew > config_.max_clock_skew_ms) {
      return Status::InvalidArgument("proposal time " + std::to_string(proposal.time_ms) +
                                     " is too far from this replica's clock");
    }
    if (sequence == last_committed_.height + 1 && proposal.time_ms < last_committed_.time_ms) {
      return Status::InvalidArgument("proposal time precedes the previous block");
    }
  }
  uint64_t bytes = 0;
  std::vector<RequestKey> keys;
  std::set<RequestKey> seen;
  for (const Bytes& transaction : proposal.transactions) {
    bytes += transaction.size();
    Result<Request> request = parser_(transaction);
    if (!request.ok()) {
      return request.status();
    }
    RequestKey key{request->client, request->nonce};
    if (!seen.insert(key).second) {
      return Status::InvalidArgument("proposal repeats a client nonce");
    }
    keys.push_back(key);
  }
  if (bytes > config_.max_batch_bytes) {
    return Status::InvalidArgument("proposal exceeds the batch byte limit");
  }
  return keys;
}

void Replica::AcceptPrePrepare(Actions& actions, const SignedMessage& message,
                               PrePrepare pre_prepare, std::vector<RequestKey> request_keys) {
  const uint64_t sequence = pre_prepare.sequence;
  LogEntry& entry = log_[sequence];
  Check(!entry.pre_prepare, "one PrePrepare per view and sequence");
  entry.pre_prepare = message;
  entry.digest = ProposalDigest(pre_prepare.proposal);
  entry.proposal = std::move(pre_prepare.proposal);
  entry.request_keys = std::move(request_keys);
  actions.emplace_back(PersistAction{{EntryRecord(sequence)}, true});

  if (Primary(view_) == index_) {
    Broadcast(actions, message);
  } else {
    Prepare prepare{view_, sequence, entry.digest};
    SignedMessage prepare_message = Sign(MessageType::kPrepare, EncodeBody(prepare));
    entry.prepares[index_] = {entry.digest, prepare_message};
    Broadcast(actions, prepare_message);
  }
  CheckPrepared(actions, sequence);
}

void Replica::HandlePrepare(Actions& actions, const SignedMessage& message, uint64_t now_ms) {
  Result<Prepare> prepare = DecodePrepare(message.body);
  if (!prepare.ok()) {
    ++drops_.malformed;
    return;
  }
  if (prepare->view != view_ || !view_active_ || message.sender == Primary(view_)) {
    ++drops_.wrong_view;
    HandleViewEvidence(actions, message.sender, prepare->view, now_ms);
    return;
  }
  if (!InWindow(prepare->sequence)) {
    ++drops_.out_of_window;
    return;
  }
  LogEntry& entry = log_[prepare->sequence];
  auto [it, inserted] =
      entry.prepares.try_emplace(message.sender, prepare->proposal_digest, message);
  if (!inserted) {
    if (it->second.first != prepare->proposal_digest) {
      ++drops_.invalid;
    }
    return;
  }
  CheckPrepared(actions, prepare->sequence);
}

void Replica::CheckPrepared(Actions& actions, uint64_t sequence) {
  LogEntry& entry = log_[sequence];
  if (!entry.pre_prepare || entry.prepared) {
    return;
  }
  PreparedCertificate certificate{*entry.pre_prepare, {}};
  for (const auto& [sender, prepare] : entry.prepares) {
    if (prepare.first == entry.digest && certificate.prepares.size() < 2 * f_) {
      certificate.prepares.push_back(prepare.second);
    }
  }
  if (certificate.prepares.size() < 2 * f_) {
    return;
  }
  entry.prepared = true;
  entry.certificate = std::move(certificate);
  entry.certificate_view = view_;
  actions.emplace_back(PersistAction{{EntryRecord(sequence)}, true});

  if (entry.executed_header && entry.executed_digest == entry.digest) {
    SendCommit(actions, sequence);
  } else {
    TryExecute(actions);
  }
}

void Replica::TryExecute(Actions& actions) {
  if (execution_) {
    return;
  }
  const uint64_t height = last_committed_.height + 1;
  while (!transfer_queue_.empty() && transfer_queue_.front().certificate.header.height < height) {
    transfer_queue_.pop_front();
  }
  if (!transfer_queue_.empty() &&
      transfer_queue_.front().certificate.header.previous_hash != PreviousHash()) {
    transfer_queue_.clear();
  }
  if (!transfer_queue_.empty()) {
    const TransferBlock& block = transfer_queue_.front();
    const ledger::BlockHeader& header = block.certificate.header;
    execution_ = Execution{height, true, {}};
    actions.emplace_back(ExecuteAction{height, header.view, header.time_ms, block.transactions});
    return;
  }
  auto found = log_.find(height);
  if (found == log_.end() || !found->second.prepared) {
    return;
  }
  LogEntry& entry = found->second;
  if (entry.executed_header && entry.executed_digest == entry.digest) {
    return;
  }
  ExecuteAction execute;
  execute.height = height;
  execute.view = entry.proposal.view;
  execute.time_ms = std::max(entry.proposal.time_ms, last_committed_.time_ms);
  for (size_t i : FilterTransactions(entry)) {
    execute.transactions.push_back(entry.proposal.transactions[i]);
  }
  execution_ = Execution{height, false, entry.digest};
  actions.emplace_back(std::move(execute));
}

std::vector<size_t> Replica::FilterTransactions(const LogEntry& entry) const {
  // Drops requests already committed, so a (client, nonce) commits at most once. Every correct
  // replica applies this rule to the same committed state, so all get the same result.
  std::vector<size_t> kept;
  std::map<crypto::PublicKey, uint64_t> highest;
  for (size_t i = 0; i < entry.request_keys.size(); ++i) {
    const auto& [client, nonce] = entry.request_keys[i];
    auto batch = highest.find(client);
    if (batch != highest.end() && nonce <= batch->second) {
      continue;
    }
    auto committed = committed_nonces_.find(client);
    if (committed != committed_nonces_.end() && nonce <= committed->second) {
      continue;
    }
    highest[client] = nonce;
    kept.push_back(i);
  }
  return kept;
}

void Replica::FinishExecution(Actions& actions, uint64_t sequence) {
  LogEntry& entry = log_[sequence];
  if (entry.prepared && entry.executed_digest == entry.digest) {
    SendCommit(actions, sequence);
  }
}

void Replica::SendCommit(Actions& actions, uint64_t sequence) {
  LogEntry& entry = log_[sequence];
  if (auto own = entry.commits.find(index_);
      own != entry.commits.end() && own->second.view == view_) {
    return;
  }
  Commit commit;
  commit.view = view_;
  commit.sequence = sequence;
  commit.header = *entry.executed_header;
  commit.commit_signature =
      key_.Sign(ledger::CommitSigningBytes(config_.network_id, commit.header));
  SignedMessage message = Sign(MessageType::kCommit, EncodeBody(commit));
  entry.commits[index_] = CommitVote{view_, commit.header, commit.commit_signature, message};
  Broadcast(actions, message);
  CheckCommitted(actions, sequence, last_progress_ms_);
}

void Replica::HandleCommit(Actions& actions, const SignedMessage& message, uint64_t now_ms) {
  Result<Commit> commit = DecodeCommit(message.body);
  if (!commit.ok() || commit->header.height != commit->sequence) {
    ++drops_.malformed;
    return;
  }
  // A replica executes a sequence only after committing the one before it.
  NoteCommittedHeight(message.sender, commit->sequence - 1);
  if (commit->view != view_ || !view_active_) {
    ++drops_.wrong_view;
    HandleViewEvidence(actions, message.sender, commit->view, now_ms);
    MaybeStartTransfer(actions, now_ms, /*min_lag=*/2);
    return;
  }
  if (!InWindow(commit->sequence)) {
    ++drops_.out_of_window;
    MaybeStartTransfer(actions, now_ms, /*min_lag=*/2);
    return;
  }
  if (commit->sequence <= last_committed_.height) {
    return;
  }
  LogEntry& entry = log_[commit->sequence];
  if (auto known = entry.commits.find(message.sender);
      known != entry.commits.end() && known->second.message == message) {
    return;
  }
  if (!crypto::Verify(config_.validators[message.sender],
                      ledger::CommitSigningBytes(config_.network_id, commit->header),
                      commit->commit_signature)) {
    ++drops_.bad_signature;
    return;
  }
  entry.commits[message.sender] =
      CommitVote{commit->view, commit->header, commit->commit_signature, message};
  CheckCommitted(actions, commit->sequence, now_ms);
  MaybeStartTransfer(actions, now_ms, /*min_lag=*/2);
}

void Replica::CheckCommitted(Actions& actions, uint64_t sequence, uint64_t now_ms) {
  if (sequence != last_committed_.height + 1) {
    return;
  }
  LogEntry& entry = log_[sequence];
  auto own = entry.commits.find(index_);
  if (!entry.prepared || own == entry.commits.end() || own->second.view != view_ ||
      entry.executed_digest != entry.digest) {
    return;
  }
  const ledger::BlockHeader& header = *entry.executed_header;
  ledger::CommitCertificate certificate;
  certificate.header = header;
  for (const auto& [sender, vote] : entry.commits) {
    if (vote.view == view_ && vote.header == header) {
      certificate.signatures.push_back({config_.validators[sender], vote.commit_signature});
    }
  }
  if (certificate.signatures.size() < quorum_) {
    return;
  }
  std::sort(certificate.signatures.begin(), certificate.signatures.end(),
            [](const ledger::CommitSignature& a, const ledger::CommitSignature& b) {
              return a.validator < b.validator;
            });
  std::vector<Bytes> transactions;
  std::vector<RequestKey> keys;
  for (size_t i : FilterTransactions(entry)) {
    transactions.push_back(entry.proposal.transactions[i]);
    keys.push_back(entry.request_keys[i]);
  }
  CommitBlock(actions, std::move(certificate), std::move(transactions), keys, now_ms);
}

void Replica::CommitBlock(Actions& actions, ledger::CommitCertificate certificate,
                          std::vector<Bytes> transactions, const std::vector<RequestKey>& keys,
                          uint64_t now_ms) {
  const ledger::BlockHeader header = certificate.header;
  CheckEq(header.height, last_committed_.height + 1, "committed height");
  std::vector<StoreWrite> writes = CommitRecords(header, keys);
  for (const auto& [client, nonce] : keys) {
    uint64_t& highest = committed_nonces_[client];
    highest = std::max(highest, nonce);
  }
  // Drop pending requests that this block committed or made stale: those of the same client
  // with a nonce no higher than the committed one.
  for (const auto& [client, nonce] : keys) {
    auto first = pending_index_.lower_bound({client, 0});
    auto last = pending_index_.upper_bound({client, nonce});
    for (auto it = first; it != last; ++it) {
      pending_.erase(it->second);
    }
    pending_index_.erase(first, last);
  }
  last_committed_ = header;
  last_progress_ms_ = std::max(last_progress_ms_, now_ms);
  view_changes_in_a_row_ = 0;
  actions.emplace_back(
      CommitBlockAction{std::move(certificate), std::move(transactions), std::move(writes)});

  if (header.height % config_.checkpoint_interval == 0) {
    SendCheckpoint(actions, header.height, ledger::BlockHash(header));
  }
  MaybePropose(actions, now_ms, /*force=*/false);
  TryExecute(actions);
  ArmProgressTimer(actions, now_ms);
}

void Replica::RetransmitNormalCase(Actions& actions) const {
  for (auto it = log_.lower_bound(last_committed_.height); it != log_.end(); ++it) {
    const LogEntry& entry = it->second;
    if (entry.pre_prepare && Primary(view_) == index_) {
      Broadcast(actions, *entry.pre_prepare);
    }
    if (auto own = entry.prepares.find(index_); own != entry.prepares.end()) {
      Broadcast(actions, own->second.second);
    }
    if (auto own = entry.commits.find(index_);
        own != entry.commits.end() && own->second.view == view_) {
      Broadcast(actions, own->second.message);
    }
  }
  auto latest = checkpoints_.rbegin();
  if (latest != checkpoints_.rend()) {
    if (auto own = latest->second.find(index_); own != latest->second.end()) {
      Broadcast(actions, own->second.message);
    }
  }
  // Forward requests that have waited a full interval: the primary may not have them.
  if (Primary(view_) != index_) {
    uint64_t forwarded = 0;
    for (const auto& [arrival, pending] : pending_) {
      if (forwarded++ >= config_.max_batch_requests) {
        break;
      }
      actions.emplace_back(SendAction{
          Primary(view_),
          EncodeSignedMessage(Sign(MessageType::kRequest, pending.request.transaction))});
    }
  }
}

void Replica::ArmProgressTimer(Actions& actions, uint64_t now_ms) {
  if (!view_active_) {
    return;
  }
  if (pending_.empty() && !HasUncommittedProposal()) {
    deadlines_[static_cast<size_t>(TimerKind::kProgress)] = 0;
    return;
  }
  (void)now_ms;
  SetTimer(actions, TimerKind::kProgress, last_progress_ms_ + config_.request_timeout_ms);
}

}  // namespace imledger::consensus
