// The payloads a replica sends to start and acknowledge a binlog dump, built
// byte for byte as MariaDB 10.11 and MySQL replicas build them (checked against
// tests/fixtures/protocol/mariadb-10.11-captured/replica-*.pcap):
//
//   COM_REGISTER_SLAVE   0x15 | server_id 4 | host len1+str | user len1+str |
//                        password len1+str | port 2 | rank 4 | master_id 4
//   COM_BINLOG_DUMP      0x12 | position 4 | flags 2 | server_id 4 | file<EOF>
//   COM_BINLOG_DUMP_GTID 0x1E | flags 2 | server_id 4 | name_len 4 | file |
//                        position 8 | data_len 4 | encoded GTID set (MySQL)
//   semi-sync ACK        0xEF | position 8 | file<EOF>
//
// Each builder clears `out` and writes the whole payload (command byte
// included), so the puller reuses one buffer. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "binlog/mysql_gtid_set.h"
#include "protocol/wire_buffer.h"

namespace sidecar::upstream {

// COM_BINLOG_DUMP flags.
inline constexpr uint16_t kDumpNonBlock = 0x01;
// MariaDB: send ANNOTATE_ROWS events (without it the primary leaves them out
// and the stored files would differ from its own).
inline constexpr uint16_t kDumpSendAnnotateRows = 0x02;
// COM_BINLOG_DUMP_GTID flag: the GTID set follows.
inline constexpr uint16_t kDumpThroughGtid = 0x04;

// The semi-sync header byte before an event, and the ACK packet's first byte.
inline constexpr uint8_t kSemiSyncIndicator = 0xEF;

struct RegisterReplica {
  uint32_t server_id = 0;
  std::string_view report_host;  // SHOW SLAVE HOSTS' Host; may be empty
  uint16_t report_port = 0;
};

// REQUIRES: report_host is shorter than 256 bytes.
void BuildRegisterReplica(protocol::Buffer& out, const RegisterReplica& replica);
void BuildBinlogDump(protocol::Buffer& out, uint32_t server_id, std::string_view file,
                     uint32_t position, uint16_t flags);
void BuildBinlogDumpGtid(protocol::Buffer& out, uint32_t server_id, std::string_view file,
                         uint64_t position, const binlog::MysqlGtidSet& gtids);
// The ACK for the event that ends at `position` in `file`.
void BuildSemiSyncAck(protocol::Buffer& out, std::string_view file, uint64_t position);

}  // namespace sidecar::upstream
