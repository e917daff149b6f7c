// ClientSession: one authenticated client connection to a MySQL/MariaDB server — what the
// puller uses to talk to the primary.
//
// Connect() opens TCP (or a Unix socket), reads the greeting, upgrades to TLS as `ssl` asks, and
// authenticates (mysql_native_password, caching_sha2_password incl. auth switch and full
// authentication). Then Query() runs SQL, SendCommand() sends any command (COM_BINLOG_DUMP...)
// and ReadPacket() reads raw packets (the binlog stream) without copying.
//
// Errors (Status codes): IOError — refused, timed out, closed, each naming host:port;
// InvalidArgument — the server answered ERR (access denied, SQL error), with its message;
// Unsupported — an auth plugin we lack, or ssl=required against a server without TLS;
// Corruption — malformed packets. After any error but InvalidArgument from Query, the session
// is unusable: reconnect.
// Thread-safety: not thread-safe; see PacketCodec for the semi-sync ACK exception.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "protocol/client_auth.h"
#include "protocol/generic_packets.h"
#include "protocol/handshake_packets.h"
#include "protocol/packet_codec.h"
#include "protocol/result_set.h"

namespace sidecar::protocol {

struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 3306;
  std::string unix_socket;                           // when set, used instead of host:port
  std::chrono::milliseconds connect_timeout{10000};  // connect and handshake
  std::chrono::milliseconds read_timeout{0};         // afterwards; zero: none
  std::chrono::milliseconds write_timeout{0};
  size_t max_packet = kDefaultMaxPacket;
  ClientAuthOptions auth;  // user, password, database, ssl, ...
};

// What a query returned: an OK, or a result set.
struct QueryResult {
  OkPacket ok;                    // for statements without rows
  std::optional<ResultSet> rows;  // for statements with rows
};

class ClientSession {
 public:
  static Result<std::unique_ptr<ClientSession>> Connect(const ClientOptions& options);
  // The handshake over an already connected transport (tests, proxies).
  static Result<std::unique_ptr<ClientSession>> Handshake(std::unique_ptr<Connection> conn,
                                                          const ClientAuthOptions& auth,
                                                          size_t max_packet = kDefaultMaxPacket);

  const ServerGreeting& greeting() const { return greeting_; }
  const ClientAuthResult& auth() const { return auth_; }
  uint64_t capabilities() const { return auth_.capabilities; }
  const std::string& peer() { return codec_.connection().peer(); }

  // COM_QUERY. A server ERR is InvalidArgument quoting `sql` and the server's message, and
  // leaves the session usable; last_error() then holds the packet (code, SQL state).
  Result<QueryResult> Query(std::string_view sql);
  // Query() that must return rows.
  Result<ResultSet> QueryRows(std::string_view sql);
  const ErrPacket& last_error() const { return last_error_; }

  // Starts a new command: resets the sequence id and writes [command][payload] as one packet.
  Status SendCommand(uint8_t command, Bytes payload);
  // The next packet; valid until the next read. See PacketCodec.
  Result<Bytes> ReadPacket() { return codec_.ReadPacket(); }
  PacketCodec& codec() { return codec_; }

  // Sends COM_QUIT (best effort); the session is unusable afterwards.
  void Quit();

 private:
  explicit ClientSession(std::unique_ptr<Connection> conn, size_t max_packet);
  Status Start(const ClientAuthOptions& auth);

  PacketCodec codec_;
  ServerGreeting greeting_;
  ClientAuthResult auth_;
  ErrPacket last_error_;
};

}  // namespace sidecar::protocol
