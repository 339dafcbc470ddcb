// View change: replacing a primary that stops making progress.
//
// A replica that times out moves to view v+1 and broadcasts a ViewChange carrying its stable
// checkpoint proof and its prepared certificates. The primary of v+1 collects 2f+1 of them and
// broadcasts a NewView whose PrePrepares re-propose, for every sequence above the highest
// checkpoint, the proposal prepared in the highest view, or a null proposal where none was
// prepared. Every replica recomputes that list from the same ViewChanges and rejects a NewView
// that differs. Since any two quorums share a correct replica, a proposal that committed
// anywhere is prepared at f+1 correct replicas and is re-proposed. Timeouts double with each
// view change in a row; a replica joins a higher view once f+1 replicas are in it; ViewChanges
// are retransmitted, and a replica already in the new view replies to a late ViewChange with
// its NewView.

#include <algorithm>
#include <set>

#include "consensus/replica.h"

namespace imledger::consensus {

void Replica::StartViewChange(Actions& actions, uint64_t new_view, uint64_t now_ms) {
  CheckLe(view_ + 1, new_view, "views only move forward");
  view_ = new_view;
  view_active_ = false;
  ++view_changes_in_a_row_;
  new_view_message_.reset();
  deadlines_[static_cast<size_t>(TimerKind::kBatch)] = 0;
  for (auto& [sequence, entry] : log_) {
    entry.pre_prepare.reset();
    entry.prepares.clear();
    entry.prepared = false;
  }
  actions.emplace_back(PersistAction{{ViewRecord()}, true});

  ViewChange view_change = MakeViewChange(new_view);
  SignedMessage message = Sign(MessageType::kViewChange, EncodeBody(view_change));
  view_changes_[index_] = {std::move(view_change), message};
  Broadcast(actions, message);

  deadlines_[static_cast<size_t>(TimerKind::kProgress)] = 0;
  MaybeArmViewChangeTimer(actions, now_ms);
  MaybeSendNewView(actions, now_ms);
}

ViewChange Replica::MakeViewChange(uint64_t new_view) const {
  ViewChange view_change;
  view_change.new_view = new_view;
  view_change.checkpoint_sequence = stable_sequence_;
  view_change.checkpoint_block_hash = stable_hash_;
  view_change.checkpoint_proof = stable_proof_;
  for (const auto& [sequence, entry] : log_) {
    if (sequence > stable_sequence_ && entry.certificate) {
      view_change.prepared.push_back(*entry.certificate);
    }
  }
  return view_change;
}

void Replica::HandleViewChange(Actions& actions, const SignedMessage& message, uint64_t now_ms) {
  ledger::Decoder decoder(message.body, limits_);
  const uint64_t claimed_view = decoder.ReadVarint("viewchange.new_view");
  if (decoder.ok() && (claimed_view < view_ || (claimed_view == view_ && view_active_))) {
    // The sender is behind; the NewView of this view brings it here. It is signed by the
    // primary, so the sender checks it without trusting this replica.
    if (view_active_ && new_view_message_) {
      SendTo(actions, message.sender, *new_view_message_);
    }
    return;
  }
  auto stored = view_changes_.find(message.sender);
  if (stored != view_changes_.end() && stored->second.second == message) {
    return;
  }
  Result<ViewChange> view_change = VerifyViewChange(message);
  if (!view_change.ok()) {
    ++drops_.invalid;
    return;
  }
  const uint64_t new_view = view_change->new_view;
  if (stored == view_changes_.end() || stored->second.first.new_view <= new_view) {
    view_changes_[message.sender] = {std::move(view_change).value(), message};
  }
  HandleViewEvidence(actions, message.sender, new_view, now_ms);
  MaybeArmViewChangeTimer(actions, now_ms);
  MaybeSendNewView(actions, now_ms);
}

void Replica::MaybeArmViewChangeTimer(Actions& actions, uint64_t now_ms) {
  // The timer for the next view starts only once 2f+1 replicas are changing to this one, so a
  // replica that timed out alone (cut off, or slow) waits here instead of racing ahead through
  // views that the others would never join.
  if (view_active_ || deadlines_[static_cast<size_t>(TimerKind::kProgress)] != 0) {
    return;
  }
  uint64_t count = 0;
  for (const auto& [sender, stored] : view_changes_) {
    if (stored.first.new_view == view_) {
      ++count;
    }
  }
  if (count < quorum_) {
    return;
  }
  uint64_t shift = std::min<uint64_t>(view_changes_in_a_row_ - 1, 10);
  SetTimer(actions, TimerKind::kProgress, now_ms + (config_.view_change_timeout_ms << shift));
}

Result<ViewChange> Replica::VerifyViewChange(const SignedMessage& message) const {
  if (message.type != MessageType::kViewChange) {
    return Status::InvalidArgument("expected a viewchange message");
  }
  Result<ViewChange> view_change = DecodeViewChange(message.body, limits_);
  if (!view_change.ok()) {
    return view_change.status();
  }
  const uint64_t checkpoint = view_change->checkpoint_sequence;
  if (Status status = VerifyCheckpointProof(checkpoint, view_change->checkpoint_block_hash,
                                            view_change->checkpoint_proof);
      !status.ok()) {
    return status;
  }
  uint64_t previous = checkpoint;
  for (const PreparedCertificate& certificate : view_change->prepared) {
    uint64_t sequence = 0;
    uint64_t view = 0;
    Proposal proposal;
    if (Status status = VerifyPreparedCertificate(certificate, view_change->new_view, &sequence,
                                                  &view, &proposal);
        !status.ok()) {
      return status;
    }
    if (sequence <= previous || sequence > checkpoint + config_.watermark_window) {
      return Status::InvalidArgument("viewchange certificates out of order or window");
    }
    previous = sequence;
  }
  return view_change;
}

Status Replica::VerifyPreparedCertificate(const PreparedCertificate& certificate,
                                          uint64_t below_view, uint64_t* sequence, uint64_t* view,
                                          Proposal* proposal) const {
  const SignedMessage& pre_prepare_message = certificate.pre_prepare;
  if (pre_prepare_message.type != MessageType::kPrePrepare) {
    return Status::InvalidArgument("prepared certificate lacks a preprepare");
  }
  Result<PrePrepare> pre_prepare = DecodePrePrepare(pre_prepare_message.body, limits_);
  if (!pre_prepare.ok()) {
    return pre_prepare.status();
  }
  if (pre_prepare->view >= below_view || pre_prepare_message.sender != Primary(pre_prepare->view) ||
      pre_prepare->proposal.view > pre_prepare->view) {
    return Status::InvalidArgument("prepared certificate preprepare has the wrong view");
  }
  if (Status status = VerifyMessage(pre_prepare_message, config_.network_id, config_.validators);
      !status.ok()) {
    return status;
  }
  const crypto::Digest digest = ProposalDigest(pre_prepare->proposal);
  std::set<uint32_t> senders;
  for (const SignedMessage& message : certificate.prepares) {
    if (message.type != MessageType::kPrepare || message.sender == pre_prepare_message.sender ||
        !senders.insert(message.sender).second) {
      return Status::InvalidArgument("prepared certificate has an invalid prepare sender");
    }
    Result<Prepare> prepare = DecodePrepare(message.body);
    if (!prepare.ok()) {
      return prepare.status();
    }
    if (prepare->view != pre_prepare->view || prepare->sequence != pre_prepare->sequence ||
        prepare->proposal_digest != digest) {
      return Status::InvalidArgument("prepared certificate prepare does not match");
    }
    if (Status status = VerifyMessage(message, config_.network_id, config_.validators);
        !status.ok()) {
      return status;
    }
  }
  if (senders.size() < 2 * f_) {
    return Status::InvalidArgument("prepared certificate has fewer than 2f prepares");
  }
  *sequence = pre_prepare->sequence;
  *view = pre_prepare->view;
  *proposal = std::move(pre_prepare->proposal);
  return Status::Ok();
}

void Replica::HandleViewEvidence(Actions& actions, uint32_t sender, uint64_t view,
                                 uint64_t now_ms) {
  if (view <= highest_view_seen_[sender]) {
    return;
  }
  highest_view_seen_[sender] = view;
  MaybeJoinHigherView(actions, now_ms);
}

void Replica::MaybeJoinHigherView(Actions& actions, uint64_t now_ms) {
  // The (f+1)-th highest view among the others: at least one correct replica is that far.
  std::vector<uint64_t> views;
  for (uint32_t replica = 0; replica < n_; ++replica) {
    if (replica != index_) {
      views.push_back(highest_view_seen_[replica]);
    }
  }
  std::sort(views.begin(), views.end(), std::greater<>());
  if (views.size() < f_ + 1) {
    return;
  }
  uint64_t target = views[f_];
  if (target > view_) {
    StartViewChange(actions, target, now_ms);
  }
}

void Replica::MaybeSendNewView(Actions& actions, uint64_t now_ms) {
  if (view_active_ || Primary(view_) != index_) {
    return;
  }
  std::vector<ViewChange> view_changes;
  std::vector<SignedMessage> messages;
  for (const auto& [sender, stored] : view_changes_) {
    if (stored.first.new_view == view_ && messages.size() < quorum_) {
      view_changes.push_back(stored.first);
      messages.push_back(stored.second);
    }
  }
  if (messages.size() < quorum_) {
    return;
  }
  uint64_t min_sequence = 0;
  size_t checkpoint_source = 0;
  Result<std::vector<PrePrepare>> proposals =
      ComputeNewViewProposals(view_, view_changes, &min_sequence, &checkpoint_source);
  if (!proposals.ok()) {
    return;
  }
  NewView new_view;
  new_view.view = view_;
  new_view.view_changes = std::move(messages);
  for (const PrePrepare& pre_prepare : *proposals) {
    new_view.pre_prepares.push_back(Sign(MessageType::kPrePrepare, EncodeBody(pre_prepare)));
  }
  SignedMessage message = Sign(MessageType::kNewView, EncodeBody(new_view));
  EnterView(actions, message, new_view, view_changes, now_ms);
  Broadcast(actions, message);
}

Result<std::vector<PrePrepare>> Replica::ComputeNewViewProposals(
    uint64_t view, const std::vector<ViewChange>& view_changes, uint64_t* min_sequence,
    size_t* checkpoint_source) const {
  *min_sequence = 0;
  *checkpoint_source = 0;
  for (size_t i = 0; i < view_changes.size(); ++i) {
    if (view_changes[i].checkpoint_sequence > *min_sequence) {
      *min_sequence = view_changes[i].checkpoint_sequence;
      *checkpoint_source = i;
    }
  }
  // For each sequence, the proposal prepared in the highest view.
  std::map<uint64_t, std::pair<uint64_t, Proposal>> chosen;
  for (const ViewChange& view_change : view_changes) {
    for (const PreparedCertificate& certificate : view_change.prepared) {
      Result<PrePrepare> pre_prepare = DecodePrePrepare(certificate.pre_prepare.body, limits_);
      if (!pre_prepare.ok()) {
        return pre_prepare.status();
      }
      if (pre_prepare->sequence <= *min_sequence) {
        continue;
      }
      auto found = chosen.find(pre_prepare->sequence);
      if (found == chosen.end() || found->second.first < pre_prepare->view) {
        chosen[pre_prepare->sequence] = {pre_prepare->view, std::move(pre_prepare->proposal)};
      }
    }
  }
  uint64_t max_sequence = chosen.empty() ? *min_sequence : chosen.rbegin()->first;
  std::vector<PrePrepare> pre_prepares;
  for (uint64_t sequence = *min_sequence + 1; sequence <= max_sequence; ++sequence) {
    PrePrepare pre_prepare;
    pre_prepare.view = view;
    pre_prepare.sequence = sequence;
    auto found = chosen.find(sequence);
    if (found != chosen.end()) {
      pre_prepare.proposal = found->second.second;
    } else {
      pre_prepare.proposal.view = view;  // A null proposal: no transactions, previous time.
    }
    pre_prepares.push_back(std::move(pre_prepare));
  }
  return pre_prepares;
}

void Replica::HandleNewView(Actions& actions, const SignedMessage& message, uint64_t now_ms) {
  Result<NewView> new_view = DecodeNewView(message.body, limits_);
  if (!new_view.ok()) {
    ++drops_.malformed;
    return;
  }
  if (new_view->view < view_ || (new_view->view == view_ && view_active_) ||
      message.sender != Primary(new_view->view)) {
    ++drops_.wrong_view;
    return;
  }
  std::vector<ViewChange> view_changes;
  std::set<uint32_t> senders;
  for (const SignedMessage& view_change_message : new_view->view_changes) {
    auto stored = view_changes_.find(view_change_message.sender);
    const bool known =
        stored != view_changes_.end() && stored->second.second == view_change_message;
    if (!known &&
        (view_change_message.sender >= n_ ||
         !VerifyMessage(view_change_message, config_.network_id, config_.validators).ok())) {
      ++drops_.invalid;
      return;
    }
    Result<ViewChange> view_change =
        known ? Result<ViewChange>(stored->second.first) : VerifyViewChange(view_change_message);
    if (!view_change.ok() || view_change->new_view != new_view->view ||
        !senders.insert(view_change_message.sender).second) {
      ++drops_.invalid;
      return;
    }
    view_changes.push_back(std::move(view_change).value());
  }
  if (senders.size() < quorum_) {
    ++drops_.invalid;
    return;
  }
  uint64_t min_sequence = 0;
  size_t checkpoint_source = 0;
  Result<std::vector<PrePrepare>> expected =
      ComputeNewViewProposals(new_view->view, view_changes, &min_sequence, &checkpoint_source);
  if (!expected.ok() || expected->size() != new_view->pre_prepares.size()) {
    ++drops_.invalid;
    return;
  }
  for (size_t i = 0; i < expected->size(); ++i) {
    const SignedMessage& pre_prepare_message = new_view->pre_prepares[i];
    Result<PrePrepare> pre_prepare = DecodePrePrepare(pre_prepare_message.body, limits_);
    if (pre_prepare_message.type != MessageType::kPrePrepare ||
        pre_prepare_message.sender != message.sender || !pre_prepare.ok() ||
        pre_prepare->view != new_view->view || pre_prepare->sequence != (*expected)[i].sequence ||
        !(pre_prepare->proposal == (*expected)[i].proposal) ||
        !VerifyMessage(pre_prepare_message, config_.network_id, config_.validators).ok()) {
      ++drops_.invalid;
      return;
    }
  }
  EnterView(actions, message, *new_view, view_changes, now_ms);
}

void Replica::EnterView(Actions& actions, const SignedMessage& new_view_message,
                        const NewView& new_view, const std::vector<ViewChange>& view_changes,
                        uint64_t now_ms) {
  view_ = new_view.view;
  view_active_ = true;
  new_view_message_ = new_view_message;
  last_progress_ms_ = now_ms;
  deadlines_[static_cast<size_t>(TimerKind::kProgress)] = 0;
  for (auto& [sequence, entry] : log_) {
    entry.pre_prepare.reset();
    entry.prepares.clear();
    entry.prepared = false;
  }
  for (const SignedMessage& message : new_view.view_changes) {
    highest_view_seen_[message.sender] = std::max(highest_view_seen_[message.sender], view_);
  }
  actions.emplace_back(PersistAction{{ViewRecord()}, true});

  // Adopt the highest checkpoint of the quorum; state transfer fetches what lies below it.
  for (const ViewChange& view_change : view_changes) {
    if (view_change.checkpoint_sequence > stable_sequence_) {
      MakeStable(actions, view_change.checkpoint_sequence, view_change.checkpoint_block_hash,
                 view_change.checkpoint_proof);
    }
  }
  for (const SignedMessage& message : new_view.pre_prepares) {
    Result<PrePrepare> pre_prepare = DecodePrePrepare(message.body, limits_);
    Check(pre_prepare.ok(), "a verified NewView decodes");
    if (!InWindow(pre_prepare->sequence)) {
      continue;
    }
    Result<std::vector<RequestKey>> keys =
        CheckProposal(pre_prepare->proposal, pre_prepare->sequence, /*fresh=*/false, now_ms);
    if (!keys.ok()) {
      ++drops_.invalid;  // A deterministic parser makes this unreachable for correct replicas.
      continue;
    }
    AcceptPrePrepare(actions, message, std::move(pre_prepare).value(), std::move(keys).value());
  }
  for (size_t i = 0; i < view_changes.size(); ++i) {
    NoteCommittedHeight(new_view.view_changes[i].sender, view_changes[i].checkpoint_sequence);
  }
  MaybeStartTransfer(actions, now_ms, /*min_lag=*/1);
  // Hand pending requests to the new primary, which may never have seen them.
  if (Primary(view_) != index_) {
    RetransmitNormalCase(actions);
  }
  MaybePropose(actions, now_ms, /*force=*/false);
  TryExecute(actions);
  ArmProgressTimer(actions, now_ms);
}

}  // namespace imledger::consensus
