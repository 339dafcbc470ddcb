// PBFT wire messages: the signed envelope and the body of each message type.
//
// Every message travels as a SignedMessage: type, sender index, body and an Ed25519 signature by
// the sender over (domain tag of the type, network id, sender index, body). The domain tag
// ("imledger/pbft/prepare/v1", ...) keeps a signature of one type from being accepted as another,
// and the network id keeps it from being replayed on another network. Bodies use the canonical
// codec of ledger/codec.h, so one message has exactly one encoding. A Commit additionally carries
// the validator's signature over ledger::CommitSigningBytes of the block header, so 2f+1 Commits
// form a ledger::CommitCertificate. Decoding functions return a Status for any malformed input;
// none of them throws or aborts. All functions are thread-safe; the types are plain values.

#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "ledger/block.h"
#include "ledger/codec.h"

namespace imledger::consensus {

enum class MessageType : uint8_t {
  kRequest = 0,  // A client transaction forwarded by a replica.
  kPrePrepare,
  kPrepare,
  kCommit,
  kCheckpoint,
  kViewChange,
  kNewView,
  kFetchBlocks,
  kBlocks,
};

inline constexpr uint64_t kMessageTypeCount = 9;

std::string_view MessageTypeName(MessageType type);

// The domain tag signed in front of each message type.
std::string_view MessageDomain(MessageType type);

struct SignedMessage {
  MessageType type = MessageType::kRequest;
  uint32_t sender = 0;  // Index into the validator list.
  Bytes body;
  crypto::Signature signature;

  bool operator==(const SignedMessage&) const = default;
};

Bytes MessageSigningBytes(std::string_view network_id, MessageType type, uint32_t sender,
                          ByteView body);

SignedMessage SignMessage(std::string_view network_id, MessageType type, uint32_t sender,
                          Bytes body, const crypto::SecretKey& key);

// Checks the signature against `validators[message.sender]`.
Status VerifyMessage(const SignedMessage& message, std::string_view network_id,
                     const std::vector<crypto::PublicKey>& validators);

void EncodeSignedMessage(ledger::Encoder& encoder, const SignedMessage& message);

SignedMessage DecodeSignedMessage(ledger::Decoder& decoder);

Bytes EncodeSignedMessage(const SignedMessage& message);

Result<SignedMessage> DecodeSignedMessage(ByteView bytes, ledger::DecodeLimits limits);

// The type of an encoded SignedMessage and, for the types that carry one, its sequence, for log
// lines. PrePrepare, Prepare, Commit and Checkpoint give their sequence and FetchBlocks its
// first height; the other types give none. Only the leading fields are read and the signature
// is not checked, so the result names what the message claims.
struct MessageSummary {
  MessageType type = MessageType::kRequest;
  std::optional<uint64_t> sequence;
};

Result<MessageSummary> SummarizeMessage(ByteView bytes);

// The contents of a block as first proposed. `view` and `time_ms` are those of the first
// PrePrepare and stay unchanged when a later view re-proposes it, so every replica computes the
// same block header whichever view the block commits in.
struct Proposal {
  uint64_t view = 0;
  uint64_t time_ms = 0;  // 0 for a null proposal, which executes at the previous block's time.
  std::vector<Bytes> transactions;

  bool operator==(const Proposal&) const = default;
};

crypto::Digest ProposalDigest(const Proposal& proposal);

struct PrePrepare {
  uint64_t view = 0;
  uint64_t sequence = 0;
  Proposal proposal;
};

struct Prepare {
  uint64_t view = 0;
  uint64_t sequence = 0;
  crypto::Digest proposal_digest;
};

struct Commit {
  uint64_t view = 0;
  uint64_t sequence = 0;
  ledger::BlockHeader header;
  crypto::Signature commit_signature;  // Over ledger::CommitSigningBytes(network id, header).
};

struct Checkpoint {
  uint64_t sequence = 0;
  crypto::Digest block_hash;  // ledger::BlockHash of the header at `sequence`.
};

// A PrePrepare and 2f matching Prepares from distinct backups of its view.
struct PreparedCertificate {
  SignedMessage pre_prepare;
  std::vector<SignedMessage> prepares;
};

struct ViewChange {
  uint64_t new_view = 0;
  uint64_t checkpoint_sequence = 0;
  crypto::Digest checkpoint_block_hash;         // Zero for the genesis checkpoint (sequence 0).
  std::vector<SignedMessage> checkpoint_proof;  // 2f+1 Checkpoint messages; empty at genesis.
  std::vector<PreparedCertificate> prepared;    // Sequences above the checkpoint, ascending.
};

struct NewView {
  uint64_t view = 0;
  std::vector<SignedMessage> view_changes;  // 2f+1 ViewChange messages for `view`.
  std::vector<SignedMessage> pre_prepares;  // One per sequence the view changes left open.
};

struct FetchBlocks {
  uint64_t from_height = 0;
  uint64_t max_count = 0;
};

// A committed block as state transfer moves it: the transactions executed and the certificate.
struct TransferBlock {
  std::vector<Bytes> transactions;
  ledger::CommitCertificate certificate;

  bool operator==(const TransferBlock&) const = default;
};

struct Blocks {
  std::vector<TransferBlock> blocks;
};

Bytes EncodeBody(const PrePrepare& message);
Bytes EncodeBody(const Prepare& message);
Bytes EncodeBody(const Commit& message);
Bytes EncodeBody(const Checkpoint& message);
Bytes EncodeBody(const ViewChange& message);
Bytes EncodeBody(const NewView& message);
Bytes EncodeBody(const FetchBlocks& message);
Bytes EncodeBody(const Blocks& message);

Result<PrePrepare> DecodePrePrepare(ByteView body, ledger::DecodeLimits limits);
Result<Prepare> DecodePrepare(ByteView body);
Result<Commit> DecodeCommit(ByteView body);
Result<Checkpoint> DecodeCheckpoint(ByteView body);
Result<ViewChange> DecodeViewChange(ByteView body, ledger::DecodeLimits limits);
Result<NewView> DecodeNewView(ByteView body, ledger::DecodeLimits limits);
Result<FetchBlocks> DecodeFetchBlocks(ByteView body);
Result<Blocks> DecodeBlocks(ByteView body, ledger::DecodeLimits limits);

}  // namespace imledger::consensus
