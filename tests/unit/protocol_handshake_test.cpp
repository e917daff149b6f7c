#include <gtest/gtest.h>

#include "protocol/auth_scramble.h"
#include "protocol/constants.h"
#include "protocol/generic_packets.h"
#include "protocol/handshake_packets.h"
#include "protocol_test_support.h"

namespace sidecar::protocol {
namespace {

using testing::ReadPcapTcpSegments;
using testing::SplitPackets;
using testing::TcpStream;

std::string Fixture(const std::string& rel) {
  return std::string(SIDECAR_FIXTURES_DIR) + "/protocol/" + rel;
}

// The MySQL packets one side of a captured connection sent.
std::vector<std::vector<uint8_t>> CapturedPackets(const std::string& rel, uint16_t src,
                                                  uint16_t dst) {
  return SplitPackets(TcpStream(ReadPcapTcpSegments(Fixture(rel)), src, dst));
}

TEST(ProtocolHandshake, GreetingOfMySql8FromZeekCapture) {
  const auto packets = CapturedPackets("zeek/caching_sha2_password.pcap", 3306, 49352);
  ASSERT_GE(packets.size(), 4u);
  Result<ServerGreeting> g = ParseGreeting(packets[0]);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->server_version, "8.0.32");
  EXPECT_FALSE(g->IsMariaDb());
  EXPECT_EQ(g->connection_id, 9u);
  EXPECT_EQ(g->nonce, std::string("4x`?e\x04i'k&-P%LID\x17/\x0f{", 20));
  EXPECT_EQ(g->auth_plugin_name, kCachingSha2Plugin);
  EXPECT_EQ(g->capabilities, 0xDFFFFFFFull);  // CLIENT_MYSQL set: no extended capabilities
  EXPECT_TRUE(g->capabilities & kClientSsl);
  EXPECT_EQ(g->charset, 0xFF);  // utf8mb4_0900_ai_ci

  // Then caching_sha2_password's full authentication, the public key, and a final OK.
  EXPECT_TRUE(IsAuthMoreData(packets[1]));
  EXPECT_EQ(packets[1], (std::vector<uint8_t>{0x01, kCachingSha2PerformFullAuth}));
  ASSERT_TRUE(IsAuthMoreData(packets[2]));
  EXPECT_TRUE(AsStringView(packets[2]).substr(1).starts_with("-----BEGIN PUBLIC KEY-----"));
  // The OK carries session-state tracking (the MySQL client asked for CLIENT_SESSION_TRACK).
  Result<OkPacket> ok =
      ParseOk(packets[3], kClientProtocol41 | kClientSessionTrack | kClientTransactions);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status_flags, 0x4002);
  EXPECT_EQ(ok->info, "");
}

TEST(ProtocolHandshake, ResponseOfMySql8ClientFromZeekCapture) {
  const auto packets = CapturedPackets("zeek/caching_sha2_password.pcap", 49352, 3306);
  ASSERT_GE(packets.size(), 3u);
  Result<HandshakeResponse> r = ParseHandshakeResponse(packets[0]);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->user, "root");
  EXPECT_EQ(r->database, "test");
  EXPECT_EQ(r->auth_plugin_name, kCachingSha2Plugin);
  EXPECT_EQ(r->auth_response.size(), 32u);
  EXPECT_EQ(r->max_packet_size, 0x01000000u);
  EXPECT_TRUE(r->capabilities & kClientConnectAttrs);
  bool saw_program = false;
  for (const auto& [k, v] : r->connect_attrs) {
    if (k == "program_name") saw_program = (v == "mysql");
  }
  EXPECT_TRUE(saw_program);
  // The client asks for the RSA key, then sends 256 bytes: an RSA-2048 ciphertext.
  EXPECT_EQ(packets[1], (std::vector<uint8_t>{kCachingSha2RequestPublicKey}));
  EXPECT_EQ(packets[2].size(), 256u);
}

TEST(ProtocolHandshake, GreetingOfMariaDb1011FromCapture) {
  const auto packets = CapturedPackets("mariadb-10.11-captured/replica-filepos.pcap", 23406, 41800);
  ASSERT_FALSE(packets.empty());
  Result<ServerGreeting> g = ParseGreeting(packets[0]);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->server_version, "5.5.5-10.11.19-MariaDB-0+deb12u1-log");
  EXPECT_TRUE(g->IsMariaDb());
  EXPECT_EQ(g->DisplayVersion(), "10.11.19-MariaDB-0+deb12u1-log");
  EXPECT_EQ(g->connection_id, 12u);
  EXPECT_EQ(g->nonce, "kd5y%Fq)r&cB^4*pw)b6");
  EXPECT_EQ(g->auth_plugin_name, kNativePasswordPlugin);
  EXPECT_FALSE(g->capabilities & kClientMysql);
  // Extended capabilities 0x1d in the reserved bytes: progress, bulk, extended type info,
  // cache metadata.
  EXPECT_EQ(g->capabilities >> 32, 0x1Du);
  EXPECT_EQ(uint32_t(g->capabilities), 0x81FFF7FEu);
}

TEST(ProtocolHandshake, ResponseOfMariaDbReplicaFromCapture) {
  const auto packets = CapturedPackets("mariadb-10.11-captured/replica-filepos.pcap", 41800, 23406);
  ASSERT_FALSE(packets.empty());
  Result<HandshakeResponse> r = ParseHandshakeResponse(packets[0]);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->user, "repl");
  EXPECT_EQ(r->auth_plugin_name, kNativePasswordPlugin);
  EXPECT_EQ(r->auth_response.size(), 20u);
  EXPECT_EQ(r->database, "");
  // slave_max_allowed_packet (1 GiB) plus the largest event header.
  EXPECT_EQ(r->max_packet_size, 0x4000037Bu);
  EXPECT_EQ(r->capabilities >> 32, 0u);  // bit 0 set: no extended capabilities
  ASSERT_FALSE(r->connect_attrs.empty());
  EXPECT_EQ(r->connect_attrs[0].first, "_os");
}

