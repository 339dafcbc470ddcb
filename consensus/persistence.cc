// The records a replica persists, and how it rebuilds itself from them after a restart.
//
// Keys (all under the consensus prefix 'p'):
//   "pv"                 view, whether the view is active, the NewView that opened it
//   "pe" + 8-byte seq    the PrePrepare accepted in the current view and the prepared
//                        certificate of the highest view, for one sequence
//   "pk"                 the stable checkpoint and its 2f+1 signed proof
//   "ph"                 the last committed block header (written with the block)
//   "pc" + client key    the highest committed nonce of that client (written with the block)
// The sequence is big-endian so that keys sort by sequence. Values use the canonical codec.

#include <string>

#include "consensus/replica.h"

namespace imledger::consensus {
namespace {

constexpr std::string_view kViewKey = "pv";
constexpr std::string_view kEntryPrefix = "pe";
constexpr std::string_view kCheckpointKey = "pk";
constexpr std::string_view kHeaderKey = "ph";
constexpr std::string_view kClientPrefix = "pc";

std::string EntryKey(uint64_t sequence) {
  std::string key(kEntryPrefix);
  for (int shift = 56; shift >= 0; shift -= 8) {
    key.push_back(static_cast<char>((sequence >> shift) & 0xff));
  }
  return key;
}

Status Corrupt(std::string_view key, const Status& status) {
  return Status::Corruption("stored pbft record \"" + std::string(key.substr(0, 2)) +
                            "\" is corrupt: " + status.message());
}

}  // namespace

StoreWrite Replica::ViewRecord() const {
  ledger::Encoder encoder;
  encoder.PutVarint(view_);
  encoder.PutBool(view_active_);
  encoder.PutBool(new_view_message_.has_value());
  if (new_view_message_) {
    EncodeSignedMessage(encoder, *new_view_message_);
  }
  return StoreWrite{std::string(kViewKey), encoder.Take(), false};
}

StoreWrite Replica::EntryRecord(uint64_t sequence) const {
  ledger::Encoder encoder;
  auto found = log_.find(sequence);
  if (found != log_.end()) {
    const LogEntry& entry = found->second;
    encoder.PutBool(entry.pre_prepare.has_value());
    if (entry.pre_prepare) {
      EncodeSignedMessage(encoder, *entry.pre_prepare);
    }
    encoder.PutBool(entry.certificate.has_value());
    if (entry.certificate) {
      EncodeSignedMessage(encoder, entry.certificate->pre_prepare);
      encoder.PutVarint(entry.certificate->prepares.size());
      for (const SignedMessage& prepare : entry.certificate->prepares) {
        EncodeSignedMessage(encoder, prepare);
      }
    }
  }
  return StoreWrite{EntryKey(sequence), encoder.Take(), false};
}

StoreWrite Replica::CheckpointRecord() const {
  ledger::Encoder encoder;
  encoder.PutVarint(stable_sequence_);
  encoder.PutDigest(stable_hash_);
  encoder.PutVarint(stable_proof_.size());
  for (const SignedMessage& message : stable_proof_) {
    EncodeSignedMessage(encoder, message);
  }
  return StoreWrite{std::string(kCheckpointKey), encoder.Take(), false};
}

std::vector<StoreWrite> Replica::CommitRecords(const ledger::BlockHeader& header,
                                               const std::vector<RequestKey>& keys) const {
  std::vector<StoreWrite> writes;
  writes.push_back({std::string(kHeaderKey), ledger::EncodeBlockHeader(header), false});
  std::map<crypto::PublicKey, uint64_t> highest;
  for (const auto& [client, nonce] : keys) {
    uint64_t& value = highest[client];
    value = std::max(value, nonce);
  }
  for (const auto& [client, nonce] : highest) {
    auto committed = committed_nonces_.find(client);
    uint64_t value =
        committed == committed_nonces_.end() ? nonce : std::max(nonce, committed->second);
    ledger::Encoder encoder;
    encoder.PutVarint(value);
    std::string key(kClientPrefix);
    key.append(AsChars(client.view()));
    writes.push_back({std::move(key), encoder.Take(), false});
  }
  return writes;
}

Status Replica::Restore(const std::vector<StoreEntry>& stored) {
  // The checkpoint first, so entries below it can be skipped.
  for (const StoreEntry& entry : stored) {
    if (entry.key != kCheckpointKey) {
      continue;
    }
    ledger::Decoder decoder(entry.value, limits_);
    stable_sequence_ = decoder.ReadVarint("checkpoint.sequence");
    stable_hash_ = decoder.ReadDigest("checkpoint.block_hash");
    uint64_t count = decoder.ReadCount("checkpoint.proof");
    for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
      stable_proof_.push_back(DecodeSignedMessage(decoder));
    }
    if (Status status = decoder.Finish(); !status.ok()) {
      return Corrupt(entry.key, status);
    }
  }

