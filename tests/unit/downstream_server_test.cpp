// The downstream Server and its Sessions over loopback TCP, with a fake ServerContext:
// authentication of the serve and admin users, commands other than queries, errors that keep
// the connection usable, COM_REGISTER_SLAVE, kills of a blocked dump, the connection limit and
// a clean Stop().
#include "downstream/server.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <thread>

#include "protocol/client_session.h"
#include "protocol/constants.h"
#include "protocol/generic_packets.h"
#include "store/posix_env.h"
#include "support/event_builder.h"
#include "temp_dir.h"
#include "upstream/replication_commands.h"

namespace sidecar::downstream {
namespace {

class FakeContext : public ServerContext {
 public:
  explicit FakeContext(ConnectionTable* table) : table_(table) {}
  uint32_t server_id() const override { return 4001; }
  std::string server_uuid() const override { return "5e1dca12-0000-4000-8000-000000000fa1"; }
  std::string server_version() const override { return "10.11.6-MariaDB-binlog-sidecar"; }
  Result<std::vector<store::FileCatalogEntry>> binlog_files() const override {
    return std::vector<store::FileCatalogEntry>{};
  }
  store::BinlogPosition durable_end() const override { return {}; }
  std::string gtid_state() const override { return ""; }
  Result<std::string> gtid_state_at(const std::string&, uint64_t) const override {
    return Status::NotFound("no file");
  }
  std::string binlog_checksum() const override { return "CRC32"; }
  upstream::PullerStatus upstream_status() const override { return {}; }
  UpstreamSettings upstream_settings() const override { return {}; }
  std::vector<RegisteredReplica> registered_replicas() const override {
    return table_->RegisteredReplicas();
  }
  std::optional<std::string> connection_user(uint32_t id) const override {
    for (const ReaderStatus& r : table_->Readers()) {
      if (r.connection_id == id) return r.user;
    }
    return std::nullopt;
  }
  Status StopUpstream() override { return Status::Ok(); }
  Status StartUpstream() override { return Status::Ok(); }
  Status ChangeUpstream(const UpstreamChange&) override { return Status::Ok(); }
  Status PurgeTo(const std::string&) override { return Status::Ok(); }
  Status PurgeBefore(int64_t) override { return Status::Ok(); }
  Status Kill(uint32_t id) override { return table_->Kill(id); }

 private:
  ConnectionTable* const table_;
};

class Catalogue : public store::CatalogueView {
 public:
  Result<std::vector<store::FileCatalogEntry>> Files() override { return files; }
  std::vector<store::FileCatalogEntry> files;
};

class DownstreamServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One stored file, so that dumps have something to follow.
    ASSERT_TRUE(env_->CreateDir(binlog_dir_).ok());
    testing::BinlogFileBuilder b(testing::kMariadbFdeFixture);
    std::ofstream(binlog_dir_ + "/mysql-bin.000001", std::ios::binary)
        .write(reinterpret_cast<const char*>(b.bytes().data()), std::streamsize(b.bytes().size()));
    store::FileCatalogEntry entry;
    entry.name = "mysql-bin.000001";
    entry.seq = 1;
    entry.size = b.bytes().size();
    catalogue_.files.push_back(entry);
    durable_.Publish({1, entry.name, entry.size});
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void StartServer(size_t max_connections = 8,
                   const std::function<void(ServerOptions&)>& adjust = {}) {
    ServerOptions options;
    options.serve_user = "repl";
    options.serve_password = "replpw";
    options.admin_user = "admin";
    options.admin_password = "adminpw";
    options.greeting_version = [] { return std::string("5.5.5-10.11.6-MariaDB-binlog-sidecar"); };
    table_ = std::make_unique<ConnectionTable>(max_connections);
    context_ = std::make_unique<FakeContext>(table_.get());
    options.session.admin_user = "admin";
    options.session.context = context_.get();
    options.session.table = table_.get();
    options.session.dump.store = {env_.get(), binlog_dir_, &catalogue_, &durable_, nullptr};
    options.session.dump.server_id = 4001;
    options.session.dump.poll_interval = std::chrono::milliseconds(50);
    if (adjust) adjust(options);
    server_ = std::make_unique<Server>(std::move(options));
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }

  Result<std::unique_ptr<protocol::ClientSession>> Connect(
      const std::string& user, const std::string& password,
      protocol::SslMode ssl = protocol::SslMode::kDisabled) {
    protocol::ClientOptions options;
    options.port = server_->port();
    options.auth.user = user;
    options.auth.password = password;
    options.auth.ssl = ssl;
    return protocol::ClientSession::Connect(options);
  }

