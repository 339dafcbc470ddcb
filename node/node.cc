#include "node/node.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "contracts/transaction.h"
#include "crypto/encoding.h"
#include "ledger/checkpoint.h"
#include "node/request_parser.h"

namespace imledger::node {
namespace {

// Maximum time the replica thread waits for a transport event before it checks the client queue
// and the timers again. It bounds the added latency of a submitted transaction.
constexpr std::chrono::milliseconds kMaxIdleWait{2};

crypto::SecretKey CopyKey(const crypto::SecretKey& key) {
  return crypto::SecretKey::FromSeed(key.seed()).value();
}

Status WriteGenesis(contracts::Engine& engine, const contracts::Genesis& genesis, leveldb::DB* db) {
  leveldb::WriteBatch batch;
  Result<crypto::Digest> digest = engine.ApplyGenesis(genesis, batch);
  if (!digest.ok()) {
    return digest.status();
  }
  leveldb::WriteOptions options;
  options.sync = true;
  leveldb::Status status = db->Write(options, &batch);
  if (!status.ok()) {
    return Status::IoError("writing the genesis state failed: " + status.ToString());
  }
  spdlog::info("event=genesis_applied network={} state_digest={}", genesis.network_id,
               crypto::HexEncode(digest->view()));
  return Status::Ok();
}

// Applies the genesis at first start; on a later start checks that the stored state belongs
// to this genesis and matches the block store's height.
Status PrepareState(contracts::Engine& engine, const contracts::Genesis& genesis,
                    ledger::BlockStore& store) {
  Result<contracts::StateMeta> committed = engine.Committed();
  if (!committed.ok() && committed.status().code() == StatusCode::kNotFound) {
    if (store.height() != 0) {
      return Status::Corruption("the block store is at height " + std::to_string(store.height()) +
                                " but the state holds no genesis");
    }
    return WriteGenesis(engine, genesis, store.db());
  }
  if (!committed.ok()) {
    return committed.status();
  }
  if (committed->genesis_hash != contracts::GenesisHash(genesis)) {
    return Status::InvalidArgument("the data folder belongs to another genesis (network \"" +
                                   committed->network_id + "\")");
  }
  if (committed->height != store.height()) {
    return Status::Corruption("the state is at height " + std::to_string(committed->height) +
                              " but the block store is at height " +
                              std::to_string(store.height()));
  }
  return Status::Ok();
}

}  // namespace

std::string PeerNetworkName(const contracts::Genesis& genesis) {
  return genesis.network_id + "@" + contracts::GenesisHash(genesis).ToHex();
}

consensus::Config ConsensusConfigOf(const contracts::Genesis& genesis) {
  consensus::Config config;
  config.network_id = genesis.network_id;
  for (const contracts::GenesisValidator& validator : genesis.validators) {
    config.validators.push_back(validator.public_key);
  }
  config.checkpoint_interval = genesis.consensus.checkpoint_interval;
  config.watermark_window = 2 * genesis.consensus.checkpoint_interval;
  config.max_batch_requests = genesis.consensus.batch_size;
  config.batch_delay_ms = genesis.consensus.batch_delay_ms;
  config.request_timeout_ms = genesis.consensus.view_change_timeout_ms;
  config.view_change_timeout_ms = genesis.consensus.view_change_timeout_ms;
  return config;
}

Result<std::unique_ptr<Node>> Node::Open(NodeOptions options, crypto::SecretKey key) {
  Result<std::unique_ptr<ledger::BlockStore>> store =
      ledger::BlockStore::Open(options.data_path.string());
  if (!store.ok()) {
    return store.status();
  }
  std::unique_ptr<Node> node(new Node(std::move(options), std::move(key), std::move(*store)));
  if (Status status = PrepareState(*node->engine_, node->options_.genesis, *node->store_);
      !status.ok()) {
    return status;
  }
  if (Status status = node->OpenReplica(); !status.ok()) {
    return status;
  }
  node->PublishSnapshot();
  return node;
}

Node::Node(NodeOptions options, crypto::SecretKey key, std::unique_ptr<ledger::BlockStore> store)
    : options_(std::move(options)),
      key_(std::move(key)),
      public_key_(key_.public_key()),
      store_(std::move(store)),
      engine_(std::make_unique<contracts::Engine>(store_->db())),
      replica_store_(std::make_unique<LevelDbReplicaStore>(store_->db())) {}

Node::~Node() {
  Stop();
}

Status Node::OpenReplica() {
  Result<std::vector<consensus::StoreEntry>> stored = replica_store_->LoadAll();
  if (!stored.ok()) {
    return stored.status();
  }
  Result<std::unique_ptr<consensus::Replica>> replica =
      consensus::Replica::Open(ConsensusConfigOf(options_.genesis), CopyKey(key_),
                               ContractsRequestParser(options_.genesis.network_id), *stored);
  if (!replica.ok()) {
    return replica.status();
  }
  replica_ = std::move(*replica);
  if (replica_->last_committed().height != store_->height()) {
    return Status::Corruption(
        "the consensus records are at height " + std::to_string(replica_->last_committed().height) +
        " but the block store is at height " + std::to_string(store_->height()));
  }
  return Status::Ok();
}

Status Node::Start() {
  {
    std::lock_guard lock(mutex_);
    if (started_) {
      return Status::FailedPrecondition("the node was started before");
    }
    started_ = true;
  }
  network::TransportConfig config;
  config.network_id = PeerNetworkName(options_.genesis);
  config.listen_host = options_.listen_host;
  config.listen_port = options_.listen_port;
  config.validators = ConsensusConfigOf(options_.genesis).validators;
  config.peers = options_.peers;
  transport_ = std::make_unique<network::PeerTransport>(std::move(config), CopyKey(key_),
                                                        events_.Handlers());
  if (Status status = transport_->Start(); !status.ok()) {
    return status;
  }
  spdlog::info("event=node_started replica={} height={} port={}", replica_->index(),
               store_->height(), transport_->listen_port());
  Apply(replica_->Start(NowMs()));
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void Node::Stop() {
  if (transport_ != nullptr) {
    // The transport goes first, so no handler pushes into events_ after the thread ends.
    transport_->Stop();
  }
  stopping_.store(true);
  if (thread_.joinable()) {
    thread_.join();
    spdlog::info("event=node_stopped replica={} height={}", replica_->index(), store_->height());
  }
}

Status Node::Submit(Bytes transaction) {
  Status checked = Status::Ok();
  if (transaction.size() > contracts::kMaxTransactionBytes) {
    checked = Status::OutOfRange("the transaction has " + std::to_string(transaction.size()) +
                                 " bytes, above the limit of " +
                                 std::to_string(contracts::kMaxTransactionBytes));
  } else {
    // The same parser the replica applies, so what passes here is what the replica accepts.
    checked = ContractsRequestParser(options_.genesis.network_id)(transaction).status();
  }
  std::lock_guard lock(mutex_);
  if (checked.ok() &&
      client_requests_.size() + snapshot_.pending_requests >= options_.max_pending_requests) {
    checked = Status::ResourceExhausted(
        "the node has " + std::to_string(options_.max_pending_requests) +
        " requests waiting, its configured maximum (max_pending_requests); retry later");
  }
  if (!checked.ok()) {
    submit_rejected_ += 1;
    return checked;
  }
  client_requests_.push_back(std::move(transaction));
  return Status::Ok();
}

void Node::AddCommitObserver(CommitObserver observer) {
  std::lock_guard lock(observers_mutex_);
  observers_.push_back(std::move(observer));
}

NodeMetrics Node::Metrics() const {
  NodeMetrics metrics;
  {
    std::lock_guard lock(mutex_);
    metrics.committed_transactions = committed_transactions_;
    metrics.replica_drops = replica_drops_;
    metrics.submit_rejected = submit_rejected_;
  }
  if (transport_ != nullptr) {
    metrics.transport = transport_->counters();
    metrics.peers_connected = transport_->connected_peers();
  }
  return metrics;
}

Result<std::string> Node::SignCheckpointNote(uint64_t size, const crypto::Digest& root) const {
  Result<ledger::Checkpoint> checkpoint =
      ledger::MakeCheckpoint(options_.genesis.network_id, size, root);
  if (!checkpoint.ok()) {
    return checkpoint.status();
  }
  std::vector<crypto::SecretKey> keys;
  keys.push_back(CopyKey(key_));
  Result<ledger::SignedNote> note = ledger::SignCheckpoint(*checkpoint, keys);
  if (!note.ok()) {
    return note.status();
  }
  return ledger::FormatSignedNote(*note);
}

uint32_t Node::validator_index() const {
  const std::vector<contracts::GenesisValidator>& validators = options_.genesis.validators;
  for (size_t i = 0; i < validators.size(); ++i) {
    if (validators[i].public_key == public_key_) {
      return static_cast<uint32_t>(i);
    }
  }
  return static_cast<uint32_t>(validators.size());
}

Status Node::SetPeerAddress(const network::PeerAddress& address) {
  if (transport_ == nullptr) {
    return Status::FailedPrecondition("the node is not started");
  }
  return transport_->SetPeerAddress(address);
}

uint16_t Node::listen_port() const {
  return transport_ == nullptr ? 0 : transport_->listen_port();
}

NodeSnapshot Node::Snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void Node::Run() {
  while (!stopping_.load()) {
    RunOnce();
    std::lock_guard lock(mutex_);
    if (snapshot_.failed) {
      return;
    }
  }
}

void Node::RunOnce() {
  std::deque<Bytes> requests;
  {
    std::lock_guard lock(mutex_);
    requests.swap(client_requests_);
  }
  for (Bytes& request : requests) {
    consensus::DropCounters before = replica_->drops();
    Apply(replica_->OnClientRequest(request, NowMs()));
    rejection_log_.Add(before, replica_->drops(), "client");
  }

  FireDueTimers();

  std::chrono::milliseconds wait = std::min(TimeToNextTimer(), kMaxIdleWait);
  std::optional<network::TransportEvent> event = events_.PopFor(wait);
  while (event.has_value()) {
    if (event->kind == network::TransportEvent::Kind::kMessage) {
      // The transport authenticated the connection, so its key names the sender of every
      // message it delivers, whatever sender index the message claims.
      consensus::DropCounters before = replica_->drops();
      Apply(replica_->OnMessage(event->message, NowMs()));
      rejection_log_.Add(before, replica_->drops(), PeerLogName(event->peer));
    }
    event = events_.PopFor(std::chrono::milliseconds(0));
  }
  // A view change commits no block, so it is published here rather than after a commit.
  if (replica_->view() != logged_view_) {
    PublishSnapshot();
  }
  LogReplicaDrops();
}

void Node::FireDueTimers() {
  for (size_t slot = 0; slot < timers_.size(); ++slot) {
    if (timers_[slot].has_value() && *timers_[slot] <= std::chrono::steady_clock::now()) {
      timers_[slot].reset();
      consensus::DropCounters before = replica_->drops();
      Apply(replica_->OnTimer(static_cast<consensus::TimerKind>(slot), NowMs()));
      rejection_log_.Add(before, replica_->drops(), "local");
    }
  }
}

std::chrono::milliseconds Node::TimeToNextTimer() const {
  SteadyTime now = std::chrono::steady_clock::now();
  std::chrono::milliseconds wait = kMaxIdleWait;
  for (const std::optional<SteadyTime>& deadline : timers_) {
    if (deadline.has_value()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now);
      wait = std::min(wait, std::max(left, std::chrono::milliseconds(0)));
    }
  }
  return wait;
}

void Node::PublishSnapshot() {
  if (replica_->view() != logged_view_) {
    // The new view continues after the last committed sequence.
    spdlog::info(
        "event=view_changed replica={} height={} view={} seq={} stable_seq={} previous_view={}",
        replica_->index(), store_->height(), replica_->view(), replica_->last_committed().height,
        replica_->stable_checkpoint(), logged_view_);
    logged_view_ = replica_->view();
  }
  std::lock_guard lock(mutex_);
  snapshot_.height = store_->height();
  snapshot_.view = replica_->view();
  snapshot_.last_header = store_->last_header().value_or(ledger::BlockHeader{});
  snapshot_.pending_requests = replica_->pending_requests();
  replica_drops_ = replica_->drops();
}

std::string Node::PeerLogName(const crypto::PublicKey& peer) const {
  const std::vector<contracts::GenesisValidator>& validators = options_.genesis.validators;
  for (size_t i = 0; i < validators.size(); ++i) {
    if (validators[i].public_key == peer) {
      return std::to_string(i);
    }
  }
  // The transport accepts only validators, so a key prefix here means an unexpected peer.
  return crypto::HexEncode(peer.view()).substr(0, 8);
}

// Logs what the replica dropped, by reason and peer, at most once per interval for each pair.
void Node::LogReplicaDrops() {
  for (const RejectionLog::Line& line : rejection_log_.Flush(std::chrono::steady_clock::now())) {
    spdlog::warn("event=messages_rejected replica={} height={} view={} peer={} reason={} count={}",
                 replica_->index(), store_->height(), replica_->view(), line.peer, line.reason,
                 line.count);
  }
  std::lock_guard lock(mutex_);
  replica_drops_ = replica_->drops();
}

uint64_t Node::NowMs() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
}

}  // namespace imledger::node
