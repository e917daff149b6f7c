// The replica's command payloads, compared byte for byte with what a real MariaDB 10.11
// replica sent (tests/fixtures/protocol/mariadb-10.11-captured/*.pcap).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol_test_support.h"
#include "upstream/replication_commands.h"

namespace sidecar::upstream {
namespace {

constexpr uint16_t kPrimaryPort = 23406;

std::string Capture(const std::string& name) {
  return std::string(SIDECAR_FIXTURES_DIR) + "/protocol/mariadb-10.11-captured/" + name;
}

// The payloads of the replica's packets to the primary that start with `command`, over every
// connection of the capture.
std::vector<std::vector<uint8_t>> ReplicaPackets(const std::string& pcap, uint8_t command) {
  const auto segments = testing::ReadPcapTcpSegments(pcap);
  std::vector<uint16_t> ports;
  for (const auto& s : segments) {
    if (s.dst_port == kPrimaryPort &&
        std::find(ports.begin(), ports.end(), s.src_port) == ports.end()) {
      ports.push_back(s.src_port);
    }
  }
  std::vector<std::vector<uint8_t>> out;
  for (uint16_t port : ports) {
    for (auto& p : testing::SplitPackets(testing::TcpStream(segments, port, kPrimaryPort))) {
      if (!p.empty() && p[0] == command) out.push_back(std::move(p));
    }
  }
  return out;
}

TEST(UpstreamCommandsTest, RegisterReplicaMatchesCapturedMariadbReplica) {
  const auto captured = ReplicaPackets(Capture("replica-gtid-semisync.pcap"), 0x15);
  ASSERT_FALSE(captured.empty());
  protocol::Buffer built;
  BuildRegisterReplica(built, {2, "", 23407});
  EXPECT_EQ(built, captured.front());
}

TEST(UpstreamCommandsTest, RegisterReplicaCarriesReportHost) {
  protocol::Buffer built;
  BuildRegisterReplica(built, {4001, "db7", 3307});
  const std::vector<uint8_t> want = {0x15, 0xA1, 0x0F, 0, 0, 3, 'd', 'b', '7', 0, 0,
                                     0xEB, 0x0C, 0,    0, 0, 0, 0,   0,   0,   0};
  EXPECT_EQ(built, want);
}

TEST(UpstreamCommandsTest, GtidDumpMatchesCapturedMariadbReplica) {
  const auto captured = ReplicaPackets(Capture("replica-gtid-semisync.pcap"), 0x12);
  ASSERT_FALSE(captured.empty());
  protocol::Buffer built;
  BuildBinlogDump(built, 2, "", 4, kDumpSendAnnotateRows);
  EXPECT_EQ(built, captured.front());
}

TEST(UpstreamCommandsTest, FilePositionDumpMatchesCapturedMariadbReplica) {
  const auto captured = ReplicaPackets(Capture("replica-filepos.pcap"), 0x12);
  ASSERT_FALSE(captured.empty());
  protocol::Buffer built;
  BuildBinlogDump(built, 2, "mysql-bin.000001", 4, kDumpSendAnnotateRows);
  EXPECT_EQ(built, captured.front());
}

TEST(UpstreamCommandsTest, SemiSyncAckMatchesCapturedMariadbReplica) {
  const auto captured = ReplicaPackets(Capture("replica-gtid-semisync.pcap"), 0xEF);
  ASSERT_GE(captured.size(), 2u);
  protocol::Buffer built;
  BuildSemiSyncAck(built, "mysql-bin.000001", 1241);  // the first XID's end
  EXPECT_EQ(built, captured[0]);
  BuildSemiSyncAck(built, "mysql-bin.000001", 1466);
  EXPECT_EQ(built, captured[1]);
}

TEST(UpstreamCommandsTest, DumpGtidLaysOutFlagsFileAndEncodedSet) {
  auto set = binlog::MysqlGtidSet::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
  ASSERT_TRUE(set.ok());
  protocol::Buffer built;
  BuildBinlogDumpGtid(built, 4001, "", 4, *set);
  const std::vector<uint8_t> encoded = set->EncodeBinary();
  std::vector<uint8_t> want = {0x1E, 0x04, 0x00,                  // command, THROUGH_GTID
                               0xA1, 0x0F, 0,    0,               // server_id 4001
                               0,    0,    0,    0,               // empty file name
                               4,    0,    0,    0, 0, 0, 0, 0};  // position 4
  want.push_back(uint8_t(encoded.size()));
  want.insert(want.end(), {0, 0, 0});
  want.insert(want.end(), encoded.begin(), encoded.end());
  EXPECT_EQ(built, want);
  EXPECT_EQ(encoded.size(), 8u + 16 + 8 + 16);  // one uuid, one interval
}

}  // namespace
}  // namespace sidecar::upstream
