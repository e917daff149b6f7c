// The reader against damaged and hostile files: every case ends in a clear
// Corruption naming the offset, never a crash, a hang or a huge allocation.
#include "binlog/binlog_file_reader.h"

#include <gtest/gtest.h>

#include "binlog/crc32.h"
#include "support/event_builder.h"

namespace sidecar::binlog {
namespace {

using testing::BinlogFileBuilder;
using testing::EventSpec;
using testing::QueryBody;
using testing::XidBody;

struct WalkResult {
  int events = 0;
  Status status;
  uint64_t error_offset = 0;
};

WalkResult Walk(const std::string& path, BinlogFileReader::Options options = {}) {
  WalkResult result;
  auto reader = BinlogFileReader::Open(path, options);
  if (!reader.ok()) {
    result.status = reader.status();
    return result;
  }
  EventView event;
  for (;;) {
    auto next = (*reader)->Next(&event);
    if (!next.ok()) {
      result.status = next.status();
      result.error_offset = (*reader)->error_offset();
      return result;
    }
    if (!next.value()) return result;
    ++result.events;
  }
}

BinlogFileBuilder SmallTransaction() {
  BinlogFileBuilder file(testing::kMariadbFdeFixture);
  file.Add({.type = EventType::kQuery, .body = QueryBody("BEGIN")});
  file.Add({.type = EventType::kQuery, .body = QueryBody("INSERT INTO t VALUES (1)")});
  file.Add({.type = EventType::kXid, .body = XidBody(42)});
  return file;
}

void SetU32(std::vector<uint8_t>& bytes, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = uint8_t(v >> (8 * i));
}

TEST(BinlogFileReaderTest, WalksAWellFormedFile) {
  const WalkResult r = Walk(SmallTransaction().WriteTemp("whole"));
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.events, 4);
}

TEST(BinlogFileReaderTest, GrowsItsBufferForEventsLargerThanIt) {
  BinlogFileBuilder file = SmallTransaction();
  file.Add({.type = EventType::kQuery, .body = QueryBody(std::string(100000, 'x'))});
  const WalkResult r = Walk(file.WriteTemp("large"), {.buffer_size = 64});
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.events, 5);
}

TEST(BinlogFileReaderTest, MagicOnlyIsAnEmptyWholeFile) {
  BinlogFileBuilder file(testing::kMariadbFdeFixture);
  file.bytes().resize(4);
  const WalkResult r = Walk(file.WriteTemp("magic"));
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(r.events, 0);
}

TEST(BinlogFileReaderTest, EmptyAndShortFilesAndBadMagic) {
  BinlogFileBuilder file(testing::kMariadbFdeFixture);
  file.bytes().resize(0);
  EXPECT_EQ(Walk(file.WriteTemp("empty")).status.code(), Status::Code::kCorruption);
  file.bytes() = {0xFE, 'b'};
  EXPECT_EQ(Walk(file.WriteTemp("short")).status.code(), Status::Code::kCorruption);
  file.bytes() = {'G', 'I', 'F', '8', '9', 'a', 0, 0};
  const WalkResult r = Walk(file.WriteTemp("magic"));
  EXPECT_NE(r.status.message().find("magic"), std::string::npos) << r.status.message();
}

TEST(BinlogFileReaderTest, MissingFileIsAnIoError) {
  const WalkResult r = Walk("/nonexistent/mysql-bin.000001");
  EXPECT_EQ(r.status.code(), Status::Code::kIOError);
  EXPECT_NE(r.status.message().find("/nonexistent/mysql-bin.000001"), std::string::npos);
}

// Event lengths 0, 18 and 2^32-1 in the event after the FDE.
class BadEventLengthTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(BadEventLengthTest, IsACorruptionAtThatEvent) {
  BinlogFileBuilder file = SmallTransaction();
  const uint64_t second = 4 + LoadLe32(file.bytes().data() + 4 + 9);
  SetU32(file.bytes(), second + 9, GetParam());
  const WalkResult r = Walk(file.WriteTemp("length"));
  EXPECT_EQ(r.status.code(), Status::Code::kCorruption) << r.status.ToString();
  EXPECT_EQ(r.error_offset, second);
  EXPECT_EQ(r.events, 1);
}

