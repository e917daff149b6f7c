// DumpSession's framing against a temp-dir store: the artificial ROTATE, the re-sent
// FORMAT_DESCRIPTION, checksum stripping, rotation, heartbeats, serve.delay, kills, errors.
#include "downstream/dump_session.h"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <thread>

#include "binlog/crc32.h"
#include "binlog/event_type.h"
#include "binlog/gtid_uuid.h"
#include "binlog/mysql_gtid_set.h"
#include "protocol_test_support.h"
#include "store/posix_env.h"
#include "support/event_builder.h"
#include "temp_dir.h"

namespace sidecar::downstream {
namespace {

using binlog::EventType;
using testing::BinlogFileBuilder;

constexpr uint32_t kOurServerId = 4001;

class Catalogue : public store::CatalogueView {
 public:
  Result<std::vector<store::FileCatalogEntry>> Files() override {
    std::lock_guard lock(mu_);
    return files_;
  }
  void Add(store::FileCatalogEntry entry) {
    std::lock_guard lock(mu_);
    files_.push_back(std::move(entry));
  }

 private:
  std::mutex mu_;
  std::vector<store::FileCatalogEntry> files_;
};

struct File {
  std::string name;
  std::vector<uint8_t> bytes;
  std::vector<uint64_t> offsets;  // of every event
};

File MakeFile(std::string name, uint64_t first_seq, int transactions, uint32_t timestamp,
              bool end_with_rotate_to_next = false) {
  BinlogFileBuilder b(testing::kMariadbFdeFixture);
  File f{std::move(name), {}, {4}};
  auto add = [&](EventType type, std::vector<uint8_t> body) {
    f.offsets.push_back(b.position());
    b.Add({.type = type, .body = std::move(body), .timestamp = timestamp});
  };
  for (int i = 0; i < transactions; ++i) {
    add(EventType::kMariadbGtid, testing::MariadbGtidBody(first_seq + uint64_t(i), 0, 0));
    add(EventType::kQuery, testing::QueryBody("INSERT INTO t VALUES (1)"));
    add(EventType::kXid, testing::XidBody(first_seq + uint64_t(i)));
  }
  if (end_with_rotate_to_next) {
    add(EventType::kRotate, testing::BodyWriter().U64(4).Str("x").bytes());
  }
  f.bytes = b.bytes();
  return f;
}

// MySQL: `transactions` transactions of uuid kSourceUuid from gno 1 (GTID, QUERY, XID).
constexpr const char* kSourceUuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

File MakeMysqlFile(std::string name, int transactions) {
  BinlogFileBuilder b(testing::kMysql8FdeFixture);
  File f{std::move(name), {}, {4}};
  auto uuid = binlog::Uuid::Parse(kSourceUuid);
  auto add = [&](EventType type, std::vector<uint8_t> body) {
    f.offsets.push_back(b.position());
    b.Add({.type = type, .body = std::move(body)});
  };
  for (int i = 1; i <= transactions; ++i) {
    testing::BodyWriter gtid;
    gtid.U8(1);
    for (uint8_t byte : uuid->bytes()) gtid.U8(byte);
    gtid.U64(uint64_t(i)).U8(2).U64(uint64_t(i - 1)).U64(uint64_t(i));
    add(EventType::kGtid, gtid.bytes());
    add(EventType::kQuery, testing::QueryBody("BEGIN"));
    add(EventType::kXid, testing::XidBody(uint64_t(i)));
  }
  f.bytes = b.bytes();
  return f;
}

// The bytes of the event at offsets[i] of `f`.
std::vector<uint8_t> EventAt(const File& f, size_t i) {
  const uint64_t begin = f.offsets[i];
  const uint64_t end = i + 1 < f.offsets.size() ? f.offsets[i + 1] : f.bytes.size();
  return {f.bytes.begin() + long(begin), f.bytes.begin() + long(end)};
}

BinlogDumpRequest Request(std::string file, uint64_t position, uint32_t server_id) {
  BinlogDumpRequest request;
  request.file = std::move(file);
  request.position = position;
  request.server_id = server_id;  // 0: non-blocking, ends with EOF
  return request;
}

uint32_t U32At(const std::vector<uint8_t>& v, size_t at) { return LoadLe32(v.data() + at); }

bool CrcValid(const std::vector<uint8_t>& event) {
  return binlog::ExpectedEventCrc(event) == binlog::StoredEventCrc(event);
}

class DumpSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_->CreateDir(binlog_dir_).ok());
    env_info_.store = {env_.get(), binlog_dir_, &catalogue_, &durable_, nullptr};
    env_info_.server_id = kOurServerId;
    env_info_.poll_interval = std::chrono::milliseconds(50);
    session_.capabilities = protocol::kClientProtocol41;
    session_.master_binlog_checksum = "CRC32";
    session_.mariadb_slave_capability = 4;
  }

  void Install(const File& f, int64_t seq) {
    std::ofstream out(binlog_dir_ + "/" + f.name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(f.bytes.data()), std::streamsize(f.bytes.size()));
    out.close();
    store::FileCatalogEntry entry;
    entry.name = f.name;
    entry.seq = seq;
    entry.size = f.bytes.size();
    catalogue_.Add(entry);
    durable_.Publish({seq, f.name, f.bytes.size()});
  }

  // Runs the dump on one end of a socket pair; the test reads the other end.
  void Start(BinlogDumpRequest request) {
    auto [client, server] = testing::SocketPair();
    client_ = std::make_unique<protocol::PacketCodec>(std::move(client));
    server_codec_ = std::make_unique<protocol::PacketCodec>(std::move(server));
    thread_ = std::thread([this, request] {
      DumpSession dump(env_info_, session_, *server_codec_, slot_);
      result_ = dump.Run(request);
      server_codec_.reset();  // closes the server end: the client sees the end
    });
  }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  void TearDown() override {
    slot_.Kill();
    Join();
  }

  // The next packet's payload; empty when the connection ended.
  std::vector<uint8_t> Packet() {
    client_->set_check_sequence(false);
    auto p = client_->ReadPacket();
    if (!p.ok()) return {};
    return {p->begin(), p->end()};
  }
  // The next event (the packet's 0x00 dropped); fails the test for anything else.
  std::vector<uint8_t> Event() {
    std::vector<uint8_t> p = Packet();
    EXPECT_FALSE(p.empty());
    if (p.empty()) return {};
    EXPECT_EQ(p[0], 0x00) << "not an event packet";
    return {p.begin() + 1, p.end()};
  }
  void ExpectArtificialRotate(const std::vector<uint8_t>& e, const std::string& file,
                              uint64_t position, bool crc) {
    ASSERT_EQ(e.size(), 19 + 8 + file.size() + (crc ? 4 : 0));
    EXPECT_EQ(U32At(e, 0), 0u);  // timestamp
    EXPECT_EQ(e[4], uint8_t(EventType::kRotate));
    EXPECT_EQ(U32At(e, 5), kOurServerId);
    EXPECT_EQ(U32At(e, 9), e.size());
    EXPECT_EQ(U32At(e, 13), 0u);  // log_pos
    EXPECT_EQ(LoadLe16(e.data() + 17), binlog::kFlagArtificial);
    EXPECT_EQ(LoadLe64(e.data() + 19), position);
    EXPECT_EQ(std::string(e.begin() + 27, e.begin() + 27 + long(file.size())), file);
    if (crc) {
      EXPECT_TRUE(CrcValid(e));
    }
  }

  TempDir dir_;
  const std::string binlog_dir_ = dir_.Join("binlog");
  std::unique_ptr<store::Env> env_ = store::NewPosixEnv();
  Catalogue catalogue_;
  store::DurablePosition durable_;
  DumpEnvironment env_info_;
  SessionState session_;
  ConnectionSlot slot_{7, "test:1", -1, 0};
  std::unique_ptr<protocol::PacketCodec> client_;
  std::unique_ptr<protocol::PacketCodec> server_codec_;
  std::thread thread_;
  Status result_;
};

