// Four Nodes in one process, each with its own LevelDB folder and a 127.0.0.1 ephemeral port,
// agreeing over the real transport on blocks of signed contracts transactions. The cluster
// checks that every node commits the same blocks with the expected result codes, and that a
// node stopped while the others commit catches up from its folder by state transfer. It also
// checks that the log lines name the height, view, sequence and peer.

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "contracts/payload.h"
#include "contracts/rejection.h"
#include "crypto/encoding.h"
#include "ledger/block_store.h"
#include "network/event_queue.h"
#include "network/peer_transport.h"
#include "node/node.h"
#include "tests/contracts/ledger_fixture.h"
#include "tests/contracts/test_identities.h"

namespace imledger::node {
namespace {

using contracts::RejectCode;
using contracts::testing::DigestNamed;
using contracts::testing::KeyNamed;
using contracts::testing::TempDirectory;

constexpr size_t kNodeCount = 4;
constexpr auto kAgreementTimeout = std::chrono::seconds(20);

contracts::Genesis ClusterGenesis() {
  contracts::Genesis genesis = contracts::testing::TestGenesis();
  // Small batches and checkpoints, so a short test crosses several checkpoints.
  genesis.consensus = {64, 5, 4, 2000};
  return genesis;
}

std::string ValidatorName(size_t index) {
  return "validator-" + std::to_string(index);
}

// Signs transactions with a per-signer nonce that starts at 1.
class Signer {
 public:
  template <typename Payload>
  Bytes Sign(std::string_view signer, const Payload& payload) {
    uint64_t& nonce = nonces_[std::string(signer)];
    nonce += 1;
    return contracts::EncodeTransaction(
        contracts::MakeTransaction(contracts::testing::kNetworkId, nonce,
                                   contracts::testing::kGenesisTimeMs, payload, KeyNamed(signer)));
  }

 private:
  std::map<std::string, uint64_t> nonces_;
};

std::string IdOf(const Bytes& transaction) {
  return crypto::HexEncode(crypto::Sha256Of(transaction).view());
}

contracts::StudyAnchor Anchor(const std::string& study, const std::string& pseudonym) {
  contracts::StudyAnchor anchor;
  anchor.study_key = DigestNamed(study);
  anchor.pseudonym = DigestNamed(pseudonym);
  anchor.study_root = DigestNamed(study + "/root");
  anchor.instance_count = 120;
  anchor.total_bytes = 64'000'000;
  anchor.modalities = {"CT"};
  return anchor;
}

// Keeps every log line's message, for tests that look for one exact line.
class CapturedLog : public spdlog::sinks::base_sink<std::mutex> {
 public:
  bool Contains(const std::string& line) {
    std::lock_guard lock(mutex_);
    return std::find(lines_.begin(), lines_.end(), line) != lines_.end();
  }

  // Waits up to `timeout` for `line`; on a timeout the failure lists the lines seen.
  bool WaitFor(const std::string& line, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Contains(line)) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::lock_guard lock(mutex_);
    std::string seen;
    for (const std::string& logged : lines_) {
      seen += logged + "\n";
    }
    ADD_FAILURE() << "no log line \"" << line << "\" among:\n" << seen;
    return false;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    lines_.emplace_back(message.payload.data(), message.payload.size());
  }

  void flush_() override {}

 private:
  std::vector<std::string> lines_;  // Guarded by mutex_.
};

// Routes the default logger to a CapturedLog while in scope.
class LogCapture {
 public:
  LogCapture() : log_(std::make_shared<CapturedLog>()), previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("captured", log_);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
  }

  ~LogCapture() { spdlog::set_default_logger(previous_); }

  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  CapturedLog& log() { return *log_; }

