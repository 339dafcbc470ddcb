// A PBFT replica (Castro and Liskov, OSDI 1999) as a pure state machine: events in, actions out.
//
// The replica reads no clock, socket, file or random source: the host passes the time with
// every event and applies the returned actions in order (see consensus/types.h). Safety rests on
// three invariants that the code checks as it goes: a replica never accepts two different
// proposals for one (view, sequence); it commits a sequence only with 2f+1 Commits of one view
// for the header it computed itself; and it persists its view, its accepted PrePrepares and its
// prepared certificates before sending anything that depends on them. At most one sequence is in
// flight beyond the last committed block, and only that sequence is executed (tentatively,
// before its Commit is sent), as docs/consensus.md explains. The code is split by phase:
// normal_case.cc, checkpoint.cc, view_change.cc, state_transfer.cc, and persistence.cc for the
// stored records. Not thread-safe: one thread owns a Replica.

#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "consensus/messages.h"
#include "consensus/store.h"
#include "consensus/types.h"
#include "crypto/ed25519.h"
#include "ledger/block.h"

namespace imledger::consensus {

class Replica {
 public:
  // Builds a replica from its configuration and the entries its store held (empty on first
  // start). Fails when the key is not a validator, the configuration is inconsistent or the
  // stored records are corrupt.
  static Result<std::unique_ptr<Replica>> Open(Config config, crypto::SecretKey key,
                                               RequestParser parser,
                                               const std::vector<StoreEntry>& stored);

  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  // Arms the timers and retransmits what a restart may have left unsent. Call once after Open.
  Actions Start(uint64_t now_ms);

  // An encoded SignedMessage from the network. Invalid input is counted in drops() and ignored.
  Actions OnMessage(ByteView bytes, uint64_t now_ms);

  // A transaction submitted by a client to this replica.
  Actions OnClientRequest(ByteView transaction, uint64_t now_ms);

  Actions OnTimer(TimerKind kind, uint64_t now_ms);

  // The header the host computed for the latest ExecuteAction at `height`.
  Actions OnExecuted(uint64_t height, const ledger::BlockHeader& header, uint64_t now_ms);

  // The blocks the host read for a ReadBlocksAction; sent back to `peer`.
  Actions OnBlocksRead(uint32_t peer, std::vector<TransferBlock> blocks, uint64_t now_ms);

  uint32_t index() const { return index_; }

  uint64_t view() const { return view_; }

  bool view_active() const { return view_active_; }

  uint32_t Primary(uint64_t view) const { return static_cast<uint32_t>(view % n_); }

  const ledger::BlockHeader& last_committed() const { return last_committed_; }

  uint64_t stable_checkpoint() const { return stable_sequence_; }

  const DropCounters& drops() const { return drops_; }

  size_t pending_requests() const { return pending_.size(); }

  size_t log_entries() const { return log_.size(); }

  size_t committed_clients() const { return committed_nonces_.size(); }

 private:
  using RequestKey = std::pair<crypto::PublicKey, uint64_t>;

  struct CommitVote {
    uint64_t view = 0;
    ledger::BlockHeader header;
    crypto::Signature commit_signature;
    SignedMessage message;
  };

  // The state of one sequence number above the stable checkpoint.
  struct LogEntry {
    // The PrePrepare accepted in the current view, if any.
    std::optional<SignedMessage> pre_prepare;
    Proposal proposal;
    crypto::Digest digest;
    std::vector<RequestKey> request_keys;  // Of proposal.transactions, in order.
    std::map<uint32_t, std::pair<crypto::Digest, SignedMessage>> prepares;  // Current view.
    bool prepared = false;                                                  // In current view.
    // The prepared certificate of the highest view, kept across view changes.
    std::optional<PreparedCertificate> certificate;
    uint64_t certificate_view = 0;
    // The header computed for `executed_digest`, once executed.
    std::optional<ledger::BlockHeader> executed_header;
    crypto::Digest executed_digest;
    std::map<uint32_t, CommitVote> commits;  // Latest per sender.
  };

  struct PendingRequest {
    Request request;
    uint64_t arrival_ms = 0;
  };

  struct CheckpointVote {
    crypto::Digest block_hash;
    SignedMessage message;
  };

