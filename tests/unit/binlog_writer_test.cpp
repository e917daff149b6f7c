// BinlogWriter, through BinlogStore (FaultInjectionEnv for the files, a real
// temp dir for state.db): what is stored where, what is skipped, rotation
// and the index, refusals, and where checkpoints sit in both sync modes.
#include "store/binlog_writer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "binlog/event_type.h"
#include "fault_injection_env.h"
#include "store/binlog_store.h"
#include "store_test_driver.h"
#include "support/event_builder.h"
#include "support/fixture_events.h"
#include "support/fixture_files.h"
#include "temp_dir.h"
#include "upstream_stream.h"

namespace sidecar::store {
namespace {

using binlog::EventType;
using sidecar::testing::BinlogFileBuilder;
using sidecar::testing::EventSpec;
using sidecar::testing::UpstreamStream;
using sidecar::testing::ViewOf;

constexpr const char* kMysql8Fixture =
    "binlogs/blackbeam_rust_mysql_common/mysql-enum-string-set.000001";
constexpr const char* kName = "mariadb-bin.000001";

std::vector<uint8_t> FakeRotate(const std::string& name, uint64_t position) {
  sidecar::testing::BodyWriter w;
  w.U64(position).Str(name);
  EventSpec spec{.type = EventType::kRotate, .body = w.bytes(), .timestamp = 0};
  return sidecar::testing::Reframe(sidecar::testing::MakeEvent(spec, 0), 0,
                                   binlog::kFlagArtificial);
}

// The events of a whole binlog file's bytes (after the magic).
std::vector<std::vector<uint8_t>> EventsOf(const std::vector<uint8_t>& file) {
  std::vector<std::vector<uint8_t>> events;
  for (size_t at = binlog::kBinlogMagicSize; at < file.size();) {
    const size_t size = LoadLe32(&file[at + 9]);
    events.emplace_back(file.begin() + at, file.begin() + at + size);
    at += size;
  }
  return events;
}

// A MariaDB file: FDE (ends at 4 + its size), then two transactions
// GTID, INSERT, XID; `ends[i]` is the end of the i-th event after the FDE.
struct TwoTransactions {
  std::vector<uint8_t> file;
  std::vector<uint64_t> ends;
};
TwoTransactions MakeTwoTransactions() {
  BinlogFileBuilder b(sidecar::testing::kMariadbFdeFixture);
  std::vector<uint64_t> ends;
  for (uint64_t seq : {1, 2}) {
    b.Add({.type = EventType::kMariadbGtid, .body = sidecar::testing::MariadbGtidBody(seq, 0, 0)});
    ends.push_back(b.position());
    b.Add({.type = EventType::kQuery,
           .body = sidecar::testing::QueryBody("INSERT INTO t VALUES (1)")});
    ends.push_back(b.position());
    b.Add({.type = EventType::kXid, .body = sidecar::testing::XidBody(seq)});
    ends.push_back(b.position());
  }
  return {b.bytes(), ends};
}

class BinlogWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDir("/data").ok());
    ASSERT_TRUE(env_.SyncDir("/").ok());
  }

  std::unique_ptr<BinlogStore> Open(SyncMode sync = SyncMode::kGroup) {
    BinlogStore::Options options;
    options.data_dir = "/data";
    options.state_db_path = temp_.Join("state.db");
    options.writer.sync = sync;
    options.writer.log = [this](std::string_view line) { log_.emplace_back(line); };
    auto store = BinlogStore::Open(&env_, std::move(options));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  Status Append(BinlogStore& store, const std::vector<uint8_t>& event) {
    return store.writer().Append(ViewOf(event));
  }
  // Appends every event; stops at the first error.
  Status AppendAll(BinlogStore& store, const std::vector<std::vector<uint8_t>>& events) {
    for (const auto& event : events) {
      if (Status s = Append(store, event); !s.ok()) return s;
    }
    return Status::Ok();
  }
  std::vector<uint8_t> Stored(const std::string& name) {
    return sidecar::testing::ReadWholeFile(env_, "/data/binlog/" + name);
  }

  FaultInjectionEnv env_;
  TempDir temp_;
  std::vector<std::string> log_;
};