 private:
  std::shared_ptr<CapturedLog> log_;
  std::shared_ptr<spdlog::logger> previous_;
};

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (size_t i = 0; i < kNodeCount; ++i) {
      folders_.push_back(std::make_unique<TempDirectory>());
      nodes_.push_back(nullptr);
      ports_.push_back(0);
    }
    for (size_t i = 0; i < kNodeCount; ++i) {
      StartNode(i);
    }
  }

  void TearDown() override {
    for (std::unique_ptr<Node>& node : nodes_) {
      node.reset();
    }
  }

  // Captures the log from before the first node starts, so no line is missed.
  LogCapture capture_;

  // Opens node `index` from its folder, starts it, and sets its port as the peer address in
  // every running node.
  void StartNode(size_t index) {
    NodeOptions options;
    options.data_path = folders_[index]->path() / "ledger";
    options.genesis = genesis_;
    for (size_t peer = 0; peer < kNodeCount; ++peer) {
      if (peer != index) {
        options.peers.push_back({KeyNamed(ValidatorName(peer)).public_key(), "127.0.0.1",
                                 nodes_[peer] == nullptr ? uint16_t{0} : ports_[peer]});
      }
    }
    Result<std::unique_ptr<Node>> node =
        Node::Open(std::move(options), KeyNamed(ValidatorName(index)));
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    Status started = (*node)->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    nodes_[index] = std::move(*node);
    ports_[index] = nodes_[index]->listen_port();
    for (size_t peer = 0; peer < kNodeCount; ++peer) {
      if (peer != index && nodes_[peer] != nullptr) {
        Status status =
            nodes_[peer]->SetPeerAddress({nodes_[index]->public_key(), "127.0.0.1", ports_[index]});
        ASSERT_TRUE(status.ok()) << status.ToString();
      }
    }
  }

  void StopNode(size_t index) { nodes_[index].reset(); }

  void Submit(const Bytes& transaction, size_t node = 0) {
    expected_tree_size_ += 1;
    Status submitted = nodes_[node]->Submit(transaction);
    ASSERT_TRUE(submitted.ok()) << submitted.ToString();
  }

  // Waits until every running node has committed all submitted transactions and the nodes'
  // last headers are equal.
  bool WaitForAgreement() {
    auto deadline = std::chrono::steady_clock::now() + kAgreementTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (RunningNodesAgree()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (size_t i = 0; i < kNodeCount; ++i) {
      if (nodes_[i] != nullptr) {
        NodeSnapshot snapshot = nodes_[i]->Snapshot();
        ADD_FAILURE() << "node " << i << " height=" << snapshot.height
                      << " tree_size=" << snapshot.last_header.tree_size
                      << " view=" << snapshot.view << " failed=" << snapshot.failed;
      }
    }
    return false;
  }

  bool RunningNodesAgree() const {
    std::optional<ledger::BlockHeader> first;
    for (const std::unique_ptr<Node>& node : nodes_) {
      if (node == nullptr) {
        continue;
      }
      NodeSnapshot snapshot = node->Snapshot();
      if (snapshot.last_header.tree_size != expected_tree_size_) {
        return false;
      }
      if (first.has_value() && *first != snapshot.last_header) {
        return false;
      }
      first = snapshot.last_header;
    }
    return true;
  }

  // Stops every node and reads each one's committed blocks back from its folder.
  std::vector<std::vector<consensus::TransferBlock>> StopAndReadBlocks() {
    std::vector<std::vector<consensus::TransferBlock>> all;
    for (size_t i = 0; i < kNodeCount; ++i) {
      StopNode(i);
      Result<std::unique_ptr<ledger::BlockStore>> store =
          ledger::BlockStore::Open((folders_[i]->path() / "ledger").string());
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      std::vector<consensus::TransferBlock> blocks;
      for (uint64_t height = 1; store.ok() && height <= (*store)->height(); ++height) {
        Result<ledger::CommitCertificate> certificate = (*store)->ReadCertificate(height);
        Result<std::vector<ledger::LogLeaf>> entries = (*store)->ReadEntries(height);
        EXPECT_TRUE(certificate.ok()) << certificate.status().ToString();
        EXPECT_TRUE(entries.ok()) << entries.status().ToString();
        if (!certificate.ok() || !entries.ok()) {
          break;
        }
        consensus::TransferBlock block;
        block.certificate = *certificate;
        for (const ledger::LogLeaf& leaf : *entries) {
          block.transactions.push_back(leaf.transaction);
          result_codes_[i][IdOf(leaf.transaction)] = leaf.result_code;
        }
        blocks.push_back(std::move(block));
      }
      all.push_back(std::move(blocks));
    }
    return all;
  }

  uint32_t CodeOf(size_t node, const Bytes& transaction) {
    auto found = result_codes_[node].find(IdOf(transaction));
    EXPECT_NE(found, result_codes_[node].end()) << "transaction not committed on node " << node;
    return found == result_codes_[node].end() ? ~0u : found->second;
  }

  contracts::Genesis genesis_ = ClusterGenesis();
  std::vector<std::unique_ptr<TempDirectory>> folders_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<uint16_t> ports_;
  std::map<size_t, std::map<std::string, uint32_t>> result_codes_;  // By transaction id in hex.
  uint64_t expected_tree_size_ = 0;
  Signer signer_;
};