  struct Execution {
    uint64_t height = 0;
    bool transfer = false;
    crypto::Digest digest;  // Of the proposal, when not a transfer.
  };

  Replica(Config config, crypto::SecretKey key, RequestParser parser, uint32_t index);

  // replica.cc: shared plumbing.
  SignedMessage Sign(MessageType type, Bytes body) const;
  void Broadcast(Actions& actions, const SignedMessage& message) const;
  void SendTo(Actions& actions, uint32_t to, const SignedMessage& message) const;
  void SetTimer(Actions& actions, TimerKind kind, uint64_t deadline_ms);
  crypto::Digest PreviousHash() const;
  bool InWindow(uint64_t sequence) const;
  void Dispatch(Actions& actions, const SignedMessage& message, uint64_t now_ms);
  void NoteCommittedHeight(uint32_t sender, uint64_t sequence);

  // normal_case.cc
  void AcceptRequest(Actions& actions, Request request, bool from_client, uint64_t now_ms);
  void MaybePropose(Actions& actions, uint64_t now_ms, bool force);
  bool HasUncommittedProposal() const;
  void HandleRequestMessage(Actions& actions, const SignedMessage& message, uint64_t now_ms);
  void HandlePrePrepare(Actions& actions, const SignedMessage& message, uint64_t now_ms);
  Result<std::vector<RequestKey>> CheckProposal(const Proposal& proposal, uint64_t sequence,
                                                bool fresh, uint64_t now_ms) const;
  void AcceptPrePrepare(Actions& actions, const SignedMessage& message, PrePrepare pre_prepare,
                        std::vector<RequestKey> request_keys);
  void HandlePrepare(Actions& actions, const SignedMessage& message, uint64_t now_ms);
  void CheckPrepared(Actions& actions, uint64_t sequence);
  void TryExecute(Actions& actions);
  std::vector<size_t> FilterTransactions(const LogEntry& entry) const;
  void FinishExecution(Actions& actions, uint64_t sequence);
  void SendCommit(Actions& actions, uint64_t sequence);
  void HandleCommit(Actions& actions, const SignedMessage& message, uint64_t now_ms);
  void CheckCommitted(Actions& actions, uint64_t sequence, uint64_t now_ms);
  void CommitBlock(Actions& actions, ledger::CommitCertificate certificate,
                   std::vector<Bytes> transactions, const std::vector<RequestKey>& keys,
                   uint64_t now_ms);
  void RetransmitNormalCase(Actions& actions) const;
  void ArmProgressTimer(Actions& actions, uint64_t now_ms);

  // checkpoint.cc
  void SendCheckpoint(Actions& actions, uint64_t sequence, const crypto::Digest& block_hash);
  void HandleCheckpoint(Actions& actions, const SignedMessage& message, uint64_t now_ms);
  void CheckStable(Actions& actions, uint64_t sequence);
  void MakeStable(Actions& actions, uint64_t sequence, const crypto::Digest& block_hash,
                  std::vector<SignedMessage> proof);
  void CollectGarbage(Actions& actions);
  Status VerifyCheckpointProof(uint64_t sequence, const crypto::Digest& block_hash,
                               const std::vector<SignedMessage>& proof) const;

  // view_change.cc
  void StartViewChange(Actions& actions, uint64_t new_view, uint64_t now_ms);
  ViewChange MakeViewChange(uint64_t new_view) const;
  void HandleViewChange(Actions& actions, const SignedMessage& message, uint64_t now_ms);
  Result<ViewChange> VerifyViewChange(const SignedMessage& message) const;
  Status VerifyPreparedCertificate(const PreparedCertificate& certificate, uint64_t below_view,
                                   uint64_t* sequence, uint64_t* view, Proposal* proposal) const;
  void MaybeJoinHigherView(Actions& actions, uint64_t now_ms);
  void MaybeArmViewChangeTimer(Actions& actions, uint64_t now_ms);
  void MaybeSendNewView(Actions& actions, uint64_t now_ms);
  Result<std::vector<PrePrepare>> ComputeNewViewProposals(
      uint64_t view, const std::vector<ViewChange>& view_changes, uint64_t* min_sequence,
      size_t* checkpoint_source) const;
  void HandleNewView(Actions& actions, const SignedMessage& message, uint64_t now_ms);
  void EnterView(Actions& actions, const SignedMessage& new_view_message, const NewView& new_view,
                 const std::vector<ViewChange>& view_changes, uint64_t now_ms);
  void HandleViewEvidence(Actions& actions, uint32_t sender, uint64_t view, uint64_t now_ms);

