#include "protocol/server_handshake.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "protocol/generic_packets.h"
#include "protocol/handshake_packets.h"

namespace sidecar::protocol {

namespace {

constexpr uint16_t kErAccessDenied = 1045;
constexpr uint16_t kErSecureTransportRequired = 3159;
constexpr uint16_t kErHandshakeError = 1043;

// 20 random bytes in 0x21..0x7E: never NUL (the greeting NUL-terminates the nonce) nor '$'.
Result<std::string> NewNonce() {
  uint8_t raw[kNonceSize];
  if (RAND_bytes(raw, sizeof(raw)) != 1) {
    return Status::IOError("RAND_bytes failed to produce an authentication nonce");
  }
  std::string nonce(kNonceSize, '\0');
  for (size_t i = 0; i < kNonceSize; ++i) {
    char c = char(0x21 + raw[i] % 94);
    nonce[i] = c == '$' ? '#' : c;
  }
  return nonce;
}

// Constant time for passwords of the same length.
bool SamePassword(std::string_view given, std::string_view expected) {
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

std::string PeerHost(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  std::string host = colon == std::string::npos ? peer : peer.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return host;
}

class ServerAuthExchange {
 public:
  ServerAuthExchange(PacketCodec& codec, const ServerAuthConfig& config, std::string nonce,
                     AcceptedClient& client)
      : codec_(codec), config_(config), nonce_(std::move(nonce)), client_(client) {}

  Status Run(const std::string& first_response) {
    const std::optional<std::string> password = config_.password_of(client_.user);
    std::string response = first_response;
    if (client_.auth_plugin != config_.auth_plugin) {
      Result<std::string> nonce = NewNonce();
      if (!nonce.ok()) return nonce.status();
      nonce_ = std::move(nonce).value();
      client_.auth_plugin = config_.auth_plugin;
      BuildAuthSwitchRequest(codec_.StartPacket(), {config_.auth_plugin, nonce_});
      Status s = codec_.SendPacket();
      if (!s.ok()) return s;
      Result<Bytes> p = codec_.ReadPacket();
      if (!p.ok()) return p.status();
      response = std::string(AsStringView(*p));
    }
    if (!password) return Deny(!response.empty(), "unknown user");
    if (config_.auth_plugin == kNativePasswordPlugin) {
      if (!VerifyNativePassword(*password, nonce_, response)) {
        return Deny(!response.empty(), "wrong password");
      }
      return Accept();
    }
    return CachingSha2(*password, response);
  }

 private:
  Status CachingSha2(const std::string& password, const std::string& response) {
    if (response.empty()) {
      return password.empty() ? Accept() : Deny(false, "no password given");
    }
    const bool scramble_ok = VerifyCachingSha2(password, nonce_, response);
    if (client_.tls && !scramble_ok && response.back() == '\0') {
      // MariaDB Connector/C over TLS: the cleartext password instead of the scramble.
      if (!SamePassword(std::string_view(response).substr(0, response.size() - 1), password)) {
        return Deny(true, "wrong password");
      }
      return AcceptAfterFullAuth("TLS");
    }
    const bool fast_path_allowed =
        !config_.caching_sha2_full_auth &&
        (!config_.caching_sha2_cache || config_.caching_sha2_cache->Contains(client_.user));
    if (fast_path_allowed) {
      if (!scramble_ok) return Deny(true, "wrong password");
      const uint8_t fast = kCachingSha2FastAuthSuccess;
      BuildAuthMoreData(codec_.StartPacket(), Bytes(&fast, 1));
      Status s = codec_.SendPacket();
      return s.ok() ? Accept() : s;
    }
    const uint8_t full = kCachingSha2PerformFullAuth;
    BuildAuthMoreData(codec_.StartPacket(), Bytes(&full, 1));
    Status s = codec_.SendPacket();
    if (!s.ok()) return s;
    Result<Bytes> p = codec_.ReadPacket();
    if (!p.ok()) return p.status();
    std::string given;
    if (client_.tls) {
      given = std::string(AsStringView(*p));
      if (given.empty() || given.back() != '\0') {
        return Deny(true, "the cleartext password is not NUL-terminated");
      }
      given.pop_back();
    } else {
      if (p->size() != 1 || (*p)[0] != kCachingSha2RequestPublicKey) {
        return Deny(true, "cleartext password sent without TLS");
      }
      if (!config_.rsa_key) return Deny(true, "no RSA key to offer without TLS");
      BuildAuthMoreData(codec_.StartPacket(), AsBytes(config_.rsa_key->public_key_pem()));
      s = codec_.SendPacket();
      if (!s.ok()) return s;
      p = codec_.ReadPacket();
      if (!p.ok()) return p.status();
      Result<std::string> clear = DecryptPassword(*config_.rsa_key, AsStringView(*p), nonce_);
      if (!clear.ok()) return Deny(true, clear.status().message());
      given = std::move(clear).value();
    }
    return SamePassword(given, password) ? AcceptAfterFullAuth(client_.tls ? "TLS" : "RSA")
                                         : Deny(true, "wrong password");
  }

  Status AcceptAfterFullAuth(std::string_view via) {
    if (config_.caching_sha2_cache) config_.caching_sha2_cache->Add(client_.user);
    client_.full_auth_via = std::string(via);
    return Accept();
  }

  Status Accept() {
    OkPacket ok;
    ok.status_flags = kServerStatusAutocommit;
    return SendOk(codec_, ok, client_.capabilities);
  }

  Status Deny(bool used_password, std::string_view why) {
    const std::string host = PeerHost(codec_.connection().peer());
    ErrPacket err{kErAccessDenied, "28000",
                  fmt::format("Access denied for user '{}'@'{}' (using password: {})", client_.user,
                              host, used_password ? "YES" : "NO")};
    Status s = SendErr(codec_, err, client_.capabilities);
    if (!s.ok()) return s;
    return Status::InvalidArgument(fmt::format("{} ({})", err.message, why));
  }

  PacketCodec& codec_;
  const ServerAuthConfig& config_;
  std::string nonce_;
  AcceptedClient& client_;
};

}  // namespace

uint64_t ServerCapabilities(const ServerAuthConfig& config) {
  uint64_t caps = kClientFoundRows | kClientLongFlag | kClientConnectWithDb | kClientProtocol41 |
                  kClientInteractive | kClientTransactions | kClientSecureConnection |
                  kClientMultiResults | kClientPluginAuth | kClientPluginAuthLenencData |
                  kClientConnectAttrs | kClientDeprecateEof;
  // MariaDB servers clear bit 0 ("CLIENT_MYSQL"); MySQL servers set it (CLIENT_LONG_PASSWORD).
  if (config.server_version.find("MariaDB") == std::string::npos) caps |= kClientMysql;
  return caps;
}

Result<AcceptedClient> AcceptClient(PacketCodec& codec, const ServerAuthConfig& config,
                                    uint32_t connection_id) {
  codec.set_read_ahead(false);  // the client's TLS hello may follow its SSLRequest at once
  codec.ResetSequence();
  Result<std::string> nonce = NewNonce();
  if (!nonce.ok()) return nonce.status();
  ServerGreeting greeting;
  greeting.server_version = config.server_version;
  greeting.connection_id = connection_id;
  greeting.nonce = *nonce;
  greeting.capabilities = ServerCapabilities(config) | (config.tls ? kClientSsl : 0);
  greeting.charset = config.charset;
  greeting.status_flags = kServerStatusAutocommit;
  greeting.auth_plugin_name =
      config.greeting_plugin.empty() ? config.auth_plugin : config.greeting_plugin;
  BuildGreeting(codec.StartPacket(), greeting);
  Status s = codec.SendPacket();
  if (!s.ok()) return s;

  AcceptedClient client;
  Result<Bytes> p = codec.ReadPacket();
  if (!p.ok()) return p.status();
  if (IsSslRequest(*p)) {
    if (!config.tls) return Status::Corruption("the client asked for TLS, which was not offered");
    Result<std::unique_ptr<Connection>> tls = config.tls->Wrap(codec.ReleaseConnection(), "");
    if (!tls.ok()) return tls.status();
    codec.ResetConnection(std::move(tls).value());
    client.tls = true;
    p = codec.ReadPacket();
    if (!p.ok()) return p.status();
  }
  Result<HandshakeResponse> response = ParseHandshakeResponse(*p);
  if (!response.ok()) {
    const Status ignored = SendErr(codec, {kErHandshakeError, "08S01", "Bad handshake"}, 0);
    (void)ignored;
    return WithContext(response.status(), codec.connection().peer());
  }
  client.capabilities = response->capabilities & greeting.capabilities;
  client.user = response->user;
  client.database = response->database;
  client.connect_attrs = response->connect_attrs;
  client.auth_plugin = (response->capabilities & kClientPluginAuth)
                           ? response->auth_plugin_name
                           : std::string(kNativePasswordPlugin);
  if (config.require_tls && !client.tls) {
    ErrPacket err{kErSecureTransportRequired, "HY000",
                  "Connections using insecure transport are prohibited"};
    s = SendErr(codec, err, client.capabilities);
    if (!s.ok()) return s;
    return Status::InvalidArgument(
        fmt::format("{}: {} (user '{}')", codec.connection().peer(), err.message, client.user));
  }
  ServerAuthExchange exchange(codec, config, std::move(nonce).value(), client);
  s = exchange.Run(response->auth_response);
  if (!s.ok()) return WithContext(s, codec.connection().peer());
  codec.set_read_ahead(true);
  return client;
}

}  // namespace sidecar::protocol
