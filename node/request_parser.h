// The consensus RequestParser for contracts transactions.
//
// The replica orders opaque bytes; this parser identifies who sent them. It decodes the signed
// envelope, checks the network id and the signer's Ed25519 signature, and returns the signer as
// the client, the envelope nonce as the request nonce and the transaction id (SHA-256 of the
// encoded envelope) as the digest. It reads nothing but its input, so every correct replica
// returns the same result for the same bytes. The returned function is thread-safe.

#pragma once

#include <string>

#include "consensus/types.h"

namespace imledger::node {

// A parser that accepts only transactions signed for `network_id`.
consensus::RequestParser ContractsRequestParser(std::string network_id);

}  // namespace imledger::node