TEST_F(DumpSessionTest, FromTheStartSendsRotateThenTheFileAsStoredThenEof) {
  const File f = MakeFile("mariadb-bin.000001", 1, 2, 1700000000);
  Install(f, 1);
  Start(Request("", 4, 0));
  ExpectArtificialRotate(Event(), f.name, 4, true);
  for (size_t i = 0; i < f.offsets.size(); ++i) {
    std::vector<uint8_t> want = EventAt(f, i);
    want[binlog::kFlagsOffset] &= uint8_t(~binlog::kFlagBinlogInUse);
    EXPECT_EQ(Event(), want) << "event " << i;
  }
  const std::vector<uint8_t> eof = Packet();
  ASSERT_FALSE(eof.empty());
  EXPECT_EQ(eof[0], 0xFE);
  Join();
  EXPECT_TRUE(result_.ok()) << result_.ToString();
  EXPECT_TRUE(Packet().empty()) << "the connection ends after a dump";
}

TEST_F(DumpSessionTest, PastOffsetFourResendsTheFormatDescriptionWithZeroLogPosAndCreated) {
  const File f = MakeFile("mariadb-bin.000001", 1, 2, 1700000000);
  Install(f, 1);
  const uint64_t start = f.offsets[4];  // the second transaction's GTID
  Start(Request(f.name, start, 0));
  ExpectArtificialRotate(Event(), f.name, start, true);
  const std::vector<uint8_t> fde = Event();
  ASSERT_EQ(fde.size(), EventAt(f, 0).size());
  EXPECT_EQ(fde[4], uint8_t(EventType::kFormatDescription));
  EXPECT_EQ(U32At(fde, 13), 0u) << "log_pos";
  EXPECT_EQ(U32At(fde, 19 + 2 + 50), 0u) << "created";
  EXPECT_TRUE(CrcValid(fde));
  EXPECT_EQ(Event(), EventAt(f, 4));
}

