// BinlogStream on the events a real MariaDB 10.11 primary sent to a semi-sync replica
// (replica-gtid-semisync.pcap), and on damaged copies of them: a bad CRC or length is an
// error, never an event; EOF and ERR end the dump; sequence ids follow the primary's rule.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "binlog/event_type.h"
#include "protocol/constants.h"
#include "protocol/packet_codec.h"
#include "protocol_test_support.h"
#include "upstream/binlog_stream.h"

namespace sidecar::upstream {
namespace {

constexpr uint16_t kPrimaryPort = 23406;
constexpr uint16_t kReplicaPort = 41768;  // the GTID + semi-sync dump connection
constexpr uint64_t kCaps = protocol::kClientProtocol41;

// The primary's semi-sync event packets (0x00 0xEF ...) to the replica, in order.
std::vector<std::vector<uint8_t>> EventPackets() {
  const auto segments =
      testing::ReadPcapTcpSegments(std::string(SIDECAR_FIXTURES_DIR) +
                                   "/protocol/mariadb-10.11-captured/replica-gtid-semisync.pcap");
  std::vector<std::vector<uint8_t>> out;
  for (auto& p : testing::SplitPackets(testing::TcpStream(segments, kPrimaryPort, kReplicaPort))) {
    if (p.size() > 3 + 19 && p[0] == 0x00 && p[1] == 0xEF) out.push_back(std::move(p));
  }
  return out;
}

BinlogStream NewStream() {
  return BinlogStream("127.0.0.1:23406", kCaps, binlog::ChecksumAlgorithm::kCrc32, true);
}

TEST(UpstreamBinlogStreamTest, DecodesEveryCapturedEventAndItsAckRequests) {
  const auto packets = EventPackets();
  ASSERT_GT(packets.size(), 20u);
  BinlogStream stream = NewStream();
  int acks = 0;
  for (const auto& p : packets) {
    auto packet = stream.Decode(p);
    ASSERT_TRUE(packet.ok()) << packet.status().ToString();
    ASSERT_EQ(packet->kind, StreamPacket::Kind::kEvent);
    EXPECT_EQ(packet->event.bytes.size(), p.size() - 3);
    if (packet->ack_requested) {
      ++acks;
      if (acks == 1) {  // the first ACK the replica sent: mysql-bin.000001:1241
        EXPECT_EQ(stream.file(), "mysql-bin.000001");
        EXPECT_EQ(stream.position(), 1241u);
      }
    }
  }
  EXPECT_GE(acks, 7);
  EXPECT_EQ(stream.file(), "mysql-bin.000002");
}

TEST(UpstreamBinlogStreamTest, BadCrcIsAnErrorNamingTheEvent) {
  const auto packets = EventPackets();
  BinlogStream stream = NewStream();
  for (size_t i = 0; i < 5; ++i) ASSERT_TRUE(stream.Decode(packets[i]).ok());
  std::vector<uint8_t> bad = packets[5];
  bad[3 + 19 + 2] ^= 0x01;  // a body byte
  auto packet = stream.Decode(bad);
  ASSERT_FALSE(packet.ok());
  EXPECT_EQ(packet.status().code(), Status::Code::kCorruption);
  EXPECT_NE(packet.status().message().find("CRC32 mismatch"), std::string::npos)
      << packet.status().message();
  EXPECT_NE(packet.status().message().find("not stored"), std::string::npos);
}

TEST(UpstreamBinlogStreamTest, BadCrcOfTheFormatDescriptionIsAnError) {
  const auto packets = EventPackets();
  BinlogStream stream = NewStream();
  ASSERT_TRUE(stream.Decode(packets[0]).ok());  // the artificial ROTATE
  std::vector<uint8_t> fde = packets[1];
  ASSERT_EQ(fde[3 + 4], uint8_t(binlog::EventType::kFormatDescription));
  fde[3 + 19 + 10] ^= 0x20;  // inside the server version
  EXPECT_FALSE(stream.Decode(fde).ok());
}

TEST(UpstreamBinlogStreamTest, LengthDisagreeingWithThePacketIsAnError) {
  const auto packets = EventPackets();
  BinlogStream stream = NewStream();
  std::vector<uint8_t> longer = packets[0];
  longer.push_back(0);
  auto packet = stream.Decode(longer);
  ASSERT_FALSE(packet.ok());
  EXPECT_NE(packet.status().message().find("the packet carries"), std::string::npos);
  std::vector<uint8_t> truncated(packets[0].begin(), packets[0].begin() + 10);
  EXPECT_FALSE(stream.Decode(truncated).ok());
}

TEST(UpstreamBinlogStreamTest, MissingSemiSyncHeaderIsAnError) {
  auto packets = EventPackets();
  BinlogStream stream = NewStream();
  std::vector<uint8_t> plain(packets[0].begin() + 2, packets[0].end());
  plain[0] = 0x00;
  EXPECT_FALSE(stream.Decode(plain).ok());
}

TEST(UpstreamBinlogStreamTest, WithoutSemiSyncTheEventFollowsTheOkByte) {
  auto packets = EventPackets();
  BinlogStream stream("p:1", kCaps, binlog::ChecksumAlgorithm::kCrc32, false);
  std::vector<uint8_t> plain = {0x00};
  plain.insert(plain.end(), packets[0].begin() + 3, packets[0].end());
  auto packet = stream.Decode(plain);
  ASSERT_TRUE(packet.ok()) << packet.status().ToString();
  EXPECT_FALSE(packet->ack_requested);
  EXPECT_EQ(stream.file(), "mysql-bin.000001");
}

TEST(UpstreamBinlogStreamTest, EofEndsTheDump) {
  BinlogStream stream = NewStream();
  const std::vector<uint8_t> eof = {0xFE, 0, 0, 2, 0};
  auto packet = stream.Decode(eof);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->kind, StreamPacket::Kind::kEnd);
}

TEST(UpstreamBinlogStreamTest, ErrQuotesThePrimary) {
  BinlogStream stream = NewStream();
  const std::string msg = "Could not find first log file name in binary log index file";
  std::vector<uint8_t> err = {0xFF, 0xD4, 0x04, '#', 'H', 'Y', '0', '0', '0'};
  err.insert(err.end(), msg.begin(), msg.end());
  auto packet = stream.Decode(err);
  ASSERT_FALSE(packet.ok());
  EXPECT_EQ(packet.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(packet.status().message().find("127.0.0.1:23406"), std::string::npos);
  EXPECT_NE(packet.status().message().find("1236"), std::string::npos);
  EXPECT_NE(packet.status().message().find(msg), std::string::npos);
}

TEST(UpstreamBinlogStreamTest, UnknownPacketHeaderIsAnError) {
  BinlogStream stream = NewStream();
  EXPECT_FALSE(stream.Decode(std::vector<uint8_t>{0x42, 1, 2}).ok());
  EXPECT_FALSE(stream.Decode(std::vector<uint8_t>{}).ok());
}


// The dump connection's packets with their sequence ids, from the dump command's answer on.
std::vector<std::pair<uint8_t, std::vector<uint8_t>>> DumpPacketsWithIds() {
  const auto segments =
      testing::ReadPcapTcpSegments(std::string(SIDECAR_FIXTURES_DIR) +
                                   "/protocol/mariadb-10.11-captured/replica-gtid-semisync.pcap");
  const auto bytes = testing::TcpStream(segments, kPrimaryPort, kReplicaPort);
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> out;
  for (size_t at = 0; at + 4 <= bytes.size();) {
    const size_t length = bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16;
    const uint8_t id = bytes[at + 3];
    std::vector<uint8_t> payload(bytes.begin() + at + 4, bytes.begin() + at + 4 + length);
    at += 4 + length;
    if (payload.size() > 3 + 19 && payload[0] == 0x00 && payload[1] == 0xEF) {
      out.emplace_back(id, std::move(payload));
    }
  }
  return out;
}

TEST(UpstreamBinlogStreamTest, CapturedSequenceIdsPassIncludingRestartsAfterAckRequests) {
  const auto packets = DumpPacketsWithIds();
  ASSERT_GT(packets.size(), 20u);
  ASSERT_EQ(packets.front().first, 1);  // the dump command was 0
  BinlogStream stream = NewStream();
  int restarts = 0;
  uint8_t previous = 0;
  for (const auto& [id, payload] : packets) {
    if (id != uint8_t(previous + 1)) ++restarts;
    previous = id;
    ASSERT_TRUE(stream.CheckSequence(uint8_t(id + 1), payload.size()).ok()) << int(id);
    ASSERT_TRUE(stream.Decode(payload).ok());
  }
  EXPECT_GE(restarts, 5);  // the capture does exercise the restart rule
}

TEST(UpstreamBinlogStreamTest, SequenceJumpIsAnErrorNamingBothIds) {
  const auto packets = EventPackets();
  BinlogStream stream = NewStream();
  ASSERT_TRUE(stream.CheckSequence(2, packets[0].size()).ok());  // id 1
  ASSERT_TRUE(stream.Decode(packets[0]).ok());
  const Status jumped = stream.CheckSequence(5, packets[1].size());  // id 4, 2 expected
  ASSERT_FALSE(jumped.ok());
  EXPECT_EQ(jumped.code(), Status::Code::kCorruption);
  EXPECT_NE(jumped.message().find("sequence id 4"), std::string::npos) << jumped.message();
  EXPECT_NE(jumped.message().find("2 was expected"), std::string::npos) << jumped.message();
}

TEST(UpstreamBinlogStreamTest, RestartIsRefusedUnlessTheLastEventAskedForAnAck) {
  const auto packets = EventPackets();
  BinlogStream stream = NewStream();
  ASSERT_TRUE(stream.CheckSequence(2, packets[0].size()).ok());
  auto first = stream.Decode(packets[0]);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->ack_requested);
  EXPECT_FALSE(stream.CheckSequence(2, packets[1].size()).ok());  // id 1 again
}

TEST(UpstreamBinlogStreamTest, SplitPacketUsesOneIdPerChunk) {
  BinlogStream stream = NewStream();
  // A payload of 2 full chunks and a last one: ids 1, 2, 3; the codec expects 4 next.
  EXPECT_TRUE(stream.CheckSequence(4, 2 * protocol::kMaxChunk + 10).ok());
  EXPECT_TRUE(stream.CheckSequence(5, 100).ok());
}

}  // namespace
}  // namespace sidecar::upstream