TEST_F(BinlogWriterTest, StoresAFixtureByteForByteAtThePrimarysPositions) {
  auto store = Open();
  ASSERT_TRUE(store);
  const std::vector<uint8_t> primary =
      sidecar::testing::ReadFileBytes(sidecar::testing::FixturePath(kMysql8Fixture));
  store->writer().SetUpstream({.host = "10.0.0.5",
                               .port = 3306,
                               .server_id = 7,
                               .server_uuid = "93e95066-a2f4-11ec-9b69-9657f0ae95e2",
                               .flavor = binlog::Flavor::kMariadb});
  ASSERT_TRUE(Append(*store, FakeRotate("mysql-bin.000001", 4)).ok());
  ASSERT_TRUE(AppendAll(*store, EventsOf(primary)).ok());
  ASSERT_TRUE(store->writer().Sync().ok());

  EXPECT_EQ(Stored("mysql-bin.000001"), primary);
  auto checkpoint = store->state_db().LoadCheckpoint();
  ASSERT_TRUE(checkpoint.ok() && *checkpoint);
  EXPECT_EQ((*checkpoint)->file_name, "mysql-bin.000001");
  EXPECT_EQ((*checkpoint)->position, primary.size());
  EXPECT_EQ((*checkpoint)->gtid_state, "93e95066-a2f4-11ec-9b69-9657f0ae95e2:1-5");
  EXPECT_EQ((*checkpoint)->upstream.host, "10.0.0.5");
  EXPECT_EQ((*checkpoint)->upstream.server_id, 7u);
  // The stored FORMAT_DESCRIPTION decides the flavour.
  EXPECT_EQ((*checkpoint)->upstream.flavor, binlog::Flavor::kMysql);
  auto rows = store->state_db().ListFiles();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const FileCatalogEntry& row = rows->front();
  EXPECT_EQ(row.seq, 1);
  EXPECT_EQ(row.size, primary.size());
  EXPECT_EQ(row.first_gtid, "93e95066-a2f4-11ec-9b69-9657f0ae95e2:1");
  EXPECT_EQ(row.last_gtid, "93e95066-a2f4-11ec-9b69-9657f0ae95e2:5");
  EXPECT_EQ(row.start_gtid_state, "");  // the fixture's PREVIOUS_GTIDS is empty
  EXPECT_EQ(row.first_event_time, 1647193191u);
  EXPECT_EQ(row.last_event_time, 1647193306u);
  EXPECT_EQ(row.state, FileState::kActive);
  EXPECT_EQ(store->durable_position().Get(),
            (BinlogPosition{1, "mysql-bin.000001", primary.size()}));
  const WriterCounters& counters = store->writer().counters();
  EXPECT_EQ(counters.bytes_appended, primary.size() - 4);
  EXPECT_EQ(counters.events_appended, EventsOf(primary).size());
  EXPECT_EQ(counters.checkpoints, 1u);
  EXPECT_GE(counters.fsyncs, 1u);
}

TEST_F(BinlogWriterTest, SkipsHeartbeatsArtificialEventsAndAResentFormatDescription) {
  auto store = Open();
  ASSERT_TRUE(store);
  const TwoTransactions primary = MakeTwoTransactions();
  const std::vector<std::vector<uint8_t>> events = EventsOf(primary.file);
  const std::vector<uint8_t> fde = events[0];
  sidecar::testing::BodyWriter heartbeat_body;
  heartbeat_body.Str(kName);
  const std::vector<uint8_t> heartbeat = sidecar::testing::MakeEvent(
      {.type = EventType::kHeartbeat, .body = heartbeat_body.bytes(), .timestamp = 0}, 0);
  sidecar::testing::BodyWriter empty_list;
  empty_list.U32(0).U16(0);
  const std::vector<uint8_t> fake_gtid_list = sidecar::testing::Reframe(
      sidecar::testing::MakeEvent({.type = EventType::kGtidList, .body = empty_list.bytes()}, 0), 0,
      binlog::kFlagArtificial);

  ASSERT_TRUE(AppendAll(*store, {FakeRotate(kName, 4), fde, fake_gtid_list, heartbeat}).ok());
  ASSERT_TRUE(AppendAll(*store, {events.begin() + 1, events.begin() + 4}).ok());
  // A reconnect: the dump resumes where the store ends.
  const uint64_t end = primary.ends[2];
  ASSERT_TRUE(AppendAll(*store, {FakeRotate(kName, end), sidecar::testing::Reframe(fde, 0, 0),
                                 fake_gtid_list, heartbeat})
                  .ok());
  ASSERT_TRUE(AppendAll(*store, {events.begin() + 4, events.end()}).ok());
  ASSERT_TRUE(store->writer().Sync().ok());
  EXPECT_EQ(Stored(kName), primary.file);
  EXPECT_EQ(store->writer().counters().events_appended, events.size());
}

