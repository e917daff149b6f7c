// QueryResponder against a fake ServerContext: the exact columns, types, values and ERR codes
// a replica, a binlog tool or an admin client gets for each statement, and the session state
// the SET statements leave.
#include "downstream/query_responder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "protocol/constants.h"
#include "protocol/generic_packets.h"
#include "protocol/result_set.h"
#include "protocol_test_support.h"

namespace sidecar::downstream {
namespace {

using protocol::ResultSet;

class FakeContext : public ServerContext {
 public:
  uint32_t server_id() const override { return 4001; }
  std::string server_uuid() const override { return "5e1dca12-0000-4000-8000-000000000fa1"; }
  std::string server_version() const override { return version; }
  Result<std::vector<store::FileCatalogEntry>> binlog_files() const override { return files; }
  store::BinlogPosition durable_end() const override { return end; }
  std::string gtid_state() const override { return gtids; }
  Result<std::string> gtid_state_at(const std::string& file, uint64_t pos) const override {
    if (file == "mysql-bin.000001" && pos == 4) return std::string("0-1-100");
    return Status::NotFound("no such position");
  }
  std::string binlog_checksum() const override { return "CRC32"; }
  upstream::PullerStatus upstream_status() const override { return puller; }
  UpstreamSettings upstream_settings() const override { return settings; }
  std::vector<RegisteredReplica> registered_replicas() const override { return replicas; }
  std::optional<std::string> connection_user(uint32_t id) const override {
    if (id == 8) return std::string("repl");
    if (id == 9) return std::string("admin");
    return std::nullopt;
  }
  Status StopUpstream() override {
    ++stops;
    return Status::Ok();
  }
  Status StartUpstream() override {
    ++starts;
    return Status::Ok();
  }
  Status ChangeUpstream(const UpstreamChange& c) override {
    change = c;
    return Status::Ok();
  }
  Status PurgeTo(const std::string& file) override {
    purged_to = file;
    return purge_result;
  }
  Status PurgeBefore(int64_t t) override {
    purged_before = t;
    return purge_result;
  }
  Status Kill(uint32_t id) override {
    killed.push_back(id);
    return Status::Ok();
  }

  std::string version = "10.11.6-MariaDB-binlog-sidecar";
  std::vector<store::FileCatalogEntry> files;
  store::BinlogPosition end;
  std::string gtids;
  upstream::PullerStatus puller;
  UpstreamSettings settings;
  std::vector<RegisteredReplica> replicas;
  int stops = 0;
  int starts = 0;
  std::optional<UpstreamChange> change;
  std::string purged_to;
  int64_t purged_before = 0;
  Status purge_result = Status::Ok();
  std::vector<uint32_t> killed;
};

constexpr uint64_t kCaps = protocol::kClientProtocol41 | protocol::kClientSecureConnection;

// What the responder wrote, decoded.
struct Response {
  Status status;  // Answer()'s
  std::optional<protocol::OkPacket> ok;
  std::optional<protocol::ErrPacket> err;
  std::optional<ResultSet> rows;
};

class QueryResponderTest : public ::testing::Test {
 protected:
  QueryResponderTest() {
    session.connection_id = 7;
    session.user = "repl";
    session.peer = "127.0.0.1:40000";
    session.capabilities = kCaps;
    context.files = {File("mysql-bin.000001", 1, 1000), File("mysql-bin.000002", 2, 500)};
    context.end = {2, "mysql-bin.000002", 500};
    context.gtids = "0-1-120";
    context.settings.host = "10.0.0.5";
    context.settings.port = 3306;
    context.settings.user = "upstream_repl";
    context.settings.use_gtid = "Slave_Pos";
    context.settings.primary_server_id = 1;
    context.puller.state = upstream::PullerState::kStreaming;
    context.puller.file = "mysql-bin.000002";
    context.puller.position = 620;
    context.puller.seconds_behind = 3;
  }

  static store::FileCatalogEntry File(std::string name, int64_t seq, uint64_t size) {
    store::FileCatalogEntry f;
    f.name = std::move(name);
    f.seq = seq;
    f.size = size;
    return f;
  }

