// Node: one imledger replica wired end to end.
//
// A Node owns the block store (one LevelDB for blocks, contracts state and consensus records),
// the contracts engine, the PBFT replica and the peer transport. One thread, the replica
// thread, owns the replica, the engine and the store: it drains the transport's event queue,
// the client-request queue and the timer deadlines, and applies the replica's actions in the
// order returned (docs/node.md lists the wiring). Every block reaches disk in one synced write
// with its certificate, log leaves, state writes and consensus records, so a restarted node
// resumes at the last whole block. After each committed block the replica thread calls the
// commit observers with the block's transaction ids and results. Open, Start and Stop belong to
// the owning thread; Submit, AddCommitObserver, SetPeerAddress, listen_port, Snapshot, Metrics,
// SignCheckpointNote and reads through database() are thread-safe once Open returned.

#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <leveldb/write_batch.h>

#include "base/bytes.h"
#include "base/status.h"
#include "consensus/replica.h"
#include "contracts/engine.h"
#include "contracts/genesis.h"
#include "crypto/ed25519.h"
#include "ledger/block.h"
#include "ledger/block_store.h"
#include "network/event_queue.h"
#include "network/peer_transport.h"
#include "node/log_fields.h"
#include "node/replica_store.h"

namespace imledger::node {

struct NodeOptions {
  std::filesystem::path data_path;  // The LevelDB folder; created at first start.
  contracts::Genesis genesis;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;  // 0 picks an ephemeral port.
  // Addresses of the other validators. A peer with port 0 is set later with SetPeerAddress.
  std::vector<network::PeerAddress> peers;
  // Bound of the client request queue plus the replica's pending requests; Submit fails with
  // ResourceExhausted above it.
  size_t max_pending_requests = 10000;
};

// One transaction of a committed block, as commit observers see it.
struct CommittedTransaction {
  crypto::Digest id;         // SHA-256 of the encoded envelope.
  uint64_t index = 0;        // Position in the block, from 0.
  uint64_t log_index = 0;    // Leaf index in the Merkle log.
  uint32_t result_code = 0;  // contracts::RejectCode; 0 is accepted.
};

struct CommittedBlock {
  uint64_t height = 0;
  ledger::BlockHeader header;
  std::vector<CommittedTransaction> transactions;
};

// Runs on the replica thread after the block is durable; it must return quickly.
using CommitObserver = std::function<void(const CommittedBlock& block)>;

// Counters for /metrics, copied out without waiting for the replica thread.
struct NodeMetrics {
  uint64_t committed_transactions = 0;
  uint64_t peers_connected = 0;
  consensus::DropCounters replica_drops;  // Messages and requests the replica dropped.
  network::TransportCounters transport;   // Includes connection rejects by reason.
  uint64_t submit_rejected = 0;           // Submit calls that returned an error.
};

// The node's last committed position, copied out under a lock.
struct NodeSnapshot {
  uint64_t height = 0;
  uint64_t view = 0;
  ledger::BlockHeader last_header;  // All zero at height 0.
  uint64_t pending_requests = 0;
  bool failed = false;  // The replica thread stopped on a storage or execution error.
};

class Node {
 public:
  // Opens the store in options.data_path, applies the genesis at first start and restores the
  // replica from its stored records. Fails when `key` is not a genesis validator, the genesis
  // differs from the stored one, or the store is unreadable or inconsistent.
  static Result<std::unique_ptr<Node>> Open(NodeOptions options, crypto::SecretKey key);

  // Stops the node if it is running.
  ~Node();

  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Starts the transport and the replica thread. Fails when the listen address cannot be
  // bound or the node was started before.
  Status Start();

  // Stops the transport, then the replica thread; submitted requests not yet handed to the
  // replica are dropped. Idempotent.
  void Stop();

  // Checks an encoded transaction and queues it for the replica; its result is its log leaf
  // once committed. Fails with OutOfRange above contracts::kMaxTransactionBytes, Corruption
  // when it does not decode (the message names the field and offset), InvalidArgument for
  // another network id, Unauthenticated for a bad signature, and ResourceExhausted when
  // max_pending_requests are already waiting.
  Status Submit(Bytes transaction);

  // Adds an observer called after every later committed block. Observers cannot be removed,
  // so an observer must outlive the node or stop the node first.
  void AddCommitObserver(CommitObserver observer);

  NodeMetrics Metrics() const;

