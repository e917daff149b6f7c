#include "downstream/replication_requests.h"

#include <fmt/format.h>

#include "protocol/constants.h"
#include "upstream/replication_commands.h"

namespace sidecar::downstream {
namespace {

Status Malformed(std::string_view command, std::string_view what) {
  return Status::InvalidArgument(fmt::format("malformed {} packet: {}", command, what));
}

}  // namespace

Result<RegisteredReplica> ParseRegisterReplica(Bytes payload) {
  constexpr std::string_view kName = "COM_REGISTER_SLAVE";
  ByteReader r(payload);
  if (r.U8() != protocol::kComRegisterSlave) return Malformed(kName, "wrong command byte");
  RegisteredReplica replica;
  replica.server_id = r.U32();
  replica.host = std::string(r.TakeString(r.U8()));
  r.Skip(r.U8());  // user
  r.Skip(r.U8());  // password
  replica.port = r.U16();
  if (!r.ok()) return Malformed(kName, "truncated before the port");
  // rank and master_id: MySQL 5.x clients always send them; tolerate their absence.
  if (r.remaining() >= 8) {
    r.U32();
    replica.master_id = r.U32();
  }
  return replica;
}

Result<BinlogDumpRequest> ParseBinlogDump(Bytes payload) {
  constexpr std::string_view kName = "COM_BINLOG_DUMP";
  ByteReader r(payload);
  if (r.U8() != protocol::kComBinlogDump) return Malformed(kName, "wrong command byte");
  BinlogDumpRequest request;
  request.position = r.U32();
  request.flags = r.U16();
  request.server_id = r.U32();
  if (!r.ok()) return Malformed(kName, "shorter than 11 bytes");
  // Some clients (mysql2, hence zongji) end the name with a NUL; servers read up to it.
  const std::string_view file = r.TakeString(r.remaining());
  request.file = std::string(file.substr(0, file.find('\0')));
  return request;
}

Result<BinlogDumpRequest> ParseBinlogDumpGtid(Bytes payload) {
  constexpr std::string_view kName = "COM_BINLOG_DUMP_GTID";
  ByteReader r(payload);
  if (r.U8() != protocol::kComBinlogDumpGtid) return Malformed(kName, "wrong command byte");
  BinlogDumpRequest request;
  request.flags = r.U16();
  request.server_id = r.U32();
  const uint32_t name_length = r.U32();
  if (!r.ok() || name_length > r.remaining()) return Malformed(kName, "truncated file name");
  request.file = std::string(r.TakeString(name_length));
  request.position = r.U64();
  if (!r.ok()) return Malformed(kName, "truncated position");
  request.mysql_gtids.emplace();
  if (request.flags & upstream::kDumpThroughGtid) {
    const uint32_t data_length = r.U32();
    if (!r.ok() || data_length != r.remaining()) {
      return Malformed(kName, "the GTID set's length does not match the packet");
    }
    Result<binlog::MysqlGtidSet> set = binlog::MysqlGtidSet::DecodeBinary(r.Rest());
    if (!set.ok()) return Malformed(kName, set.status().message());
    request.mysql_gtids = std::move(*set);
  }
  return request;
}

}  // namespace sidecar::downstream