  Response Ask(std::string_view sql) {
    auto connection = std::make_unique<testing::MemoryConnection>();
    testing::MemoryConnection* written = connection.get();
    protocol::PacketCodec codec(std::move(connection));
    QueryResponder responder(&context);
    Response r;
    r.status = responder.Answer(sql, session, codec);
    protocol::PacketCodec reader(std::make_unique<testing::MemoryConnection>(written->written()));
    auto first = reader.ReadPacket();
    if (!first.ok()) return r;
    if (protocol::IsErrPacket(*first)) {
      r.err = *protocol::ParseErr(*first, kCaps);
    } else if (protocol::IsOkPacket(*first)) {
      r.ok = *protocol::ParseOk(*first, kCaps);
    } else {
      auto rs = protocol::ReadResultSet(reader, *first, kCaps);
      if (rs.ok()) r.rows = *rs;
    }
    EXPECT_FALSE(reader.has_buffered_input()) << sql << ": more than one response";
    return r;
  }

  ResultSet Rows(std::string_view sql) {
    Response r = Ask(sql);
    EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_FALSE(r.err) << sql << ": " << r.err->ToString();
    EXPECT_TRUE(r.rows.has_value()) << sql;
    return r.rows.value_or(ResultSet{});
  }

  uint16_t ErrorCode(std::string_view sql) {
    Response r = Ask(sql);
    EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_TRUE(r.err.has_value()) << sql;
    return r.err ? r.err->code : 0;
  }

  void ExpectOk(std::string_view sql) {
    Response r = Ask(sql);
    EXPECT_TRUE(r.status.ok());
    EXPECT_TRUE(r.ok.has_value()) << sql << ": " << (r.err ? r.err->ToString() : "no OK");
  }

  FakeContext context;
  SessionState session;
};

std::vector<std::string> ColumnNames(const ResultSet& rs) {
  std::vector<std::string> names;
  for (const auto& c : rs.columns) names.push_back(c.name);
  return names;
}

TEST_F(QueryResponderTest, UnixTimestampIsALongLongOfNow) {
  const int64_t before = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const ResultSet rs = Rows("SELECT UNIX_TIMESTAMP()");
  ASSERT_EQ(rs.columns.size(), 1u);
  EXPECT_EQ(rs.columns[0].name, "UNIX_TIMESTAMP()");
  EXPECT_EQ(rs.columns[0].type, protocol::kTypeLongLong);
  EXPECT_EQ(rs.columns[0].charset, protocol::kCharsetBinary);
  ASSERT_EQ(rs.rows.size(), 1u);
  const int64_t value = std::stoll(*rs.rows[0][0]);
  EXPECT_GE(value, before);
  EXPECT_LE(value, before + 3600);
}

TEST_F(QueryResponderTest, ShowVariablesLikeServerId) {
  const ResultSet rs = Rows("SHOW VARIABLES LIKE 'SERVER_ID'");
  EXPECT_EQ(ColumnNames(rs), (std::vector<std::string>{"Variable_name", "Value"}));
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0][0], "server_id");
  EXPECT_EQ(rs.rows[0][1], "4001");
}

TEST_F(QueryResponderTest, SemiSyncIsOffSoReplicasDoNotAskForIt) {
  const ResultSet rs = Rows("SHOW VARIABLES LIKE 'rpl_semi_sync_master_enabled'");
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0][1], "OFF");
}

