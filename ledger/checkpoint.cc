// C2SP checkpoints and tlog-proof inclusion bundles: formatting, parsing and verification.

#include "ledger/checkpoint.h"

#include <charconv>
#include <utility>

#include "crypto/encoding.h"
#include "crypto/merkle.h"

namespace imledger::ledger {
namespace {

// Parses a decimal uint64 with no sign, no leading zeros (other than "0" itself) and no
// other characters.
Result<uint64_t> ParseDecimal(std::string_view text, std::string_view what) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) {
    return Status::InvalidArgument(std::string(what) + " \"" + std::string(text) +
                                   "\" is not a decimal number without leading zeros");
  }
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument(std::string(what) + " \"" + std::string(text) +
                                   "\" is not a decimal number below 2^64");
  }
  return value;
}

Result<crypto::Digest> ParseBase64Digest(std::string_view text, std::string_view what) {
  Result<Bytes> bytes = crypto::Base64Decode(text, what);
  if (!bytes.ok()) {
    return bytes.status();
  }
  if (bytes.value().size() != crypto::Digest::kSize) {
    return Status::InvalidArgument(std::string(what) + " has " +
                                   std::to_string(bytes.value().size()) +
                                   " bytes; a SHA-256 hash has 32");
  }
  crypto::Digest digest;
  std::copy(bytes.value().begin(), bytes.value().end(), digest.bytes.begin());
  return digest;
}

// Removes and returns the next line of `text` without its newline, or nullopt when no
// newline is left.
std::optional<std::string_view> TakeLine(std::string_view& text) {
  size_t end = text.find('\n');
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end + 1);
  return line;
}

Status MissingLine(std::string_view what) {
  return Status::InvalidArgument("inclusion proof bundle ends before its " + std::string(what) +
                                 " line");
}

// Parses the lines between the header and the blank line: optional extra, index, proof hashes.
Status ParseBundleFields(std::string_view& text, InclusionProofBundle& bundle) {
  std::optional<std::string_view> line = TakeLine(text);
  if (line && line->starts_with("extra ")) {
    Result<Bytes> extra = crypto::Base64Decode(line->substr(6), "bundle extra data");
    if (!extra.ok()) {
      return extra.status();
    }
    bundle.extra = std::move(extra).value();
    line = TakeLine(text);
  }
  if (!line || !line->starts_with("index ")) {
    return Status::InvalidArgument("inclusion proof bundle has no \"index <n>\" line");
  }
  Result<uint64_t> index = ParseDecimal(line->substr(6), "bundle index");
  if (!index.ok()) {
    return index.status();
  }
  bundle.index = index.value();

  while (true) {
    line = TakeLine(text);
    if (!line) {
      return MissingLine("blank");
    }
    if (line->empty()) {
      return Status::Ok();
    }
    if (bundle.proof.size() == kMaxInclusionProofHashes) {
      return Status::InvalidArgument("inclusion proof has more than " +
                                     std::to_string(kMaxInclusionProofHashes) + " hashes");
    }
    Result<crypto::Digest> hash =
        ParseBase64Digest(*line, "proof hash " + std::to_string(bundle.proof.size() + 1));
    if (!hash.ok()) {
      return hash.status();
    }
    bundle.proof.push_back(hash.value());
  }
}

}  // namespace

Result<Checkpoint> MakeCheckpoint(std::string_view network_id, uint64_t size,
                                  const crypto::Digest& root) {
  if (Status status = CheckNoteKeyName(network_id); !status.ok()) {
    return Status::InvalidArgument("network id cannot be a checkpoint origin: " + status.message());
  }
  return Checkpoint{std::string(network_id), size, root, {}};
}

std::string FormatCheckpointText(const Checkpoint& checkpoint) {
  std::string text = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     crypto::Base64Encode(checkpoint.root.view()) + "\n";
  for (const std::string& extension : checkpoint.extensions) {
    text += extension + "\n";
  }
  return text;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  if (Status status = CheckNoteText(text); !status.ok()) {
    return status;
  }
  std::optional<std::string_view> origin = TakeLine(text);
  std::optional<std::string_view> size = TakeLine(text);
  std::optional<std::string_view> root = TakeLine(text);
  if (!origin || !size || !root) {
    return Status::InvalidArgument("checkpoint has fewer than 3 lines (origin, size, root hash)");
  }
  if (origin->empty()) {
    return Status::InvalidArgument("checkpoint origin line is empty");
  }

  Checkpoint checkpoint;
  checkpoint.origin = std::string(*origin);
  Result<uint64_t> parsed_size = ParseDecimal(*size, "checkpoint tree size");
  if (!parsed_size.ok()) {
    return parsed_size.status();
  }
  checkpoint.size = parsed_size.value();
  Result<crypto::Digest> parsed_root = ParseBase64Digest(*root, "checkpoint root hash");
  if (!parsed_root.ok()) {
    return parsed_root.status();
  }
  checkpoint.root = parsed_root.value();

  while (std::optional<std::string_view> extension = TakeLine(text)) {
    if (extension->empty()) {
      return Status::InvalidArgument("checkpoint extension line " +
                                     std::to_string(checkpoint.extensions.size() + 1) +
                                     " is empty");
    }
    checkpoint.extensions.emplace_back(*extension);
  }
  return checkpoint;
}

