#include "consensus/messages.h"

#include <string>

namespace imledger::consensus {
namespace {

using ledger::Decoder;
using ledger::Encoder;

template <typename T>
Result<T> Finish(Decoder& decoder, T value) {
  if (Status status = decoder.Finish(); !status.ok()) {
    return status;
  }
  return value;
}

void EncodeProposal(Encoder& encoder, const Proposal& proposal) {
  encoder.PutVarint(proposal.view);
  encoder.PutVarint(proposal.time_ms);
  encoder.PutVarint(proposal.transactions.size());
  for (const Bytes& transaction : proposal.transactions) {
    encoder.PutBytes(transaction);
  }
}

Proposal DecodeProposal(Decoder& decoder) {
  Proposal proposal;
  proposal.view = decoder.ReadVarint("proposal.view");
  proposal.time_ms = decoder.ReadVarint("proposal.time_ms");
  uint64_t count = decoder.ReadCount("proposal.transactions");
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    proposal.transactions.push_back(decoder.ReadBytes("proposal.transactions"));
  }
  return proposal;
}

void EncodeMessageList(Encoder& encoder, const std::vector<SignedMessage>& messages) {
  encoder.PutVarint(messages.size());
  for (const SignedMessage& message : messages) {
    EncodeSignedMessage(encoder, message);
  }
}

std::vector<SignedMessage> DecodeMessageList(Decoder& decoder, std::string_view field) {
  std::vector<SignedMessage> messages;
  uint64_t count = decoder.ReadCount(field);
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    messages.push_back(DecodeSignedMessage(decoder));
  }
  return messages;
}

}  // namespace

std::string_view MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kRequest:
      return "request";
    case MessageType::kPrePrepare:
      return "preprepare";
    case MessageType::kPrepare:
      return "prepare";
    case MessageType::kCommit:
      return "commit";
    case MessageType::kCheckpoint:
      return "checkpoint";
    case MessageType::kViewChange:
      return "viewchange";
    case MessageType::kNewView:
      return "newview";
    case MessageType::kFetchBlocks:
      return "fetchblocks";
    case MessageType::kBlocks:
      return "blocks";
  }
  return "unknown";
}

std::string_view MessageDomain(MessageType type) {
  switch (type) {
    case MessageType::kRequest:
      return "imledger/pbft/request/v1";
    case MessageType::kPrePrepare:
      return "imledger/pbft/preprepare/v1";
    case MessageType::kPrepare:
      return "imledger/pbft/prepare/v1";
    case MessageType::kCommit:
      return "imledger/pbft/commit/v1";
    case MessageType::kCheckpoint:
      return "imledger/pbft/checkpoint/v1";
    case MessageType::kViewChange:
      return "imledger/pbft/viewchange/v1";
    case MessageType::kNewView:
      return "imledger/pbft/newview/v1";
    case MessageType::kFetchBlocks:
      return "imledger/pbft/fetchblocks/v1";
    case MessageType::kBlocks:
      return "imledger/pbft/blocks/v1";
  }
  return "imledger/pbft/unknown/v1";
}

Bytes MessageSigningBytes(std::string_view network_id, MessageType type, uint32_t sender,
                          ByteView body) {
  Encoder encoder;
  encoder.PutString(MessageDomain(type));
  encoder.PutString(network_id);
  encoder.PutVarint(sender);
  encoder.PutBytes(body);
  return encoder.Take();
}

SignedMessage SignMessage(std::string_view network_id, MessageType type, uint32_t sender,
                          Bytes body, const crypto::SecretKey& key) {
  SignedMessage message;
  message.type = type;
  message.sender = sender;
  message.signature = key.Sign(MessageSigningBytes(network_id, type, sender, body));
  message.body = std::move(body);
  return message;
}

Status VerifyMessage(const SignedMessage& message, std::string_view network_id,
                     const std::vector<crypto::PublicKey>& validators) {
  if (message.sender >= validators.size()) {
    return Status::PermissionDenied("pbft " + std::string(MessageTypeName(message.type)) +
                                    " names sender " + std::to_string(message.sender) +
                                    ", which is not a validator index");
  }
  Bytes signing = MessageSigningBytes(network_id, message.type, message.sender, message.body);
  if (!crypto::Verify(validators[message.sender], signing, message.signature)) {
    return Status::Unauthenticated("pbft " + std::string(MessageTypeName(message.type)) +
                                   " from validator " + std::to_string(message.sender) +
                                   " has a signature that does not verify for network " +
                                   std::string(network_id));
  }
  return Status::Ok();
}

