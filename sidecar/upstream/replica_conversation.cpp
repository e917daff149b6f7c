#include "upstream/replica_conversation.h"

#include <fmt/format.h>

#include <optional>

#include "binlog/control_events.h"
#include "binlog/mysql_gtid_set.h"
#include "upstream/binlog_stream.h"
#include "upstream/replication_commands.h"

namespace sidecar::upstream {
namespace {

using protocol::ClientSession;

Status Exec(ClientSession& session, const std::string& sql) {
  auto result = session.Query(sql);
  return result.ok() ? Status::Ok() : result.status();
}

// The first value of the first row; nullopt for NULL or no row.
Result<std::optional<std::string>> QueryValue(ClientSession& session, const std::string& sql,
                                              size_t column = 0) {
  auto rows = session.QueryRows(sql);
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty() || rows->rows[0].size() <= column) {
    return std::optional<std::string>();
  }
  return rows->rows[0][column];
}

Result<std::string> RequireValue(ClientSession& session, const std::string& sql,
                                 size_t column = 0) {
  auto value = QueryValue(session, sql, column);
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return Status::InvalidArgument(
        fmt::format("{} answered no value to '{}'", session.peer(), sql));
  }
  return **value;
}

Result<uint32_t> ParseU32(std::string_view what, const std::string& text, std::string_view peer) {
  uint64_t v = 0;
  bool ok = !text.empty() && text.size() <= 10;
  for (char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) v = v * 10 + uint64_t(c - '0');
  }
  if (!ok || v > UINT32_MAX) {
    return Status::InvalidArgument(fmt::format("{} reported {} '{}'", peer, what, text));
  }
  return uint32_t(v);
}

// "'" + s + "'" with quotes and backslashes escaped.
std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

Status SetUpSemiSync(ClientSession& session, PrimaryInfo& info) {
  auto rows = session.QueryRows("SHOW VARIABLES LIKE 'rpl_semi_sync_master_enabled'");
  if (!rows.ok()) return rows.status();
  const std::optional<std::string> enabled =
      rows->rows.empty() ? std::nullopt : rows->Value(0, "Value");
  if (!enabled || (*enabled != "ON" && *enabled != "1")) return Status::Ok();
  if (Status s = Exec(session, "SET @rpl_semi_sync_slave= 1"); !s.ok()) return s;
  info.semi_sync = true;
  return Status::Ok();
}

Status SendAndExpectOk(ClientSession& session, const protocol::Buffer& payload,
                       std::string_view what) {
  if (Status s = session.SendCommand(payload[0], Bytes(payload).subspan(1)); !s.ok()) return s;
  auto reply = session.ReadPacket();
  if (!reply.ok()) return reply.status();
  if (protocol::IsErrPacket(*reply)) {
    auto err = protocol::ParseErr(*reply, session.capabilities());
    if (!err.ok()) return err.status();
    return protocol::ServerError(session.peer(), *err, std::string(what));
  }
  if (!protocol::IsOkPacket(*reply)) {
    return Status::Corruption(
        fmt::format("{} answered {} with neither OK nor ERR", session.peer(), what));
  }
  return Status::Ok();
}

}  // namespace

Result<PrimaryInfo> SetUpReplicaSession(ClientSession& session,
                                        const ConversationOptions& options) {
  PrimaryInfo info;
  const std::string peer = session.peer();
  info.flavor = session.greeting().IsMariaDb() ? binlog::Flavor::kMariadb : binlog::Flavor::kMysql;
  const bool mariadb = info.flavor == binlog::Flavor::kMariadb;

  auto server_id = mariadb ? RequireValue(session, "SHOW VARIABLES LIKE 'SERVER_ID'", 1)
                           : RequireValue(session, "SELECT @@GLOBAL.SERVER_ID");
  if (!server_id.ok()) return server_id.status();
  auto id = ParseU32("server_id", *server_id, peer);
  if (!id.ok()) return id.status();
  info.server_id = *id;

  const uint64_t heartbeat_ns = uint64_t(options.heartbeat_period.count()) * 1000000;
  const std::string statements[] = {fmt::format("SET @master_heartbeat_period= {}", heartbeat_ns),
                                    "SET @master_binlog_checksum= @@global.binlog_checksum"};
  for (const std::string& sql : statements) {
    if (Status s = Exec(session, sql); !s.ok()) return s;
  }
  auto checksum = QueryValue(session, "SELECT @master_binlog_checksum");
  if (!checksum.ok()) return checksum.status();
  if (checksum->has_value() && **checksum == "CRC32") {
    info.checksum = binlog::ChecksumAlgorithm::kCrc32;
  } else if (checksum->has_value() && **checksum != "NONE") {
    return Status::Unsupported(
        fmt::format("{} uses binlog_checksum {}, which is not supported", peer, **checksum));
  }

  if (mariadb) {
    if (Status s = Exec(session, "SET @mariadb_slave_capability=4"); !s.ok()) return s;
  } else {
    auto uuid = RequireValue(session, "SELECT @@GLOBAL.SERVER_UUID");
    if (!uuid.ok()) return uuid.status();
    info.server_uuid = *uuid;
    if (Status s = Exec(session, "SET @slave_uuid= " + Quote(options.replica_uuid)); !s.ok()) {
      return s;
    }
  }
  if (options.semi_sync) {
    if (Status s = SetUpSemiSync(session, info); !s.ok()) return s;
  }
  return info;
}

