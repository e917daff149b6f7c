// The connection-phase packets: the server's greeting (Handshake v10), the client's
// HandshakeResponse41 and SSLRequest, AuthSwitchRequest, and AuthMoreData. Build and parse,
// for both directions.
//
// MariaDB specifics: a MariaDB server clears kClientMysql (bit 0) in its greeting and puts its
// extended capabilities (the high 32 bits of our 64-bit capability words) in the last 4 of the
// greeting's reserved bytes; a client that also clears bit 0 answers with its own in the last 4
// filler bytes of its response. MariaDB prefixes its version with "5.5.5-" for old clients.
// Stateless functions; the structs are plain values. Parsers return Corruption naming the
// packet and the field when the bytes are malformed.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/byte_reader.h"
#include "base/status.h"
#include "protocol/wire_buffer.h"

namespace sidecar::protocol {

inline constexpr size_t kNonceSize = 20;

struct ServerGreeting {
  uint8_t protocol_version = 10;
  std::string server_version;  // as sent, e.g. "5.5.5-10.11.19-MariaDB-log"
  uint32_t connection_id = 0;
  std::string nonce;          // auth plugin data, 20 bytes (without the trailing NUL)
  uint64_t capabilities = 0;  // high 32 bits: MariaDB extended capabilities
  uint8_t charset = 0;
  uint16_t status_flags = 0;
  std::string auth_plugin_name;

  bool IsMariaDb() const;
  // The version without MariaDB's "5.5.5-" prefix.
  std::string DisplayVersion() const;
};

void BuildGreeting(Buffer& out, const ServerGreeting& greeting);
Result<ServerGreeting> ParseGreeting(Bytes payload);

struct HandshakeResponse {
  uint64_t capabilities = 0;  // high 32 bits: MariaDB extended capabilities
  uint32_t max_packet_size = 0;
  uint8_t charset = 0;
  std::string user;
  std::string auth_response;
  std::string database;                                            // sent when kClientConnectWithDb
  std::string auth_plugin_name;                                    // sent when kClientPluginAuth
  std::vector<std::pair<std::string, std::string>> connect_attrs;  // when kClientConnectAttrs
};

// The MariaDB extended capabilities are written when !(capabilities & kClientMysql).
void BuildHandshakeResponse(Buffer& out, const HandshakeResponse& response);
// The 32-byte SSLRequest: the response's fixed part with kClientSsl, nothing after.
void BuildSslRequest(Buffer& out, uint64_t capabilities, uint32_t max_packet_size, uint8_t charset);
bool IsSslRequest(Bytes payload);
// Parses a HandshakeResponse41 (or, for an SSLRequest, only its fixed part).
Result<HandshakeResponse> ParseHandshakeResponse(Bytes payload);

struct AuthSwitchRequest {
  std::string plugin_name;
  std::string plugin_data;  // for the built-in plugins, the 20-byte nonce
};
// Appends a NUL after plugin_data, as servers do.
void BuildAuthSwitchRequest(Buffer& out, const AuthSwitchRequest& request);
// Drops one trailing NUL from plugin_data.
Result<AuthSwitchRequest> ParseAuthSwitchRequest(Bytes payload);
bool IsAuthSwitchRequest(Bytes payload);  // 0xFE header, during authentication

// AuthMoreData: 0x01 followed by plugin-specific bytes.
void BuildAuthMoreData(Buffer& out, Bytes data);
bool IsAuthMoreData(Bytes payload);

}  // namespace sidecar::protocol