  // state_transfer.cc
  // Fetches blocks when f+1 others have committed at least `min_lag` blocks beyond this
  // replica, or when the stable checkpoint lies above the last committed block.
  void MaybeStartTransfer(Actions& actions, uint64_t now_ms, uint64_t min_lag);
  void SendFetch(Actions& actions, uint32_t peer, uint64_t max_count, uint64_t now_ms);
  void HandleFetchBlocks(Actions& actions, const SignedMessage& message);
  void HandleBlocks(Actions& actions, const SignedMessage& message, uint64_t now_ms);
  void FinishTransferExecution(Actions& actions, const ledger::BlockHeader& header,
                               uint64_t now_ms);

  // persistence.cc
  Status Restore(const std::vector<StoreEntry>& stored);
  Status RestoreEntry(const std::string& key, ledger::Decoder& decoder,
                      std::vector<std::pair<uint64_t, SignedMessage>>& accepted);
  Status RestoreAccepted(const std::vector<std::pair<uint64_t, SignedMessage>>& accepted);
  StoreWrite ViewRecord() const;
  StoreWrite EntryRecord(uint64_t sequence) const;
  StoreWrite CheckpointRecord() const;
  std::vector<StoreWrite> CommitRecords(const ledger::BlockHeader& header,
                                        const std::vector<RequestKey>& keys) const;

  const Config config_;
  const crypto::SecretKey key_;
  const RequestParser parser_;
  const uint32_t index_;
  const uint64_t n_;
  const uint64_t f_;
  const uint64_t quorum_;
  const ledger::DecodeLimits limits_;

  // View state.
  uint64_t view_ = 0;
  bool view_active_ = true;
  uint64_t view_changes_in_a_row_ = 0;
  std::optional<SignedMessage> new_view_message_;  // The NewView that opened view_.
  std::map<uint32_t, std::pair<ViewChange, SignedMessage>> view_changes_;  // Latest per sender.
  std::vector<uint64_t> highest_view_seen_;                                // Per replica.

  // Ordered log above the stable checkpoint.
  std::map<uint64_t, LogEntry> log_;
  ledger::BlockHeader last_committed_;  // Height 0 and all zero before the first block.
  std::optional<Execution> execution_;

  // Checkpoints.
  uint64_t stable_sequence_ = 0;
  crypto::Digest stable_hash_;
  std::vector<SignedMessage> stable_proof_;
  std::map<uint64_t, std::map<uint32_t, CheckpointVote>> checkpoints_;
  std::map<uint64_t, crypto::Digest> own_checkpoint_hashes_;
  std::vector<uint64_t> committed_height_seen_;  // Per replica, from Commits and Checkpoints.

  // Requests.
  std::map<uint64_t, PendingRequest> pending_;  // By arrival number.
  std::map<RequestKey, uint64_t> pending_index_;
  uint64_t next_arrival_ = 0;
  std::map<crypto::PublicKey, uint64_t> committed_nonces_;  // Highest committed, per client.

  // State transfer.
  std::deque<TransferBlock> transfer_queue_;
  uint32_t transfer_peer_ = 0;
  uint64_t transfer_deadline_ms_ = 0;
  uint64_t transfer_requested_ = 0;
  bool transfer_more_ = false;  // The last reply was full: the peer may have more blocks.

  // Digests of recently verified messages, oldest first, so retransmissions skip Verify.
  static constexpr size_t kVerifiedCacheSize = 4096;
  std::set<crypto::Digest> verified_;
  std::deque<crypto::Digest> verified_order_;

  std::array<uint64_t, kTimerKindCount> deadlines_{};
  uint64_t last_progress_ms_ = 0;
  DropCounters drops_;
};

}  // namespace imledger::consensus
