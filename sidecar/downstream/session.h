// Session: one downstream connection from accept to close, on its own thread.
//
// Connection phase: protocol::AcceptClient with the server's users (the [serve] user gets
// Role::kReplication, the [admin] user Role::kAdmin); a failed handshake is logged (never the
// password) and the connection closed; a caching_sha2_password full authentication (once per
// user while the server runs) is logged.
// Command phase, one command at a time:
//   COM_QUERY            QueryResponder::Answer (the statement parser, the admin SQL)
//   COM_PING, COM_INIT_DB  OK;  COM_SET_OPTION  EOF;  COM_QUIT  close
//   COM_PROCESS_KILL     ends that connection (the admin user: any; others: their own user's)
//   COM_REGISTER_SLAVE   remembered for SHOW SLAVE HOSTS, OK
//   COM_BINLOG_DUMP, COM_BINLOG_DUMP_GTID   a DumpSession; the connection closes after it, as
//                        MySQL and MariaDB close it
//   anything else        ERR 1047 "Unknown command"; the connection stays usable
// A packet over max_allowed_packet gets ERR 1153, a malformed one (bad sequence id) ERR 1158,
// then the connection closes, as servers do. A kill (ConnectionSlot::Kill) ends the session at
// once when it waits for a command, and within the dump's poll interval when it streams.
//
// Thread-safety: a Session belongs to its thread; the environment it reads is shared and
// read-only (the context and the table are thread-safe).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "downstream/connection_table.h"
#include "downstream/dump_session.h"
#include "downstream/server_context.h"
#include "downstream/session_state.h"
#include "protocol/connection.h"
#include "protocol/packet_codec.h"
#include "protocol/server_handshake.h"

namespace sidecar::downstream {

// What every session of a server shares; outlives them all.
struct SessionEnvironment {
  std::string admin_user;  // "" when there is no admin account
  ServerContext* context = nullptr;
  ConnectionTable* table = nullptr;
  DumpEnvironment dump;
  std::chrono::milliseconds handshake_timeout{10000};
  std::chrono::milliseconds write_timeout{60000};
  size_t max_packet = size_t(16) << 20;  // max_allowed_packet
  std::function<void(std::string_view)> log_info;
};

class Session {
 public:
  // `auth` is this connection's copy (its greeting's version may change between connections).
  Session(const SessionEnvironment& env, protocol::ServerAuthConfig auth,
          std::unique_ptr<protocol::SocketConnection> socket, std::shared_ptr<ConnectionSlot> slot);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves the connection until it ends, closes it and leaves the connection table.
  void Run();

 private:
  void Serve(protocol::PacketCodec& codec);
  // One command; false when the connection must end.
  bool Dispatch(protocol::PacketCodec& codec, Bytes packet);
  bool Dump(protocol::PacketCodec& codec, Bytes packet);
  Status RegisterReplica(protocol::PacketCodec& codec, Bytes packet);
  Status KillCommand(protocol::PacketCodec& codec, Bytes packet);
  void ReadFailed(protocol::PacketCodec& codec, const Status& status);
  void Log(std::string_view message) const;

  const SessionEnvironment& env_;
  const protocol::ServerAuthConfig auth_;
  std::unique_ptr<protocol::SocketConnection> socket_;
  const std::shared_ptr<ConnectionSlot> slot_;
  const std::string peer_;
  SessionState state_;
};

}  // namespace sidecar::downstream
