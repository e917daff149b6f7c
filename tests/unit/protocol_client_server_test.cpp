// The client handshake against an in-process server built from the server-side pieces, over a
// socketpair: both plugins, auth switch, full authentication (RSA and TLS), refusals.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "protocol/client_session.h"
#include "protocol/handshake_packets.h"
#include "protocol/server_handshake.h"
#include "protocol_test_support.h"

namespace sidecar::protocol {
namespace {

constexpr char kMariaDbVersion[] = "5.5.5-10.11.0-MariaDB-binlog-sidecar";

ServerAuthConfig Config(std::string_view plugin) {
  ServerAuthConfig c;
  c.server_version = kMariaDbVersion;
  c.auth_plugin = std::string(plugin);
  c.password_of = [](std::string_view user) -> std::optional<std::string> {
    if (user == "serve") return "s3cret";
    if (user == "nopass") return "";
    return std::nullopt;
  };
  return c;
}

ClientAuthOptions Auth(std::string user, std::string password) {
  ClientAuthOptions a;
  a.user = std::move(user);
  a.password = std::move(password);
  return a;
}

// Runs a server on one end of a socketpair (handshake, then the trivial query loop) and the
// client handshake on the other.
struct Exchange {
  Status server_status;
  std::optional<AcceptedClient> accepted;
  Result<std::unique_ptr<ClientSession>> client = Status::IOError("not run");

