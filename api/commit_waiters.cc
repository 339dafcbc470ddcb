// Waiting for commits; see commit_waiters.h.

#include "api/commit_waiters.h"

#include <vector>

namespace imledger::api {

CommitWaiters::CommitWaiters(CommittedResponse committed, PendingResponse pending,
                             ApiMetrics& metrics, PendingLimits limits)
    : committed_(std::move(committed)),
      pending_(std::move(pending)),
      metrics_(metrics),
      limits_(limits) {
  timer_ = std::thread([this] { RunTimer(); });
}

CommitWaiters::~CommitWaiters() {
  std::map<uint64_t, Waiter> remaining;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    remaining.swap(waiters_);
    tokens_by_id_.clear();
  }
  wake_.notify_all();
  timer_.join();
  for (auto& [token, waiter] : remaining) {
    waiter.responder(pending_(waiter.id));
  }
}

uint64_t CommitWaiters::Wait(const crypto::Digest& id, network::HttpResponder responder,
                             Clock::time_point deadline) {
  uint64_t token = 0;
  {
    std::lock_guard lock(mutex_);
    token = next_token_++;
    waiters_.emplace(token, Waiter{id, std::move(responder), deadline});
    tokens_by_id_.emplace(id, token);
  }
  wake_.notify_all();
  return token;
}

std::optional<network::HttpResponder> CommitWaiters::Cancel(uint64_t token) {
  std::lock_guard lock(mutex_);
  auto found = waiters_.find(token);
  if (found == waiters_.end()) {
    return std::nullopt;
  }
  auto [first, last] = tokens_by_id_.equal_range(found->second.id);
  for (auto it = first; it != last; ++it) {
    if (it->second == token) {
      tokens_by_id_.erase(it);
      break;
    }
  }
  network::HttpResponder responder = std::move(found->second.responder);
  waiters_.erase(found);
  return responder;
}

void CommitWaiters::Track(const crypto::Digest& id, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ExpireOlderThanMaxAge(now);
  if (auto found = tracked_.find(id); found != tracked_.end()) {
    arrivals_.erase({found->second, id});
    tracked_.erase(found);
  }
  if (auto found = expired_.find(id); found != expired_.end()) {
    expired_order_.erase(found->second);
    expired_.erase(found);
  }
  while (!arrivals_.empty() && tracked_.size() >= limits_.max_entries) {
    auto [arrival, oldest] = *arrivals_.begin();
    Expire(oldest, arrival);
  }
  tracked_.emplace(id, now);
  arrivals_.emplace(now, id);
}

void CommitWaiters::Untrack(const crypto::Digest& id) {
  std::lock_guard lock(mutex_);
  if (auto found = tracked_.find(id); found != tracked_.end()) {
    arrivals_.erase({found->second, id});
    tracked_.erase(found);
  }
}

CommitWaiters::PendingState CommitWaiters::Lookup(const crypto::Digest& id, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ExpireOlderThanMaxAge(now);
  if (tracked_.contains(id)) {
    return PendingState::kPending;
  }
  return expired_.contains(id) ? PendingState::kExpired : PendingState::kUnknown;
}

void CommitWaiters::ExpireOlderThanMaxAge(Clock::time_point now) {
  while (!arrivals_.empty() && now - arrivals_.begin()->first >= limits_.max_age) {
    auto [arrival, oldest] = *arrivals_.begin();
    Expire(oldest, arrival);
  }
}

void CommitWaiters::Expire(const crypto::Digest& id, Clock::time_point arrival) {
  arrivals_.erase({arrival, id});
  tracked_.erase(id);
  while (!expired_order_.empty() && expired_.size() >= limits_.max_entries) {
    expired_.erase(expired_order_.begin()->second);
    expired_order_.erase(expired_order_.begin());
  }
  uint64_t order = next_expiry_++;
  expired_.emplace(id, order);
  expired_order_.emplace(order, id);
}

void CommitWaiters::OnCommit(const node::CommittedBlock& block) {
  std::vector<std::pair<network::HttpResponder, const node::CommittedTransaction*>> answers;
  Clock::time_point now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    for (const node::CommittedTransaction& transaction : block.transactions) {
      if (auto tracked = tracked_.find(transaction.id); tracked != tracked_.end()) {
        metrics_.ObserveCommitLatency(std::chrono::duration<double>(now - tracked->second).count());
        arrivals_.erase({tracked->second, transaction.id});
        tracked_.erase(tracked);
      }
      // A late commit: GET reads its status from the block store from now on.
      if (auto expired = expired_.find(transaction.id); expired != expired_.end()) {
        expired_order_.erase(expired->second);
        expired_.erase(expired);
      }
      auto [first, last] = tokens_by_id_.equal_range(transaction.id);
      for (auto it = first; it != last; ++it) {
        auto waiter = waiters_.find(it->second);
        answers.emplace_back(std::move(waiter->second.responder), &transaction);
        waiters_.erase(waiter);
      }
      tokens_by_id_.erase(first, last);
    }
  }
  // Responders post to the HTTP thread, so calling them here keeps the replica thread quick.
  for (auto& [responder, transaction] : answers) {
    responder(committed_(block, *transaction));
  }
}

void CommitWaiters::RunTimer() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    Clock::time_point now = Clock::now();
    std::optional<Clock::time_point> next;
    std::vector<Waiter> expired;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.deadline <= now) {
        auto [first, last] = tokens_by_id_.equal_range(it->second.id);
        for (auto token = first; token != last; ++token) {
          if (token->second == it->first) {
            tokens_by_id_.erase(token);
            break;
          }
        }
        expired.push_back(std::move(it->second));
        it = waiters_.erase(it);
        continue;
      }
      if (!next.has_value() || it->second.deadline < *next) {
        next = it->second.deadline;
      }
      ++it;
    }
    if (!expired.empty()) {
      lock.unlock();
      for (Waiter& waiter : expired) {
        waiter.responder(pending_(waiter.id));
      }
      lock.lock();
      continue;
    }
    if (next.has_value()) {
      wake_.wait_until(lock, *next);
    } else {
      wake_.wait(lock);
    }
  }
}

}  // namespace imledger::api