TEST_F(DumpSessionTest, AReplicaThatIsNotChecksumAwareGetsEventsWithoutTheTrailer) {
  session_.master_binlog_checksum.reset();
  const File f = MakeFile("mariadb-bin.000001", 1, 1, 1700000000);
  Install(f, 1);
  Start(Request(f.name, 4, 0));
  ExpectArtificialRotate(Event(), f.name, 4, false);
  const std::vector<uint8_t> fde = Event();
  const std::vector<uint8_t> stored_fde = EventAt(f, 0);
  ASSERT_EQ(fde.size(), stored_fde.size() - 4);
  EXPECT_EQ(U32At(fde, 9), fde.size());
  EXPECT_EQ(fde.back(), 0) << "checksum algorithm OFF";
  for (size_t i = 1; i < f.offsets.size(); ++i) {
    std::vector<uint8_t> want = EventAt(f, i);
    want.resize(want.size() - 4);
    want[9] = uint8_t(want.size());  // event_size (all small here)
    EXPECT_EQ(Event(), want) << "event " << i;
  }
}

TEST_F(DumpSessionTest, EveryFileStartGetsAnArtificialRotate) {
  const File a = MakeFile("mariadb-bin.000001", 1, 1, 1700000000);  // ends without a ROTATE
  const File b = MakeFile("mariadb-bin.000002", 2, 1, 1700000000);
  Install(a, 1);
  Install(b, 2);
  Start(Request(a.name, 4, 0));
  ExpectArtificialRotate(Event(), a.name, 4, true);
  for (size_t i = 0; i < a.offsets.size(); ++i) Event();
  ExpectArtificialRotate(Event(), b.name, 4, true);
  EXPECT_EQ(Event()[4], uint8_t(EventType::kFormatDescription));
}

TEST_F(DumpSessionTest, HeartbeatsCarryThePositionWhileIdleAndAKillEndsTheDump) {
  session_.heartbeat_period = std::chrono::milliseconds(20);
  const File f = MakeFile("mariadb-bin.000001", 1, 1, 1700000000);
  Install(f, 1);
  Start(Request(f.name, 4, 9));
  for (size_t i = 0; i < f.offsets.size() + 1; ++i) Event();
  const std::vector<uint8_t> hb = Event();
  ASSERT_EQ(hb.size(), 19 + f.name.size() + 4);
  EXPECT_EQ(hb[4], uint8_t(EventType::kHeartbeat));
  EXPECT_EQ(U32At(hb, 0), 0u);
  EXPECT_EQ(U32At(hb, 5), kOurServerId);
  EXPECT_EQ(U32At(hb, 13), f.bytes.size()) << "log_pos: after the last event sent";
  EXPECT_EQ(std::string(hb.begin() + 19, hb.end() - 4), f.name);
  EXPECT_TRUE(CrcValid(hb));
  slot_.Kill();
  Join();
  EXPECT_TRUE(result_.ok()) << result_.ToString();
}