void EncodeSignedMessage(Encoder& encoder, const SignedMessage& message) {
  encoder.PutVarint(static_cast<uint64_t>(message.type));
  encoder.PutVarint(message.sender);
  encoder.PutBytes(message.body);
  encoder.PutSignature(message.signature);
}

SignedMessage DecodeSignedMessage(Decoder& decoder) {
  SignedMessage message;
  message.type = static_cast<MessageType>(decoder.ReadTag("message.type", kMessageTypeCount));
  uint64_t sender = decoder.ReadVarint("message.sender");
  if (sender > UINT32_MAX) {
    decoder.Reject("message.sender", "above 2^32 - 1");
  }
  message.sender = static_cast<uint32_t>(sender);
  message.body = decoder.ReadBytes("message.body");
  message.signature = decoder.ReadSignature("message.signature");
  return message;
}

Bytes EncodeSignedMessage(const SignedMessage& message) {
  Encoder encoder;
  EncodeSignedMessage(encoder, message);
  return encoder.Take();
}

Result<SignedMessage> DecodeSignedMessage(ByteView bytes, ledger::DecodeLimits limits) {
  Decoder decoder(bytes, limits);
  SignedMessage message = DecodeSignedMessage(decoder);
  return Finish(decoder, std::move(message));
}

Result<MessageSummary> SummarizeMessage(ByteView bytes) {
  Decoder decoder(bytes);
  MessageSummary summary;
  summary.type = static_cast<MessageType>(decoder.ReadTag("message.type", kMessageTypeCount));
  decoder.ReadVarint("message.sender");
  // A byte string is its length followed by its bytes, so the body's first fields come next.
  decoder.ReadVarint("message.body");
  switch (summary.type) {
    case MessageType::kPrePrepare:
    case MessageType::kPrepare:
    case MessageType::kCommit:
      decoder.ReadVarint("view");
      summary.sequence = decoder.ReadVarint("sequence");
      break;
    case MessageType::kCheckpoint:
      summary.sequence = decoder.ReadVarint("sequence");
      break;
    case MessageType::kFetchBlocks:
      summary.sequence = decoder.ReadVarint("from_height");
      break;
    case MessageType::kRequest:
    case MessageType::kViewChange:
    case MessageType::kNewView:
    case MessageType::kBlocks:
      break;
  }
  if (!decoder.ok()) {
    return decoder.status();
  }
  return summary;
}

crypto::Digest ProposalDigest(const Proposal& proposal) {
  Encoder encoder;
  EncodeProposal(encoder, proposal);
  return crypto::Sha256Of(encoder.bytes());
}

Bytes EncodeBody(const PrePrepare& message) {
  Encoder encoder;
  encoder.PutVarint(message.view);
  encoder.PutVarint(message.sequence);
  EncodeProposal(encoder, message.proposal);
  return encoder.Take();
}

Bytes EncodeBody(const Prepare& message) {
  Encoder encoder;
  encoder.PutVarint(message.view);
  encoder.PutVarint(message.sequence);
  encoder.PutDigest(message.proposal_digest);
  return encoder.Take();
}

Bytes EncodeBody(const Commit& message) {
  Encoder encoder;
  encoder.PutVarint(message.view);
  encoder.PutVarint(message.sequence);
  ledger::EncodeBlockHeader(encoder, message.header);
  encoder.PutSignature(message.commit_signature);
  return encoder.Take();
}

Bytes EncodeBody(const Checkpoint& message) {
  Encoder encoder;
  encoder.PutVarint(message.sequence);
  encoder.PutDigest(message.block_hash);
  return encoder.Take();
}

Bytes EncodeBody(const ViewChange& message) {
  Encoder encoder;
  encoder.PutVarint(message.new_view);
  encoder.PutVarint(message.checkpoint_sequence);
  encoder.PutDigest(message.checkpoint_block_hash);
  EncodeMessageList(encoder, message.checkpoint_proof);
  encoder.PutVarint(message.prepared.size());
  for (const PreparedCertificate& certificate : message.prepared) {
    EncodeSignedMessage(encoder, certificate.pre_prepare);
    EncodeMessageList(encoder, certificate.prepares);
  }
  return encoder.Take();
}

Bytes EncodeBody(const NewView& message) {
  Encoder encoder;
  encoder.PutVarint(message.view);
  EncodeMessageList(encoder, message.view_changes);
  EncodeMessageList(encoder, message.pre_prepares);
  return encoder.Take();
}

Bytes EncodeBody(const FetchBlocks& message) {
  Encoder encoder;
  encoder.PutVarint(message.from_height);
  encoder.PutVarint(message.max_count);
  return encoder.Take();
}