TEST_F(BinlogWriterTest, ARealRotateClosesTheFileAndTheIndexListsEveryFile) {
  const UpstreamStream stream(binlog::Flavor::kMariadb, 7, 3);
  {
    auto store = Open();
    ASSERT_TRUE(store);
    std::mt19937_64 rng(7);
    Status fed = sidecar::testing::FeedStream(*store, stream, rng, {.reconnect_probability = 0},
                                              [](const auto&) {});
    ASSERT_TRUE(fed.ok()) << fed.ToString();
    for (size_t f = 0; f < 3; ++f) EXPECT_EQ(Stored(stream.names()[f]), stream.file_bytes(f));
    const std::vector<uint8_t> index = Stored("mariadb-bin.index");
    EXPECT_EQ(std::string(index.begin(), index.end()),
              "./mariadb-bin.000001\n./mariadb-bin.000002\n./mariadb-bin.000003\n");
    auto rows = store->state_db().ListFiles();
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 3u);
    for (size_t f = 0; f < 3; ++f) {
      EXPECT_EQ((*rows)[f].seq, int64_t(f + 1));
      EXPECT_EQ((*rows)[f].size, stream.file_bytes(f).size());
      EXPECT_EQ((*rows)[f].state, f < 2 ? FileState::kClosed : FileState::kActive);
    }
  }
  auto reopened = Open();
  ASSERT_TRUE(reopened);
  const auto& file = stream.names().size() - 1;
  sidecar::testing::ExpectRecoveredStore(
      *reopened, stream, sidecar::testing::StreamPosition{file, stream.file_bytes(file).size()});
}

TEST_F(BinlogWriterTest, RefusesAnEventThatDoesNotLandAtThePrimarysPosition) {
  auto store = Open();
  ASSERT_TRUE(store);
  const TwoTransactions primary = MakeTwoTransactions();
  const auto events = EventsOf(primary.file);
  ASSERT_TRUE(AppendAll(*store, {FakeRotate(kName, 4), events[0], events[1]}).ok());
  std::vector<uint8_t> skipped_ahead = events[3];  // the XID, where the INSERT belongs
  Status s = Append(*store, skipped_ahead);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find(kName), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(fmt::format("at {}", primary.ends[0])), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find(fmt::format("the primary says it ends at {}, the store expects {}",
                                         primary.ends[2], primary.ends[0] + events[3].size())),
            std::string::npos)
      << s.message();
  ASSERT_TRUE(store->writer().Sync().ok());
  // Refused and nothing of the open transaction kept: the writer stands at
  // its last boundary, the end of the FDE.
  const uint64_t fde_end = 4 + events[0].size();
  EXPECT_EQ(Stored(kName).size(), fde_end);
  EXPECT_EQ(store->writer().resume_point()->position, fde_end);
}

