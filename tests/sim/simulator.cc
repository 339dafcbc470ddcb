#include "tests/sim/simulator.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "crypto/sha256.h"
#include "ledger/codec.h"

namespace imledger::sim {
namespace {

using consensus::Action;
using consensus::Actions;
using consensus::MessageType;
using consensus::SignedMessage;

constexpr uint64_t kEpochMs = 1'700'000'000'000;
constexpr std::string_view kTransactionTag = "simtx";

ledger::BlockHeader ExecuteOnTop(const ledger::BlockHeader& previous,
                                 const consensus::ExecuteAction& execute) {
  ledger::BlockHeader header;
  header.height = execute.height;
  header.view = execute.view;
  header.previous_hash = previous.height == 0 ? crypto::Digest{} : ledger::BlockHash(previous);
  header.time_ms = execute.time_ms;
  header.tree_size = previous.tree_size + execute.transactions.size();
  // A hash chain over the length-prefixed transactions replaces the Merkle log.
  crypto::Sha256 tree;
  tree.Update(previous.tree_root.view());
  for (const Bytes& transaction : execute.transactions) {
    ledger::Encoder length;
    length.PutVarint(transaction.size());
    tree.Update(length.bytes());
    tree.Update(transaction);
  }
  header.tree_root = tree.Finish();
  crypto::Sha256 state;
  state.Update(previous.state_digest.view());
  state.Update(header.tree_root.view());
  header.state_digest = state.Finish();
  return header;
}

}  // namespace

Result<consensus::Request> ParseSimTransaction(ByteView transaction) {
  const size_t header_size = kTransactionTag.size() + crypto::PublicKey::kSize + 8;
  if (transaction.size() < header_size ||
      AsChars(transaction.first(kTransactionTag.size())) != kTransactionTag) {
    return Status::InvalidArgument("not a simulator transaction");
  }
  consensus::Request request;
  std::copy_n(transaction.begin() + kTransactionTag.size(), crypto::PublicKey::kSize,
              request.client.bytes.begin());
  for (size_t i = header_size - 8; i < header_size; ++i) {
    request.nonce = (request.nonce << 8) | transaction[i];
  }
  request.transaction.assign(transaction.begin(), transaction.end());
  request.digest = crypto::Sha256Of(transaction);
  return request;
}

Bytes MakeSimTransaction(const crypto::PublicKey& client, uint64_t nonce, ByteView payload) {
  Bytes transaction = ToBytes(kTransactionTag);
  Append(transaction, client.view());
  for (int shift = 56; shift >= 0; shift -= 8) {
    transaction.push_back(static_cast<uint8_t>(nonce >> shift));
  }
  Append(transaction, payload);
  return transaction;
}

crypto::PublicKey SimClientKey(uint32_t client) {
  crypto::PublicKey key;
  key.bytes = crypto::Sha256Of("imledger-sim-client-" + std::to_string(client)).bytes;
  return key;
}

const std::vector<crypto::SecretKey>& SimValidatorKeys(uint32_t count) {
  static std::map<uint32_t, std::vector<crypto::SecretKey>> cache;
  auto found = cache.find(count);
  if (found == cache.end()) {
    std::vector<crypto::SecretKey> keys;
    for (uint32_t i = 0; i < count; ++i) {
      crypto::Digest seed = crypto::Sha256Of("imledger-sim-validator-" + std::to_string(i));
      keys.push_back(std::move(crypto::SecretKey::FromSeed(seed.view())).value());
    }
    found = cache.emplace(count, std::move(keys)).first;
  }
  return found->second;
}

Simulation::Simulation(SimOptions options) : options_(std::move(options)), random_(options_.seed) {
  config_ = options_.config;
  config_.network_id = std::string(kSimNetworkId);
  config_.validators.clear();
  for (const crypto::SecretKey& key : SimValidatorKeys(options_.replicas)) {
    config_.validators.push_back(key.public_key());
  }
  client_nonces_.assign(64, 0);
  for (uint32_t i = 0; i < options_.replicas; ++i) {
    nodes_.push_back(std::make_unique<Node>());
    uint64_t skew = options_.faults.max_clock_skew_ms;
    nodes_.back()->skew_ms =
        skew == 0 ? 0 : static_cast<int64_t>(Random(2 * skew + 1)) - static_cast<int64_t>(skew);
  }
  for (uint32_t i = 0; i < options_.replicas; ++i) {
    OpenReplica(i);
  }
}

Simulation::~Simulation() = default;

uint64_t Simulation::Random(uint64_t bound) {
  return bound == 0 ? 0 : random_() % bound;
}

bool Simulation::Chance(double probability) {
  return probability > 0 && static_cast<double>(random_() >> 11) * 0x1.0p-53 < probability;
}

const crypto::SecretKey& Simulation::key(uint32_t replica) const {
  return SimValidatorKeys(options_.replicas)[replica];
}

uint64_t Simulation::ClockOf(uint32_t replica) const {
  return static_cast<uint64_t>(static_cast<int64_t>(kEpochMs + now_ms_) + nodes_[replica]->skew_ms);
}

void Simulation::OpenReplica(uint32_t index) {
  Node& node = *nodes_[index];
  Result<std::vector<consensus::StoreEntry>> stored = node.store.LoadAll();
  Check(stored.ok(), "memory store loads");
  Result<crypto::SecretKey> key = crypto::SecretKey::FromSeed(this->key(index).seed());
  Check(key.ok(), "validator seed is valid");
  Result<std::unique_ptr<consensus::Replica>> replica =
      consensus::Replica::Open(config_, std::move(key).value(), ParseSimTransaction, *stored);
  if (!replica.ok()) {
    Violation("replica " + std::to_string(index) +
              " failed to open: " + replica.status().ToString());
    return;
  }
  node.replica = std::move(replica).value();
  node.up = true;
  Apply(index, node.replica->Start(ClockOf(index)));
}

void Simulation::Schedule(uint64_t time_ms, std::function<void()> run) {
  events_.push(Event{std::max(time_ms, now_ms_), next_order_++, std::move(run)});
}

void Simulation::At(uint64_t time_ms, std::function<void()> action) {
  Schedule(time_ms, std::move(action));
}

bool Simulation::Step() {
  if (events_.empty() || report_.steps >= options_.max_steps) {
    return false;
  }
  Event event = events_.top();
  events_.pop();
  now_ms_ = event.time_ms;
  ++report_.steps;
  event.run();
  return true;
}

void Simulation::RunUntil(uint64_t time_ms) {
  while (!events_.empty() && events_.top().time_ms <= time_ms && Step()) {
  }
  now_ms_ = std::max(now_ms_, time_ms);
}

bool Simulation::RunUntilCommitted(const std::vector<Bytes>& transactions, uint64_t deadline_ms) {
  auto done = [&] {
    for (uint32_t i = 0; i < options_.replicas; ++i) {
      if (!IsCorrect(i)) {
        continue;
      }
      for (const Bytes& transaction : transactions) {
        if (CommitCount(transaction, i) == 0) {
          return false;
        }
      }
    }
    return true;
  };
  while (!done()) {
    // Completion can change only when a block commits.
    committed_since_check_ = false;
    while (!committed_since_check_) {
      if (events_.empty() || events_.top().time_ms > deadline_ms || !Step()) {
        return false;
      }
    }
  }
  return true;
}

bool Simulation::RunUntilHeight(uint64_t height, uint64_t deadline_ms) {
  auto done = [&] {
    for (uint32_t i = 0; i < options_.replicas; ++i) {
      if (IsCorrect(i) && CommittedHeight(i) < height) {
        return false;
      }
    }
    return true;
  };
  while (!done()) {
    committed_since_check_ = false;
    while (!committed_since_check_) {
      if (events_.empty() || events_.top().time_ms > deadline_ms || !Step()) {
        return false;
      }
    }
  }
  return true;
}

Bytes Simulation::Submit(uint32_t client, uint32_t replica) {
  if (client >= client_nonces_.size()) {
    client_nonces_.resize(client + 1, 0);
  }
  uint64_t nonce = ++client_nonces_[client];
  Bytes payload(8);
  for (uint8_t& byte : payload) {
    byte = static_cast<uint8_t>(Random(256));
  }
  Bytes transaction = MakeSimTransaction(SimClientKey(client), nonce, payload);
  if (options_.track_requests) {
    submitted_.insert(transaction);
  }
  Resubmit(transaction, replica);
  return transaction;
}

void Simulation::Resubmit(const Bytes& transaction, uint32_t replica) {
  Node& node = *nodes_[replica];
  if (!node.up) {
    return;
  }
  Apply(replica, node.replica->OnClientRequest(transaction, ClockOf(replica)));
}

void Simulation::Crash(uint32_t replica) {
  Node& node = *nodes_[replica];
  if (!node.up) {
    return;
  }
  node.up = false;
  node.replica.reset();
  node.store.Crash();
  ++node.incarnation;
  ++report_.faults["crash"];
}

void Simulation::Restart(uint32_t replica) {
  if (!nodes_[replica]->up) {
    OpenReplica(replica);
  }
}

void Simulation::Partition(std::set<uint32_t> group) {
  partition_ = std::move(group);
  ++report_.faults["partition"];
}

void Simulation::Heal() {
  partition_.reset();
}

void Simulation::BlockLink(uint32_t from, uint32_t to, MessageType type, bool blocked) {
  if (blocked) {
    blocked_links_.insert({from, to, type});
  } else {
    blocked_links_.erase({from, to, type});
  }
}

void Simulation::SendRaw(uint32_t to, Bytes bytes) {
  Schedule(now_ms_ + 1, [this, to, bytes = std::move(bytes)] {
    Node& node = *nodes_[to];
    if (node.up) {
      Apply(to, node.replica->OnMessage(bytes, ClockOf(to)));
    }
  });
}

const consensus::Replica* Simulation::replica(uint32_t index) const {
  return nodes_[index]->replica.get();
}

uint64_t Simulation::CommittedHeight(uint32_t replica) const {
  return nodes_[replica]->blocks.size();
}

const std::vector<consensus::TransferBlock>& Simulation::Blocks(uint32_t replica) const {
  return nodes_[replica]->blocks;
}

uint64_t Simulation::CommitCount(const Bytes& transaction, uint32_t replica) const {
  const auto& counts = nodes_[replica]->commit_counts;
  auto found = counts.find(transaction);
  return found == counts.end() ? 0 : found->second;
}

void Simulation::Violation(std::string message) {
  report_.violations.push_back("seed " + std::to_string(options_.seed) + " at " +
                               std::to_string(now_ms_) + " ms: " + std::move(message));
}

void Simulation::Apply(uint32_t index, Actions actions) {
  Node& node = *nodes_[index];
  const uint64_t incarnation = node.incarnation;
  // A crash may cut this step short: the actions before the crash point happened, the rest
  // never did. A crash point of zero loses the whole step.
  size_t crash_point = actions.size() + 1;
  if (faults_active_ && IsCorrect(index) && Chance(options_.faults.crash_probability)) {
    crash_point = Random(actions.size() + 1);
  }
  for (size_t i = 0; i < actions.size(); ++i) {
    if (i == crash_point) {
      Crash(index);
      uint64_t down_ms = 1 + Random(options_.faults.max_down_ms);
      Schedule(now_ms_ + down_ms, [this, index] {
        if (faults_active_) {
          Restart(index);
        }
      });
      return;
    }
    if (!node.up || node.incarnation != incarnation) {
      return;
    }
    Action& action = actions[i];
    if (auto* send = std::get_if<consensus::SendAction>(&action)) {
      Transmit(index, send->to, send->message);
    } else if (auto* broadcast = std::get_if<consensus::BroadcastAction>(&action)) {
      for (uint32_t to = 0; to < options_.replicas; ++to) {
        if (to != index) {
          Transmit(index, to, broadcast->message);
        }
      }
    } else if (auto* persist = std::get_if<consensus::PersistAction>(&action)) {
      if (Status status = node.store.Write(persist->writes, persist->sync); !status.ok()) {
        Violation("replica " + std::to_string(index) +
                  " persisted a bad key: " + status.ToString());
      }
    } else if (auto* execute = std::get_if<consensus::ExecuteAction>(&action)) {
      ExecuteBlock(index, *execute);
    } else if (auto* commit = std::get_if<consensus::CommitBlockAction>(&action)) {
      CommitBlock(index, *commit);
    } else if (auto* read = std::get_if<consensus::ReadBlocksAction>(&action)) {
      ReadBlocks(index, *read);
    } else if (auto* timer = std::get_if<consensus::SetTimerAction>(&action)) {
      auto slot = static_cast<size_t>(timer->kind);
      uint64_t generation = ++node.timer_generation[slot];
      uint64_t local_now = ClockOf(index);
      uint64_t delay = timer->deadline_ms > local_now ? timer->deadline_ms - local_now : 0;
      consensus::TimerKind kind = timer->kind;
      Schedule(now_ms_ + delay, [this, index, slot, generation, incarnation, kind] {
        Node& target = *nodes_[index];
        if (target.up && target.incarnation == incarnation &&
            target.timer_generation[slot] == generation) {
          Apply(index, target.replica->OnTimer(kind, ClockOf(index)));
        }
      });
    }
  }
  if (node.up && node.incarnation == incarnation) {
    CheckBounds(index);
  }
}

void Simulation::Transmit(uint32_t from, uint32_t to, const Bytes& bytes) {
  ++report_.messages;
  if (!IsCorrect(from) && options_.faults.byzantine_kinds != 0) {
    ByzantineSend(from, to, bytes);
    return;
  }
  Deliver(from, to, bytes);
}

void Simulation::Deliver(uint32_t from, uint32_t to, Bytes bytes) {
  const FaultOptions& faults = options_.faults;
  if (!bytes.empty() && bytes[0] < consensus::kMessageTypeCount &&
      blocked_links_.contains({from, to, static_cast<MessageType>(bytes[0])})) {
    ++report_.faults["blocked"];
    return;
  }
  if (partition_ && partition_->contains(from) != partition_->contains(to)) {
    ++report_.faults["partition_drop"];
    return;
  }
  uint64_t copies = 1;
  if (faults_active_) {
    if (Chance(faults.drop_probability)) {
      ++report_.faults["drop"];
      return;
    }
    if (Chance(faults.duplicate_probability)) {
      ++report_.faults["duplicate"];
      copies = 2;
    }
  }
  for (uint64_t copy = 0; copy < copies; ++copy) {
    uint64_t delay = faults.min_delay_ms + Random(faults.max_delay_ms - faults.min_delay_ms + 1);
    if (!faults_active_) {
      delay = faults.min_delay_ms;
    }
    Schedule(now_ms_ + delay, [this, to, bytes] {
      Node& node = *nodes_[to];
      if (node.up) {
        if (!IsCorrect(to)) {
          node.seen.push_back(bytes);
          if (node.seen.size() > kReplayMemory) {
            node.seen.pop_front();
          }
        }
        Apply(to, node.replica->OnMessage(bytes, ClockOf(to)));
      }
    });
  }
}

void Simulation::ExecuteBlock(uint32_t index, const consensus::ExecuteAction& execute) {
  Node& node = *nodes_[index];
  if (execute.height != node.blocks.size() + 1) {
    Violation("replica " + std::to_string(index) + " asked to execute height " +
              std::to_string(execute.height) + " on a store at height " +
              std::to_string(node.blocks.size()));
    return;
  }
  ledger::BlockHeader previous =
      node.blocks.empty() ? ledger::BlockHeader{} : node.blocks.back().certificate.header;
  if (execute.time_ms < previous.time_ms) {
    Violation("replica " + std::to_string(index) + " executes a block earlier than its parent");
  }
  ledger::BlockHeader header = ExecuteOnTop(previous, execute);
  Apply(index, node.replica->OnExecuted(execute.height, header, ClockOf(index)));
}

void Simulation::CommitBlock(uint32_t index, const consensus::CommitBlockAction& commit) {
  Node& node = *nodes_[index];
  const ledger::BlockHeader& header = commit.certificate.header;
  const std::string who = "replica " + std::to_string(index);
  if (header.height != node.blocks.size() + 1) {
    Violation(who + " committed height " + std::to_string(header.height) + " after height " +
              std::to_string(node.blocks.size()));
    return;
  }
  if (IsCorrect(index)) {
    // Replicas often assemble the same certificate; each distinct one is verified once.
    crypto::Digest certificate_digest =
        crypto::Sha256Of(ledger::EncodeCommitCertificate(commit.certificate));
    if (verified_certificates_.insert(certificate_digest).second) {
      Status certificate = ledger::VerifyCommitCertificate(commit.certificate, config_.network_id,
                                                           config_.validators,
                                                           ledger::QuorumSize(options_.replicas));
      if (!certificate.ok()) {
        Violation(who + " committed with an invalid certificate: " + certificate.ToString());
      }
    }
    auto [agreed, first] = agreed_hashes_.emplace(header.height, ledger::BlockHash(header));
    if (!first && agreed->second != ledger::BlockHash(header)) {
      Violation(who + " committed a different block at height " + std::to_string(header.height));
    }
    for (const Bytes& transaction : commit.transactions) {
      if (!options_.track_requests) {
        break;
      }
      if (!submitted_.contains(transaction)) {
        Violation(who + " committed a transaction no client submitted");
      }
      Result<consensus::Request> request = ParseSimTransaction(transaction);
      if (!request.ok() ||
          !node.committed_requests.insert({request->client, request->nonce}).second) {
        Violation(who + " committed a client nonce twice at height " +
                  std::to_string(header.height));
      }
      ++node.commit_counts[transaction];
    }
  }
  node.blocks.push_back(consensus::TransferBlock{commit.transactions, commit.certificate});
  committed_since_check_ = true;
  if (Status status = node.store.Write(commit.writes, true); !status.ok()) {
    Violation(who + " wrote a bad commit record: " + status.ToString());
  }
}

void Simulation::ReadBlocks(uint32_t index, const consensus::ReadBlocksAction& read) {
  Node& node = *nodes_[index];
  std::vector<consensus::TransferBlock> blocks;
  for (uint64_t height = read.from_height;
       height < read.from_height + read.max_count && height <= node.blocks.size(); ++height) {
    blocks.push_back(node.blocks[height - 1]);
  }
  Apply(index, node.replica->OnBlocksRead(read.peer, std::move(blocks), ClockOf(index)));
}

void Simulation::CheckBounds(uint32_t index) {
  const consensus::Replica& replica = *nodes_[index]->replica;
  if (replica.log_entries() > config_.watermark_window + 1) {
    Violation("replica " + std::to_string(index) + " holds " +
              std::to_string(replica.log_entries()) + " log entries");
  }
  if (replica.pending_requests() > config_.max_pending_requests) {
    Violation("replica " + std::to_string(index) + " holds too many pending requests");
  }
}

SimReport Simulation::Run() {
  const uint64_t end = options_.faults_end_ms;
  const uint32_t n = options_.replicas;
  for (uint64_t i = 0; i < options_.requests; ++i) {
    uint64_t at = Random(std::max<uint64_t>(end, 1));
    uint32_t client = static_cast<uint32_t>(Random(4));
    uint32_t replica = static_cast<uint32_t>(Random(n));
    At(at, [this, client, replica, n] {
      Bytes transaction = Submit(client, replica);
      // The client retries later at another replica, maybe after the first copy committed.
      uint64_t retry_at = now_ms_ + 500 + Random(4000);
      uint32_t other = static_cast<uint32_t>(Random(n));
      At(retry_at, [this, transaction, other] { Resubmit(transaction, other); });
    });
  }
  if (options_.faults.partitions) {
    for (uint64_t start = Random(1000); start + 200 < end; start += 1500 + Random(2000)) {
      uint64_t stop = std::min(end, start + 200 + Random(1500));
      std::set<uint32_t> group;
      group.insert(static_cast<uint32_t>(Random(n)));
      if (Chance(0.5)) {
        group.insert(static_cast<uint32_t>(Random(n)));
      }
      At(start, [this, group] { Partition(group); });
      At(stop, [this] { Heal(); });
    }
  }
  RunUntil(end);

  // Faults stop: every replica comes back and the network turns reliable.
  faults_active_ = false;
  Heal();
  blocked_links_.clear();
  for (uint32_t i = 0; i < n; ++i) {
    Restart(i);
  }
  std::vector<Bytes> fresh;
  for (uint64_t i = 0; i < options_.liveness_requests; ++i) {
    uint32_t replica = static_cast<uint32_t>(options_.faults.byzantine_replicas +
                                             Random(n - options_.faults.byzantine_replicas));
    fresh.push_back(Submit(static_cast<uint32_t>(32 + i), replica));
    // The client retries at the next replica every two seconds, as a real client would when
    // its replica is cut off from the others.
    for (uint32_t retry = 1; retry < n; ++retry) {
      At(now_ms_ + 2000 * retry,
         [this, transaction = fresh.back(), target = (replica + retry) % n] {
           Resubmit(transaction, target);
         });
    }
  }
  if (!RunUntilCommitted(fresh, now_ms_ + options_.liveness_bound_ms)) {
    std::string heights;
    for (uint32_t i = 0; i < n; ++i) {
      heights += " " + std::to_string(CommittedHeight(i));
      if (const consensus::Replica* replica = nodes_[i]->replica.get()) {
        heights +=
            "/v" + std::to_string(replica->view()) + (replica->view_active() ? "" : "(changing)");
      }
    }
    Violation("no progress within " + std::to_string(options_.liveness_bound_ms) +
              " ms after faults stopped; heights/views:" + heights);
  }
  report_.committed_height = UINT64_MAX;
  for (uint32_t i = 0; i < n; ++i) {
    if (IsCorrect(i)) {
      report_.committed_height = std::min(report_.committed_height, CommittedHeight(i));
    }
  }
  return report_;
}

}  // namespace imledger::sim