TEST_F(ClusterTest, RestartedNodeCatchesUpAndAgrees) {
  using contracts::MemberEnroll;
  using contracts::PatientEnroll;
  using contracts::Role;

  // Staff first, each wave committed before the next depends on it.
  Bytes registrar = signer_.Sign(
      "admin-a",
      MemberEnroll{KeyNamed("registrar-a").public_key(), "hospital-a", {Role::kRegistrar}});
  Bytes technician = signer_.Sign(
      "admin-a",
      MemberEnroll{KeyNamed("technician-a").public_key(), "hospital-a", {Role::kTechnician}});
  Submit(registrar);
  Submit(technician);
  ASSERT_TRUE(WaitForAgreement());

  std::vector<Bytes> patients;
  for (int i = 0; i < 8; ++i) {
    std::string name = "patient-" + std::to_string(i);
    patients.push_back(signer_.Sign(
        "registrar-a",
        PatientEnroll{DigestNamed("pseudonym-" + std::to_string(i)), KeyNamed(name).public_key()}));
    Submit(patients.back());
  }
  Bytes duplicate_patient = signer_.Sign(
      "registrar-a", PatientEnroll{DigestNamed("pseudonym-0"), KeyNamed("patient-x").public_key()});
  Submit(duplicate_patient);
  Bytes technician_enrolls =
      signer_.Sign("technician-a",
                   PatientEnroll{DigestNamed("pseudonym-t"), KeyNamed("patient-t").public_key()});
  Submit(technician_enrolls);
  ASSERT_TRUE(WaitForAgreement());

  // Node 3 misses the next blocks; the other three are a quorum and keep committing.
  uint64_t height_at_stop = nodes_[3]->Snapshot().height;
  StopNode(3);
  std::vector<Bytes> anchors;
  for (int i = 0; i < 40; ++i) {
    anchors.push_back(signer_.Sign("technician-a", Anchor("study-" + std::to_string(i),
                                                          "pseudonym-" + std::to_string(i % 8))));
    Submit(anchors.back());
    if (i % 5 == 4) {
      ASSERT_TRUE(WaitForAgreement());
    }
  }
  ledger::BlockHeader header_while_down = nodes_[0]->Snapshot().last_header;
  EXPECT_EQ(header_while_down.tree_size, 52u);
  // The restarted node must fetch the blocks it missed.
  EXPECT_GT(header_while_down.height, height_at_stop);

  StartNode(3);
  Bytes after_restart = signer_.Sign("technician-a", Anchor("study-final", "pseudonym-1"));
  Submit(after_restart);
  ASSERT_TRUE(WaitForAgreement());

  std::vector<std::vector<consensus::TransferBlock>> blocks = StopAndReadBlocks();
  // Each node assembles its own certificate from the first 2f+1 Commits it receives, so the
  // signer sets may differ; the headers and transactions may not.
  std::vector<crypto::PublicKey> validators = ConsensusConfigOf(genesis_).validators;
  for (size_t i = 0; i < kNodeCount; ++i) {
    ASSERT_EQ(blocks[i].size(), blocks[0].size()) << "node " << i;
    for (size_t b = 0; b < blocks[i].size(); ++b) {
      const consensus::TransferBlock& block = blocks[i][b];
      EXPECT_EQ(block.certificate.header, blocks[0][b].certificate.header)
          << "node " << i << " height " << b + 1;
      EXPECT_TRUE(block.transactions == blocks[0][b].transactions)
          << "node " << i << " height " << b + 1;
      Status certificate = ledger::VerifyCommitCertificate(
          block.certificate, genesis_.network_id, validators, ledger::QuorumSize(kNodeCount));
      EXPECT_TRUE(certificate.ok()) << "node " << i << ": " << certificate.ToString();
    }
  }
  for (size_t i = 0; i < kNodeCount; ++i) {
    EXPECT_EQ(CodeOf(i, registrar), 0u);
    EXPECT_EQ(CodeOf(i, technician), 0u);
    for (const Bytes& patient : patients) {
      EXPECT_EQ(CodeOf(i, patient), 0u);
    }
    EXPECT_EQ(CodeOf(i, duplicate_patient), static_cast<uint32_t>(RejectCode::kAlreadyExists));
    EXPECT_EQ(CodeOf(i, technician_enrolls), static_cast<uint32_t>(RejectCode::kMissingRole));
    for (const Bytes& anchor : anchors) {
      EXPECT_EQ(CodeOf(i, anchor), 0u);
    }
    EXPECT_EQ(CodeOf(i, after_restart), 0u);
    EXPECT_EQ(result_codes_[i].size(), expected_tree_size_);
  }
}