TEST_F(BinlogWriterTest, ChecksOnlyAtTransactionBoundariesInGroupMode) {
  auto store = Open(SyncMode::kGroup);
  ASSERT_TRUE(store);
  const TwoTransactions primary = MakeTwoTransactions();
  const auto events = EventsOf(primary.file);
  // First transaction whole, second one open (GTID, INSERT).
  ASSERT_TRUE(AppendAll(*store, {FakeRotate(kName, 4), events[0], events[1], events[2], events[3],
                                 events[4], events[5]})
                  .ok());
  EXPECT_EQ(store->durable_position().Get().offset, 0u) << "no Sync yet";
  ASSERT_TRUE(store->writer().Sync().ok());
  EXPECT_EQ(store->durable_position().Get().offset, primary.ends[2]);
  // The open transaction's bytes are written and fsync'd, not checkpointed.
  auto size = env_.FileSize("/data/binlog/" + std::string(kName));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, primary.ends[4]);
  auto checkpoint = store->state_db().LoadCheckpoint();
  ASSERT_TRUE(checkpoint.ok() && *checkpoint);
  EXPECT_EQ((*checkpoint)->position, primary.ends[2]);
  EXPECT_EQ((*checkpoint)->gtid_state, "0-1-1");

  ASSERT_TRUE(Append(*store, events[6]).ok());
  EXPECT_EQ(store->durable_position().Get().offset, primary.ends[2]) << "group mode waits for Sync";
  ASSERT_TRUE(store->writer().Sync().ok());
  EXPECT_EQ(store->durable_position().Get().offset, primary.ends[5]);
  checkpoint = store->state_db().LoadCheckpoint();
  EXPECT_EQ((*checkpoint)->gtid_state, "0-1-2");
}

TEST_F(BinlogWriterTest, TransactionModeSyncsAtEveryCommit) {
  auto store = Open(SyncMode::kTransaction);
  ASSERT_TRUE(store);
  const TwoTransactions primary = MakeTwoTransactions();
  const auto events = EventsOf(primary.file);
  ASSERT_TRUE(AppendAll(*store, {FakeRotate(kName, 4), events[0], events[1], events[2]}).ok());
  EXPECT_EQ(store->durable_position().Get().offset, 0u) << "no transaction has ended yet";
  ASSERT_TRUE(Append(*store, events[3]).ok());
  EXPECT_EQ(store->durable_position().Get().offset, primary.ends[2]);
  ASSERT_TRUE(AppendAll(*store, {events[4], events[5], events[6]}).ok());
  EXPECT_EQ(store->durable_position().Get().offset, primary.ends[5]);
  EXPECT_EQ(store->writer().counters().checkpoints, 2u);
}

TEST_F(BinlogWriterTest, ADumpRestartingAtTheTransactionStartDropsItsBytes) {
  auto store = Open();
  ASSERT_TRUE(store);
  const TwoTransactions primary = MakeTwoTransactions();
  const auto events = EventsOf(primary.file);
  ASSERT_TRUE(AppendAll(*store, {FakeRotate(kName, 4), events[0], events[1], events[2], events[3],
                                 events[4], events[5]})
                  .ok());
  ASSERT_TRUE(store->writer().Sync().ok());
  // The puller reconnects by GTID: the primary resends the open transaction.
  ASSERT_TRUE(Append(*store, FakeRotate(kName, primary.ends[2])).ok());
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0], fmt::format("writer: the dump restarts {} at {}: dropped the {} bytes of the "
                                 "transaction open there",
                                 kName, primary.ends[2], primary.ends[4] - primary.ends[2]));
  ASSERT_TRUE(AppendAll(*store, {events[4], events[5], events[6]}).ok());
  ASSERT_TRUE(store->writer().Sync().ok());
  EXPECT_EQ(Stored(kName), primary.file);
  // A restart anywhere else is refused.
  Status s = Append(*store, FakeRotate(kName, primary.ends[0]));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
}

TEST_F(BinlogWriterTest, RefusesWhatAnEmptyStoreCannotPlace) {
  auto store = Open();
  ASSERT_TRUE(store);
  const TwoTransactions primary = MakeTwoTransactions();
  const auto events = EventsOf(primary.file);
  Status s = Append(*store, events[0]);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("before a ROTATE named the file"), std::string::npos) << s.message();
  s = Append(*store, FakeRotate(kName, 1234));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("from position 4 on"), std::string::npos) << s.message();
  s = Append(*store, FakeRotate("../escape.000001", 4));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(store->writer().resume_point());
}

}  // namespace
}  // namespace sidecar::store