TEST_F(QueryResponderTest, ServerIdentityVariables) {
  const ResultSet id = Rows("SELECT @@GLOBAL.SERVER_ID");
  EXPECT_EQ(id.columns[0].name, "@@GLOBAL.SERVER_ID");
  EXPECT_EQ(id.columns[0].type, protocol::kTypeLongLong);
  EXPECT_EQ(id.rows[0][0], "4001");
  const ResultSet uuid = Rows("SELECT @@GLOBAL.SERVER_UUID");
  EXPECT_EQ(uuid.columns[0].type, protocol::kTypeVarString);
  EXPECT_EQ(uuid.rows[0][0], "5e1dca12-0000-4000-8000-000000000fa1");
  EXPECT_EQ(Rows("SELECT @@GLOBAL.gtid_domain_id").rows[0][0], "0");
  EXPECT_EQ(Rows("select @@version_comment limit 1").rows[0][0], "binlog-sidecar");
  EXPECT_EQ(Rows("SELECT VERSION()").rows[0][0], "10.11.6-MariaDB-binlog-sidecar");
  EXPECT_EQ(Rows("SELECT @@read_only").rows[0][0], "1");
  EXPECT_EQ(Rows("SELECT @@max_allowed_packet").rows[0][0], "16777216");
}

TEST_F(QueryResponderTest, GtidModeFollowsTheStoredMysqlGtids) {
  context.version = "8.0.36-binlog-sidecar";
  context.gtids = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5";
  EXPECT_EQ(Rows("SELECT @@GLOBAL.GTID_MODE").rows[0][0], "ON");
  context.gtids = "";
  EXPECT_EQ(Rows("SELECT @@GLOBAL.GTID_MODE").rows[0][0], "OFF");
}

TEST_F(QueryResponderTest, ChecksumNegotiation) {
  ExpectOk("SET @master_binlog_checksum= @@global.binlog_checksum");
  EXPECT_EQ(session.master_binlog_checksum, "CRC32");
  const ResultSet rs = Rows("SELECT @master_binlog_checksum");
  EXPECT_EQ(rs.columns[0].name, "@master_binlog_checksum");
  EXPECT_EQ(rs.rows[0][0], "CRC32");
  ExpectOk("SET @master_binlog_checksum='none'");
  EXPECT_EQ(session.master_binlog_checksum, "NONE");
}

TEST_F(QueryResponderTest, UnsetUserVariableIsNull) {
  const ResultSet rs = Rows("SELECT @master_binlog_checksum");
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_FALSE(rs.rows[0][0].has_value());
}

TEST_F(QueryResponderTest, ReplicaSessionSettings) {
  ExpectOk("SET @master_heartbeat_period= 30000001024");
  EXPECT_EQ(session.heartbeat_period, std::chrono::nanoseconds(30000001024));
  ExpectOk("SET @mariadb_slave_capability=4");
  EXPECT_EQ(session.mariadb_slave_capability, 4);
  ExpectOk("SET @slave_connect_state='0-1-100'");
  EXPECT_EQ(session.slave_connect_state, "0-1-100");
  ExpectOk("SET @slave_gtid_strict_mode=1");
  EXPECT_TRUE(session.slave_gtid_strict_mode);
  ExpectOk("SET @slave_gtid_ignore_duplicates=0");
  EXPECT_FALSE(session.slave_gtid_ignore_duplicates);
  ExpectOk("SET @rpl_semi_sync_slave= 1");
  EXPECT_TRUE(session.semi_sync_requested);
  ExpectOk("SET @slave_uuid= 'ba66414c-d10d-11e9-b4b0-0800275ae9e7'");
  EXPECT_EQ(session.slave_uuid, "ba66414c-d10d-11e9-b4b0-0800275ae9e7");
  ExpectOk("SET NAMES utf8mb4");
  ExpectOk("SET autocommit=1");
  EXPECT_EQ(ErrorCode("SET @master_heartbeat_period='soon'"), 1231);
}

TEST_F(QueryResponderTest, BinlogGtidPos) {
  const ResultSet rs = Rows("SELECT binlog_gtid_pos('mysql-bin.000001',4)");
  EXPECT_EQ(rs.columns[0].name, "binlog_gtid_pos('mysql-bin.000001',4)");
  EXPECT_EQ(rs.rows[0][0], "0-1-100");
  EXPECT_FALSE(Rows("SELECT binlog_gtid_pos('mysql-bin.000009',4)").rows[0][0].has_value());
}