std::string ValidatorKeyName(std::string_view network_id, const crypto::PublicKey& public_key) {
  return std::string(network_id) + "/validator-" + public_key.ToHex().substr(0, 16);
}

Result<std::vector<NoteVerifier>> ValidatorVerifiers(
    std::string_view network_id, std::span<const crypto::PublicKey> validators) {
  std::vector<NoteVerifier> verifiers;
  for (const crypto::PublicKey& key : validators) {
    Result<NoteVerifier> verifier = MakeNoteVerifier(ValidatorKeyName(network_id, key), key);
    if (!verifier.ok()) {
      return Status::InvalidArgument("network id cannot prefix a validator key name: " +
                                     verifier.status().message());
    }
    verifiers.push_back(std::move(verifier).value());
  }
  return verifiers;
}

Result<SignedNote> SignCheckpoint(const Checkpoint& checkpoint,
                                  std::span<const crypto::SecretKey> validator_keys) {
  SignedNote note;
  note.text = FormatCheckpointText(checkpoint);
  Result<Checkpoint> reparsed = ParseCheckpointText(note.text);
  if (!reparsed.ok() || reparsed.value() != checkpoint) {
    return Status::InvalidArgument("checkpoint does not round-trip through its text form: " +
                                   reparsed.status().ToString());
  }
  for (const crypto::SecretKey& key : validator_keys) {
    std::string name = ValidatorKeyName(checkpoint.origin, key.public_key());
    Result<NoteSignature> signature = SignNote(note.text, name, key);
    if (!signature.ok()) {
      return signature.status();
    }
    note.signatures.push_back(std::move(signature).value());
  }
  return note;
}

Result<Checkpoint> VerifyCheckpoint(std::string_view signed_checkpoint, std::string_view network_id,
                                    std::span<const crypto::PublicKey> validators, size_t quorum) {
  Check(quorum > 0, "checkpoint quorum must be at least 1");
  Result<SignedNote> note = ParseSignedNote(signed_checkpoint);
  if (!note.ok()) {
    return note.status();
  }
  Result<Checkpoint> checkpoint = ParseCheckpointText(note.value().text);
  if (!checkpoint.ok()) {
    return checkpoint.status();
  }
  if (checkpoint.value().origin != network_id) {
    return Status::InvalidArgument("checkpoint origin \"" + checkpoint.value().origin +
                                   "\" is not network id \"" + std::string(network_id) + "\"");
  }

  Result<std::vector<NoteVerifier>> verifiers = ValidatorVerifiers(network_id, validators);
  if (!verifiers.ok()) {
    return verifiers.status();
  }
  Result<NoteVerification> verification = VerifySignedNote(note.value(), verifiers.value());
  if (!verification.ok()) {
    return verification.status();
  }
  size_t count = verification.value().verified_by.size();
  if (count < quorum) {
    return Status::Unauthenticated("checkpoint has " + std::to_string(count) +
                                   " valid validator signatures; the quorum is " +
                                   std::to_string(quorum));
  }
  return checkpoint;
}

std::string FormatInclusionProofBundle(const InclusionProofBundle& bundle) {
  std::string text = std::string(kTlogProofHeader) + "\n";
  if (bundle.extra) {
    text += "extra " + crypto::Base64Encode(*bundle.extra) + "\n";
  }
  text += "index " + std::to_string(bundle.index) + "\n";
  for (const crypto::Digest& hash : bundle.proof) {
    text += crypto::Base64Encode(hash.view()) + "\n";
  }
  return text + "\n" + bundle.signed_checkpoint;
}

Result<InclusionProofBundle> ParseInclusionProofBundle(std::string_view text) {
  std::optional<std::string_view> header = TakeLine(text);
  if (!header || *header != kTlogProofHeader) {
    return Status::InvalidArgument("inclusion proof bundle does not start with \"" +
                                   std::string(kTlogProofHeader) + "\"");
  }
  InclusionProofBundle bundle;
  if (Status status = ParseBundleFields(text, bundle); !status.ok()) {
    return status;
  }

  Result<SignedNote> note = ParseSignedNote(text);
  if (!note.ok()) {
    return Status::InvalidArgument("inclusion proof bundle checkpoint: " + note.status().message());
  }
  if (Result<Checkpoint> checkpoint = ParseCheckpointText(note.value().text); !checkpoint.ok()) {
    return Status::InvalidArgument("inclusion proof bundle checkpoint: " +
                                   checkpoint.status().message());
  }
  bundle.signed_checkpoint = std::string(text);
  return bundle;
}

Result<Checkpoint> VerifyInclusionProofBundle(const InclusionProofBundle& bundle,
                                              ByteView leaf_data, std::string_view network_id,
                                              std::span<const crypto::PublicKey> validators,
                                              size_t quorum) {
  Result<Checkpoint> checkpoint =
      VerifyCheckpoint(bundle.signed_checkpoint, network_id, validators, quorum);
  if (!checkpoint.ok()) {
    return checkpoint.status();
  }
  Status inclusion =
      crypto::VerifyMerkleInclusion(crypto::MerkleLeafHash(leaf_data), bundle.index,
                                    checkpoint.value().size, bundle.proof, checkpoint.value().root);
  if (!inclusion.ok()) {
    return inclusion;
  }
  return checkpoint;
}

}  // namespace imledger::ledger
