// The client's side of the connection phase, after the greeting: optional TLS upgrade, the
// HandshakeResponse41, and the authentication exchange (auth switch, caching_sha2_password's
// fast path, and its full path with the cleartext password over TLS or the password encrypted
// with the server's RSA public key).
//
// Used by ClientSession; exposed so tests can drive it over any Connection. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "protocol/constants.h"
#include "protocol/handshake_packets.h"
#include "protocol/packet_codec.h"
#include "protocol/tls.h"

namespace sidecar::protocol {

enum class SslMode {
  kDisabled,   // never TLS
  kPreferred,  // TLS when the server offers it
  kRequired,   // TLS or fail
};

struct ClientAuthOptions {
  std::string user;
  std::string password;
  std::string database;  // empty: none
  SslMode ssl = SslMode::kPreferred;
  TlsClientOptions tls;
  std::string tls_host;  // the name for SNI / hostname verification
  // The transport is already private (a Unix socket): caching_sha2 full authentication may
  // send the cleartext password without TLS, as MySQL clients do.
  bool secure_transport = false;
  // caching_sha2_password: the server's RSA public key in PEM; empty: ask the server for it.
  std::string server_public_key_pem;
  uint8_t charset = kCharsetUtf8Mb4GeneralCi;
  std::vector<std::pair<std::string, std::string>> connect_attrs;
};

struct ClientAuthResult {
  uint64_t capabilities = 0;  // negotiated: ours AND the server's
  bool tls = false;
  std::string auth_plugin;    // the plugin that finally authenticated us
  uint16_t status_flags = 0;  // from the final OK
};

// REQUIRES: `greeting` was just read from `codec` (sequence id 1 comes next).
// Errors: InvalidArgument "access denied by HOST for user 'u': ERROR 1045 (28000): ..." when
// the server refuses; Unsupported for an auth plugin we do not implement or ssl=required
// against a server without TLS; Corruption for malformed packets; IOError from the transport.
Result<ClientAuthResult> AuthenticateClient(PacketCodec& codec, const ServerGreeting& greeting,
                                            const ClientAuthOptions& options);

}  // namespace sidecar::protocol
