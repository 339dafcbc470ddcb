// Byzantine replicas of the simulator. A Byzantine replica runs the honest core, and the
// simulator rewrites what it sends: it equivocates, corrupts signatures, re-signs messages for
// other views or networks, replays old messages and floods junk. It holds its own validator
// key, so every forgery that needs only that key is possible.

#include <string>

#include "tests/sim/simulator.h"

namespace imledger::sim {
namespace {

using consensus::MessageType;
using consensus::SignedMessage;

// Rewrites the view of a PrePrepare, Prepare or Commit body; false for other types.
bool ShiftView(SignedMessage& message, int64_t shift) {
  auto shifted = [shift](uint64_t view) {
    return shift < 0 && view < static_cast<uint64_t>(-shift) ? 0
                                                             : view + static_cast<uint64_t>(shift);
  };
  ledger::DecodeLimits limits;
  if (message.type == MessageType::kPrePrepare) {
    Result<consensus::PrePrepare> body = consensus::DecodePrePrepare(message.body, limits);
    if (!body.ok()) {
      return false;
    }
    body->view = shifted(body->view);
    body->proposal.view = body->view;
    message.body = consensus::EncodeBody(*body);
    return true;
  }
  if (message.type == MessageType::kPrepare) {
    Result<consensus::Prepare> body = consensus::DecodePrepare(message.body);
    if (!body.ok()) {
      return false;
    }
    body->view = shifted(body->view);
    message.body = consensus::EncodeBody(*body);
    return true;
  }
  if (message.type == MessageType::kCommit) {
    Result<consensus::Commit> body = consensus::DecodeCommit(message.body);
    if (!body.ok()) {
      return false;
    }
    body->view = shifted(body->view);
    message.body = consensus::EncodeBody(*body);
    return true;
  }
  return false;
}

// Changes what a PrePrepare, Prepare or Commit votes for, keeping it well signed.
bool Equivocate(SignedMessage& message, const crypto::SecretKey& key) {
  ledger::DecodeLimits limits;
  if (message.type == MessageType::kPrePrepare) {
    Result<consensus::PrePrepare> body = consensus::DecodePrePrepare(message.body, limits);
    if (!body.ok()) {
      return false;
    }
    if (!body->proposal.transactions.empty()) {
      body->proposal.transactions.pop_back();
    } else {
      body->proposal.time_ms += 1;
    }
    message.body = consensus::EncodeBody(*body);
    return true;
  }
  if (message.type == MessageType::kPrepare) {
    Result<consensus::Prepare> body = consensus::DecodePrepare(message.body);
    if (!body.ok()) {
      return false;
    }
    body->proposal_digest.bytes[0] ^= 1;
    message.body = consensus::EncodeBody(*body);
    return true;
  }
  if (message.type == MessageType::kCommit) {
    Result<consensus::Commit> body = consensus::DecodeCommit(message.body);
    if (!body.ok()) {
      return false;
    }
    body->header.state_digest.bytes[0] ^= 1;
    body->commit_signature = key.Sign(ledger::CommitSigningBytes(kSimNetworkId, body->header));
    message.body = consensus::EncodeBody(*body);
    return true;
  }
  return false;
}

// Moves a PrePrepare's proposal time a day away from the primary's clock.
bool MoveTime(SignedMessage& message, bool future) {
  if (message.type != MessageType::kPrePrepare) {
    return false;
  }
  Result<consensus::PrePrepare> body = consensus::DecodePrePrepare(message.body, {});
  if (!body.ok() || body->proposal.time_ms == 0) {
    return false;
  }
  constexpr uint64_t kDayMs = 86'400'000;
  body->proposal.time_ms =
      future ? body->proposal.time_ms + kDayMs : body->proposal.time_ms - kDayMs;
  message.body = consensus::EncodeBody(*body);
  return true;
}

}  // namespace

void Simulation::ByzantineSend(uint32_t from, uint32_t to, const Bytes& bytes) {
  const FaultOptions& faults = options_.faults;
  Node& node = *nodes_[from];
  node.seen.push_back(bytes);
  if (node.seen.size() > kReplayMemory) {
    node.seen.pop_front();
  }
  Result<SignedMessage> decoded = consensus::DecodeSignedMessage(bytes, {});
  if (!decoded.ok() || !Chance(faults.byzantine_probability)) {
    Deliver(from, to, bytes);
    return;
  }
  std::vector<uint32_t> kinds;
  for (uint32_t bit = 1; bit < kAllByzantine; bit <<= 1) {
    if (faults.byzantine_kinds & bit) {
      kinds.push_back(bit);
    }
  }
  const uint32_t kind = kinds[Random(kinds.size())];

  // Replays and junk come in addition to the real message.
  if (kind == kReplay) {
    ++report_.faults["replay"];
    Deliver(from, to, node.seen[Random(node.seen.size())]);
  } else if (kind == kJunk) {
    ++report_.faults["junk"];
    uint64_t size = Chance(0.1) ? config_.max_message_bytes + 1 : 1 + Random(2048);
    Bytes junk(size);
    for (size_t i = 0; i < junk.size() && i < 4096; ++i) {
      junk[i] = static_cast<uint8_t>(Random(256));
    }
    Deliver(from, to, std::move(junk));
  }

  // Forgeries replace it.
  SignedMessage message = std::move(decoded).value();
  if (Forge(kind, from, to, message)) {
    Deliver(from, to, consensus::EncodeSignedMessage(message));
  } else {
    Deliver(from, to, bytes);
  }
}

bool Simulation::Forge(uint32_t kind, uint32_t from, uint32_t to, SignedMessage& message) {
  const crypto::SecretKey& own_key = key(from);
  auto resign = [&](std::string_view network_id) {
    message.signature = own_key.Sign(
        consensus::MessageSigningBytes(network_id, message.type, message.sender, message.body));
  };
  switch (kind) {
    case kEquivocate:
      // Only odd-numbered peers see the other version, so the peers disagree.
      if (to % 2 == 0 || !Equivocate(message, own_key)) {
        return false;
      }
      resign(kSimNetworkId);
      ++report_.faults["equivocation"];
      return true;
    case kBadSignature:
      message.signature.bytes[Random(crypto::Signature::kSize)] ^= 0x40;
      ++report_.faults["bad_signature"];
      return true;
    case kWrongView:
      if (!ShiftView(message, Chance(0.5) ? -1 : 1 + static_cast<int64_t>(Random(3)))) {
        return false;
      }
      resign(kSimNetworkId);
      ++report_.faults["wrong_view"];
      return true;
    case kOtherNetwork:
      resign("imledger-other");
      ++report_.faults["other_network"];
      return true;
    case kFutureTime:
    case kPastTime:
      if (!MoveTime(message, kind == kFutureTime)) {
        return false;
      }
      resign(kSimNetworkId);
      ++report_.faults["far_time"];
      return true;
    default:
      return false;
  }
}

}  // namespace imledger::sim
