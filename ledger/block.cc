#include "ledger/block.h"

#include <algorithm>

namespace imledger::ledger {

void EncodeBlockHeader(Encoder& encoder, const BlockHeader& header) {
  encoder.PutVarint(header.height);
  encoder.PutVarint(header.view);
  encoder.PutDigest(header.previous_hash);
  encoder.PutVarint(header.time_ms);
  encoder.PutVarint(header.tree_size);
  encoder.PutDigest(header.tree_root);
  encoder.PutDigest(header.state_digest);
}

BlockHeader DecodeBlockHeader(Decoder& decoder) {
  BlockHeader header;
  header.height = decoder.ReadVarint("header.height");
  header.view = decoder.ReadVarint("header.view");
  header.previous_hash = decoder.ReadDigest("header.previous_hash");
  header.time_ms = decoder.ReadVarint("header.time_ms");
  header.tree_size = decoder.ReadVarint("header.tree_size");
  header.tree_root = decoder.ReadDigest("header.tree_root");
  header.state_digest = decoder.ReadDigest("header.state_digest");
  return header;
}

Bytes EncodeBlockHeader(const BlockHeader& header) {
  Encoder encoder;
  EncodeBlockHeader(encoder, header);
  return encoder.Take();
}

Result<BlockHeader> DecodeBlockHeader(ByteView bytes) {
  Decoder decoder(bytes);
  BlockHeader header = DecodeBlockHeader(decoder);
  if (Status status = decoder.Finish(); !status.ok()) {
    return status;
  }
  return header;
}

crypto::Digest BlockHash(const BlockHeader& header) {
  return crypto::Sha256Of(EncodeBlockHeader(header));
}

Bytes CommitSigningBytes(std::string_view network_id, const BlockHeader& header) {
  Encoder encoder;
  encoder.PutString(kCommitDomain);
  encoder.PutString(network_id);
  EncodeBlockHeader(encoder, header);
  return encoder.Take();
}

Bytes EncodeLogLeaf(const LogLeaf& leaf) {
  Encoder encoder;
  encoder.PutBytes(leaf.transaction);
  encoder.PutVarint(leaf.result_code);
  return encoder.Take();
}

Result<LogLeaf> DecodeLogLeaf(ByteView bytes) {
  Decoder decoder(bytes);
  LogLeaf leaf;
  leaf.transaction = decoder.ReadBytes("leaf.transaction");
  uint64_t code = decoder.ReadVarint("leaf.result_code");
  if (code > UINT32_MAX) {
    decoder.Reject("leaf.result_code", "above 2^32 - 1");
  }
  leaf.result_code = static_cast<uint32_t>(code);
  if (Status status = decoder.Finish(); !status.ok()) {
    return status;
  }
  return leaf;
}

Bytes EncodeCommitCertificate(const CommitCertificate& certificate) {
  Encoder encoder;
  EncodeBlockHeader(encoder, certificate.header);
  encoder.PutVarint(certificate.signatures.size());
  for (const CommitSignature& entry : certificate.signatures) {
    encoder.PutPublicKey(entry.validator);
    encoder.PutSignature(entry.signature);
  }
  return encoder.Take();
}

Result<CommitCertificate> DecodeCommitCertificate(ByteView bytes) {
  Decoder decoder(bytes);
  CommitCertificate certificate;
  certificate.header = DecodeBlockHeader(decoder);
  uint64_t count = decoder.ReadCount("certificate.signatures");
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    CommitSignature entry;
    entry.validator = decoder.ReadPublicKey("certificate.signatures.validator");
    entry.signature = decoder.ReadSignature("certificate.signatures.signature");
    if (decoder.ok() && !certificate.signatures.empty() &&
        !(certificate.signatures.back().validator < entry.validator)) {
      decoder.Reject("certificate.signatures.validator",
                     "validators must be sorted ascending with no repeats");
    }
    certificate.signatures.push_back(entry);
  }
  if (Status status = decoder.Finish(); !status.ok()) {
    return status;
  }
  return certificate;
}

Status VerifyCommitCertificate(const CommitCertificate& certificate, std::string_view network_id,
                               std::span<const crypto::PublicKey> validators, size_t quorum) {
  const uint64_t height = certificate.header.height;
  Bytes message = CommitSigningBytes(network_id, certificate.header);
  for (size_t i = 0; i < certificate.signatures.size(); ++i) {
    const CommitSignature& entry = certificate.signatures[i];
    if (i > 0 && !(certificate.signatures[i - 1].validator < entry.validator)) {
      return Status::Unauthenticated("commit certificate for height " + std::to_string(height) +
                                     " lists validator " + entry.validator.ToHex() +
                                     " out of order or twice");
    }
    if (std::find(validators.begin(), validators.end(), entry.validator) == validators.end()) {
      return Status::Unauthenticated("commit certificate for height " + std::to_string(height) +
                                     " is signed by " + entry.validator.ToHex() +
                                     ", which is not a validator of network " +
                                     std::string(network_id));
    }
    if (!crypto::Verify(entry.validator, message, entry.signature)) {
      return Status::Unauthenticated("commit certificate for height " + std::to_string(height) +
                                     ": the signature of validator " + entry.validator.ToHex() +
                                     " does not verify for network " + std::string(network_id));
    }
  }
  if (certificate.signatures.size() < quorum) {
    return Status::Unauthenticated("commit certificate for height " + std::to_string(height) +
                                   " has " + std::to_string(certificate.signatures.size()) +
                                   " signatures; a quorum is " + std::to_string(quorum));
  }
  return Status::Ok();
}

size_t QuorumSize(size_t validator_count) {
  // Any two quorums of this size share at least f + 1 validators, so at least one correct one.
  size_t faulty = validator_count == 0 ? 0 : (validator_count - 1) / 3;
  return (validator_count + faulty) / 2 + 1;
}

}  // namespace imledger::ledger
