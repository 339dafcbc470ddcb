#include "network/send_queue.h"

#include <gtest/gtest.h>

#include "network/backoff.h"
#include "network/rate_limited_log.h"

namespace imledger::network {
namespace {

SharedBytes Message(size_t size, uint8_t fill) {
  return std::make_shared<const Bytes>(size, fill);
}

TEST(SendQueue, CountOverflowDropsOldest) {
  SendQueue queue(3, 1000);
  EXPECT_EQ(queue.Push(Message(1, 1)), 0u);
  EXPECT_EQ(queue.Push(Message(1, 2)), 0u);
  EXPECT_EQ(queue.Push(Message(1, 3)), 0u);
  EXPECT_EQ(queue.Push(Message(1, 4)), 1u);
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.Pop()->front(), 2);
  EXPECT_EQ(queue.Pop()->front(), 3);
  EXPECT_EQ(queue.Pop()->front(), 4);
  EXPECT_TRUE(queue.empty());
}

TEST(SendQueue, ByteOverflowDropsOldestUntilItFits) {
  SendQueue queue(100, 10);
  EXPECT_EQ(queue.Push(Message(4, 1)), 0u);
  EXPECT_EQ(queue.Push(Message(4, 2)), 0u);
  EXPECT_EQ(queue.Push(Message(6, 3)), 1u);
  EXPECT_EQ(queue.queued_bytes(), 10u);
  EXPECT_EQ(queue.Pop()->front(), 2);
  EXPECT_EQ(queue.queued_bytes(), 6u);
}

TEST(SendQueue, MessageLargerThanByteBoundIsKeptAlone) {
  SendQueue queue(100, 10);
  EXPECT_EQ(queue.Push(Message(3, 1)), 0u);
  EXPECT_EQ(queue.Push(Message(50, 2)), 1u);
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue.queued_bytes(), 50u);
}

TEST(SendQueue, ClearReturnsDroppedCount) {
  SendQueue queue(10, 100);
  ASSERT_EQ(queue.Push(Message(1, 1)), 0u);
  ASSERT_EQ(queue.Push(Message(1, 2)), 0u);
  EXPECT_EQ(queue.Clear(), 2u);
  EXPECT_EQ(queue.queued_bytes(), 0u);
}

TEST(Backoff, DelaysDoubleWithinJitterAndStayCapped) {
  const uint64_t seed = 42;
  SCOPED_TRACE("seed=" + std::to_string(seed));
  Backoff backoff(100, 1000, seed);
  const uint32_t expected_caps[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (uint32_t cap : expected_caps) {
    uint32_t delay = backoff.NextDelayMs();
    EXPECT_GE(delay, cap / 2) << "cap " << cap;
    EXPECT_LE(delay, cap) << "cap " << cap;
  }
}

TEST(Backoff, ResetStartsOver) {
  Backoff backoff(100, 1000, 7);
  for (int i = 0; i < 5; ++i) {
    (void)backoff.NextDelayMs();
  }
  backoff.Reset();
  EXPECT_EQ(backoff.attempt(), 0u);
  EXPECT_LE(backoff.NextDelayMs(), 100u);
}

TEST(RateLimitedLog, SuppressesWithinIntervalAndReportsCount) {
  RateLimitedLog log(std::chrono::milliseconds(1000));
  auto start = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  uint64_t suppressed = 99;
  EXPECT_TRUE(log.Allow("bad_signature", start, suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_FALSE(log.Allow("bad_signature", start + std::chrono::milliseconds(10), suppressed));
  EXPECT_FALSE(log.Allow("bad_signature", start + std::chrono::milliseconds(20), suppressed));
  EXPECT_TRUE(log.Allow("unknown_key", start + std::chrono::milliseconds(30), suppressed));
  EXPECT_TRUE(log.Allow("bad_signature", start + std::chrono::milliseconds(1001), suppressed));
  EXPECT_EQ(suppressed, 2u);
}

}  // namespace
}  // namespace imledger::network