Bytes EncodeBody(const Blocks& message) {
  Encoder encoder;
  encoder.PutVarint(message.blocks.size());
  for (const TransferBlock& block : message.blocks) {
    encoder.PutVarint(block.transactions.size());
    for (const Bytes& transaction : block.transactions) {
      encoder.PutBytes(transaction);
    }
    encoder.PutBytes(ledger::EncodeCommitCertificate(block.certificate));
  }
  return encoder.Take();
}

Result<PrePrepare> DecodePrePrepare(ByteView body, ledger::DecodeLimits limits) {
  Decoder decoder(body, limits);
  PrePrepare message;
  message.view = decoder.ReadVarint("preprepare.view");
  message.sequence = decoder.ReadVarint("preprepare.sequence");
  message.proposal = DecodeProposal(decoder);
  return Finish(decoder, std::move(message));
}

Result<Prepare> DecodePrepare(ByteView body) {
  Decoder decoder(body);
  Prepare message;
  message.view = decoder.ReadVarint("prepare.view");
  message.sequence = decoder.ReadVarint("prepare.sequence");
  message.proposal_digest = decoder.ReadDigest("prepare.proposal_digest");
  return Finish(decoder, message);
}

Result<Commit> DecodeCommit(ByteView body) {
  Decoder decoder(body);
  Commit message;
  message.view = decoder.ReadVarint("commit.view");
  message.sequence = decoder.ReadVarint("commit.sequence");
  message.header = ledger::DecodeBlockHeader(decoder);
  message.commit_signature = decoder.ReadSignature("commit.commit_signature");
  return Finish(decoder, message);
}

Result<Checkpoint> DecodeCheckpoint(ByteView body) {
  Decoder decoder(body);
  Checkpoint message;
  message.sequence = decoder.ReadVarint("checkpoint.sequence");
  message.block_hash = decoder.ReadDigest("checkpoint.block_hash");
  return Finish(decoder, message);
}

Result<ViewChange> DecodeViewChange(ByteView body, ledger::DecodeLimits limits) {
  Decoder decoder(body, limits);
  ViewChange message;
  message.new_view = decoder.ReadVarint("viewchange.new_view");
  message.checkpoint_sequence = decoder.ReadVarint("viewchange.checkpoint_sequence");
  message.checkpoint_block_hash = decoder.ReadDigest("viewchange.checkpoint_block_hash");
  message.checkpoint_proof = DecodeMessageList(decoder, "viewchange.checkpoint_proof");
  uint64_t count = decoder.ReadCount("viewchange.prepared");
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    PreparedCertificate certificate;
    certificate.pre_prepare = DecodeSignedMessage(decoder);
    certificate.prepares = DecodeMessageList(decoder, "viewchange.prepared.prepares");
    message.prepared.push_back(std::move(certificate));
  }
  return Finish(decoder, std::move(message));
}

Result<NewView> DecodeNewView(ByteView body, ledger::DecodeLimits limits) {
  Decoder decoder(body, limits);
  NewView message;
  message.view = decoder.ReadVarint("newview.view");
  message.view_changes = DecodeMessageList(decoder, "newview.view_changes");
  message.pre_prepares = DecodeMessageList(decoder, "newview.pre_prepares");
  return Finish(decoder, std::move(message));
}

Result<FetchBlocks> DecodeFetchBlocks(ByteView body) {
  Decoder decoder(body);
  FetchBlocks message;
  message.from_height = decoder.ReadVarint("fetchblocks.from_height");
  message.max_count = decoder.ReadVarint("fetchblocks.max_count");
  return Finish(decoder, message);
}

Result<Blocks> DecodeBlocks(ByteView body, ledger::DecodeLimits limits) {
  Decoder decoder(body, limits);
  Blocks message;
  uint64_t count = decoder.ReadCount("blocks.blocks");
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    TransferBlock block;
    uint64_t transaction_count = decoder.ReadCount("blocks.transactions");
    for (uint64_t j = 0; j < transaction_count && decoder.ok(); ++j) {
      block.transactions.push_back(decoder.ReadBytes("blocks.transactions"));
    }
    Bytes certificate_bytes = decoder.ReadBytes("blocks.certificate");
    if (!decoder.ok()) {
      break;
    }
    Result<ledger::CommitCertificate> certificate =
        ledger::DecodeCommitCertificate(certificate_bytes);
    if (!certificate.ok()) {
      return certificate.status();
    }
    block.certificate = std::move(certificate).value();
    message.blocks.push_back(std::move(block));
  }
  return Finish(decoder, std::move(message));
}

}  // namespace imledger::consensus
