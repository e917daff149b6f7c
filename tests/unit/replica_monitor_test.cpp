// The replica monitor's parsers, against result sets shaped like MariaDB
// 10.11's and MySQL 8's answers, and Poll() against nobody (unreachable).
#include "budget/replica_monitor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sidecar::budget {
namespace {

using protocol::ResultSet;

ResultSet Rows(const std::vector<std::string>& columns,
               const std::vector<std::vector<std::optional<std::string>>>& rows) {
  ResultSet rs = ResultSet::WithColumns(columns);
  for (const auto& row : rows) rs.rows.push_back(row);
  return rs;
}

TEST(ReplicaMonitorTest, ReadsRelayLogSpaceLimit) {
  auto limit = ParseRelayLogSpaceLimit(
      Rows({"Variable_name", "Value"}, {{"relay_log_space_limit", "1048576"}}));
  ASSERT_TRUE(limit.ok()) << limit.status().ToString();
  EXPECT_EQ(*limit, 1048576u);

  auto missing = ParseRelayLogSpaceLimit(Rows({"Variable_name", "Value"}, {}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("did not report relay_log_space_limit"),
            std::string::npos);

  auto bad = ParseRelayLogSpaceLimit(
      Rows({"Variable_name", "Value"}, {{"relay_log_space_limit", "12abc"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'12abc'"), std::string::npos);
}

TEST(ReplicaMonitorTest, ParsesMariadbSlaveStatus) {
  const ResultSet status = Rows(
      {"Slave_IO_State", "Master_Log_File", "Relay_Master_Log_File", "Slave_IO_Running",
       "Slave_SQL_Running", "Exec_Master_Log_Pos", "Relay_Log_Space", "Using_Gtid", "SQL_Delay"},
      {{"Waiting for master to send event", "mysql-bin.000009", "mysql-bin.000007", "Yes", "No",
        "12345", "987654", "Slave_Pos", "3600"}});
  ReplicaSnapshot snapshot;
  ASSERT_TRUE(ParseSlaveStatus(status, binlog::Flavor::kMariadb, &snapshot).ok());
  EXPECT_TRUE(snapshot.is_replica);
  EXPECT_EQ(snapshot.progress.executed_file, "mysql-bin.000007");
  EXPECT_EQ(snapshot.progress.executed_position, 12345u);
  EXPECT_TRUE(snapshot.io_running);
  EXPECT_FALSE(snapshot.sql_running);
  EXPECT_EQ(snapshot.relay_log_space, 987654u);
  EXPECT_EQ(snapshot.sql_delay, 3600);
  EXPECT_TRUE(snapshot.progress.uses_gtid);
}

TEST(ReplicaMonitorTest, ParsesMysqlReplicaStatus) {
  const ResultSet status =
      Rows({"Relay_Source_Log_File", "Exec_Source_Log_Pos", "Replica_IO_Running",
            "Replica_SQL_Running", "Relay_Log_Space", "SQL_Delay", "Auto_Position"},
           {{"binlog.000003", "157", "Connecting", "Yes", "1024", "0", "1"}});
  ReplicaSnapshot snapshot;
  ASSERT_TRUE(ParseSlaveStatus(status, binlog::Flavor::kMysql, &snapshot).ok());
  EXPECT_EQ(snapshot.progress.executed_file, "binlog.000003");
  EXPECT_EQ(snapshot.progress.executed_position, 157u);
  EXPECT_FALSE(snapshot.io_running);
  EXPECT_TRUE(snapshot.sql_running);
  EXPECT_TRUE(snapshot.progress.uses_gtid);
}

TEST(ReplicaMonitorTest, NotAReplicaOrResetHasNoExecutedPosition) {
  ReplicaSnapshot snapshot;
  snapshot.progress.executed_file = "stale.000001";
  ASSERT_TRUE(
      ParseSlaveStatus(Rows({"Relay_Master_Log_File"}, {}), binlog::Flavor::kMariadb, &snapshot)
          .ok());
  EXPECT_FALSE(snapshot.is_replica);
  EXPECT_EQ(snapshot.progress.executed_file, "");

  // After RESET SLAVE MariaDB reports an empty file and position 0, and Using_Gtid No.
  ASSERT_TRUE(ParseSlaveStatus(Rows({"Relay_Master_Log_File", "Exec_Master_Log_Pos", "Using_Gtid"},
                                    {{"", "0", "No"}}),
                               binlog::Flavor::kMariadb, &snapshot)
                  .ok());
  EXPECT_TRUE(snapshot.is_replica);
  EXPECT_EQ(snapshot.progress.executed_file, "");
  EXPECT_FALSE(snapshot.progress.uses_gtid);
}

TEST(ReplicaMonitorTest, AMalformedNumberIsAnErrorNamingIt) {
  ReplicaSnapshot snapshot;
  Status s = ParseSlaveStatus(
      Rows({"Relay_Master_Log_File", "Exec_Master_Log_Pos"}, {{"mysql-bin.000001", "-4"}}),
      binlog::Flavor::kMariadb, &snapshot);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Exec_Master_Log_Pos = '-4'"), std::string::npos) << s.message();
}

TEST(ReplicaMonitorTest, AnUnreachableReplicaSaysWhereAndWhy) {
  protocol::ClientOptions client;
  client.unix_socket = ::testing::TempDir() + "no-such-replica.sock";
  client.connect_timeout = std::chrono::seconds(2);
  ReplicaMonitor monitor(client);
  const ReplicaSnapshot snapshot = monitor.Poll();
  EXPECT_FALSE(snapshot.reachable);
  EXPECT_FALSE(snapshot.progress.reachable);
  EXPECT_NE(snapshot.error.find("replica socket " + client.unix_socket), std::string::npos)
      << snapshot.error;
}

}  // namespace
}  // namespace sidecar::budget