TEST_F(QueryResponderTest, SelectErrors) {
  EXPECT_EQ(ErrorCode("SELECT @@no_such_variable"), 1193);
  EXPECT_EQ(ErrorCode("SELECT no_such_function()"), 1305);
  EXPECT_EQ(ErrorCode("SELECT some_column"), 1054);
  EXPECT_TRUE(Rows("SELECT 1 LIMIT 0").rows.empty());
}

TEST_F(QueryResponderTest, UnknownStatementsAreErrorsAndTheConnectionGoesOn) {
  EXPECT_EQ(ErrorCode("FOO BAR"), 1064);
  EXPECT_EQ(ErrorCode("INSERT INTO t VALUES (1)"), 1235);
  EXPECT_EQ(ErrorCode("SHOW DATABASES"), 1235);
  EXPECT_EQ(ErrorCode(""), 1065);
  EXPECT_EQ(ErrorCode("SET GLOBAL read_only = 0"), 1238);
  EXPECT_EQ(Rows("SELECT 1").rows[0][0], "1");
}

TEST_F(QueryResponderTest, ReplicationUserMayNotRunAdminStatements) {
  for (const char* sql : {"SHOW SLAVE STATUS", "SHOW REPLICA STATUS", "SHOW SLAVE HOSTS",
                          "START SLAVE", "STOP REPLICA", "CHANGE MASTER TO MASTER_PORT=1",
                          "PURGE BINARY LOGS TO 'mysql-bin.000002'"}) {
    Response r = Ask(sql);
    ASSERT_TRUE(r.err.has_value()) << sql;
    EXPECT_EQ(r.err->code, 1227) << sql;
    EXPECT_EQ(r.err->sql_state, "42000");
    EXPECT_NE(r.err->message.find("privilege(s) for this operation"), std::string::npos);
  }
  EXPECT_EQ(context.starts + context.stops, 0);
  EXPECT_FALSE(context.change.has_value());
  EXPECT_TRUE(context.purged_to.empty());
}

TEST_F(QueryResponderTest, ReplicationUserReadsMasterStatusAndBinaryLogs) {
  const ResultSet status = Rows("SHOW MASTER STATUS");
  EXPECT_EQ(ColumnNames(status),
            (std::vector<std::string>{"File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB"}));
  ASSERT_EQ(status.rows.size(), 1u);
  EXPECT_EQ(status.rows[0][0], "mysql-bin.000002");
  EXPECT_EQ(status.rows[0][1], "500");
  EXPECT_EQ(status.columns[1].type, protocol::kTypeLongLong);
  const ResultSet logs = Rows("SHOW BINARY LOGS");
  EXPECT_EQ(ColumnNames(logs), (std::vector<std::string>{"Log_name", "File_size"}));
  ASSERT_EQ(logs.rows.size(), 2u);
  EXPECT_EQ(logs.rows[0][0], "mysql-bin.000001");
  EXPECT_EQ(logs.rows[0][1], "1000");
}

TEST_F(QueryResponderTest, MysqlFlavourMasterStatusHasExecutedGtidSet) {
  context.version = "8.0.36-binlog-sidecar";
  context.gtids = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5";
  const ResultSet status = Rows("SHOW BINARY LOG STATUS");
  ASSERT_EQ(status.columns.size(), 5u);
  EXPECT_EQ(status.columns[4].name, "Executed_Gtid_Set");
  EXPECT_EQ(status.rows[0][4], context.gtids);
  EXPECT_EQ(ColumnNames(Rows("SHOW BINARY LOGS")).back(), "Encrypted");
}

TEST_F(QueryResponderTest, EmptyStoreMasterStatusHasNoRow) {
  context.files.clear();
  EXPECT_TRUE(Rows("SHOW MASTER STATUS").rows.empty());
}

class AdminResponderTest : public QueryResponderTest {
 protected:
  AdminResponderTest() {
    session.user = "admin";
    session.role = Role::kAdmin;
  }
};

