// Reject reason names, as they appear in logs and metrics labels.

#include "network/transport_config.h"

namespace imledger::network {

std::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kMalformedHandshake:
      return "malformed_handshake";
    case RejectReason::kWrongNetwork:
      return "wrong_network";
    case RejectReason::kUnknownKey:
      return "unknown_key";
    case RejectReason::kSelfConnection:
      return "self_connection";
    case RejectReason::kBadSignature:
      return "bad_signature";
    case RejectReason::kHandshakeTimeout:
      return "handshake_timeout";
    case RejectReason::kFrameTooLarge:
      return "frame_too_large";
    case RejectReason::kDuplicateConnection:
      return "duplicate_connection";
    case RejectReason::kCount:
      break;
  }
  return "unknown";
}

}  // namespace imledger::network
