#include "downstream/session.h"

#include <fmt/format.h>

#include "downstream/query_responder.h"
#include "downstream/replication_requests.h"
#include "protocol/constants.h"
#include "protocol/generic_packets.h"

namespace sidecar::downstream {
namespace {

constexpr uint16_t kErrUnknownCommand = 1047;     // ER_UNKNOWN_COM_ERROR
constexpr uint16_t kErrNoSuchThread = 1094;       // ER_NO_SUCH_THREAD
constexpr uint16_t kErrKillDenied = 1095;         // ER_KILL_DENIED_ERROR
constexpr uint16_t kErrUnknown = 1105;            // ER_UNKNOWN_ERROR
constexpr uint16_t kErrPacketTooLarge = 1153;     // ER_NET_PACKET_TOO_LARGE
constexpr uint16_t kErrNetReadError = 1158;       // ER_NET_READ_ERROR

}  // namespace

Session::Session(const SessionEnvironment& env, protocol::ServerAuthConfig auth,
                 std::unique_ptr<protocol::SocketConnection> socket,
                 std::shared_ptr<ConnectionSlot> slot)
    : env_(env),
      auth_(std::move(auth)),
      socket_(std::move(socket)),
      slot_(std::move(slot)),
      peer_(socket_->peer()) {}

void Session::Run() {
  {
    protocol::SocketConnection* socket = socket_.get();
    Status s = socket->SetTimeouts(env_.handshake_timeout, env_.write_timeout);
    protocol::PacketCodec codec(std::move(socket_), env_.max_packet);
    if (s.ok()) Serve(codec);
    slot_->ReleaseSocket();
  }  // the socket closes here
  env_.table->Close(slot_->id());
}

void Session::Serve(protocol::PacketCodec& codec) {
  // The socket object outlives a TLS upgrade: the TLS connection owns it and reads through it.
  protocol::SocketConnection& socket = static_cast<protocol::SocketConnection&>(codec.connection());
  auto client = protocol::AcceptClient(codec, auth_, slot_->id());
  if (!client.ok()) {
    if (!slot_->killed()) Log(fmt::format("handshake failed: {}", client.status().message()));
    return;
  }
  if (!client->full_auth_via.empty()) {  // once per user and start: the cache then has it
    Log(fmt::format("user '{}' from {} authenticated with caching_sha2_password's full path "
                    "({}); later connections may take the fast path",
                    client->user, peer_, client->full_auth_via));
  }
  // Idle connections wait for their next command without a deadline (a kill still ends them).
  if (!socket.SetTimeouts(std::chrono::milliseconds(0), env_.write_timeout).ok()) return;
  state_.connection_id = slot_->id();
  state_.user = client->user;
  state_.peer = peer_;
  state_.role = !env_.admin_user.empty() && client->user == env_.admin_user ? Role::kAdmin
                                                                            : Role::kReplication;
  state_.capabilities = client->capabilities;
  slot_->SetUser(client->user);
  slot_->SetCommand("Sleep");

  for (;;) {
    codec.ResetSequence();
    Result<Bytes> packet = codec.ReadPacket();
    if (!packet.ok()) {
      ReadFailed(codec, packet.status());
      return;
    }
    if (!Dispatch(codec, *packet)) return;
  }
}

bool Session::Dispatch(protocol::PacketCodec& codec, Bytes packet) {
  const uint64_t caps = state_.capabilities;
  if (packet.empty()) {
    return protocol::SendErr(codec, {kErrUnknownCommand, "08S01", "Unknown command"}, caps).ok();
  }
  Status s;
  switch (packet[0]) {
    case protocol::kComQuit:
      return false;
    case protocol::kComPing:
    case protocol::kComInitDb:
      s = protocol::SendOk(codec, protocol::OkPacket{}, caps);
      break;
    case protocol::kComSetOption:
      protocol::BuildEof(codec.StartPacket(), protocol::EofPacket{}, caps);
      s = codec.SendPacket();
      break;
    case protocol::kComQuery: {
      slot_->SetCommand("Query");
      QueryResponder responder(env_.context);
      s = responder.Answer(protocol::AsStringView(packet.subspan(1)), state_, codec);
      slot_->SetCommand("Sleep");
      break;
    }
    case protocol::kComProcessKill:
      s = KillCommand(codec, packet);
      break;
    case protocol::kComRegisterSlave:
      s = RegisterReplica(codec, packet);
      break;
    case protocol::kComBinlogDump:
    case protocol::kComBinlogDumpGtid:
      return Dump(codec, packet);
    default:
      s = protocol::SendErr(codec, {kErrUnknownCommand, "08S01", "Unknown command"}, caps);
      break;
  }
  return s.ok();
}

bool Session::Dump(protocol::PacketCodec& codec, Bytes packet) {
  const bool gtid_command = packet[0] == protocol::kComBinlogDumpGtid;
  Result<BinlogDumpRequest> request =
      gtid_command ? ParseBinlogDumpGtid(packet) : ParseBinlogDump(packet);
  if (!request.ok()) {
    protocol::SendErr(codec, {kErrUnknown, "HY000", request.status().message()},
                      state_.capabilities);
    return false;
  }
  slot_->SetCommand(gtid_command ? "Binlog Dump GTID" : "Binlog Dump");
  env_.table->KillOtherDumps(request->server_id, slot_->id());
  DumpSession dump(env_.dump, state_, codec, *slot_);
  Status s = dump.Run(*request);
  if (!s.ok() && !slot_->killed()) {
    Log(fmt::format("dump for server_id {} from '{}':{} ended: {}", request->server_id,
                    request->file, request->position, s.message()));
  }
  return false;
}

Status Session::RegisterReplica(protocol::PacketCodec& codec, Bytes packet) {
  Result<RegisteredReplica> replica = ParseRegisterReplica(packet);
  if (!replica.ok()) {
    return protocol::SendErr(codec, {kErrUnknown, "HY000", replica.status().message()},
                             state_.capabilities);
  }
  replica->connection_id = slot_->id();
  slot_->SetRegistered(*replica);
  return protocol::SendOk(codec, protocol::OkPacket{}, state_.capabilities);
}

Status Session::KillCommand(protocol::PacketCodec& codec, Bytes packet) {
  ByteReader r(packet.subspan(1));
  const uint32_t id = r.U32();
  if (!r.ok()) {
    return protocol::SendErr(codec, {kErrUnknown, "HY000", "malformed COM_PROCESS_KILL packet"},
                             state_.capabilities);
  }
  const std::optional<std::string> owner = env_.context->connection_user(id);
  if (!owner) {
    return protocol::SendErr(
        codec, {kErrNoSuchThread, "HY000", fmt::format("Unknown thread id: {}", id)},
        state_.capabilities);
  }
  if (state_.role != Role::kAdmin && *owner != state_.user) {
    return protocol::SendErr(
        codec, {kErrKillDenied, "HY000", fmt::format("You are not owner of thread {}", id)},
        state_.capabilities);
  }
  Status killed = env_.context->Kill(id);
  if (!killed.ok()) {
    return protocol::SendErr(codec, {kErrNoSuchThread, "HY000", killed.message()},
                             state_.capabilities);
  }
  return protocol::SendOk(codec, protocol::OkPacket{}, state_.capabilities);
}

void Session::ReadFailed(protocol::PacketCodec& codec, const Status& status) {
  if (status.code() != Status::Code::kCorruption || slot_->killed()) return;  // gone
  const bool too_large = status.message().find("max_allowed_packet") != std::string::npos;
  const protocol::ErrPacket err =
      too_large
          ? protocol::ErrPacket{kErrPacketTooLarge, "08S01",
                                "Got a packet bigger than 'max_allowed_packet' bytes"}
          : protocol::ErrPacket{kErrNetReadError, "08S01",
                                "Got an error reading communication packets"};
  protocol::SendErr(codec, err, state_.capabilities);  // best effort: closing anyway
  Log(status.message());
}

void Session::Log(std::string_view message) const {
  if (env_.log_info) {
    env_.log_info(fmt::format("connection {} from {}: {}", slot_->id(), peer_, message));
  }
}

}  // namespace sidecar::downstream