TEST_F(AdminResponderTest, SlaveStatusHasTheColumnsOrchestratorReads) {
  const ResultSet rs = Rows("SHOW SLAVE STATUS");
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.columns[0].name, "Slave_IO_State");
  EXPECT_EQ(rs.Value(0, "Master_Host"), "10.0.0.5");
  EXPECT_EQ(rs.Value(0, "Master_Port"), "3306");
  EXPECT_EQ(rs.Value(0, "Master_User"), "upstream_repl");
  EXPECT_EQ(rs.Value(0, "Master_Log_File"), "mysql-bin.000002");
  EXPECT_EQ(rs.Value(0, "Read_Master_Log_Pos"), "620");
  EXPECT_EQ(rs.Value(0, "Relay_Master_Log_File"), "mysql-bin.000002");
  EXPECT_EQ(rs.Value(0, "Exec_Master_Log_Pos"), "500");
  EXPECT_EQ(rs.Value(0, "Slave_IO_Running"), "Yes");
  EXPECT_EQ(rs.Value(0, "Slave_SQL_Running"), "Yes");
  EXPECT_EQ(rs.Value(0, "Last_IO_Error"), "");
  EXPECT_EQ(rs.Value(0, "Seconds_Behind_Master"), "3");
  EXPECT_EQ(rs.Value(0, "Using_Gtid"), "Slave_Pos");
  EXPECT_EQ(rs.Value(0, "Gtid_IO_Pos"), "0-1-120");
  EXPECT_EQ(rs.Value(0, "Master_Server_Id"), "1");
  EXPECT_EQ(rs.Value(0, "Relay_Log_Space"), "1500");
}

TEST_F(AdminResponderTest, SlaveStatusWhileReconnecting) {
  context.puller.state = upstream::PullerState::kBackoff;
  context.puller.last_error = "connect to 10.0.0.5:3306: Connection refused";
  const ResultSet rs = Rows("SHOW SLAVE STATUS");
  EXPECT_EQ(rs.Value(0, "Slave_IO_Running"), "Connecting");
  EXPECT_EQ(rs.Value(0, "Last_IO_Error"), context.puller.last_error);
  EXPECT_EQ(rs.Value(0, "Last_IO_Errno"), "2003");
  EXPECT_FALSE(rs.Value(0, "Seconds_Behind_Master").has_value());
}

TEST_F(AdminResponderTest, MysqlReplicaStatusUsesSourceNames) {
  context.version = "8.0.36-binlog-sidecar";
  context.gtids = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5";
  const ResultSet rs = Rows("SHOW REPLICA STATUS");
  EXPECT_EQ(rs.Value(0, "Source_Host"), "10.0.0.5");
  EXPECT_EQ(rs.Value(0, "Replica_IO_Running"), "Yes");
  EXPECT_EQ(rs.Value(0, "Seconds_Behind_Source"), "3");
  EXPECT_EQ(rs.Value(0, "Retrieved_Gtid_Set"), context.gtids);
  EXPECT_EQ(rs.Value(0, "Auto_Position"), "1");
  EXPECT_FALSE(rs.ColumnIndex("Master_Host").has_value());
  EXPECT_EQ(Rows("SHOW SLAVE STATUS").Value(0, "Master_Host"), "10.0.0.5");
}

TEST_F(AdminResponderTest, SlaveHosts) {
  context.replicas = {{12, 3002, "127.0.0.1", 3306, 4001}};
  const ResultSet rs = Rows("SHOW SLAVE HOSTS");
  EXPECT_EQ(ColumnNames(rs),
            (std::vector<std::string>{"Server_id", "Host", "Port", "Master_id"}));
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0][0], "3002");
  EXPECT_EQ(rs.rows[0][3], "4001");
}

TEST_F(AdminResponderTest, StartAndStop) {
  ExpectOk("STOP SLAVE");
  EXPECT_EQ(context.stops, 1);
  ExpectOk("START REPLICA IO_THREAD");
  EXPECT_EQ(context.starts, 1);
  ExpectOk("STOP SLAVE SQL_THREAD");  // the store: nothing to stop
  ExpectOk("START SLAVE SQL_THREAD");
  EXPECT_EQ(context.stops, 1);
  EXPECT_EQ(context.starts, 1);
}

