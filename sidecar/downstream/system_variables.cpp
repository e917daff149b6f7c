#include "downstream/system_variables.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>

namespace sidecar::downstream {
namespace {

enum class VarType { kBool, kUnsigned, kString };

using Getter = std::string (*)(const ServerContext&);

struct VarDef {
  std::string_view name;
  VarType type;
  Getter get;
};

bool IsMariadb(const ServerContext& c) {
  return c.server_version().find("MariaDB") != std::string::npos;
}

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

std::string SystemTimeZone() {
  tzset();
  return tzname[0] != nullptr ? tzname[0] : "UTC";
}

// MySQL GTID mode: ON when the store holds a MySQL primary's GTIDs.
bool MysqlGtidsOn(const ServerContext& c) { return !IsMariadb(c) && !c.gtid_state().empty(); }

std::string GtidPurged(const ServerContext& c) {
  auto files = c.binlog_files();
  if (!files.ok() || files->empty()) return "";
  return files->front().start_gtid_state;
}

#define FIXED(text) [](const ServerContext&) { return std::string(text); }

// In any order: SystemVariableNames() sorts them for SHOW VARIABLES.
const VarDef kVariables[] = {
    {"auto_increment_increment", VarType::kUnsigned, FIXED("1")},
    {"auto_increment_offset", VarType::kUnsigned, FIXED("1")},
    {"autocommit", VarType::kBool, FIXED("1")},
    {"binlog_checksum", VarType::kString,
     [](const ServerContext& c) { return c.binlog_checksum(); }},
    {"binlog_format", VarType::kString, FIXED("ROW")},
    {"binlog_row_image", VarType::kString, FIXED("FULL")},
    {"character_set_client", VarType::kString, FIXED("utf8mb4")},
    {"character_set_connection", VarType::kString, FIXED("utf8mb4")},
    {"character_set_database", VarType::kString, FIXED("utf8mb4")},
    {"character_set_results", VarType::kString, FIXED("utf8mb4")},
    {"character_set_server", VarType::kString, FIXED("utf8mb4")},
    {"character_set_system", VarType::kString, FIXED("utf8mb3")},
    {"collation_connection", VarType::kString, FIXED("utf8mb4_general_ci")},
    {"collation_database", VarType::kString, FIXED("utf8mb4_general_ci")},
    {"collation_server", VarType::kString, FIXED("utf8mb4_general_ci")},
    {"enforce_gtid_consistency", VarType::kString,
     [](const ServerContext& c) {
       return std::string(MysqlGtidsOn(c) ? "ON" : "OFF");
     }},
    {"gtid_binlog_pos", VarType::kString,
     [](const ServerContext& c) { return c.gtid_state(); }},
    {"gtid_binlog_state", VarType::kString,
     [](const ServerContext& c) { return c.gtid_state(); }},
    {"gtid_current_pos", VarType::kString,
     [](const ServerContext& c) { return c.gtid_state(); }},
    {"gtid_domain_id", VarType::kUnsigned, FIXED("0")},
    {"gtid_executed", VarType::kString,
     [](const ServerContext& c) { return c.gtid_state(); }},
    {"gtid_mode", VarType::kString,
     [](const ServerContext& c) {
       return std::string(MysqlGtidsOn(c) ? "ON" : "OFF");
     }},
    {"gtid_purged", VarType::kString,
     [](const ServerContext& c) { return GtidPurged(c); }},
    {"gtid_slave_pos", VarType::kString, FIXED("")},
    {"gtid_strict_mode", VarType::kBool, FIXED("0")},
    {"hostname", VarType::kString,
     [](const ServerContext&) { return Hostname(); }},
    {"init_connect", VarType::kString, FIXED("")},
    {"interactive_timeout", VarType::kUnsigned, FIXED("28800")},
    {"license", VarType::kString, FIXED("GPL")},
    {"log_bin", VarType::kBool, FIXED("1")},
    {"log_replica_updates", VarType::kBool, FIXED("1")},
    {"log_slave_updates", VarType::kBool, FIXED("1")},
    {"lower_case_table_names", VarType::kUnsigned, FIXED("0")},
    {"max_allowed_packet", VarType::kUnsigned,
     [](const ServerContext&) {
       return std::to_string(kServedMaxAllowedPacket);
     }},
    {"net_buffer_length", VarType::kUnsigned, FIXED("16384")},
    {"net_read_timeout", VarType::kUnsigned, FIXED("30")},
    {"net_write_timeout", VarType::kUnsigned, FIXED("60")},
    {"performance_schema", VarType::kBool, FIXED("0")},
    {"read_only", VarType::kBool, FIXED("1")},
    {"report_host", VarType::kString, FIXED("")},
    {"rpl_semi_sync_master_enabled", VarType::kBool, FIXED("0")},
    {"rpl_semi_sync_source_enabled", VarType::kBool, FIXED("0")},
    {"server_id", VarType::kUnsigned,
     [](const ServerContext& c) { return std::to_string(c.server_id()); }},
    {"server_uuid", VarType::kString,
     [](const ServerContext& c) { return c.server_uuid(); }},
    {"sql_mode", VarType::kString, FIXED("")},
    {"sql_select_limit", VarType::kUnsigned, FIXED("18446744073709551615")},
    {"super_read_only", VarType::kBool, FIXED("0")},
    {"system_time_zone", VarType::kString,
     [](const ServerContext&) { return SystemTimeZone(); }},
    {"time_zone", VarType::kString, FIXED("SYSTEM")},
    {"transaction_isolation", VarType::kString, FIXED("REPEATABLE-READ")},
    {"transaction_read_only", VarType::kBool, FIXED("0")},
    {"tx_isolation", VarType::kString, FIXED("REPEATABLE-READ")},
    {"tx_read_only", VarType::kBool, FIXED("0")},
    {"version", VarType::kString,
     [](const ServerContext& c) { return c.server_version(); }},
    {"version_comment", VarType::kString, FIXED("binlog-sidecar")},
    {"version_compile_machine", VarType::kString, FIXED("x86_64")},
    {"version_compile_os", VarType::kString, FIXED("Linux")},
    {"wait_timeout", VarType::kUnsigned, FIXED("28800")},
    {"warning_count", VarType::kUnsigned, FIXED("0")},
    {"error_count", VarType::kUnsigned, FIXED("0")},
};

#undef FIXED

const VarDef* Find(std::string_view name) {
  for (const VarDef& def : kVariables) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string_view>& SystemVariableNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> sorted;
    for (const VarDef& def : kVariables) sorted.push_back(def.name);
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }();
  return names;
}

std::optional<SqlValue> SystemVariable(std::string_view name, const ServerContext& context) {
  const VarDef* def = Find(name);
  if (def == nullptr) return std::nullopt;
  std::string text = def->get(context);
  switch (def->type) {
    case VarType::kBool:
      return SqlValue{SqlValue::Type::kInteger, std::move(text)};
    case VarType::kUnsigned:
      return SqlValue{SqlValue::Type::kUnsigned, std::move(text)};
    case VarType::kString:
      return SqlValue::String(std::move(text));
  }
  return std::nullopt;
}

std::string ShowVariableValue(std::string_view name, const ServerContext& context) {
  const VarDef* def = Find(name);
  if (def == nullptr) return "";
  std::string text = def->get(context);
  if (def->type == VarType::kBool) return text == "1" ? "ON" : "OFF";
  return text;
}

}  // namespace sidecar::downstream