TEST_F(DumpSessionTest, ServeDelayHoldsYoungEventsButKeepsHeartbeating) {
  env_info_.delay = std::chrono::hours(1);
  session_.heartbeat_period = std::chrono::milliseconds(20);
  const uint32_t now = uint32_t(std::time(nullptr));
  const File f = MakeFile("mariadb-bin.000001", 1, 1, now);
  Install(f, 1);
  Start(Request(f.name, f.offsets[1], 9));
  ExpectArtificialRotate(Event(), f.name, f.offsets[1], true);
  EXPECT_EQ(Event()[4], uint8_t(EventType::kFormatDescription));
  for (int i = 0; i < 3; ++i) {
    const std::vector<uint8_t> e = Event();
    ASSERT_EQ(e[4], uint8_t(EventType::kHeartbeat)) << "an hour-young event was released";
    EXPECT_EQ(U32At(e, 13), f.offsets[1]);
  }
  EXPECT_EQ(slot_.Describe().reading->offset, f.offsets[1]) << "the held event is still needed";
}

TEST_F(DumpSessionTest, AFileTheStoreDoesNotHoldIsError1236) {
  const File f = MakeFile("mariadb-bin.000001", 1, 1, 1700000000);
  Install(f, 1);
  Start(Request("mariadb-bin.000009", 4, 9));
  const std::vector<uint8_t> err = Packet();
  ASSERT_GE(err.size(), 9u);
  EXPECT_EQ(err[0], 0xFF);
  EXPECT_EQ(LoadLe16(err.data() + 1), 1236);
  EXPECT_NE(std::string(err.begin() + 9, err.end()).find("Could not find first log file name"),
            std::string::npos);
  Join();
  EXPECT_FALSE(result_.ok());
}

TEST_F(DumpSessionTest, AnImpossiblePositionIsError1236) {
  const File f = MakeFile("mariadb-bin.000001", 1, 1, 1700000000);
  Install(f, 1);
  Start(Request(f.name, f.bytes.size() + 10, 9));
  const std::vector<uint8_t> err = Packet();
  ASSERT_GE(err.size(), 9u);
  EXPECT_EQ(LoadLe16(err.data() + 1), 1236);
  EXPECT_NE(std::string(err.begin() + 9, err.end()).find("impossible position"),
            std::string::npos);
}

TEST_F(DumpSessionTest, SemiSyncReplicasGetTheHeaderWithoutAnAckRequest) {
  session_.semi_sync_requested = true;
  const File f = MakeFile("mariadb-bin.000001", 1, 1, 1700000000);
  Install(f, 1);
  Start(Request(f.name, 4, 0));
  for (size_t i = 0; i < f.offsets.size() + 1; ++i) {
    const std::vector<uint8_t> p = Packet();
    ASSERT_GE(p.size(), 3u);
    EXPECT_EQ(p[0], 0x00);
    EXPECT_EQ(p[1], 0xEF);
    EXPECT_EQ(p[2], 0x00);
  }
}

TEST_F(DumpSessionTest, MariadbGtidDumpSkipsWhatTheReplicaHas) {
  const File f = MakeFile("mariadb-bin.000001", 1, 3, 1700000000);
  Install(f, 1);
  session_.slave_connect_state = "0-1-2";
  Start(Request("", 4, 0));
  // Transactions 1 and 2 are the replica's: the dump starts at transaction 3's GTID.
  ExpectArtificialRotate(Event(), f.name, f.offsets[7], true);
  EXPECT_EQ(Event()[4], uint8_t(EventType::kFormatDescription));
  const std::vector<uint8_t> list = Event();
  ASSERT_EQ(list[4], uint8_t(EventType::kGtidList));
  EXPECT_EQ(LoadLe16(list.data() + 17), binlog::kFlagArtificial);
  EXPECT_EQ(U32At(list, 19), 1u);
  EXPECT_EQ(LoadLe64(list.data() + 19 + 4 + 8), 2u);
  EXPECT_TRUE(CrcValid(list));
  EXPECT_EQ(Event(), EventAt(f, 7));
}

TEST_F(DumpSessionTest, MysqlGtidDumpStartsAtTheFirstTransactionTheReplicaLacks) {
  const File f = MakeMysqlFile("binlog.000001", 3);
  Install(f, 1);
  BinlogDumpRequest request = Request("", 4, 0);
  auto has = binlog::MysqlGtidSet::Parse(std::string(kSourceUuid) + ":1-2");
  ASSERT_TRUE(has.ok());
  request.mysql_gtids = *has;
  Start(request);
  ExpectArtificialRotate(Event(), f.name, f.offsets[7], true);
  EXPECT_EQ(Event()[4], uint8_t(EventType::kFormatDescription));
  EXPECT_EQ(Event(), EventAt(f, 7)) << "transaction 3's GTID";
}

}  // namespace
}  // namespace sidecar::downstream
