#include "binlog/event_type.h"

#include <array>
#include <string_view>

namespace sidecar::binlog {
namespace {

constexpr std::array<std::string_view, 43> kMysqlNames = {"UNKNOWN",
                                                          "START_V3",
                                                          "QUERY",
                                                          "STOP",
                                                          "ROTATE",
                                                          "INTVAR",
                                                          "LOAD",
                                                          "SLAVE",
                                                          "CREATE_FILE",
                                                          "APPEND_BLOCK",
                                                          "EXEC_LOAD",
                                                          "DELETE_FILE",
                                                          "NEW_LOAD",
                                                          "RAND",
                                                          "USER_VAR",
                                                          "FORMAT_DESCRIPTION",
                                                          "XID",
                                                          "BEGIN_LOAD_QUERY",
                                                          "EXECUTE_LOAD_QUERY",
                                                          "TABLE_MAP",
                                                          "PRE_GA_WRITE_ROWS",
                                                          "PRE_GA_UPDATE_ROWS",
                                                          "PRE_GA_DELETE_ROWS",
                                                          "WRITE_ROWS_V1",
                                                          "UPDATE_ROWS_V1",
                                                          "DELETE_ROWS_V1",
                                                          "INCIDENT",
                                                          "HEARTBEAT",
                                                          "IGNORABLE",
                                                          "ROWS_QUERY",
                                                          "WRITE_ROWS_V2",
                                                          "UPDATE_ROWS_V2",
                                                          "DELETE_ROWS_V2",
                                                          "GTID",
                                                          "ANONYMOUS_GTID",
                                                          "PREVIOUS_GTIDS",
                                                          "TRANSACTION_CONTEXT",
                                                          "VIEW_CHANGE",
                                                          "XA_PREPARE",
                                                          "PARTIAL_UPDATE_ROWS",
                                                          "TRANSACTION_PAYLOAD",
                                                          "HEARTBEAT_V2",
                                                          "GTID_TAGGED"};

constexpr std::array<std::string_view, 12> kMariadbNames = {"MARIA_ANNOTATE_ROWS",
                                                            "MARIA_BINLOG_CHECKPOINT",
                                                            "MARIA_GTID",
                                                            "MARIA_GTID_LIST",
                                                            "MARIA_START_ENCRYPTION",
                                                            "MARIA_QUERY_COMPRESSED",
                                                            "MARIA_WRITE_ROWS_COMPRESSED_V1",
                                                            "MARIA_UPDATE_ROWS_COMPRESSED_V1",
                                                            "MARIA_DELETE_ROWS_COMPRESSED_V1",
                                                            "MARIA_WRITE_ROWS_COMPRESSED",
                                                            "MARIA_UPDATE_ROWS_COMPRESSED",
                                                            "MARIA_DELETE_ROWS_COMPRESSED"};

constexpr uint8_t kFirstMariadbCode = 160;

}  // namespace

std::string EventTypeName(uint8_t code) {
  if (code < kMysqlNames.size()) return std::string(kMysqlNames[code]);
  if (code >= kFirstMariadbCode && code - kFirstMariadbCode < int(kMariadbNames.size())) {
    return std::string(kMariadbNames[code - kFirstMariadbCode]);
  }
  return "UNKNOWN_" + std::to_string(code);
}

bool IsRowsEvent(uint8_t code) {
  return (code >= uint8_t(EventType::kPreGaWriteRows) &&
          code <= uint8_t(EventType::kDeleteRowsV1)) ||
         (code >= uint8_t(EventType::kWriteRowsV2) && code <= uint8_t(EventType::kDeleteRowsV2)) ||
         code == uint8_t(EventType::kPartialUpdateRows) ||
         (code >= uint8_t(EventType::kWriteRowsCompressedV1) &&
          code <= uint8_t(EventType::kDeleteRowsCompressed));
}

}  // namespace sidecar::binlog
