// The replication commands a replica sends, parsed on the server side: the mirror images of
// upstream/replication_commands.h (same layouts, checked against the MariaDB 10.11 captures).
//
//   COM_REGISTER_SLAVE   0x15 | server_id 4 | host len1+str | user len1+str |
//                        password len1+str | port 2 | rank 4 | master_id 4
//   COM_BINLOG_DUMP      0x12 | position 4 | flags 2 | server_id 4 | file<EOF> (read up to a
//                        NUL, which mysql2-based clients append, as servers do)
//   COM_BINLOG_DUMP_GTID 0x1E | flags 2 | server_id 4 | name_len 4 | file |
//                        position 8 | [flags & 0x04: data_len 4 | encoded GTID set]
//
// Malformed payloads are InvalidArgument naming the command and what is wrong; the server
// answers them with an ERR. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/byte_reader.h"
#include "base/status.h"
#include "binlog/mysql_gtid_set.h"
#include "downstream/server_context.h"

namespace sidecar::downstream {

struct BinlogDumpRequest {
  std::string file;  // "" = the first file
  uint64_t position = 0;
  uint16_t flags = 0;
  uint32_t server_id = 0;  // the replica's; 0 for tools that read and leave
  // COM_BINLOG_DUMP_GTID: the transactions the replica has (empty set when it sent none).
  std::optional<binlog::MysqlGtidSet> mysql_gtids;
};

// `payload` includes the command byte. The returned replica's connection_id is left 0.
Result<RegisteredReplica> ParseRegisterReplica(Bytes payload);
Result<BinlogDumpRequest> ParseBinlogDump(Bytes payload);
Result<BinlogDumpRequest> ParseBinlogDumpGtid(Bytes payload);

}  // namespace sidecar::downstream