TEST_F(AdminResponderTest, ChangeMasterNeedsTheUpstreamStopped) {
  EXPECT_EQ(ErrorCode("CHANGE MASTER TO MASTER_HOST='10.0.0.6'"), 1198);
  EXPECT_FALSE(context.change.has_value());
  context.puller.state = upstream::PullerState::kStopped;
  ExpectOk("CHANGE MASTER TO MASTER_HOST='10.0.0.6', MASTER_PORT=3310, MASTER_USER='r', "
           "MASTER_PASSWORD='secret', MASTER_USE_GTID=Slave_Pos");
  ASSERT_TRUE(context.change.has_value());
  EXPECT_EQ(context.change->host, "10.0.0.6");
  EXPECT_EQ(context.change->port, 3310);
  EXPECT_EQ(context.change->user, "r");
  EXPECT_EQ(context.change->password, "secret");
  EXPECT_EQ(context.change->use_gtid, "slave_pos");
  EXPECT_FALSE(context.change->log_file.has_value());
  ExpectOk("CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION=0");
  EXPECT_EQ(context.change->use_gtid, "no");
}

TEST_F(AdminResponderTest, ChangeMasterRefusesWhatItCannotApply) {
  context.puller.state = upstream::PullerState::kStopped;
  EXPECT_EQ(ErrorCode("CHANGE MASTER TO MASTER_CONNECT_RETRY=10"), 1235);
  EXPECT_EQ(ErrorCode("CHANGE MASTER TO MASTER_PORT=70000"), 1210);
  EXPECT_EQ(ErrorCode("CHANGE MASTER TO MASTER_HOST=3"), 1210);
  EXPECT_EQ(ErrorCode("CHANGE MASTER TO MASTER_USE_GTID=maybe"), 1210);
  EXPECT_FALSE(context.change.has_value());
}

TEST_F(AdminResponderTest, Purge) {
  EXPECT_EQ(ErrorCode("PURGE BINARY LOGS TO 'mysql-bin.000099'"), 1373);
  EXPECT_TRUE(context.purged_to.empty());
  ExpectOk("PURGE BINARY LOGS TO 'mysql-bin.000002'");
  EXPECT_EQ(context.purged_to, "mysql-bin.000002");
  context.purge_result = Status::InvalidArgument("a reader still needs mysql-bin.000001");
  Response r = Ask("PURGE MASTER LOGS BEFORE '2026-01-02 03:04:05'");
  ASSERT_TRUE(r.err.has_value());
  EXPECT_EQ(r.err->code, 1378);
  EXPECT_EQ(r.err->message, "a reader still needs mysql-bin.000001");
  EXPECT_NE(context.purged_before, 0);
  EXPECT_EQ(ErrorCode("PURGE BINARY LOGS BEFORE 'yesterday'"), 1210);
}

TEST_F(QueryResponderTest, KillOwnUsersConnectionOnly) {
  ExpectOk("KILL 8");  // a "repl" connection: the replica's STOP SLAVE does this
  EXPECT_EQ(context.killed, std::vector<uint32_t>{8});
  EXPECT_EQ(ErrorCode("KILL 9"), 1095);  // the admin's
  EXPECT_EQ(ErrorCode("KILL 12345"), 1094);
  EXPECT_EQ(context.killed.size(), 1u);
}

TEST_F(AdminResponderTest, AdminKillsAnyConnection) {
  ExpectOk("KILL CONNECTION 9");
  ExpectOk("KILL QUERY 8");
  EXPECT_EQ(context.killed, (std::vector<uint32_t>{9, 8}));
}

TEST_F(QueryResponderTest, KillingItselfEndsTheConnection) {
  Response r = Ask("KILL 7");
  ASSERT_TRUE(r.err.has_value());
  EXPECT_EQ(r.err->code, 1927);
  EXPECT_FALSE(r.status.ok());
}

}  // namespace
}  // namespace sidecar::downstream
