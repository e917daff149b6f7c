// The server-side parsers of the replication commands, against the client-side builders
// (upstream/replication_commands.h, themselves checked against MariaDB 10.11 captures).
#include "downstream/replication_requests.h"

#include <gtest/gtest.h>

#include "upstream/replication_commands.h"

namespace sidecar::downstream {
namespace {

TEST(ReplicationRequestsTest, RegisterReplicaRoundTrips) {
  protocol::Buffer payload;
  upstream::BuildRegisterReplica(payload, {.server_id = 12, .report_host = "db7", .report_port = 3306});
  auto replica = ParseRegisterReplica(payload);
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  EXPECT_EQ(replica->server_id, 12u);
  EXPECT_EQ(replica->host, "db7");
  EXPECT_EQ(replica->port, 3306);
}

TEST(ReplicationRequestsTest, BinlogDumpRoundTripsWithAndWithoutAFileName) {
  protocol::Buffer payload;
  upstream::BuildBinlogDump(payload, 7, "mysql-bin.000042", 1234, upstream::kDumpSendAnnotateRows);
  auto request = ParseBinlogDump(payload);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->file, "mysql-bin.000042");
  EXPECT_EQ(request->position, 1234u);
  EXPECT_EQ(request->flags, upstream::kDumpSendAnnotateRows);
  EXPECT_EQ(request->server_id, 7u);
  EXPECT_FALSE(request->mysql_gtids.has_value());

  upstream::BuildBinlogDump(payload, 2, "", 4, 0);
  request = ParseBinlogDump(payload);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->file, "");

  // mysql2 (zongji) ends the name with a NUL.
  upstream::BuildBinlogDump(payload, 2, std::string_view("binlog.000001\0", 14), 4, 0);
  request = ParseBinlogDump(payload);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->file, "binlog.000001");
}

TEST(ReplicationRequestsTest, BinlogDumpGtidRoundTripsTheGtidSet) {
  auto set = binlog::MysqlGtidSet::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7");
  ASSERT_TRUE(set.ok());
  protocol::Buffer payload;
  upstream::BuildBinlogDumpGtid(payload, 3, "binlog.000002", 4, *set);
  auto request = ParseBinlogDumpGtid(payload);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->server_id, 3u);
  EXPECT_EQ(request->file, "binlog.000002");
  EXPECT_EQ(request->position, 4u);
  ASSERT_TRUE(request->mysql_gtids.has_value());
  EXPECT_EQ(*request->mysql_gtids, *set);
}

TEST(ReplicationRequestsTest, TruncatedPacketsAreRefusedWithTheCommandsName) {
  protocol::Buffer payload;
  upstream::BuildBinlogDump(payload, 7, "f", 4, 0);
  auto dump = ParseBinlogDump(Bytes(payload).first(6));
  ASSERT_FALSE(dump.ok());
  EXPECT_NE(dump.status().message().find("COM_BINLOG_DUMP"), std::string::npos);

  auto set = binlog::MysqlGtidSet::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
  upstream::BuildBinlogDumpGtid(payload, 3, "binlog.000002", 4, *set);
  for (size_t cut : {size_t(5), size_t(12), payload.size() - 3}) {
    auto gtid = ParseBinlogDumpGtid(Bytes(payload).first(cut));
    EXPECT_FALSE(gtid.ok()) << "cut at " << cut;
  }
  upstream::BuildRegisterReplica(payload, {.server_id = 1, .report_host = "h", .report_port = 1});
  EXPECT_FALSE(ParseRegisterReplica(Bytes(payload).first(7)).ok());
}

}  // namespace
}  // namespace sidecar::downstream
