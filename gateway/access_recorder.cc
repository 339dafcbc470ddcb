#include "gateway/access_recorder.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

namespace imledger::gateway {
namespace {

uint64_t NowMicroseconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

AccessRecorder::AccessRecorder(crypto::SecretKey key, std::string network_id, SubmitFunction submit,
                               uint32_t batch_max_events, uint32_t batch_interval_ms)
    : key_(std::move(key)),
      network_id_(std::move(network_id)),
      submit_(std::move(submit)),
      batch_max_events_(std::clamp<uint32_t>(batch_max_events, 1, contracts::kMaxAccessEvents)),
      batch_interval_ms_(std::max<uint32_t>(batch_interval_ms, 1)) {}

AccessRecorder::~AccessRecorder() {
  Stop();
}

void AccessRecorder::Start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (running_ || stopping_) {
    return;
  }
  running_ = true;
  thread_ = std::thread([this] { Run(); });
}

void AccessRecorder::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  Flush();
}

void AccessRecorder::Record(const contracts::AccessEvent& event) {
  bool full = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(event);
    full = queue_.size() >= batch_max_events_;
  }
  if (full) {
    wake_.notify_all();
  }
}

void AccessRecorder::Flush() {
  // Held from taking the queue to the last submit, so concurrent flushes keep the order.
  std::lock_guard<std::mutex> submit_lock(submit_mutex_);
  std::vector<contracts::AccessEvent> events;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events.swap(queue_);
  }
  while (!events.empty()) {
    size_t count = std::min<size_t>(events.size(), batch_max_events_);
    std::vector<contracts::AccessEvent> batch(events.begin(), events.begin() + count);
    events.erase(events.begin(), events.begin() + count);
    SubmitBatch(std::move(batch));
  }
}

uint64_t AccessRecorder::transactions_submitted() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return transactions_submitted_;
}

uint64_t AccessRecorder::events_submitted() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_submitted_;
}

void AccessRecorder::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(batch_interval_ms_),
                   [this] { return stopping_ || queue_.size() >= batch_max_events_; });
    if (stopping_) {
      break;
    }
    if (queue_.empty()) {
      continue;
    }
    lock.unlock();
    Flush();
    lock.lock();
  }
}

uint64_t AccessRecorder::NextNonce() {
  std::lock_guard<std::mutex> lock(mutex_);
  last_nonce_ = std::max(NowMicroseconds(), last_nonce_ + 1);
  return last_nonce_;
}

void AccessRecorder::SubmitBatch(std::vector<contracts::AccessEvent> events) {
  contracts::AccessRecord record;
  record.events = std::move(events);
  uint64_t nonce = NextNonce();
  contracts::Transaction transaction =
      contracts::MakeTransaction(network_id_, nonce, nonce / 1000, record, key_);
  size_t event_count = record.events.size();
  submit_(contracts::EncodeTransaction(transaction));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    transactions_submitted_ += 1;
    events_submitted_ += event_count;
  }
  spdlog::debug("event=access_record_submitted events={} nonce={} id={}", event_count, nonce,
                contracts::TransactionId(transaction).ToHex());
}

}  // namespace imledger::gateway
