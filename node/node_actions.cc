// The replica thread's side of Node: how each consensus action reaches the store, the engine,
// the timers and the transport. Everything here runs on the replica thread (or in Start,
// before that thread exists).

#include <algorithm>
#include <utility>
#include <variant>

#include <spdlog/spdlog.h>

#include "crypto/encoding.h"
#include "node/log_fields.h"
#include "node/node.h"

namespace imledger::node {

void Node::Apply(consensus::Actions actions) {
  for (consensus::Action& action : actions) {
    if (failed()) {
      return;
    }
    if (Status status = ApplyOne(action); !status.ok()) {
      Fail(status);
      return;
    }
  }
}

Status Node::ApplyOne(consensus::Action& action) {
  if (auto* send = std::get_if<consensus::SendAction>(&action)) {
    Send(send->to, std::move(send->message));
  } else if (auto* broadcast = std::get_if<consensus::BroadcastAction>(&action)) {
    std::string fields = MessageLogFields(broadcast->message);
    if (Status status = transport_->Broadcast(std::move(broadcast->message)); !status.ok()) {
      spdlog::warn("event=broadcast_failed replica={} height={} view={} {} error=\"{}\"",
                   replica_->index(), store_->height(), replica_->view(), fields,
                   status.ToString());
    }
  } else if (auto* persist = std::get_if<consensus::PersistAction>(&action)) {
    return replica_store_->Write(persist->writes, persist->sync);
  } else if (auto* execute = std::get_if<consensus::ExecuteAction>(&action)) {
    return Execute(*execute);
  } else if (auto* commit = std::get_if<consensus::CommitBlockAction>(&action)) {
    return CommitBlock(*commit);
  } else if (auto* read = std::get_if<consensus::ReadBlocksAction>(&action)) {
    return ReadBlocks(*read);
  } else if (auto* timer = std::get_if<consensus::SetTimerAction>(&action)) {
    SetTimer(*timer);
  }
  return Status::Ok();
}

Status Node::Execute(const consensus::ExecuteAction& execute) {
  Result<TentativeBlock> block =
      ExecuteOnCommitted(execute.height, execute.view, execute.time_ms, execute.transactions);
  if (!block.ok()) {
    if (block.status().code() == StatusCode::kIoError) {
      return block.status();
    }
    // The proposal cannot be executed (for example a block time before its parent's). Without
    // an OnExecuted call the replica makes no progress on it and changes view.
    spdlog::warn("event=execute_failed replica={} height={} view={} seq={} error=\"{}\"",
                 replica_->index(), store_->height(), execute.view, execute.height,
                 block.status().ToString());
    return Status::Ok();
  }
  ledger::BlockHeader header = block->header;
  tentative_ = std::move(*block);
  Apply(replica_->OnExecuted(execute.height, header, NowMs()));
  return Status::Ok();
}

Result<Node::TentativeBlock> Node::ExecuteOnCommitted(uint64_t height, uint64_t view,
                                                      uint64_t time_ms,
                                                      std::vector<Bytes> transactions) {
  if (height != store_->height() + 1) {
    return Status::FailedPrecondition("cannot execute height " + std::to_string(height) +
                                      " on a store at height " + std::to_string(store_->height()));
  }
  TentativeBlock block;
  block.height = height;
  block.transactions = std::move(transactions);
  Result<contracts::BlockExecution> execution =
      engine_->ExecuteBlock(height, time_ms, block.transactions, block.state_writes);
  if (!execution.ok()) {
    return execution.status();
  }
  block.entries.reserve(block.transactions.size());
  for (size_t i = 0; i < block.transactions.size(); ++i) {
    block.entries.push_back(
        ledger::LogLeaf{block.transactions[i], execution->results[i].code_value()});
  }
  block.header = store_->NextHeader(block.entries, view, time_ms, execution->state_digest);
  return block;
}

Status Node::CommitBlock(consensus::CommitBlockAction& commit) {
  const ledger::BlockHeader& header = commit.certificate.header;
  bool reuse_tentative = tentative_.has_value() && tentative_->header == header &&
                         tentative_->transactions == commit.transactions;
  if (!reuse_tentative) {
    // This process did not execute the certified block, for example because it restarted in
    // between. The state writes are computed again and must produce the certified header.
    Result<TentativeBlock> block =
        ExecuteOnCommitted(header.height, header.view, header.time_ms, commit.transactions);
    if (!block.ok()) {
      return block.status();
    }
    if (block->header != header) {
      return Status::Corruption(
          "executing certified block " + std::to_string(header.height) + " gives state digest " +
          crypto::HexEncode(block->header.state_digest.view()) + ", not the certified one");
    }
    tentative_ = std::move(*block);
  }

  leveldb::WriteBatch batch = std::move(tentative_->state_writes);
  if (Status status = LevelDbReplicaStore::AddToBatch(commit.writes, batch); !status.ok()) {
    return status;
  }
  if (Status status = store_->Append(commit.certificate, tentative_->entries, &batch);
      !status.ok()) {
    return status;
  }
  // A block commits at the sequence equal to its height; `view` is the proposal's view.
  spdlog::info("event=block_committed replica={} height={} view={} seq={} transactions={}",
               replica_->index(), header.height, header.view, header.height,
               commit.transactions.size());
  PublishSnapshot();
  NotifyCommit(header, tentative_->entries);
  tentative_.reset();
  return Status::Ok();
}

void Node::NotifyCommit(const ledger::BlockHeader& header,
                        std::span<const ledger::LogLeaf> entries) {
  CommittedBlock block;
  block.height = header.height;
  block.header = header;
  uint64_t first_log_index = header.tree_size - entries.size();
  for (size_t i = 0; i < entries.size(); ++i) {
    block.transactions.push_back(
        {crypto::Sha256Of(entries[i].transaction), i, first_log_index + i, entries[i].result_code});
  }
  {
    std::lock_guard lock(mutex_);
    committed_transactions_ += entries.size();
  }
  std::vector<CommitObserver> observers;
  {
    std::lock_guard lock(observers_mutex_);
    observers = observers_;
  }
  for (const CommitObserver& observer : observers) {
    observer(block);
  }
}

Status Node::ReadBlocks(const consensus::ReadBlocksAction& read) {
  std::vector<consensus::TransferBlock> blocks;
  uint64_t first = std::max<uint64_t>(read.from_height, 1);
  for (uint64_t height = first;
       height < read.from_height + read.max_count && height <= store_->height(); ++height) {
    Result<ledger::CommitCertificate> certificate = store_->ReadCertificate(height);
    if (!certificate.ok()) {
      return certificate.status();
    }
    Result<std::vector<ledger::LogLeaf>> entries = store_->ReadEntries(height);
    if (!entries.ok()) {
      return entries.status();
    }
    consensus::TransferBlock block;
    block.certificate = std::move(*certificate);
    for (ledger::LogLeaf& entry : *entries) {
      block.transactions.push_back(std::move(entry.transaction));
    }
    blocks.push_back(std::move(block));
  }
  spdlog::info("event=state_transfer_read replica={} height={} view={} peer={} seq={} blocks={}",
               replica_->index(), store_->height(), replica_->view(), read.peer, first,
               blocks.size());
  Apply(replica_->OnBlocksRead(read.peer, std::move(blocks), NowMs()));
  return Status::Ok();
}

void Node::SetTimer(const consensus::SetTimerAction& timer) {
  // The replica's clock is the wall clock. The wait is measured on the steady clock, so a clock
  // step neither fires nor starves a timer.
  uint64_t now_ms = NowMs();
  uint64_t delay_ms = timer.deadline_ms > now_ms ? timer.deadline_ms - now_ms : 0;
  timers_[static_cast<size_t>(timer.kind)] =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
}

void Node::Send(uint32_t to, Bytes message) {
  const std::vector<contracts::GenesisValidator>& validators = options_.genesis.validators;
  if (to >= validators.size()) {
    spdlog::error(
        "event=send_failed replica={} height={} view={} peer={} {} error=\"no such validator\"",
        replica_->index(), store_->height(), replica_->view(), to, MessageLogFields(message));
    return;
  }
  std::string fields = MessageLogFields(message);
  if (Status status = transport_->Send(validators[to].public_key, std::move(message));
      !status.ok()) {
    spdlog::warn("event=send_failed replica={} height={} view={} peer={} {} error=\"{}\"",
                 replica_->index(), store_->height(), replica_->view(), to, fields,
                 status.ToString());
  }
}

void Node::Fail(const Status& status) {
  spdlog::error("event=replica_thread_failed replica={} height={} view={} error=\"{}\"",
                replica_->index(), store_->height(), replica_->view(), status.ToString());
  std::lock_guard lock(mutex_);
  snapshot_.failed = true;
}

bool Node::failed() const {
  std::lock_guard lock(mutex_);
  return snapshot_.failed;
}

}  // namespace imledger::node