  // Sends `command` + `payload` and returns the first byte of the answer (0x00 OK, 0xFF ERR).
  static uint8_t Command(protocol::ClientSession& client, uint8_t command, Bytes payload = {}) {
    EXPECT_TRUE(client.SendCommand(command, payload).ok());
    auto answer = client.ReadPacket();
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() && !answer->empty() ? (*answer)[0] : 0;
  }

  TempDir dir_;
  const std::string binlog_dir_ = dir_.Join("binlog");
  std::unique_ptr<store::Env> env_ = store::NewPosixEnv();
  Catalogue catalogue_;
  store::DurablePosition durable_;
  std::unique_ptr<ConnectionTable> table_;
  std::unique_ptr<FakeContext> context_;
  std::unique_ptr<Server> server_;
};

TEST_F(DownstreamServerTest, WrongPasswordsAndUnknownUsersAreDeniedAndOthersStillServed) {
  StartServer();
  auto wrong = Connect("repl", "nope");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("Access denied"), std::string::npos);
  EXPECT_FALSE(Connect("root", "replpw").ok());
  auto good = Connect("repl", "replpw");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(Command(**good, protocol::kComPing), 0x00);
  auto admin = Connect("admin", "adminpw");
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
}

TEST_F(DownstreamServerTest, RequiredTlsAndCachingSha2ForBothUsers) {
  StartServer(8, [](ServerOptions& o) {
    o.tls = true;  // no files: a self-signed certificate
    o.require_tls = true;
    o.auth_plugin = std::string(protocol::kCachingSha2Plugin);
    o.session.handshake_timeout = std::chrono::milliseconds(200);
  });
  auto plain = Connect("repl", "replpw");
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find("insecure transport"), std::string::npos)
      << plain.status().ToString();
  EXPECT_FALSE(Connect("repl", "nope", protocol::SslMode::kRequired).ok());
  for (const auto& [user, password] : {std::pair("repl", "replpw"), {"admin", "adminpw"}}) {
    auto client = Connect(user, password, protocol::SslMode::kRequired);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    EXPECT_TRUE((*client)->auth().tls);
    EXPECT_EQ((*client)->auth().auth_plugin, protocol::kCachingSha2Plugin);
    // Idle past the handshake timeout: over TLS too the command phase has no read deadline.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(Command(**client, protocol::kComPing), 0x00) << user;
  }
}

TEST_F(DownstreamServerTest, UnreadableTlsFilesFailStartNamingTheKeys) {
  ServerOptions options;
  options.tls = true;
  options.tls_cert_file = dir_.Join("absent-cert.pem");
  options.tls_key_file = dir_.Join("absent-key.pem");
  ConnectionTable table(1);
  options.session.table = &table;
  Server server(std::move(options));
  const Status s = server.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("serve.ssl_cert, serve.ssl_key: TLS: cannot load certificate"),
            std::string::npos)
      << s.ToString();
}

TEST_F(DownstreamServerTest, UnknownCommandsGetAnErrorAndTheConnectionStaysUsable) {
  StartServer();
  auto client = Connect("repl", "replpw");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(Command(**client, 0x1F), 0xFF);
  EXPECT_EQ(Command(**client, protocol::kComStatistics), 0xFF);
  EXPECT_EQ(Command(**client, protocol::kComInitDb, protocol::AsBytes("t")), 0x00);
  EXPECT_EQ(Command(**client, protocol::kComPing), 0x00);
}

TEST_F(DownstreamServerTest, RegisteredReplicasAreListed) {
  StartServer();
  auto client = Connect("repl", "replpw");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  protocol::Buffer payload;
  upstream::BuildRegisterReplica(payload, {.server_id = 77, .report_host = "r1", .report_port = 3307});
  EXPECT_EQ(Command(**client, payload[0], Bytes(payload).subspan(1)), 0x00);
  const std::vector<RegisteredReplica> replicas = table_->RegisteredReplicas();
  ASSERT_EQ(replicas.size(), 1u);
  EXPECT_EQ(replicas[0].server_id, 77u);
  EXPECT_EQ(replicas[0].host, "r1");
  EXPECT_EQ(replicas[0].port, 3307);
}

