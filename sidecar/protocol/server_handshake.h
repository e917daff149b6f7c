// The server's side of the connection phase: greeting, optional TLS upgrade, the client's
// HandshakeResponse41, authentication of a configured user, and the final OK or ERR.
//
// Authentication: the sidecar knows its users' cleartext passwords (from its config), so both
// plugins verify by recomputing the scramble for the nonce. caching_sha2_password: the fast path
// (scramble match → AuthMoreData 0x03, then OK) for users in `caching_sha2_cache` (everyone
// when there is no cache); with `caching_sha2_full_auth`, or for a user not in the cache, the
// full path (AuthMoreData 0x04, then the cleartext password over TLS, or over plain TCP the
// client asks for `rsa_key`'s public key (0x02) and sends the password RSA-OAEP encrypted),
// after which the user enters the cache. Over TLS a client may also answer the nonce with its
// cleartext password (NUL-terminated) at once, as MariaDB Connector/C does: that is accepted
// (it is the full path's proof) and answered with OK. A client that answered with another
// plugin than the user's is sent an AuthSwitchRequest.
// Failures send the usual ERR 1045 (28000) "Access denied for user 'u'@'host' (using password:
// YES)" before returning InvalidArgument; protocol errors return Corruption (no ERR is sent when
// the transport failed).
// Thread-safety: AcceptClient may run in many threads at once on different codecs sharing one
// ServerAuthConfig (which must not change meanwhile).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "protocol/auth_scramble.h"
#include "protocol/caching_sha2_cache.h"
#include "protocol/constants.h"
#include "protocol/packet_codec.h"
#include "protocol/rsa_key.h"
#include "protocol/tls.h"

namespace sidecar::protocol {

struct ServerAuthConfig {
  // As sent in the greeting: e.g. "5.5.5-10.11.19-binlog-sidecar" (MariaDB: contains
  // "MariaDB" → the greeting clears kClientMysql) or "8.0.36-binlog-sidecar".
  std::string server_version;
  // The plugin every user authenticates with.
  std::string auth_plugin = std::string(kNativePasswordPlugin);
  // The plugin named in the greeting; empty: auth_plugin. When it differs (as on MySQL 8, which
  // greets with caching_sha2_password), clients are switched to auth_plugin.
  std::string greeting_plugin;
  // A user's cleartext password; nullopt for an unknown user.
  std::function<std::optional<std::string>(std::string_view user)> password_of;
  // caching_sha2_password: always take the full authentication path.
  bool caching_sha2_full_auth = false;
  // caching_sha2_password: who may take the fast path (see above); nullptr: everyone.
  std::shared_ptr<CachingSha2Cache> caching_sha2_cache;
  // For caching_sha2 full authentication without TLS; without it such clients are refused.
  std::shared_ptr<const RsaKeyPair> rsa_key;
  // Offer TLS when set; with require_tls, refuse clients that do not use it.
  std::shared_ptr<const TlsContext> tls;
  bool require_tls = false;
  uint8_t charset = kCharsetUtf8Mb4GeneralCi;
};

struct AcceptedClient {
  std::string user;
  std::string database;
  std::string auth_plugin;
  uint64_t capabilities = 0;  // negotiated
  bool tls = false;
  // caching_sha2_password's full path taken by this connection: "TLS" (the cleartext password
  // over TLS) or "RSA" (RSA-encrypted); empty for the fast path and the other plugin.
  std::string full_auth_via;
  std::vector<std::pair<std::string, std::string>> connect_attrs;
};

// The server capabilities offered in the greeting (before TLS is added).
uint64_t ServerCapabilities(const ServerAuthConfig& config);

// Runs the connection phase on a freshly accepted connection. On success the OK was sent, the
// codec is in the command phase (read-ahead on) and may now be over TLS.
Result<AcceptedClient> AcceptClient(PacketCodec& codec, const ServerAuthConfig& config,
                                    uint32_t connection_id);

}  // namespace sidecar::protocol