TEST_F(ClusterTest, WholeClusterRestartsAndKeepsCommitting) {
  using contracts::MemberEnroll;
  using contracts::PatientEnroll;
  using contracts::Role;

  Bytes registrar = signer_.Sign(
      "admin-a",
      MemberEnroll{KeyNamed("registrar-a").public_key(), "hospital-a", {Role::kRegistrar}});
  Submit(registrar);
  // The primary orders a block by signer key, so a dependent transaction of another signer
  // waits until the registrar's enrollment has committed.
  ASSERT_TRUE(WaitForAgreement());
  std::vector<Bytes> before;
  for (int i = 0; i < 12; ++i) {
    before.push_back(signer_.Sign(
        "registrar-a", PatientEnroll{DigestNamed("pseudonym-" + std::to_string(i)),
                                     KeyNamed("patient-" + std::to_string(i)).public_key()}));
    Submit(before.back());
  }
  ASSERT_TRUE(WaitForAgreement());
  ledger::BlockHeader header_before = nodes_[0]->Snapshot().last_header;

  for (size_t i = 0; i < kNodeCount; ++i) {
    StopNode(i);
  }
  for (size_t i = 0; i < kNodeCount; ++i) {
    StartNode(i);
  }
  for (size_t i = 0; i < kNodeCount; ++i) {
    EXPECT_EQ(nodes_[i]->Snapshot().last_header, header_before) << "node " << i;
  }

  // A replayed transaction must not commit twice; a new nonce from the same signer commits.
  Bytes after = signer_.Sign("registrar-a", PatientEnroll{DigestNamed("pseudonym-after"),
                                                          KeyNamed("patient-after").public_key()});
  // The replay is well-formed and signed, so Submit queues it; the replica drops it.
  Status replay = nodes_[0]->Submit(before[0]);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
  Submit(after);
  ASSERT_TRUE(WaitForAgreement());

  StopAndReadBlocks();
  for (size_t i = 0; i < kNodeCount; ++i) {
    EXPECT_EQ(CodeOf(i, registrar), 0u);
    for (const Bytes& patient : before) {
      EXPECT_EQ(CodeOf(i, patient), 0u);
    }
    EXPECT_EQ(CodeOf(i, after), 0u);
    EXPECT_EQ(result_codes_[i].size(), expected_tree_size_);
  }
}

TEST_F(ClusterTest, LogsNameSequenceViewAndPeer) {
  using contracts::MemberEnroll;
  using contracts::Role;
  CapturedLog& log = capture_.log();

  Submit(signer_.Sign(
      "admin-a",
      MemberEnroll{KeyNamed("registrar-a").public_key(), "hospital-a", {Role::kRegistrar}}));
  ASSERT_TRUE(WaitForAgreement());
  for (size_t i = 0; i < kNodeCount; ++i) {
    EXPECT_TRUE(log.Contains("event=block_committed replica=" + std::to_string(i) +
                             " height=1 view=0 seq=1 transactions=1"))
        << "node " << i;
  }

  // Without the primary of view 0 the backups time out and move to view 1, whose primary is
  // validator 1. The block proposed there carries view 1.
  StopNode(0);
  Submit(signer_.Sign("admin-a", MemberEnroll{KeyNamed("technician-a").public_key(),
                                              "hospital-a",
                                              {Role::kTechnician}}),
         1);
  ASSERT_TRUE(WaitForAgreement());
  for (size_t i = 1; i < kNodeCount; ++i) {
    std::string replica = "replica=" + std::to_string(i);
    EXPECT_TRUE(log.Contains("event=view_changed " + replica +
                             " height=1 view=1 seq=1 stable_seq=0 previous_view=0"))
        << "node " << i;
    EXPECT_TRUE(
        log.Contains("event=block_committed " + replica + " height=2 view=1 seq=2 transactions=1"))
        << "node " << i;
  }

  // A transport with the stopped validator's key sends bytes that are no PBFT message.
  network::TransportConfig config;
  config.network_id = PeerNetworkName(genesis_);
  config.validators = ConsensusConfigOf(genesis_).validators;
  config.peers = {{nodes_[1]->public_key(), "127.0.0.1", ports_[1]}};
  network::EventQueue impostor_events;
  network::PeerTransport impostor(std::move(config), KeyNamed(ValidatorName(0)),
                                  impostor_events.Handlers());
  ASSERT_TRUE(impostor.Start().ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (impostor.connected_peers() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(impostor.connected_peers(), 1u);
  ASSERT_TRUE(impostor.Send(nodes_[1]->public_key(), Bytes{0xff, 0x01}).ok());
  EXPECT_TRUE(log.WaitFor(
      "event=messages_rejected replica=1 height=2 view=1 peer=0 reason=malformed count=1",
      std::chrono::seconds(10)));
  impostor.Stop();
}

}  // namespace
}  // namespace imledger::node