  Exchange(const ServerAuthConfig& config, const ClientAuthOptions& auth,
           const std::function<void(ClientSession&)>& use = {}) {
    auto [c, s] = testing::SocketPair();
    std::thread server([&, conn = std::move(s)]() mutable {
      PacketCodec codec(std::move(conn));
      Result<AcceptedClient> a = AcceptClient(codec, config, 7);
      if (!a.ok()) {
        server_status = a.status();
        return;
      }
      accepted = *a;
      server_status = testing::ServeTrivialQueries(codec, a->capabilities);
    });
    client = ClientSession::Handshake(std::move(c), auth);
    if (client.ok()) {
      if (use) use(**client);
      (*client)->Quit();
    }
    client = Status::IOError("closed");  // closes the client end: the server loop ends
    server.join();
  }
};

void ExpectSelectOne(ClientSession& session) {
  Result<ResultSet> rs = session.QueryRows("SELECT 1");
  ASSERT_TRUE(rs.ok()) << rs.status().ToString();
  ASSERT_EQ(rs->rows.size(), 1u);
  EXPECT_EQ(rs->rows[0][0], "1");
}

TEST(ProtocolClientServer, NativePasswordAndQueries) {
  bool used = false;
  Exchange x(Config(kNativePasswordPlugin), Auth("serve", "s3cret"), [&](ClientSession& s) {
    used = true;
    EXPECT_TRUE(s.greeting().IsMariaDb());
    EXPECT_EQ(s.auth().auth_plugin, kNativePasswordPlugin);
    EXPECT_FALSE(s.auth().tls);
    EXPECT_TRUE(s.capabilities() & kClientDeprecateEof);
    ExpectSelectOne(s);
    Result<QueryResult> bad = s.Query("SHOW ME");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(bad.status().message().find("ERROR 1064 (42000)"), std::string::npos);
    EXPECT_EQ(s.last_error().code, 1064);
    ExpectSelectOne(s);  // still usable after an ERR
  });
  EXPECT_TRUE(used);
  EXPECT_TRUE(x.server_status.ok()) << x.server_status.ToString();
  ASSERT_TRUE(x.accepted);
  EXPECT_EQ(x.accepted->user, "serve");
}

TEST(ProtocolClientServer, CachingSha2FastPath) {
  bool used = false;
  Exchange x(Config(kCachingSha2Plugin), Auth("serve", "s3cret"), [&](ClientSession& s) {
    used = true;
    EXPECT_EQ(s.auth().auth_plugin, kCachingSha2Plugin);
    ExpectSelectOne(s);
  });
  EXPECT_TRUE(used);
  EXPECT_TRUE(x.server_status.ok()) << x.server_status.ToString();
}

TEST(ProtocolClientServer, CachingSha2FullAuthWithTheServersRsaKey) {
  ServerAuthConfig config = Config(kCachingSha2Plugin);
  config.caching_sha2_full_auth = true;
  Result<std::shared_ptr<const RsaKeyPair>> key = RsaKeyPair::Generate();
  ASSERT_TRUE(key.ok());
  config.rsa_key = *key;
  bool used = false;
  Exchange x(config, Auth("serve", "s3cret"), [&](ClientSession& s) {
    used = true;
    ExpectSelectOne(s);
  });
  EXPECT_TRUE(used);
  EXPECT_TRUE(x.server_status.ok()) << x.server_status.ToString();

  Exchange wrong(config, Auth("serve", "guess"));
  ASSERT_FALSE(wrong.server_status.ok());
  EXPECT_NE(wrong.server_status.message().find("Access denied for user 'serve'"),
            std::string::npos);
}

TEST(ProtocolClientServer, CachingSha2FullAuthOverTls) {
  ServerAuthConfig config = Config(kCachingSha2Plugin);
  config.caching_sha2_full_auth = true;  // no RSA key: only the TLS path can work
  Result<std::shared_ptr<const TlsContext>> tls = TlsContext::ForServer("", "");
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  config.tls = *tls;
  config.require_tls = true;
  ClientAuthOptions auth = Auth("serve", "s3cret");
  auth.ssl = SslMode::kRequired;
  bool used = false;
  Exchange x(config, auth, [&](ClientSession& s) {
    used = true;
    EXPECT_TRUE(s.auth().tls);
    ExpectSelectOne(s);
  });
  EXPECT_TRUE(used);
  EXPECT_TRUE(x.server_status.ok()) << x.server_status.ToString();
  ASSERT_TRUE(x.accepted);
  EXPECT_TRUE(x.accepted->tls);
}

TEST(ProtocolClientServer, CachingSha2CacheAllowsTheFastPathOnlyAfterAFullAuthentication) {
  ServerAuthConfig config = Config(kCachingSha2Plugin);
  config.caching_sha2_cache = std::make_shared<CachingSha2Cache>();
  // Not cached yet and no RSA key: the full path is required and cannot work without TLS.
  Exchange refused(config, Auth("serve", "s3cret"));
  ASSERT_FALSE(refused.server_status.ok());
  EXPECT_NE(refused.server_status.message().find("no RSA key"), std::string::npos)
      << refused.server_status.ToString();

  Exchange wrong(config, Auth("serve", "guess"));  // a failed attempt does not enter the cache
  ASSERT_FALSE(wrong.server_status.ok());
  EXPECT_FALSE(config.caching_sha2_cache->Contains("serve"));

  config.rsa_key = *RsaKeyPair::Generate();
  Exchange full(config, Auth("serve", "s3cret"));
  EXPECT_TRUE(full.server_status.ok()) << full.server_status.ToString();
  ASSERT_TRUE(full.accepted);
  EXPECT_EQ(full.accepted->full_auth_via, "RSA");
  EXPECT_TRUE(config.caching_sha2_cache->Contains("serve"));

  config.rsa_key = nullptr;  // only the fast path can work now
  bool used = false;
  Exchange fast(config, Auth("serve", "s3cret"), [&](ClientSession& s) {
    used = true;
    ExpectSelectOne(s);
  });
  EXPECT_TRUE(used);
  EXPECT_TRUE(fast.server_status.ok()) << fast.server_status.ToString();
  ASSERT_TRUE(fast.accepted);
  EXPECT_EQ(fast.accepted->full_auth_via, "");
  Exchange fast_wrong(config, Auth("serve", "guess"));
  EXPECT_FALSE(fast_wrong.server_status.ok());
}

// MariaDB Connector/C over TLS answers the nonce with the cleartext password at once.
Status CleartextOverTlsClient(std::unique_ptr<Connection> conn, std::string_view password,
                              std::vector<uint8_t>* reply) {
  PacketCodec codec(std::move(conn));
  codec.set_read_ahead(false);
  Result<Bytes> greeting = codec.ReadPacket();
  if (!greeting.ok()) return greeting.status();
  const uint64_t caps = kClientProtocol41 | kClientSecureConnection | kClientPluginAuth |
                        kClientSsl | kClientLongFlag | kClientMysql;
  BuildSslRequest(codec.StartPacket(), caps, 1 << 24, kCharsetUtf8Mb4GeneralCi);
  if (Status s = codec.SendPacket(); !s.ok()) return s;
  Result<std::shared_ptr<const TlsContext>> tls = TlsContext::ForClient({});
  if (!tls.ok()) return tls.status();
  Result<std::unique_ptr<Connection>> wrapped = (*tls)->Wrap(codec.ReleaseConnection(), "x");
  if (!wrapped.ok()) return wrapped.status();
  codec.ResetConnection(std::move(wrapped).value());
  HandshakeResponse response;
  response.capabilities = caps;
  response.max_packet_size = 1 << 24;
  response.charset = kCharsetUtf8Mb4GeneralCi;
  response.user = "serve";
  response.auth_response = std::string(password) + '\0';
  response.auth_plugin_name = std::string(kCachingSha2Plugin);
  BuildHandshakeResponse(codec.StartPacket(), response);
  if (Status s = codec.SendPacket(); !s.ok()) return s;
  Result<Bytes> answer = codec.ReadPacket();
  if (!answer.ok()) return answer.status();
  reply->assign(answer->begin(), answer->end());
  return Status::Ok();
}

TEST(ProtocolClientServer, CachingSha2CleartextPasswordAtOnceOverTls) {
  ServerAuthConfig config = Config(kCachingSha2Plugin);
  config.caching_sha2_cache = std::make_shared<CachingSha2Cache>();
  config.tls = *TlsContext::ForServer("", "");
  for (const auto& [password, accepted] : {std::pair("guess", false), {"s3cret", true}}) {
    auto [c, s] = testing::SocketPair();
    Status server_status;
    std::thread server([&, conn = std::move(s)]() mutable {
      PacketCodec codec(std::move(conn));
      Result<AcceptedClient> a = AcceptClient(codec, config, 7);
      server_status = a.ok() ? Status::Ok() : a.status();
    });
    std::vector<uint8_t> reply;
    const Status client_status = CleartextOverTlsClient(std::move(c), password, &reply);
    server.join();
    ASSERT_TRUE(client_status.ok()) << client_status.ToString();
    ASSERT_FALSE(reply.empty());
    EXPECT_EQ(reply[0], accepted ? 0x00 : 0xFF) << password;  // OK at once, or ERR 1045
    EXPECT_EQ(server_status.ok(), accepted) << server_status.ToString();
    EXPECT_EQ(config.caching_sha2_cache->Contains("serve"), accepted);
  }
}

TEST(ProtocolClientServer, AuthSwitchBothWays) {
  // MySQL 8 style: greets with caching_sha2_password, the user has mysql_native_password.
  ServerAuthConfig to_native = Config(kNativePasswordPlugin);
  to_native.greeting_plugin = std::string(kCachingSha2Plugin);
  bool used = false;
  Exchange a(to_native, Auth("serve", "s3cret"), [&](ClientSession& s) {
    used = true;
    EXPECT_EQ(s.greeting().auth_plugin_name, kCachingSha2Plugin);
    EXPECT_EQ(s.auth().auth_plugin, kNativePasswordPlugin);
    ExpectSelectOne(s);
  });
  EXPECT_TRUE(used);
  EXPECT_TRUE(a.server_status.ok()) << a.server_status.ToString();

  // MariaDB style: greets with native, the user has caching_sha2_password (full auth, RSA).
  ServerAuthConfig to_sha2 = Config(kCachingSha2Plugin);
  to_sha2.greeting_plugin = std::string(kNativePasswordPlugin);
  to_sha2.caching_sha2_full_auth = true;
  to_sha2.rsa_key = *RsaKeyPair::Generate();
  used = false;
  Exchange b(to_sha2, Auth("serve", "s3cret"), [&](ClientSession& s) {
    used = true;
    EXPECT_EQ(s.auth().auth_plugin, kCachingSha2Plugin);
  });
  EXPECT_TRUE(used);
  EXPECT_TRUE(b.server_status.ok()) << b.server_status.ToString();
}

TEST(ProtocolClientServer, EmptyPasswords) {
  for (std::string_view plugin : {kNativePasswordPlugin, kCachingSha2Plugin}) {
    bool used = false;
    Exchange x(Config(plugin), Auth("nopass", ""), [&](ClientSession& s) {
      used = true;
      ExpectSelectOne(s);
    });
    EXPECT_TRUE(used) << plugin;
    Exchange y(Config(plugin), Auth("serve", ""));
    EXPECT_FALSE(y.server_status.ok()) << plugin;
  }
}

TEST(ProtocolClientServer, WrongPasswordAndUnknownUserAreAccessDenied) {
  for (std::string_view plugin : {kNativePasswordPlugin, kCachingSha2Plugin}) {
    Result<std::unique_ptr<ClientSession>> seen = Status::IOError("unset");
    auto [c, s] = testing::SocketPair();
    const ServerAuthConfig config = Config(plugin);
    Status server_status;
    std::thread server([&, conn = std::move(s)]() mutable {
      PacketCodec codec(std::move(conn));
      Result<AcceptedClient> a = AcceptClient(codec, config, 1);
      server_status = a.ok() ? Status::Ok() : a.status();
    });
    seen = ClientSession::Handshake(std::move(c), Auth("serve", "wrong"));
    server.join();
    ASSERT_FALSE(seen.ok());
    EXPECT_EQ(seen.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(seen.status().message().find(
                  "ERROR 1045 (28000): Access denied for user 'serve'@'pair' (using password: "
                  "YES)"),
              std::string::npos)
        << seen.status().message();
    EXPECT_EQ(server_status.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(server_status.message().find("wrong password"), std::string::npos);

    Exchange unknown(config, Auth("mallory", "x"));
    EXPECT_NE(unknown.server_status.message().find("unknown user"), std::string::npos);
  }
}

TEST(ProtocolClientServer, TlsRequiredAgainstAServerWithoutTls) {
  ClientAuthOptions auth = Auth("serve", "s3cret");
  auth.ssl = SslMode::kRequired;
  Result<std::unique_ptr<ClientSession>> seen = Status::IOError("unset");
  auto [c, s] = testing::SocketPair();
  const ServerAuthConfig config = Config(kNativePasswordPlugin);
  std::thread server([&, conn = std::move(s)]() mutable {
    PacketCodec codec(std::move(conn));
    const Result<AcceptedClient> ignored = AcceptClient(codec, config, 1);
    (void)ignored;
  });
  seen = ClientSession::Handshake(std::move(c), auth);
  server.join();
  ASSERT_FALSE(seen.ok());
  EXPECT_EQ(seen.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(seen.status().message().find("does not offer TLS"), std::string::npos);
}

TEST(ProtocolClientServer, ServerRequiringTlsRefusesPlainClients) {
  ServerAuthConfig config = Config(kNativePasswordPlugin);
  config.tls = *TlsContext::ForServer("", "");
  config.require_tls = true;
  ClientAuthOptions auth = Auth("serve", "s3cret");
  auth.ssl = SslMode::kDisabled;
  Exchange x(config, auth);
  EXPECT_NE(x.server_status.message().find("insecure transport"), std::string::npos)
      << x.server_status.ToString();
}

TEST(ProtocolClientServer, GarbageInsteadOfAGreetingIsCorruption) {
  auto conn =
      std::make_unique<testing::MemoryConnection>(std::vector<uint8_t>{3, 0, 0, 0, 0x0A, 'x', 'y'});
  Result<std::unique_ptr<ClientSession>> s =
      ClientSession::Handshake(std::move(conn), Auth("u", "p"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kCorruption);
  EXPECT_NE(s.status().message().find("greeting"), std::string::npos);
}

TEST(ProtocolClientServer, ConnectionRefusedNamesHostAndPort) {
  // A port that was just free: bind, read the port, close.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  ClientOptions o;
  o.host = "127.0.0.1";
  o.port = ntohs(addr.sin_port);
  Result<std::unique_ptr<ClientSession>> s = ClientSession::Connect(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kIOError);
  EXPECT_EQ(s.status().message(), fmt::format("connection to 127.0.0.1:{} refused", o.port));
}

}  // namespace
}  // namespace sidecar::protocol