Status StartDump(ClientSession& session, const PrimaryInfo& primary,
                 const ConversationOptions& options, const DumpRequest& request) {
  const bool mariadb = primary.flavor == binlog::Flavor::kMariadb;
  const bool gtid = request.mode == DumpRequest::Mode::kGtid;
  std::optional<binlog::MysqlGtidSet> mysql_set;
  if (gtid && mariadb) {
    const std::string statements[] = {"SET @slave_connect_state=" + Quote(request.gtids),
                                      "SET @slave_gtid_strict_mode=1",
                                      "SET @slave_gtid_ignore_duplicates=0"};
    for (const std::string& sql : statements) {
      if (Status s = Exec(session, sql); !s.ok()) return s;
    }
  } else if (gtid) {
    auto set = binlog::MysqlGtidSet::Parse(request.gtids);
    if (!set.ok()) return set.status();
    mysql_set = std::move(set).value();
  }

  protocol::Buffer payload;
  BuildRegisterReplica(payload, {options.server_id, options.report_host, options.report_port});
  if (Status s = SendAndExpectOk(session, payload, "COM_REGISTER_SLAVE"); !s.ok()) return s;

  if (mysql_set) {
    BuildBinlogDumpGtid(payload, options.server_id, "", 4, *mysql_set);
  } else {
    const std::string& file = gtid ? std::string() : request.file;
    if (request.position > UINT32_MAX) {
      return Status::InvalidArgument(
          fmt::format("cannot dump {}:{} from {}: COM_BINLOG_DUMP positions are 32-bit",
                      request.file, request.position, session.peer()));
    }
    BuildBinlogDump(payload, options.server_id, file, gtid ? 4 : uint32_t(request.position),
                    mariadb ? kDumpSendAnnotateRows : 0);
  }
  if (Status s = session.SendCommand(payload[0], Bytes(payload).subspan(1)); !s.ok()) return s;
  session.codec().set_check_sequence(false);
  return Status::Ok();
}

Result<DumpRequest> ResolveFreshStart(ClientSession& session, const StartSpec& start) {
  DumpRequest request;
  switch (start.kind) {
    case StartSpec::Kind::kEarliest: {
      auto file = RequireValue(session, "SHOW BINARY LOGS");
      if (!file.ok()) return file.status();
      request.file = *file;
      break;
    }
    case StartSpec::Kind::kCurrent: {
      auto file = RequireValue(session, "SHOW MASTER STATUS");
      if (!file.ok()) return file.status();
      request.file = *file;
      break;
    }
    case StartSpec::Kind::kFilePosition:
      request.file = start.file;
      break;
    case StartSpec::Kind::kGtid:
      return Status::InvalidArgument("a GTID start is resolved with FindFileByGtid");
  }
  request.position = 4;
  return request;
}

Result<std::string> FindFileByGtid(ClientSession& session, const PrimaryInfo& primary,
                                   const ConversationOptions& options, const std::string& gtids) {
  DumpRequest request{DumpRequest::Mode::kGtid, "", 4, gtids};
  if (Status s = StartDump(session, primary, options, request); !s.ok()) return s;
  BinlogStream stream(session.peer(), session.capabilities(), primary.checksum, primary.semi_sync);
  auto payload = session.ReadPacket();
  if (!payload.ok()) return payload.status();
  auto packet = stream.Decode(*payload);
  if (!packet.ok()) return packet.status();
  if (packet->kind != StreamPacket::Kind::kEvent || stream.file().empty()) {
    return Status::Corruption(
        fmt::format("{} did not start the GTID dump from {} with a ROTATE naming its file",
                    session.peer(), gtids));
  }
  return stream.file();
}

}  // namespace sidecar::upstream
