// The values a PBFT replica exchanges with its host: configuration, requests, and the actions
// it returns.
//
// The replica never performs I/O. Each event call returns a list of actions that the host must
// apply in order; a Persist action must be durable before any later action of the same list
// takes effect, because later sends may depend on it. The consensus core never looks inside a
// transaction: the host supplies a RequestParser that extracts the client key and nonce (and
// checks the client's signature). These are plain values, thread-compatible.

#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "ledger/block.h"

namespace imledger::consensus {

// A client transaction as the core sees it. The bytes are opaque to the core.
struct Request {
  crypto::PublicKey client;
  uint64_t nonce = 0;  // Per client, strictly increasing.
  Bytes transaction;
  crypto::Digest digest;  // SHA-256 of `transaction`.
};

// Extracts and authenticates the client and nonce of a transaction. Must be deterministic: every
// correct replica returns the same result for the same bytes.
using RequestParser = std::function<Result<Request>(ByteView transaction)>;

struct Config {
  std::string network_id;
  std::vector<crypto::PublicKey> validators;  // In genesis order; index = replica id.
  uint64_t checkpoint_interval = 16;          // K: a checkpoint every K blocks.
  uint64_t watermark_window = 32;             // Sequences accepted above the stable checkpoint.
  uint64_t max_batch_requests = 1000;
  uint64_t max_batch_bytes = 4u << 20;
  uint64_t batch_delay_ms = 5;             // A partial batch waits at most this long.
  uint64_t max_pending_requests = 10000;   // Requests waiting for a block, per replica.
  uint64_t max_message_bytes = 16u << 20;  // Larger messages are dropped unread.
  uint64_t request_timeout_ms = 2000;      // Without progress for this long: view change.
  uint64_t view_change_timeout_ms = 2000;  // Doubled for each view change in a row.
  uint64_t retransmit_interval_ms = 500;
  uint64_t max_clock_skew_ms = 30000;  // Largest accepted |proposal time - own clock|.
  uint64_t max_fetch_blocks = 16;      // Blocks per state-transfer reply.
};

enum class TimerKind : uint8_t {
  kBatch = 0,   // The primary's partial batch is due.
  kProgress,    // Request or view-change timeout.
  kRetransmit,  // Periodic retransmission and state-transfer retry.
};

inline constexpr size_t kTimerKindCount = 3;

// One key-value write under the 'p' prefix. An empty `value` with `erase` set deletes the key.
struct StoreWrite {
  std::string key;
  Bytes value;
  bool erase = false;
};

struct SendAction {
  uint32_t to = 0;
  Bytes message;  // An encoded SignedMessage.
};

struct BroadcastAction {
  Bytes message;  // To every validator but this one.
};

struct PersistAction {
  std::vector<StoreWrite> writes;
  bool sync = true;  // Durable before the next action when set.
};

// Execute `transactions` tentatively on top of the last committed block and report the result with
// Replica::OnExecuted. A later ExecuteAction for the same height replaces the earlier result.
struct ExecuteAction {
  uint64_t height = 0;
  uint64_t view = 0;
  uint64_t time_ms = 0;
  std::vector<Bytes> transactions;
};

// Make the block durable, together with `writes`, in one synced write.
struct CommitBlockAction {
  ledger::CommitCertificate certificate;
  std::vector<Bytes> transactions;
  std::vector<StoreWrite> writes;
};

// Read committed blocks [from_height, from_height + max_count) with their certificates and pass
// them to Replica::OnBlocksRead for `peer`.
struct ReadBlocksAction {
  uint32_t peer = 0;
  uint64_t from_height = 0;
  uint64_t max_count = 0;
};

// Call Replica::OnTimer(kind, now) once the clock reads `deadline_ms` or later. Replaces any
// earlier deadline of the same kind.
struct SetTimerAction {
  TimerKind kind = TimerKind::kBatch;
  uint64_t deadline_ms = 0;
};

using Action = std::variant<SendAction, BroadcastAction, PersistAction, ExecuteAction,
                            CommitBlockAction, ReadBlocksAction, SetTimerAction>;

using Actions = std::vector<Action>;

// Counters of dropped input, by reason. Every rejected message is counted here.
struct DropCounters {
  uint64_t malformed = 0;      // Undecodable, oversized or from a non-validator.
  uint64_t bad_signature = 0;  // Includes messages signed for another network.
  uint64_t wrong_view = 0;     // Old view, future view, or not the primary of the view.
  uint64_t out_of_window = 0;  // Outside the watermarks.
  uint64_t invalid = 0;        // Well-formed but contradicting the protocol.
  uint64_t duplicate_request = 0;
  uint64_t pending_full = 0;

  uint64_t Total() const {
    return malformed + bad_signature + wrong_view + out_of_window + invalid + duplicate_request +
           pending_full;
  }
};

}  // namespace imledger::consensus
