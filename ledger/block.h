// Blocks, log leaves and commit certificates, with their canonical encodings.
//
// A block is the batch of transactions ordered at one PBFT sequence number. Each transaction
// becomes one leaf of the Merkle log together with its execution result, so the header's tree
// root commits to the block's contents and outcomes. A commit certificate is 2f+1 validator
// signatures over the header bound to the network id: a signed tree head an auditor can check
// against pinned validator keys alone. Field order is in docs/protocol.md.

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "ledger/codec.h"

namespace imledger::ledger {

inline constexpr std::string_view kCommitDomain = "imledger/commit/v1";

struct BlockHeader {
  uint64_t height = 0;  // The genesis state is height 0; the first block is height 1.
  uint64_t view = 0;
  crypto::Digest previous_hash;  // BlockHash of height - 1; zero for height 1.
  uint64_t time_ms = 0;          // Block time agreed by consensus, milliseconds since 1970 UTC.
  uint64_t tree_size = 0;        // Log size after this block.
  crypto::Digest tree_root;      // Log root after this block.
  crypto::Digest state_digest;   // State digest after this block.

  bool operator==(const BlockHeader&) const = default;
};

void EncodeBlockHeader(Encoder& encoder, const BlockHeader& header);

BlockHeader DecodeBlockHeader(Decoder& decoder);

Bytes EncodeBlockHeader(const BlockHeader& header);

Result<BlockHeader> DecodeBlockHeader(ByteView bytes);

// SHA-256 of the encoded header.
crypto::Digest BlockHash(const BlockHeader& header);

// The bytes a validator signs to commit `header`: domain tag, network id, header.
Bytes CommitSigningBytes(std::string_view network_id, const BlockHeader& header);

// A committed transaction and how execution ended for it. result_code 0 is accepted; other
// values are the contracts' rejection codes.
struct LogLeaf {
  Bytes transaction;
  uint32_t result_code = 0;

  bool operator==(const LogLeaf&) const = default;
};

Bytes EncodeLogLeaf(const LogLeaf& leaf);

Result<LogLeaf> DecodeLogLeaf(ByteView bytes);

struct CommitSignature {
  crypto::PublicKey validator;
  crypto::Signature signature;

  bool operator==(const CommitSignature&) const = default;
};

// Signatures are sorted by validator key with no key twice, so a certificate has one encoding.
struct CommitCertificate {
  BlockHeader header;
  std::vector<CommitSignature> signatures;

  bool operator==(const CommitCertificate&) const = default;
};

Bytes EncodeCommitCertificate(const CommitCertificate& certificate);

Result<CommitCertificate> DecodeCommitCertificate(ByteView bytes);

// Checks that at least `quorum` distinct members of `validators` signed the header for
// `network_id`. Any signature that fails, or that comes from a key not in `validators`,
// rejects the whole certificate, because a correct node never assembles one.
Status VerifyCommitCertificate(const CommitCertificate& certificate, std::string_view network_id,
                               std::span<const crypto::PublicKey> validators, size_t quorum);

// The smallest Byzantine quorum for n validators: 2f+1 when n = 3f+1.
size_t QuorumSize(size_t validator_count);

}  // namespace imledger::ledger
