// Arbitrary bytes through every PBFT message decoder and through Replica::OnMessage. The first
// byte picks a body decoder. The whole input also goes to SummarizeMessage, which reads type and
// sequence for log lines, and to a replica as a network message. Any input must end in a
// returned Status or a counted drop, never a crash.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "consensus/messages.h"
#include "consensus/replica.h"
#include "crypto/sha256.h"

namespace {

using imledger::ByteView;
using imledger::Result;
using imledger::consensus::Replica;
using imledger::consensus::Request;

Result<Request> ParseAny(ByteView transaction) {
  if (transaction.size() < 40) {
    return imledger::Status::InvalidArgument("transaction shorter than 40 bytes");
  }
  Request request;
  std::copy_n(transaction.begin(), 32, request.client.bytes.begin());
  for (size_t i = 32; i < 40; ++i) {
    request.nonce = (request.nonce << 8) | transaction[i];
  }
  request.transaction.assign(transaction.begin(), transaction.end());
  request.digest = imledger::crypto::Sha256Of(transaction);
  return request;
}

imledger::crypto::SecretKey ValidatorKey(uint32_t index) {
  auto seed = imledger::crypto::Sha256Of("imledger-fuzz-validator-" + std::to_string(index));
  return std::move(imledger::crypto::SecretKey::FromSeed(seed.view())).value();
}

Replica& FuzzReplica() {
  static std::unique_ptr<Replica> replica = [] {
    imledger::consensus::Config config;
    config.network_id = "imledger-fuzz";
    for (uint32_t i = 0; i < 4; ++i) {
      config.validators.push_back(ValidatorKey(i).public_key());
    }
    config.max_message_bytes = 1u << 16;
    return std::move(Replica::Open(config, ValidatorKey(1), ParseAny, {})).value();
  }();
  return *replica;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace consensus = imledger::consensus;
  ByteView input(data, size);
  imledger::ledger::DecodeLimits limits{1u << 16, 1u << 10};
  if (!input.empty()) {
    ByteView body = input.subspan(1);
    switch (input[0] % 9) {
      case 0:
        (void)consensus::DecodeSignedMessage(body, limits);
        break;
      case 1:
        (void)consensus::DecodePrePrepare(body, limits);
        break;
      case 2:
        (void)consensus::DecodePrepare(body);
        break;
      case 3:
        (void)consensus::DecodeCommit(body);
        break;
      case 4:
        (void)consensus::DecodeCheckpoint(body);
        break;
      case 5:
        (void)consensus::DecodeViewChange(body, limits);
        break;
      case 6:
        (void)consensus::DecodeNewView(body, limits);
        break;
      case 7:
        (void)consensus::DecodeFetchBlocks(body);
        break;
      default:
        (void)consensus::DecodeBlocks(body, limits);
        break;
    }
  }
  (void)consensus::SummarizeMessage(input);
  (void)FuzzReplica().OnMessage(input, 1'700'000'000'000);
  (void)FuzzReplica().OnClientRequest(input, 1'700'000'000'000);
  return 0;
}