INSTANTIATE_TEST_SUITE_P(Lengths, BadEventLengthTest,
                         ::testing::Values(0u, 18u, 0xFFFFFFFFu, 1u << 30, 1000u));

TEST(BinlogFileReaderTest, NextPositionGoingBackwardsIsACorruption) {
  BinlogFileBuilder file(testing::kMariadbFdeFixture);
  file.Add({.type = EventType::kQuery, .body = QueryBody("BEGIN")});
  const uint64_t xid_offset = file.position();
  file.Add({.type = EventType::kXid, .body = XidBody(1)});
  // Rewrite the XID's next_position to point before itself, with a valid CRC,
  // so only the position rule can catch it.
  std::vector<uint8_t> event(file.bytes().begin() + xid_offset, file.bytes().end());
  SetU32(event, 13, 100);
  const uint32_t crc = ExpectedEventCrc(event);
  SetU32(event, event.size() - 4, crc);
  std::copy(event.begin(), event.end(), file.bytes().begin() + xid_offset);
  const WalkResult r = Walk(file.WriteTemp("backwards"));
  EXPECT_EQ(r.error_offset, xid_offset);
  EXPECT_NE(r.status.message().find("says the next event is at 100"), std::string::npos)
      << r.status.message();
}

TEST(BinlogFileReaderTest, EveryFlippedByteIsCaughtByTheCrcOrTheFraming) {
  const BinlogFileBuilder whole = SmallTransaction();
  for (size_t at = 4; at < whole.position(); ++at) {
    BinlogFileBuilder file = whole;
    file.bytes()[at] ^= 0x5A;
    const WalkResult r = Walk(file.WriteTemp("flip"));
    EXPECT_FALSE(r.status.ok()) << "flipping byte " << at << " went unnoticed";
  }
}

TEST(BinlogFileReaderTest, EveryTruncationIsReportedAtTheCutEvent) {
  const BinlogFileBuilder whole = SmallTransaction();
  std::vector<uint64_t> starts;
  for (uint64_t at = 4; at < whole.position(); at += LoadLe32(whole.bytes().data() + at + 9)) {
    starts.push_back(at);
  }
  for (size_t size = 5; size < whole.position(); ++size) {
    BinlogFileBuilder file = whole;
    file.bytes().resize(size);
    const WalkResult r = Walk(file.WriteTemp("cut"));
    uint64_t cut_event = 0;
    for (uint64_t s : starts) {
      if (s <= size) cut_event = s;
    }
    if (cut_event == size) {
      EXPECT_TRUE(r.status.ok()) << "a cut at an event boundary leaves a whole file";
    } else {
      EXPECT_EQ(r.status.code(), Status::Code::kCorruption) << "cut at " << size;
      EXPECT_EQ(r.error_offset, cut_event) << "cut at " << size << ": " << r.status.message();
    }
  }
}

TEST(BinlogFileReaderTest, FirstEventMustBeAFormatDescription) {
  BinlogFileBuilder file(testing::kMariadbFdeFixture);
  file.bytes().resize(4);
  file.Add({.type = EventType::kQuery, .body = QueryBody("BEGIN")});
  const WalkResult r = Walk(file.WriteTemp("nofde"));
  EXPECT_EQ(r.status.code(), Status::Code::kUnsupported);
  EXPECT_EQ(r.error_offset, 4u);
}

TEST(BinlogFileReaderTest, NoMoreEventsAfterAFailure) {
  BinlogFileBuilder file = SmallTransaction();
  file.bytes().resize(file.position() - 3);
  auto reader = BinlogFileReader::Open(file.WriteTemp("after"));
  ASSERT_TRUE(reader.ok());
  EventView event;
  Result<bool> next = true;
  while ((next = (*reader)->Next(&event)).ok() && next.value()) {
  }
  EXPECT_FALSE(next.ok());
  EXPECT_FALSE((*reader)->Next(&event).ok());
}

}  // namespace
}  // namespace sidecar::binlog