  // A C2SP signed note of the checkpoint (network id, size, root), signed by this node's key
  // alone.
  Result<std::string> SignCheckpointNote(uint64_t size, const crypto::Digest& root) const;

  // This node's position in the genesis validator list.
  uint32_t validator_index() const;

  Status SetPeerAddress(const network::PeerAddress& address);

  // The bound port, once Start succeeded.
  uint16_t listen_port() const;

  NodeSnapshot Snapshot() const;

  const crypto::PublicKey& public_key() const { return public_key_; }

  const contracts::Genesis& genesis() const { return options_.genesis; }

  // The node's database, for read-only queries from other threads (contracts::LedgerQueries
  // with a snapshot). LevelDB reads are thread-safe; only the replica thread writes.
  leveldb::DB* database() const { return store_->db(); }

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;

  // The result of the latest ExecuteAction, written only if its block commits.
  struct TentativeBlock {
    uint64_t height = 0;
    ledger::BlockHeader header;
    std::vector<Bytes> transactions;
    std::vector<ledger::LogLeaf> entries;
    leveldb::WriteBatch state_writes;
  };

  Node(NodeOptions options, crypto::SecretKey key, std::unique_ptr<ledger::BlockStore> store);

  Status OpenReplica();
  void Run();
  void RunOnce();
  void FireDueTimers();
  std::chrono::milliseconds TimeToNextTimer() const;

  // node_actions.cc: one function per action kind.
  // Applies `actions` in order. An action that reports back to the replica (Execute, ReadBlocks)
  // applies the replica's reply before the next action of the list, as the replica expects.
  void Apply(consensus::Actions actions);
  Status ApplyOne(consensus::Action& action);
  Status Execute(const consensus::ExecuteAction& execute);
  Result<TentativeBlock> ExecuteOnCommitted(uint64_t height, uint64_t view, uint64_t time_ms,
                                            std::vector<Bytes> transactions);
  Status CommitBlock(consensus::CommitBlockAction& commit);
  Status ReadBlocks(const consensus::ReadBlocksAction& read);
  void SetTimer(const consensus::SetTimerAction& timer);
  void Send(uint32_t to, Bytes message);
  void Fail(const Status& status);
  void PublishSnapshot();
  void NotifyCommit(const ledger::BlockHeader& header, std::span<const ledger::LogLeaf> entries);
  // The validator index of `peer` as a log field value.
  std::string PeerLogName(const crypto::PublicKey& peer) const;
  void LogReplicaDrops();
  bool failed() const;

  static uint64_t NowMs();

  const NodeOptions options_;
  const crypto::SecretKey key_;
  const crypto::PublicKey public_key_;

  // Owned by the replica thread once Start returned.
  std::unique_ptr<ledger::BlockStore> store_;
  std::unique_ptr<contracts::Engine> engine_;
  std::unique_ptr<LevelDbReplicaStore> replica_store_;
  std::unique_ptr<consensus::Replica> replica_;
  std::optional<TentativeBlock> tentative_;
  std::array<std::optional<SteadyTime>, consensus::kTimerKindCount> timers_;
  RejectionLog rejection_log_{std::chrono::seconds(10)};
  uint64_t logged_view_ = 0;

  // Thread-safe.
  network::EventQueue events_;
  std::unique_ptr<network::PeerTransport> transport_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  mutable std::mutex mutex_;
  std::deque<Bytes> client_requests_;      // Guarded by mutex_.
  NodeSnapshot snapshot_;                  // Guarded by mutex_.
  bool started_ = false;                   // Guarded by mutex_.
  uint64_t committed_transactions_ = 0;    // Guarded by mutex_.
  consensus::DropCounters replica_drops_;  // Guarded by mutex_.
  uint64_t submit_rejected_ = 0;           // Guarded by mutex_.

  mutable std::mutex observers_mutex_;
  std::vector<CommitObserver> observers_;  // Guarded by observers_mutex_.
};

// The name that replicas exchange in the transport handshake: "<network id>@<genesis hash>".
// Binding the genesis hash as well as the network id makes two nodes with different genesis
// files refuse each other at connection time instead of failing later on diverging blocks.
std::string PeerNetworkName(const contracts::Genesis& genesis);

// The consensus configuration that `genesis` sets: validators in genesis order, batch size
// and delay, checkpoint interval and request timeout.
consensus::Config ConsensusConfigOf(const contracts::Genesis& genesis);

}  // namespace imledger::node