TEST_F(DownstreamServerTest, AKillEndsABlockedDumpAndAReconnectingReplicaReplacesItsOldDump) {
  StartServer();
  auto first = Connect("repl", "replpw");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  protocol::Buffer dump;
  upstream::BuildBinlogDump(dump, 5, "mysql-bin.000001", 4, 0);
  ASSERT_TRUE((*first)->SendCommand(dump[0], Bytes(dump).subspan(1)).ok());
  ASSERT_TRUE((*first)->ReadPacket().ok());  // the artificial ROTATE
  ASSERT_TRUE((*first)->ReadPacket().ok());  // the FORMAT_DESCRIPTION; then it blocks
  // The same replica (server_id 5) dumps again: its old dump ends.
  auto second = Connect("repl", "replpw");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE((*second)->SendCommand(dump[0], Bytes(dump).subspan(1)).ok());
  ASSERT_TRUE((*second)->ReadPacket().ok());
  for (int i = 0; i < 3; ++i) {
    auto p = (*first)->ReadPacket();
    if (!p.ok()) break;
    ASSERT_LT(i, 2) << "the old dump still streams";
  }
  // KILL from an admin session ends the new one.
  uint32_t dumping = 0;
  for (const ReaderStatus& r : table_->Readers()) {
    if (r.command == "Binlog Dump") dumping = r.connection_id;
  }
  ASSERT_NE(dumping, 0u);
  auto admin = Connect("admin", "adminpw");
  ASSERT_TRUE(admin.ok());
  uint8_t id[4] = {uint8_t(dumping), uint8_t(dumping >> 8), uint8_t(dumping >> 16),
                   uint8_t(dumping >> 24)};
  EXPECT_EQ(Command(**admin, protocol::kComProcessKill, Bytes(id, 4)), 0x00);
  Result<Bytes> p = (*second)->ReadPacket();
  while (p.ok()) p = (*second)->ReadPacket();  // what was in flight, then the end
  EXPECT_EQ(p.status().code(), Status::Code::kIOError);
}

TEST_F(DownstreamServerTest, ConnectionsBeyondTheLimitGetTooManyConnections) {
  StartServer(/*max_connections=*/1);
  auto first = Connect("repl", "replpw");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = Connect("repl", "replpw");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("Too many connections"), std::string::npos)
      << second.status().ToString();
}

TEST_F(DownstreamServerTest, StopEndsIdleConnectionsAndDumps) {
  StartServer();
  auto idle = Connect("repl", "replpw");
  auto dumping = Connect("repl", "replpw");
  ASSERT_TRUE(idle.ok() && dumping.ok());
  protocol::Buffer dump;
  upstream::BuildBinlogDump(dump, 6, "", 4, 0);
  ASSERT_TRUE((*dumping)->SendCommand(dump[0], Bytes(dump).subspan(1)).ok());
  ASSERT_TRUE((*dumping)->ReadPacket().ok());
  server_->Stop();
  EXPECT_EQ(table_->size(), 0u);
  EXPECT_FALSE((*idle)->SendCommand(protocol::kComPing, {}).ok() && (*idle)->ReadPacket().ok());
}

// The first byte and the error code of the next packet (0 when there is none).
std::pair<uint8_t, uint16_t> Answer(protocol::ClientSession& client) {
  auto p = client.ReadPacket();
  if (!p.ok() || p->empty()) return {0, 0};
  return {(*p)[0], p->size() >= 3 ? LoadLe16(p->data() + 1) : uint16_t(0)};
}

TEST_F(DownstreamServerTest, APacketOverMaxAllowedPacketIsError1153AndOthersAreStillServed) {
  StartServer();
  auto client = Connect("repl", "replpw");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  std::vector<uint8_t> query((size_t(16) << 20) + 10, ' ');
  query[0] = protocol::kComQuery;
  (*client)->codec().ResetSequence();
  ASSERT_TRUE((*client)->codec().WritePacket(query).ok());
  EXPECT_EQ(Answer(**client), std::make_pair(uint8_t(0xFF), uint16_t(1153)));
  auto other = Connect("repl", "replpw");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(Command(**other, protocol::kComPing), 0x00);
}

TEST_F(DownstreamServerTest, GarbageIsError1158AndOthersAreStillServed) {
  StartServer();
  auto client = Connect("repl", "replpw");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const uint8_t garbage[] = {0x05, 0x00, 0x00, 0x07, 0xDE, 0xAD, 0xBE, 0xEF, 0x00};
  ASSERT_TRUE((*client)->codec().connection().WriteAll(Bytes(garbage, sizeof(garbage))).ok());
  (*client)->codec().set_check_sequence(false);  // the garbage bypassed the client's codec
  EXPECT_EQ(Answer(**client), std::make_pair(uint8_t(0xFF), uint16_t(1158)));
  auto other = Connect("repl", "replpw");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(Command(**other, protocol::kComPing), 0x00);
}

TEST_F(DownstreamServerTest, AClientLeavingMidHandshakeLeavesTheServerServing) {
  StartServer();
  {
    auto raw = protocol::ConnectTcp("127.0.0.1", server_->port(), std::chrono::seconds(5));
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    uint8_t greeting_start[8];
    ASSERT_TRUE((*raw)->ReadExact(greeting_start, sizeof(greeting_start)).ok());
  }  // closed without answering the greeting
  auto client = Connect("repl", "replpw");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(Command(**client, protocol::kComPing), 0x00);
}

}  // namespace
}  // namespace sidecar::downstream
