// AppendAllowance (budget/append_allowance.h): what each event costs the
// store (StoredCost follows the writer's rules), no limit before a share is
// published, charges up to the room the keeper published and not one byte
// more, and the bound through a measurement taken while charges were not yet
// flushed (flushed first, then the files).
#include <gtest/gtest.h>

#include <vector>

#include "binlog/event_type.h"
#include "budget/append_allowance.h"

namespace sidecar::budget {
namespace {

using binlog::EventType;

// An event of `size` bytes (only the header fields StoredCost reads are set).
struct TestEvent {
  TestEvent(EventType type, size_t size, uint16_t flags = 0, uint32_t next_position = 1)
      : bytes(size) {
    view.header.type = uint8_t(type);
    view.header.event_size = uint32_t(size);
    view.header.flags = flags;
    view.header.next_position = next_position;
    view.bytes = bytes;
  }
  std::vector<uint8_t> bytes;
  binlog::EventView view;
};

TEST(StoredCostTest, FollowsWhatTheWriterStores) {
  EXPECT_EQ(StoredCost(TestEvent(EventType::kQuery, 100).view), 100u);
  EXPECT_EQ(StoredCost(TestEvent(EventType::kHeartbeat, 40).view), 0u);
  EXPECT_EQ(StoredCost(TestEvent(EventType::kHeartbeatV2, 40).view), 0u);
  // The next file's magic comes with a real ROTATE, and may with a dump's artificial one.
  EXPECT_EQ(StoredCost(TestEvent(EventType::kRotate, 50).view), 54u);
  EXPECT_EQ(StoredCost(TestEvent(EventType::kRotate, 50, binlog::kFlagArtificial).view), 4u);
  EXPECT_EQ(StoredCost(TestEvent(EventType::kQuery, 60, binlog::kFlagArtificial).view), 0u);
  // A FORMAT_DESCRIPTION resent by a dump (next_position 0) is not stored; a file's own is.
  EXPECT_EQ(StoredCost(TestEvent(EventType::kFormatDescription, 120, 0, 0).view), 0u);
  EXPECT_EQ(StoredCost(TestEvent(EventType::kFormatDescription, 120, 0, 124).view), 120u);
}

TEST(AppendAllowanceTest, UnlimitedUntilAShareIsPublished) {
  AppendAllowance allowance;
  EXPECT_EQ(allowance.room(), AppendAllowance::kUnlimited);
  EXPECT_TRUE(allowance.TryCharge(TestEvent(EventType::kQuery, 1 << 20).view));
  allowance.Publish(allowance.flushed(), 0, AppendAllowance::kUnlimited);
  EXPECT_TRUE(allowance.TryCharge(TestEvent(EventType::kQuery, 1 << 20).view));
}

TEST(AppendAllowanceTest, ChargesUpToTheShareAndNotOneByteMore) {
  AppendAllowance allowance;
  allowance.Publish(allowance.flushed(), 100, 150);
  EXPECT_EQ(allowance.room(), 50u);
  EXPECT_TRUE(allowance.TryCharge(TestEvent(EventType::kQuery, 40).view));
  EXPECT_EQ(allowance.room(), 10u);
  EXPECT_FALSE(allowance.TryCharge(TestEvent(EventType::kQuery, 11).view));
  EXPECT_EQ(allowance.last_refused(), 11u);
  EXPECT_EQ(allowance.room(), 10u);  // a refusal charges nothing
  EXPECT_TRUE(allowance.TryCharge(TestEvent(EventType::kHeartbeat, 40).view));
  EXPECT_TRUE(allowance.TryCharge(TestEvent(EventType::kQuery, 10).view));
  EXPECT_EQ(allowance.room(), 0u);
  EXPECT_FALSE(
      allowance.TryCharge(TestEvent(EventType::kRotate, 19, binlog::kFlagArtificial).view));
}

TEST(AppendAllowanceTest, AStoreAtOrOverItsShareHasNoRoom) {
  AppendAllowance allowance;
  allowance.Publish(allowance.flushed(), 150, 150);
  EXPECT_FALSE(allowance.TryCharge(TestEvent(EventType::kQuery, 19).view));
  allowance.Publish(allowance.flushed(), 400, 150);
  EXPECT_EQ(allowance.room(), 0u);
}

TEST(AppendAllowanceTest, ChargesNotYetFlushedAtAMeasurementStillCount) {
  AppendAllowance allowance;
  allowance.Publish(allowance.flushed(), 0, 1000);
  ASSERT_TRUE(allowance.TryCharge(TestEvent(EventType::kQuery, 300).view));
  allowance.MarkFlushed();  // the 300 bytes are in the files
  ASSERT_TRUE(allowance.TryCharge(TestEvent(EventType::kQuery, 200).view));  // not flushed
  // The keeper reads the flushed charge, then measures: 300 on disk (the 200 may or may not
  // be there yet). They count either way: 1000 - 300 - 200 left.
  const uint64_t flushed = allowance.flushed();
  allowance.Publish(flushed, 300, 1000);
  EXPECT_EQ(allowance.room(), 500u);
  // A purge frees 250: the next measurement gives it back.
  allowance.MarkFlushed();
  allowance.Publish(allowance.flushed(), 250, 1000);
  EXPECT_EQ(allowance.room(), 750u);
}

}  // namespace
}  // namespace sidecar::budget