TEST(ProtocolHandshake, GreetingRoundTripBothFlavours) {
  for (const std::string version : {"5.5.5-10.11.0-binlog-sidecar-MariaDB", "8.0.36-sidecar"}) {
    ServerGreeting g;
    g.server_version = version;
    g.connection_id = 77;
    g.nonce = "abcdefghijklmnopqrst";
    const bool maria = version.find("MariaDB") != std::string::npos;
    g.capabilities = kClientProtocol41 | kClientSecureConnection | kClientPluginAuth |
                     (maria ? kMariaDbClientProgress : kClientMysql);
    g.charset = kCharsetUtf8Mb4GeneralCi;
    g.status_flags = kServerStatusAutocommit;
    g.auth_plugin_name = std::string(kCachingSha2Plugin);
    Buffer b;
    BuildGreeting(b, g);
    Result<ServerGreeting> back = ParseGreeting(b);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->server_version, version);
    EXPECT_EQ(back->connection_id, 77u);
    EXPECT_EQ(back->nonce, g.nonce);
    EXPECT_EQ(back->capabilities, g.capabilities);
    EXPECT_EQ(back->auth_plugin_name, kCachingSha2Plugin);
  }
}

TEST(ProtocolHandshake, ResponseRoundTripAndSslRequest) {
  HandshakeResponse r;
  r.capabilities = kClientProtocol41 | kClientSecureConnection | kClientPluginAuth |
                   kClientPluginAuthLenencData | kClientConnectWithDb | kClientConnectAttrs |
                   kMariaDbClientProgress;  // bit 0 clear: the extended word is sent
  r.max_packet_size = 1 << 30;
  r.charset = kCharsetUtf8Mb4GeneralCi;
  r.user = "serve";
  r.auth_response = std::string(300, 'x');  // longer than 250: length-encoded
  r.database = "db";
  r.auth_plugin_name = std::string(kNativePasswordPlugin);
  r.connect_attrs = {{"_client_name", "binlog-sidecar"}, {"k", ""}};
  Buffer b;
  BuildHandshakeResponse(b, r);
  EXPECT_FALSE(IsSslRequest(b));
  Result<HandshakeResponse> back = ParseHandshakeResponse(b);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->capabilities, r.capabilities);
  EXPECT_EQ(back->user, "serve");
  EXPECT_EQ(back->auth_response, r.auth_response);
  EXPECT_EQ(back->database, "db");
  EXPECT_EQ(back->auth_plugin_name, kNativePasswordPlugin);
  EXPECT_EQ(back->connect_attrs, r.connect_attrs);

  Buffer ssl;
  BuildSslRequest(ssl, r.capabilities, 1 << 24, kCharsetUtf8Mb4GeneralCi);
  EXPECT_EQ(ssl.size(), 32u);
  EXPECT_TRUE(IsSslRequest(ssl));
  Result<HandshakeResponse> parsed = ParseHandshakeResponse(ssl);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->capabilities & kClientSsl);
}

TEST(ProtocolHandshake, TruncatedResponsesAreCorruptionNamingTheField) {
  HandshakeResponse r;
  r.capabilities = kClientProtocol41 | kClientSecureConnection | kClientPluginAuth |
                   kClientConnectAttrs | kClientMysql;
  r.user = "u";
  r.auth_response = "12345678901234567890";
  r.auth_plugin_name = "p";
  r.connect_attrs = {{"a", "b"}};
  Buffer b;
  BuildHandshakeResponse(b, r);
  for (size_t cut : {size_t(10), size_t(33), size_t(40), b.size() - 2}) {
    Buffer shorter(b.begin(), b.begin() + long(cut));
    Result<HandshakeResponse> back = ParseHandshakeResponse(shorter);
    ASSERT_FALSE(back.ok()) << "cut at " << cut;
    EXPECT_EQ(back.status().code(), Status::Code::kCorruption) << back.status().ToString();
    EXPECT_NE(back.status().message().find("handshake response"), std::string::npos);
  }
}

TEST(ProtocolHandshake, TruncatedGreetingIsCorruption) {
  const auto packets = CapturedPackets("mariadb-10.11-captured/replica-filepos.pcap", 23406, 41800);
  ASSERT_FALSE(packets.empty());
  for (size_t cut = 1; cut + 25 < packets[0].size(); cut += 7) {
    Buffer shorter(packets[0].begin(), packets[0].begin() + long(cut));
    EXPECT_FALSE(ParseGreeting(shorter).ok()) << "cut at " << cut;
  }
}

TEST(ProtocolHandshake, AuthSwitchRequestRoundTrip) {
  Buffer b;
  BuildAuthSwitchRequest(b, {std::string(kCachingSha2Plugin), "abcdefghijklmnopqrst"});
  EXPECT_TRUE(IsAuthSwitchRequest(b));
  EXPECT_EQ(b.back(), 0);
  Result<AuthSwitchRequest> r = ParseAuthSwitchRequest(b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->plugin_name, kCachingSha2Plugin);
  EXPECT_EQ(r->plugin_data, "abcdefghijklmnopqrst");
  EXPECT_EQ(ParseAuthSwitchRequest(Buffer{0xFE}).status().code(), Status::Code::kUnsupported);
}

}  // namespace
}  // namespace sidecar::protocol
