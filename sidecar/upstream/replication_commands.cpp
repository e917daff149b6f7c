#include "upstream/replication_commands.h"

#include "protocol/constants.h"

namespace sidecar::upstream {

using protocol::PutString;
using protocol::PutU16;
using protocol::PutU32;
using protocol::PutU64;
using protocol::PutU8;

void BuildRegisterReplica(protocol::Buffer& out, const RegisterReplica& replica) {
  out.clear();
  PutU8(out, protocol::kComRegisterSlave);
  PutU32(out, replica.server_id);
  PutU8(out, static_cast<uint8_t>(replica.report_host.size()));
  PutString(out, replica.report_host);
  PutU8(out, 0);  // report user
  PutU8(out, 0);  // report password
  PutU16(out, replica.report_port);
  PutU32(out, 0);  // replication rank (ignored by servers)
  PutU32(out, 0);  // master id (filled in by the primary)
}

void BuildBinlogDump(protocol::Buffer& out, uint32_t server_id, std::string_view file,
                     uint32_t position, uint16_t flags) {
  out.clear();
  PutU8(out, protocol::kComBinlogDump);
  PutU32(out, position);
  PutU16(out, flags);
  PutU32(out, server_id);
  PutString(out, file);
}

void BuildBinlogDumpGtid(protocol::Buffer& out, uint32_t server_id, std::string_view file,
                         uint64_t position, const binlog::MysqlGtidSet& gtids) {
  const std::vector<uint8_t> encoded = gtids.EncodeBinary();
  out.clear();
  PutU8(out, protocol::kComBinlogDumpGtid);
  PutU16(out, kDumpThroughGtid);
  PutU32(out, server_id);
  PutU32(out, static_cast<uint32_t>(file.size()));
  PutString(out, file);
  PutU64(out, position);
  PutU32(out, static_cast<uint32_t>(encoded.size()));
  protocol::PutBytes(out, encoded);
}

void BuildSemiSyncAck(protocol::Buffer& out, std::string_view file, uint64_t position) {
  out.clear();
  PutU8(out, kSemiSyncIndicator);
  PutU64(out, position);
  PutString(out, file);
}

}  // namespace sidecar::upstream
