// Gateway: a DICOMweb reverse proxy in front of Orthanc that serves images only under a
// consent recorded on the ledger, and records every decision there.
//
// Each request carries a PASETO v4.public token signed by an enrolled member. The gateway
// checks it and maps the path onto a study route (gateway/route.h), rejecting any other path.
// It then decides with contracts::LedgerQueries::Decide, and either forwards to Orthanc or
// sends 403 with the reason. Responses stream from Orthanc to the client in chunks of up to 256
// KiB, except with verify_on_read, where a whole-study retrieval is spooled to a file, hashed and
// compared with the anchored study root first. Every decision becomes an access event, committed in
// batched access.record transactions signed with the gateway's member key. Decisions read the
// committed state through a cache (gateway/access_cache.h) that drops its decisions and member
// records at every commit, so a revocation applies from the first request after its block
// commits. docs/gateway.md describes the routes, headers and error codes.
//
// Threading: config.threads network threads run all connections. Start, Stop and the
// accessors are called from one owner thread; stats() may be called from any thread.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <leveldb/db.h>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "gateway/access_cache.h"
#include "gateway/config.h"

namespace imledger::node {
class Node;
}  // namespace imledger::node

namespace imledger::gateway {

// The gateway's view of a node: the database to read committed state from, a way to submit
// transactions, and the network id to sign them for.
struct LedgerAccess {
  leveldb::DB* database = nullptr;  // Must outlive the gateway; read-only use.
  std::function<void(Bytes encoded_transaction)> submit;  // Thread-safe.
  std::string network_id;
};

// The LedgerAccess of a running node. `node` must outlive the gateway.
LedgerAccess LedgerAccessOf(node::Node& node);

struct GatewayStats {
  uint64_t requests = 0;
  uint64_t allowed = 0;
  uint64_t denied = 0;              // 403 after a ledger decision.
  uint64_t unauthenticated = 0;     // 401.
  uint64_t refused_routes = 0;      // 403 before any decision: the route is not served.
  uint64_t integrity_failures = 0;  // 502 from verify_on_read.
  uint64_t bytes_served = 0;        // Response body bytes of allowed requests.
  uint64_t access_events_submitted = 0;
  AccessCacheStats access_cache;  // Hits and misses of token and decision lookups.
};

class Gateway {
 public:
  // Reads the member key from config.member_key_file.
  static Result<std::unique_ptr<Gateway>> Create(GatewayConfig config, LedgerAccess ledger);

  static Result<std::unique_ptr<Gateway>> Create(GatewayConfig config, crypto::SecretKey key,
                                                 LedgerAccess ledger);

  ~Gateway();  // Stops the gateway if it is running.

  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Binds the listening socket and starts the network threads and the access recorder.
  Status Start();

  // Stops accepting, drops open connections, joins the threads and submits the access events
  // still queued. Idempotent.
  void Stop();

  uint16_t listen_port() const;

  // Submits the queued access events now instead of at the next batch interval.
  void FlushAccessEvents();

  GatewayStats stats() const;

  class Impl;

 private:
  explicit Gateway(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace imledger::gateway