  std::vector<std::pair<uint64_t, SignedMessage>> accepted;
  for (const StoreEntry& entry : stored) {
    ledger::Decoder decoder(entry.value, limits_);
    if (entry.key == kViewKey) {
      view_ = decoder.ReadVarint("view.view");
      view_active_ = decoder.ReadBool("view.active");
      if (decoder.ReadBool("view.has_new_view")) {
        new_view_message_ = DecodeSignedMessage(decoder);
      }
    } else if (entry.key == kHeaderKey) {
      last_committed_ = ledger::DecodeBlockHeader(decoder);
    } else if (entry.key.starts_with(kClientPrefix) &&
               entry.key.size() == kClientPrefix.size() + crypto::PublicKey::kSize) {
      crypto::PublicKey client;
      std::copy(entry.key.begin() + 2, entry.key.end(), client.bytes.begin());
      committed_nonces_[client] = decoder.ReadVarint("client.nonce");
    } else if (entry.key.starts_with(kEntryPrefix) && entry.key.size() == 10) {
      if (Status status = RestoreEntry(entry.key, decoder, accepted); !status.ok()) {
        return status;
      }
    } else {
      continue;
    }
    if (Status status = decoder.Finish(); !status.ok()) {
      return Corrupt(entry.key, status);
    }
  }
  return RestoreAccepted(accepted);
}

Status Replica::RestoreEntry(const std::string& key, ledger::Decoder& decoder,
                             std::vector<std::pair<uint64_t, SignedMessage>>& accepted) {
  uint64_t sequence = 0;
  for (size_t i = 2; i < 10; ++i) {
    sequence = (sequence << 8) | static_cast<uint8_t>(key[i]);
  }
  std::optional<SignedMessage> pre_prepare;
  if (decoder.ReadBool("entry.has_pre_prepare")) {
    pre_prepare = DecodeSignedMessage(decoder);
  }
  std::optional<PreparedCertificate> certificate;
  if (decoder.ReadBool("entry.has_certificate")) {
    certificate = PreparedCertificate{DecodeSignedMessage(decoder), {}};
    uint64_t count = decoder.ReadCount("entry.prepares");
    for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
      certificate->prepares.push_back(DecodeSignedMessage(decoder));
    }
  }
  // Records at or below the stable checkpoint are leftovers of an unsynced delete.
  if (!decoder.ok() || sequence <= stable_sequence_) {
    return Status::Ok();
  }
  if (certificate) {
    Result<PrePrepare> decoded = DecodePrePrepare(certificate->pre_prepare.body, limits_);
    if (!decoded.ok()) {
      return Corrupt(key, decoded.status());
    }
    log_[sequence].certificate_view = decoded->view;
    log_[sequence].certificate = std::move(certificate);
  }
  if (pre_prepare) {
    accepted.emplace_back(sequence, std::move(*pre_prepare));
  }
  return Status::Ok();
}

Status Replica::RestoreAccepted(const std::vector<std::pair<uint64_t, SignedMessage>>& accepted) {
  // A PrePrepare accepted in the current view binds this replica for that sequence.
  for (const auto& [sequence, message] : accepted) {
    Result<PrePrepare> pre_prepare = DecodePrePrepare(message.body, limits_);
    if (!pre_prepare.ok()) {
      return Corrupt("pe", pre_prepare.status());
    }
    if (pre_prepare->view != view_ || !view_active_) {
      continue;
    }
    Result<std::vector<RequestKey>> keys =
        CheckProposal(pre_prepare->proposal, sequence, /*fresh=*/false, 0);
    if (!keys.ok()) {
      return Corrupt("pe", keys.status());
    }
    LogEntry& entry = log_[sequence];
    entry.pre_prepare = message;
    entry.digest = ProposalDigest(pre_prepare->proposal);
    entry.proposal = std::move(pre_prepare->proposal);
    entry.request_keys = std::move(keys).value();
    if (Primary(view_) != index_) {
      Prepare prepare{view_, sequence, entry.digest};
      entry.prepares[index_] = {entry.digest, Sign(MessageType::kPrepare, EncodeBody(prepare))};
    }
    if (entry.certificate && entry.certificate_view == view_ &&
        entry.certificate->pre_prepare == message) {
      entry.prepared = true;
    }
  }
  return Status::Ok();
}

}  // namespace imledger::consensus
