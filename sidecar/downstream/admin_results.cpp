#include "downstream/admin_results.h"

#include <string>
#include <utility>
#include <vector>

#include "downstream/sql_value.h"

namespace sidecar::downstream {
namespace {

using Field = std::pair<std::string, SqlValue>;

// MySQL 8.0.22's renaming: Master -> Source, Slave -> Replica.
std::string ReplicaName(std::string name) {
  const std::pair<std::string_view, std::string_view> renames[] = {
      {"Master", "Source"}, {"master", "Source"}, {"Slave", "Replica"}};
  for (const auto& [from, to] : renames) {
    for (size_t at = name.find(from); at != std::string::npos; at = name.find(from, at)) {
      name.replace(at, from.size(), to);
      at += to.size();
    }
  }
  return name;
}

// One row whose columns are typed by their values.
protocol::ResultSet SingleRow(const std::vector<Field>& fields, bool replica_names) {
  protocol::ResultSet rs;
  protocol::Row row;
  for (const auto& [name, value] : fields) {
    rs.columns.push_back(ColumnFor(replica_names ? ReplicaName(name) : name, value));
    row.push_back(value.cell());
  }
  rs.rows.push_back(std::move(row));
  return rs;
}

// Columns named and typed by `sample` (its values unused).
protocol::ResultSet Columns(const std::vector<Field>& sample, bool replica_names) {
  protocol::ResultSet rs;
  for (const auto& [name, value] : sample) {
    rs.columns.push_back(ColumnFor(replica_names ? ReplicaName(name) : name, value));
  }
  return rs;
}

SqlValue Str(std::string s) { return SqlValue::String(std::move(s)); }
SqlValue Num(uint64_t v) { return SqlValue::Unsigned(v); }

const char* IoState(upstream::PullerState state) {
  switch (state) {
    case upstream::PullerState::kStreaming:
      return "Waiting for master to send event";
    case upstream::PullerState::kConnecting:
      return "Connecting to master";
    case upstream::PullerState::kBackoff:
      return "Waiting to reconnect after a failed master event read";
    case upstream::PullerState::kStopped:
    case upstream::PullerState::kFailed:
      return "";
  }
  return "";
}

const char* IoRunning(upstream::PullerState state) {
  switch (state) {
    case upstream::PullerState::kStreaming:
      return "Yes";
    case upstream::PullerState::kConnecting:
    case upstream::PullerState::kBackoff:
      return "Connecting";
    case upstream::PullerState::kStopped:
    case upstream::PullerState::kFailed:
      return "No";
  }
  return "No";
}

}  // namespace

bool PresentsMariadb(const ServerContext& context) {
  return context.server_version().find("MariaDB") != std::string::npos;
}

Result<protocol::ResultSet> MasterStatusResult(const ServerContext& context) {
  auto files = context.binlog_files();
  if (!files.ok()) return files.status();
  const bool mariadb = PresentsMariadb(context);
  std::vector<Field> fields = {{"File", Str("")},
                               {"Position", Num(0)},
                               {"Binlog_Do_DB", Str("")},
                               {"Binlog_Ignore_DB", Str("")}};
  if (!mariadb) fields.emplace_back("Executed_Gtid_Set", Str(""));
  if (files->empty()) return Columns(fields, false);  // as a server without a binlog: no row
  const store::BinlogPosition end = context.durable_end();
  fields[0].second = Str(end.file.empty() ? files->back().name : end.file);
  fields[1].second = Num(end.file.empty() ? files->back().size : end.offset);
  if (!mariadb) fields[4].second = Str(context.gtid_state());
  return SingleRow(fields, false);
}

Result<protocol::ResultSet> BinaryLogsResult(const ServerContext& context) {
  auto files = context.binlog_files();
  if (!files.ok()) return files.status();
  const bool mariadb = PresentsMariadb(context);
  std::vector<Field> sample = {{"Log_name", Str("")}, {"File_size", Num(0)}};
  if (!mariadb) sample.emplace_back("Encrypted", Str(""));
  protocol::ResultSet rs = Columns(sample, false);
  for (const auto& file : *files) {
    protocol::Row row = {file.name, std::to_string(file.size)};
    if (!mariadb) row.emplace_back("No");
    rs.rows.push_back(std::move(row));
  }
  return rs;
}

Result<protocol::ResultSet> SlaveStatusResult(const ServerContext& context, bool replica_names) {
  auto files = context.binlog_files();
  if (!files.ok()) return files.status();
  const upstream::PullerStatus st = context.upstream_status();
  const UpstreamSettings set = context.upstream_settings();
  const store::BinlogPosition end = context.durable_end();
  const std::string gtids = context.gtid_state();
  const bool mariadb = PresentsMariadb(context);
  uint64_t space = 0;
  for (const auto& file : *files) space += file.size;
  const bool sql_running = st.state != upstream::PullerState::kFailed;
  const bool streaming = st.state == upstream::PullerState::kStreaming;
  const std::string sql_state =
      sql_running ? "Slave has read all relay log; waiting for more updates" : "";
  const SqlValue behind = streaming && st.seconds_behind >= 0 ? Num(uint64_t(st.seconds_behind))
                                                              : SqlValue::Null();

  std::vector<Field> f = {
      {"Slave_IO_State", Str(IoState(st.state))},
      {"Master_Host", Str(set.host)},
      {"Master_User", Str(set.user)},
      {"Master_Port", Num(set.port)},
      {"Connect_Retry", Num(60)},
      {"Master_Log_File", Str(st.file.empty() ? end.file : st.file)},
      {"Read_Master_Log_Pos", Num(st.file.empty() ? end.offset : st.position)},
      {"Relay_Log_File", Str(end.file)},
      {"Relay_Log_Pos", Num(end.offset)},
      {"Relay_Master_Log_File", Str(end.file)},
      {"Slave_IO_Running", Str(IoRunning(st.state))},
      {"Slave_SQL_Running", Str(sql_running ? "Yes" : "No")},
  };
  if (mariadb) f.emplace_back("Replicate_Rewrite_DB", Str(""));
  for (const char* name : {"Replicate_Do_DB", "Replicate_Ignore_DB", "Replicate_Do_Table",
                           "Replicate_Ignore_Table", "Replicate_Wild_Do_Table",
                           "Replicate_Wild_Ignore_Table"}) {
    f.emplace_back(name, Str(""));
  }
  const std::vector<Field> middle = {
      {"Last_Errno", Num(0)},
      {"Last_Error", Str("")},
      {"Skip_Counter", Num(0)},
      {"Exec_Master_Log_Pos", Num(end.offset)},
      {"Relay_Log_Space", Num(space)},
      {"Until_Condition", Str("None")},
      {"Until_Log_File", Str("")},
      {"Until_Log_Pos", Num(0)},
      {"Master_SSL_Allowed", Str(set.ssl_allowed ? "Yes" : "No")},
      {"Master_SSL_CA_File", Str("")},
      {"Master_SSL_CA_Path", Str("")},
      {"Master_SSL_Cert", Str("")},
      {"Master_SSL_Cipher", Str("")},
      {"Master_SSL_Key", Str("")},
      {"Seconds_Behind_Master", behind},
      {"Master_SSL_Verify_Server_Cert", Str("No")},
      {"Last_IO_Errno", Num(st.last_error.empty() ? 0 : 2003)},
      {"Last_IO_Error", Str(st.last_error)},
      {"Last_SQL_Errno", Num(0)},
      {"Last_SQL_Error", Str("")},
      {"Replicate_Ignore_Server_Ids", Str("")},
      {"Master_Server_Id", Num(set.primary_server_id)},
  };
  f.insert(f.end(), middle.begin(), middle.end());
  if (mariadb) {
    const std::vector<Field> tail = {
        {"Master_SSL_Crl", Str("")},
        {"Master_SSL_Crlpath", Str("")},
        {"Using_Gtid", Str(set.use_gtid)},
        {"Gtid_IO_Pos", Str(gtids)},
        {"Replicate_Do_Domain_Ids", Str("")},
        {"Replicate_Ignore_Domain_Ids", Str("")},
        {"Parallel_Mode", Str("none")},
        {"SQL_Delay", Num(0)},
        {"SQL_Remaining_Delay", SqlValue::Null()},
        {"Slave_SQL_Running_State", Str(sql_state)},
        {"Slave_DDL_Groups", Num(0)},
        {"Slave_Non_Transactional_Groups", Num(0)},
        {"Slave_Transactional_Groups", Num(0)},
    };
    f.insert(f.end(), tail.begin(), tail.end());
  } else {
    const std::vector<Field> tail = {
        {"Master_UUID", Str(set.primary_uuid)},
        {"Master_Info_File", Str("state.db")},
        {"SQL_Delay", Num(0)},
        {"SQL_Remaining_Delay", SqlValue::Null()},
        {"Slave_SQL_Running_State", Str(sql_state)},
        {"Master_Retry_Count", Num(86400)},
        {"Master_Bind", Str("")},
        {"Last_IO_Error_Timestamp", Str("")},
        {"Last_SQL_Error_Timestamp", Str("")},
        {"Master_SSL_Crl", Str("")},
        {"Master_SSL_Crlpath", Str("")},
        {"Retrieved_Gtid_Set", Str(gtids)},
        {"Executed_Gtid_Set", Str(gtids)},
        {"Auto_Position", Num(set.use_gtid == "No" ? 0 : 1)},
        {"Replicate_Rewrite_DB", Str("")},
        {"Channel_Name", Str("")},
        {"Master_TLS_Version", Str("")},
        {"Master_public_key_path", Str("")},
        {"Get_master_public_key", Num(0)},
        {"Network_Namespace", Str("")},
    };
    f.insert(f.end(), tail.begin(), tail.end());
  }
  return SingleRow(f, replica_names && !mariadb);
}

protocol::ResultSet SlaveHostsResult(const ServerContext& context, bool replica_names) {
  const bool mariadb = PresentsMariadb(context);
  std::vector<Field> sample = {
      {"Server_id", Num(0)}, {"Host", Str("")}, {"Port", Num(0)}, {"Master_id", Num(0)}};
  if (!mariadb) sample.emplace_back("Slave_UUID", Str(""));
  protocol::ResultSet rs = Columns(sample, replica_names && !mariadb);
  for (const auto& replica : context.registered_replicas()) {
    protocol::Row row = {std::to_string(replica.server_id), replica.host,
                         std::to_string(replica.port), std::to_string(replica.master_id)};
    if (!mariadb) row.emplace_back("");
    rs.rows.push_back(std::move(row));
  }
  return rs;
}

}  // namespace sidecar::downstream
