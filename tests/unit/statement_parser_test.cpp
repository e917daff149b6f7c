// ParseStatement and LikeMatches: every statement the captured replicas and tools send, the
// admin statements, the tolerated spellings, and what is refused (with which kind and message).
#include "downstream/statement_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace sidecar::downstream {
namespace {

struct KindCase {
  const char* sql;
  StatementKind kind;
};

class StatementKindTest : public ::testing::TestWithParam<KindCase> {};

TEST_P(StatementKindTest, Classifies) {
  const Statement st = ParseStatement(GetParam().sql);
  EXPECT_EQ(st.kind, GetParam().kind) << GetParam().sql << " -> " << st.error;
}

// The statements of mariadb-10.11-captured/primary-general-log.txt (replica with GTID, replica
// with file/pos, mariadb-binlog) and of the MySQL 5.7 captures, verbatim.
INSTANTIATE_TEST_SUITE_P(
    CapturedQueries, StatementKindTest,
    ::testing::Values(KindCase{"SELECT UNIX_TIMESTAMP()", StatementKind::kSelect},
                      KindCase{"SHOW VARIABLES LIKE 'SERVER_ID'", StatementKind::kShowVariables},
                      KindCase{"SET @master_heartbeat_period= 1000000000", StatementKind::kSet},
                      KindCase{"SET @master_binlog_checksum= @@global.binlog_checksum",
                               StatementKind::kSet},
                      KindCase{"SELECT @master_binlog_checksum", StatementKind::kSelect},
                      KindCase{"SET @mariadb_slave_capability=4", StatementKind::kSet},
                      KindCase{"SELECT @@GLOBAL.gtid_domain_id", StatementKind::kSelect},
                      KindCase{"SET @slave_connect_state=''", StatementKind::kSet},
                      KindCase{"SET @slave_gtid_strict_mode=1", StatementKind::kSet},
                      KindCase{"SET @slave_gtid_ignore_duplicates=0", StatementKind::kSet},
                      KindCase{"SHOW VARIABLES LIKE 'rpl_semi_sync_master_enabled'",
                               StatementKind::kShowVariables},
                      KindCase{"SET @rpl_semi_sync_slave= 1", StatementKind::kSet},
                      KindCase{"KILL 8", StatementKind::kKill},
                      KindCase{"SELECT binlog_gtid_pos('mysql-bin.000001',4)",
                               StatementKind::kSelect},
                      KindCase{"SELECT VERSION()", StatementKind::kSelect},
                      KindCase{"SET @master_binlog_checksum='NONE'", StatementKind::kSet},
                      KindCase{"SELECT @@GLOBAL.SERVER_UUID", StatementKind::kSelect},
                      KindCase{"SELECT @@GLOBAL.SERVER_ID", StatementKind::kSelect},
                      KindCase{"SELECT @@GLOBAL.GTID_MODE", StatementKind::kSelect},
                      KindCase{"SET @slave_uuid= 'ba66414c-d10d-11e9-b4b0-0800275ae9e7'",
                               StatementKind::kSet},
                      KindCase{"select @@version_comment limit 1", StatementKind::kSelect},
                      KindCase{"SET NAMES utf8mb4", StatementKind::kSet},
                      KindCase{"select version()", StatementKind::kSelect},
                      KindCase{"SET @master_heartbeat_period= 30000001024", StatementKind::kSet},
                      KindCase{"SET @source_binlog_checksum = @@global.binlog_checksum, "
                               "@master_binlog_checksum = @@global.binlog_checksum",
                               StatementKind::kSet}));

INSTANTIATE_TEST_SUITE_P(
    AdminStatements, StatementKindTest,
    ::testing::Values(
        KindCase{"SHOW MASTER STATUS", StatementKind::kShowMasterStatus},
        KindCase{"show binary log status", StatementKind::kShowMasterStatus},
        KindCase{"SHOW BINARY LOGS", StatementKind::kShowBinaryLogs},
        KindCase{"SHOW MASTER LOGS", StatementKind::kShowBinaryLogs},
        KindCase{"SHOW SLAVE STATUS", StatementKind::kShowSlaveStatus},
        KindCase{"SHOW REPLICA STATUS FOR CHANNEL ''", StatementKind::kShowSlaveStatus},
        KindCase{"SHOW ALL SLAVES STATUS", StatementKind::kShowSlaveStatus},
        KindCase{"SHOW SLAVE '' STATUS", StatementKind::kShowSlaveStatus},
        KindCase{"SHOW SLAVE HOSTS", StatementKind::kShowSlaveHosts},
        KindCase{"SHOW REPLICAS", StatementKind::kShowSlaveHosts},
        KindCase{"SHOW GLOBAL VARIABLES", StatementKind::kShowVariables},
        KindCase{"SHOW SESSION VARIABLES WHERE Variable_name = 'server_id'",
                 StatementKind::kShowVariables},
        KindCase{"SHOW GLOBAL STATUS LIKE 'Uptime'", StatementKind::kShowStatus},
        KindCase{"SHOW WARNINGS", StatementKind::kShowWarnings},
        KindCase{"START SLAVE", StatementKind::kStartSlave},
        KindCase{"START REPLICA IO_THREAD", StatementKind::kStartSlave},
        KindCase{"STOP SLAVE", StatementKind::kStopSlave},
        KindCase{"STOP ALL SLAVES", StatementKind::kStopSlave},
        KindCase{"STOP REPLICA IO_THREAD, SQL_THREAD FOR CHANNEL ''", StatementKind::kStopSlave},
        KindCase{"CHANGE MASTER TO MASTER_HOST='10.0.0.5', MASTER_PORT=3306",
                 StatementKind::kChangeMaster},
        KindCase{"CHANGE MASTER '' TO master_use_gtid = slave_pos", StatementKind::kChangeMaster},
        KindCase{"CHANGE REPLICATION SOURCE TO SOURCE_HOST='h', SOURCE_AUTO_POSITION=1",
                 StatementKind::kChangeMaster},
        KindCase{"PURGE BINARY LOGS TO 'mysql-bin.000003'", StatementKind::kPurgeTo},
        KindCase{"PURGE MASTER LOGS BEFORE '2026-01-01 00:00:00'", StatementKind::kPurgeBefore},
        KindCase{"PURGE BINARY LOGS BEFORE NOW() - INTERVAL 3 DAY", StatementKind::kPurgeBefore},
        KindCase{"KILL CONNECTION 9", StatementKind::kKill},
        KindCase{"KILL QUERY 10", StatementKind::kKill},
        KindCase{"kill hard query id 11", StatementKind::kKill}));

INSTANTIATE_TEST_SUITE_P(
    Tolerance, StatementKindTest,
    ::testing::Values(
        KindCase{"  show\n\tmaster   status ; ", StatementKind::kShowMasterStatus},
        KindCase{"/* a comment */ SHOW MASTER STATUS -- trailing\n",
                 StatementKind::kShowMasterStatus},
        KindCase{"# hash comment\nSHOW BINARY LOGS;;", StatementKind::kShowBinaryLogs},
        KindCase{"/*!40101 SET NAMES utf8mb4 */", StatementKind::kSet},
        KindCase{"/*M!100101 SET @x = 1 */;", StatementKind::kSet},
        KindCase{"SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci'", StatementKind::kSet},
        KindCase{"SET CHARACTER SET utf8", StatementKind::kSet},
        KindCase{"SET autocommit=1, sql_mode = 'STRICT_TRANS_TABLES'", StatementKind::kSet},
        KindCase{"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ ONLY",
                 StatementKind::kSet},
        KindCase{"SET @a := 1, @`b c` = 'x', @@session.wait_timeout = 60", StatementKind::kSet},
        KindCase{"select @@global.hostname, ifnull(@@global.report_host, ''), @@global.server_id",
                 StatementKind::kSelect},
        KindCase{"SELECT 1 FROM DUAL", StatementKind::kSelect},
        KindCase{"SELECT @@max_allowed_packet AS m LIMIT 0, 1", StatementKind::kSelect},
        KindCase{"SELECT ((1))", StatementKind::kSelect},
        KindCase{";", StatementKind::kEmpty},
        KindCase{"   -- nothing\n", StatementKind::kEmpty},
        KindCase{"", StatementKind::kEmpty}));

INSTANTIATE_TEST_SUITE_P(
    Refused, StatementKindTest,
    ::testing::Values(
        KindCase{"FOO BAR", StatementKind::kSyntaxError},
        KindCase{"SELECT 'unterminated", StatementKind::kSyntaxError},
        KindCase{"SELECT 1 /* unterminated", StatementKind::kSyntaxError},
        KindCase{"SELECT 1; SELECT 2", StatementKind::kSyntaxError},
        KindCase{"SELECT 1 +", StatementKind::kSyntaxError},
        KindCase{"SET @x", StatementKind::kSyntaxError},
        KindCase{"KILL", StatementKind::kSyntaxError},
        KindCase{"KILL -1", StatementKind::kSyntaxError},
        KindCase{"PURGE LOGS TO 'x'", StatementKind::kSyntaxError},
        KindCase{"PURGE BINARY LOGS TO x", StatementKind::kSyntaxError},
        KindCase{"CHANGE MASTER TO MASTER_HOST", StatementKind::kSyntaxError},
        KindCase{"INSERT INTO t VALUES (1)", StatementKind::kUnsupported},
        KindCase{"SELECT * FROM t", StatementKind::kUnsupported},
        KindCase{"SELECT COLUMN_NAME FROM information_schema.columns WHERE 1",
                 StatementKind::kUnsupported},
        KindCase{"SHOW DATABASES", StatementKind::kUnsupported},
        KindCase{"SHOW SLAVE STATUS FOR CHANNEL 'other'", StatementKind::kUnsupported},
        KindCase{"START TRANSACTION", StatementKind::kUnsupported},
        KindCase{"START SLAVE UNTIL MASTER_LOG_POS = 4", StatementKind::kUnsupported},
        KindCase{"CHANGE REPLICATION FILTER REPLICATE_DO_DB = (d)", StatementKind::kUnsupported},
        KindCase{"KILL USER bob", StatementKind::kUnsupported},
        KindCase{"FLUSH BINARY LOGS", StatementKind::kUnsupported}));

TEST(StatementParserTest, SelectKeepsColumnNamesAsWritten) {
  const Statement st =
      ParseStatement("SELECT UNIX_TIMESTAMP(), @@GLOBAL.SERVER_ID, version( ), 'x' AS alias");
  ASSERT_EQ(st.kind, StatementKind::kSelect) << st.error;
  ASSERT_EQ(st.select_items.size(), 4u);
  EXPECT_EQ(st.select_items[0].column_name, "UNIX_TIMESTAMP()");
  EXPECT_EQ(st.select_items[0].expr.kind, Expr::Kind::kFunction);
  EXPECT_EQ(st.select_items[0].expr.text, "unix_timestamp");
  EXPECT_EQ(st.select_items[1].column_name, "@@GLOBAL.SERVER_ID");
  EXPECT_EQ(st.select_items[1].expr.kind, Expr::Kind::kSystemVariable);
  EXPECT_EQ(st.select_items[1].expr.text, "server_id");
  EXPECT_EQ(st.select_items[1].expr.scope, "global");
  EXPECT_EQ(st.select_items[2].column_name, "version( )");
  EXPECT_EQ(st.select_items[3].column_name, "alias");
  EXPECT_FALSE(st.limit.has_value());
}

TEST(StatementParserTest, SelectLimit) {
  EXPECT_EQ(ParseStatement("select @@version_comment limit 1").limit, 1u);
  EXPECT_EQ(ParseStatement("SELECT 1 LIMIT 0").limit, 0u);
  EXPECT_EQ(ParseStatement("SELECT 1 LIMIT 5 OFFSET 2").limit, 0u);
}

TEST(StatementParserTest, BinlogGtidPosArguments) {
  const Statement st = ParseStatement("SELECT binlog_gtid_pos('mysql-bin.000001',4)");
  ASSERT_EQ(st.select_items.size(), 1u);
  const Expr& call = st.select_items[0].expr;
  EXPECT_EQ(call.text, "binlog_gtid_pos");
  ASSERT_EQ(call.args.size(), 2u);
  EXPECT_EQ(call.args[0].kind, Expr::Kind::kString);
  EXPECT_EQ(call.args[0].text, "mysql-bin.000001");
  EXPECT_EQ(call.args[1].kind, Expr::Kind::kNumber);
  EXPECT_EQ(call.args[1].text, "4");
}

TEST(StatementParserTest, SetAssignments) {
  const Statement st = ParseStatement(
      "SET @master_binlog_checksum= @@global.binlog_checksum, @X := 'a''b\\n', "
      "GLOBAL read_only = ON, NAMES utf8mb4");
  ASSERT_EQ(st.kind, StatementKind::kSet) << st.error;
  ASSERT_EQ(st.assignments.size(), 4u);
  EXPECT_EQ(st.assignments[0].target, Assignment::Target::kUserVariable);
  EXPECT_EQ(st.assignments[0].name, "master_binlog_checksum");
  EXPECT_EQ(st.assignments[0].value.kind, Expr::Kind::kSystemVariable);
  EXPECT_EQ(st.assignments[0].value.scope, "global");
  EXPECT_EQ(st.assignments[1].name, "x");
  EXPECT_EQ(st.assignments[1].value.text, "a'b\n");
  EXPECT_EQ(st.assignments[2].target, Assignment::Target::kSystemVariable);
  EXPECT_EQ(st.assignments[2].scope, "global");
  EXPECT_EQ(st.assignments[2].value.kind, Expr::Kind::kWord);
  EXPECT_EQ(st.assignments[2].value.text, "on");
  EXPECT_EQ(st.assignments[3].target, Assignment::Target::kNames);
  EXPECT_EQ(st.assignments[3].name, "utf8mb4");
}

TEST(StatementParserTest, HeartbeatPeriodKeepsItsDigits) {
  const Statement st = ParseStatement("SET @master_heartbeat_period= 30000001024");
  ASSERT_EQ(st.assignments.size(), 1u);
  EXPECT_EQ(st.assignments[0].value.kind, Expr::Kind::kNumber);
  EXPECT_EQ(st.assignments[0].value.text, "30000001024");
}

TEST(StatementParserTest, ShowVariablesFilters) {
  EXPECT_EQ(ParseStatement("SHOW VARIABLES LIKE 'SERVER_ID'").like, "SERVER_ID");
  const Statement where = ParseStatement(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('a', 'b') OR variable_name = 'c'");
  ASSERT_EQ(where.kind, StatementKind::kShowVariables) << where.error;
  EXPECT_EQ(where.scope, "global");
  EXPECT_EQ(where.where_names, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(StatementParserTest, KillVariants) {
  EXPECT_EQ(ParseStatement("KILL 8").kill_id, 8u);
  EXPECT_FALSE(ParseStatement("KILL CONNECTION 9").kill_query_only);
  const Statement query = ParseStatement("KILL QUERY 10");
  EXPECT_TRUE(query.kill_query_only);
  EXPECT_EQ(query.kill_id, 10u);
}

TEST(StatementParserTest, StartStopThreads) {
  EXPECT_TRUE(ParseStatement("START SLAVE IO_THREAD").io_thread_only);
  EXPECT_TRUE(ParseStatement("STOP SLAVE SQL_THREAD").sql_thread_only);
  const Statement both = ParseStatement("STOP SLAVE IO_THREAD, SQL_THREAD");
  EXPECT_FALSE(both.io_thread_only);
  EXPECT_FALSE(both.sql_thread_only);
}

TEST(StatementParserTest, ChangeMasterOptionsLoseTheirPrefix) {
  const Statement st = ParseStatement(
      "CHANGE MASTER TO MASTER_HOST='h', MASTER_PORT=3307, MASTER_USER='u', "
      "MASTER_PASSWORD='p', MASTER_LOG_FILE='mysql-bin.000002', MASTER_LOG_POS=4, "
      "MASTER_USE_GTID=current_pos");
  ASSERT_EQ(st.kind, StatementKind::kChangeMaster) << st.error;
  std::vector<std::string> names;
  for (const auto& option : st.change_options) names.push_back(option.name);
  EXPECT_EQ(names, (std::vector<std::string>{"host", "port", "user", "password", "log_file",
                                             "log_pos", "use_gtid"}));
  EXPECT_EQ(st.change_options[6].value.text, "current_pos");
  const Statement mysql =
      ParseStatement("CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1 FOR CHANNEL ''");
  ASSERT_EQ(mysql.change_options.size(), 1u);
  EXPECT_EQ(mysql.change_options[0].name, "auto_position");
}

TEST(StatementParserTest, PurgeTargets) {
  EXPECT_EQ(ParseStatement("PURGE BINARY LOGS TO 'mysql-bin.000003'").purge_file,
            "mysql-bin.000003");
  const Statement before = ParseStatement("PURGE BINARY LOGS BEFORE NOW() - INTERVAL 3 DAY");
  ASSERT_EQ(before.purge_before.kind, Expr::Kind::kInterval);
  EXPECT_EQ(before.purge_before.text, "day");
  EXPECT_EQ(before.purge_before.number, -3);
  ASSERT_EQ(before.purge_before.args.size(), 1u);
  EXPECT_EQ(before.purge_before.args[0].text, "now");
}

TEST(StatementParserTest, ErrorsNameTheStatement) {
  const Statement insert = ParseStatement("insert into t values (1)");
  EXPECT_EQ(insert.verb, "INSERT");
  EXPECT_NE(insert.error.find("INSERT"), std::string::npos) << insert.error;
  const Statement show = ParseStatement("SHOW DATABASES");
  EXPECT_NE(show.error.find("SHOW DATABASES"), std::string::npos) << show.error;
  const Statement garbage = ParseStatement("FOO BAR");
  EXPECT_NE(garbage.error.find("near 'FOO BAR'"), std::string::npos) << garbage.error;
  const Statement open = ParseStatement("SELECT 'abc");
  EXPECT_NE(open.error.find("unterminated string"), std::string::npos) << open.error;
}

TEST(StatementParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string sql = "SELECT " + std::string(10000, '(') + "1" + std::string(10000, ')');
  const Statement st = ParseStatement(sql);
  EXPECT_EQ(st.kind, StatementKind::kSyntaxError);
  EXPECT_NE(st.error.find("nested too deeply"), std::string::npos) << st.error;
}

TEST(StatementParserTest, BinaryGarbageNeverCrashes) {
  std::string bytes;
  for (int i = 0; i < 512; ++i) bytes.push_back(char((i * 37) & 0xFF));
  const Statement st = ParseStatement(bytes);
  EXPECT_TRUE(st.kind == StatementKind::kSyntaxError || st.kind == StatementKind::kUnsupported);
  EXPECT_FALSE(st.error.empty());
}

TEST(LikeMatchesTest, Wildcards) {
  EXPECT_TRUE(LikeMatches("SERVER_ID", "server_id"));
  EXPECT_TRUE(LikeMatches("server\\_id", "server_id"));
  EXPECT_FALSE(LikeMatches("server\\_id", "serverxid"));
  EXPECT_TRUE(LikeMatches("server_id", "serverxid"));
  EXPECT_TRUE(LikeMatches("gtid%", "gtid_binlog_pos"));
  EXPECT_TRUE(LikeMatches("%pos", "gtid_binlog_pos"));
  EXPECT_TRUE(LikeMatches("%_%", "a"));
  EXPECT_FALSE(LikeMatches("%_%", ""));
  EXPECT_TRUE(LikeMatches("%", ""));
  EXPECT_FALSE(LikeMatches("gtid", "gtid_mode"));
  EXPECT_TRUE(LikeMatches("rpl_semi_sync_%_enabled", "rpl_semi_sync_master_enabled"));
}

}  // namespace
}  // namespace sidecar::downstream
