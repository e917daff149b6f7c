// Recovery (through BinlogStore::Open) on the real filesystem: a torn tail,
// transactions stored past a checkpoint that power loss undid, files created
// after the checkpoint, unfinished purges, a damaged byte before the
// checkpoint, a missing file, the lock of another process.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "store/binlog_store.h"
#include "store/posix_env.h"
#include "store/recovery.h"
#include "store_test_driver.h"
#include "support/event_builder.h"
#include "temp_dir.h"
#include "upstream_stream.h"

namespace sidecar::store {
namespace {

using sidecar::testing::StreamPosition;
using sidecar::testing::UpstreamStream;
using sidecar::testing::ViewOf;

constexpr uint64_t kSeed = 11;

class StoreRecoveryTest : public ::testing::Test {
 protected:
  StoreRecoveryTest() : stream_(binlog::Flavor::kMysql, kSeed, 2) {}

  std::unique_ptr<BinlogStore> Open() {
    auto store = TryOpen();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  Result<std::unique_ptr<BinlogStore>> TryOpen() {
    BinlogStore::Options options;
    options.data_dir = dir_.path();
    options.writer.log = [this](std::string_view line) { log_.emplace_back(line); };
    return BinlogStore::Open(env_.get(), std::move(options));
  }
  // Stores the whole stream and closes the store.
  void StoreStream() {
    auto store = Open();
    ASSERT_TRUE(store);
    std::mt19937_64 rng(kSeed);
    Status fed = sidecar::testing::FeedStream(*store, stream_, rng, {.reconnect_probability = 0},
                                              [](const StreamPosition&) {});
    ASSERT_TRUE(fed.ok()) << fed.ToString();
  }
  std::string PathOf(const std::string& name) const { return dir_.Join("binlog/" + name); }
  const std::string& last_name() const { return stream_.names().back(); }
  uint64_t last_size() const { return stream_.file_bytes(1).size(); }
  StreamPosition end() const { return {1, last_size()}; }
  void AppendRaw(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  }
  bool Logged(const std::string& line) const {
    return std::find(log_.begin(), log_.end(), line) != log_.end();
  }
  bool LoggedPrefix(const std::string& prefix) const {
    return std::any_of(log_.begin(), log_.end(),
                       [&](const std::string& line) { return line.starts_with(prefix); });
  }

  const UpstreamStream stream_;
  const std::unique_ptr<Env> env_ = NewPosixEnv();
  TempDir dir_;
  std::vector<std::string> log_;
};

TEST_F(StoreRecoveryTest, ANewDataDirRecoversToAnEmptyStore) {
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->recovered_resume_point());
  EXPECT_TRUE(store->recovered_damage().ok());
  auto entries = env_->ListDir(dir_.Join("binlog"));
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->empty());
}

TEST_F(StoreRecoveryTest, CutsATornTailBackToTheCheckpoint) {
  StoreStream();
  // Half of an event written after the last checkpoint.
  const std::vector<uint8_t>& first_events = stream_.items()[1].bytes;
  AppendRaw(PathOf(last_name()), {first_events.begin(), first_events.begin() + 30});
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(
      LoggedPrefix(fmt::format("recovery: truncated {} from {} to {} (30 bytes past the "
                               "last whole transaction: ",
                               last_name(), last_size() + 30, last_size())))
      << ::testing::PrintToString(log_);
  sidecar::testing::ExpectRecoveredStore(*store, stream_, end());
}

// Power loss undid the last deferred checkpoint commits (state_db.h) but not
// the fdatasync'd transactions they named: recovery keeps those (and moves
// the checkpoint over them), then cuts the torn event after them.
TEST_F(StoreRecoveryTest, KeepsWholeTransactionsPastACheckpointThatPowerLossUndid) {
  StoreStream();
  uint64_t older = 0;  // a transaction boundary about a third into the last file
  for (const auto& item : stream_.items()) {
    if (item.stored && item.file == 1 && item.offset > last_size() / 3 &&
        stream_.IsBoundary(1, item.offset)) {
      older = item.offset;
      break;
    }
  }
  ASSERT_GT(older, 0u);
  FileCatalogEntry complete_row;
  {
    auto db = StateDb::Open(dir_.Join("state.db"));
    ASSERT_TRUE(db.ok());
    auto checkpoint = (*db)->LoadCheckpoint();
    auto rows = (*db)->ListFiles();
    ASSERT_TRUE(checkpoint.ok() && *checkpoint && rows.ok());
    Checkpoint undone = **checkpoint;
    undone.position = older;
    undone.gtid_state = stream_.GtidStateAt(1, older);
    complete_row = rows->back();
    FileCatalogEntry row = complete_row;
    row.size = older;
    row.last_gtid = row.first_gtid;
    ASSERT_TRUE((*db)->CommitCheckpoint(undone, {row}).ok());
  }
  const std::vector<uint8_t>& first_events = stream_.items()[1].bytes;
  AppendRaw(PathOf(last_name()), {first_events.begin(), first_events.begin() + 30});

  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->recovered_damage().ok()) << store->recovered_damage().ToString();
  const auto& resume = store->recovered_resume_point();
  ASSERT_TRUE(resume);
  EXPECT_EQ(resume->position, last_size());
  EXPECT_EQ(resume->gtid_state, stream_.GtidStateAt(1, last_size()));
  EXPECT_TRUE(
      Logged(fmt::format("recovery: kept {} bytes of {} past the checkpoint ({} to {}): "
                         "whole transactions whose events pass their CRC32 checks",
                         last_size() - older, last_name(), older, last_size())))
      << ::testing::PrintToString(log_);
  EXPECT_TRUE(
      LoggedPrefix(fmt::format("recovery: truncated {} from {} to {} (30 bytes past the "
                               "last whole transaction: ",
                               last_name(), last_size() + 30, last_size())))
      << ::testing::PrintToString(log_);
  sidecar::testing::ExpectRecoveredStore(*store, stream_, end());
  auto rows = store->state_db().ListFiles();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->back(), complete_row) << "the catalogue row is rebuilt from the file";
}

TEST_F(StoreRecoveryTest, RemovesFilesCreatedAfterTheCheckpoint) {
  StoreStream();
  AppendRaw(PathOf("mysql-bin.000003"), {0xfe, 'b', 'i', 'n', 1, 2, 3});
  AppendRaw(PathOf("mysql-bin.index.tmp"), {'.', '/'});
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(
      Logged("recovery: removed mysql-bin.000003 (7 bytes), a file created after the last "
             "checkpoint"))
      << ::testing::PrintToString(log_);
  sidecar::testing::ExpectRecoveredStore(*store, stream_, end());
}

TEST_F(StoreRecoveryTest, FinishesAnInterruptedPurge) {
  StoreStream();
  {
    auto db = StateDb::Open(dir_.Join("state.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->MarkPurging(stream_.names()[0]).ok());
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(Logged(fmt::format("recovery: removed {} (finishing its purge)", stream_.names()[0])))
      << ::testing::PrintToString(log_);
  auto rows = store->state_db().ListFiles();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().name, last_name());
  auto exists = env_->FileExists(PathOf(stream_.names()[0]));
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
  const auto index = sidecar::testing::ReadWholeFile(*env_, PathOf("mysql-bin.index"));
  EXPECT_EQ(std::string(index.begin(), index.end()), "./" + last_name() + "\n");
}

// A checkpoint between a new file's FORMAT_DESCRIPTION and its PREVIOUS_GTIDS:
// the GTID state there is the one the file before ended with, and the store
// reopened there must go on from that state, not from an empty one.
TEST_F(StoreRecoveryTest, ACheckpointBeforeANewFilesStartEventKeepsTheGtidStateBeforeIt) {
  StreamPosition at{1, 0};
  {
    auto store = Open();
    ASSERT_TRUE(store);
    BinlogWriter& writer = store->writer();
    for (const auto& event : stream_.Prelude(0, 4)) ASSERT_TRUE(writer.Append(ViewOf(event)).ok());
    for (size_t i = stream_.ResumeIndex(0, 4); at.offset == 0; ++i) {
      ASSERT_LT(i, stream_.items().size());
      const auto& item = stream_.items()[i];
      ASSERT_TRUE(writer.Append(ViewOf(item.bytes)).ok());
      // The second file's first event is its FORMAT_DESCRIPTION.
      if (item.stored && item.file == 1) at.offset = item.offset + item.bytes.size();
    }
    ASSERT_TRUE(writer.Sync().ok());
  }
  const std::string before = stream_.GtidStateAt(at.file, at.offset);
  ASSERT_FALSE(before.empty()) << "the fixture's first file must hold GTIDs";

  auto store = Open();
  ASSERT_TRUE(store);
  auto resume = store->writer().resume_point();
  ASSERT_TRUE(resume);
  EXPECT_EQ(resume->file, stream_.names()[1]);
  EXPECT_EQ(resume->position, at.offset);
  EXPECT_EQ(resume->gtid_state, before);
  sidecar::testing::ExpectRecoveredStore(*store, stream_, at);
  auto rows = store->state_db().ListFiles();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->back().start_gtid_state, before);
}

TEST_F(StoreRecoveryTest, ADamagedByteBeforeTheCheckpointMovesTheResumePointBeforeIt) {
  StoreStream();
  // An event inside a transaction, past the middle of the last file.
  const sidecar::testing::StreamItem* damaged = nullptr;
  for (const auto& item : stream_.items()) {
    if (item.stored && item.file == 1 && item.offset > last_size() / 2 &&
        !stream_.IsBoundary(1, item.offset)) {
      damaged = &item;
      break;
    }
  }
  ASSERT_NE(damaged, nullptr);
  uint64_t transaction_start = 4;
  for (const auto& item : stream_.items()) {
    if (item.stored && item.file == 1 && item.offset <= damaged->offset &&
        stream_.IsBoundary(1, item.offset)) {
      transaction_start = item.offset;
    }
  }
  {
    const int fd = ::open(PathOf(last_name()).c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    const uint8_t flipped = damaged->bytes[20] ^ 0x01;
    ASSERT_EQ(::pwrite(fd, &flipped, 1, off_t(damaged->offset + 20)), 1);
    ::close(fd);
  }

  auto store = Open();
  ASSERT_TRUE(store);
  const Status& damage = store->recovered_damage();
  EXPECT_EQ(damage.code(), Status::Code::kCorruption);
  EXPECT_NE(damage.message().find(
                fmt::format("{} is damaged at offset {}", last_name(), damaged->offset)),
            std::string::npos)
      << damage.message();
  const auto& resume = store->recovered_resume_point();
  ASSERT_TRUE(resume);
  EXPECT_EQ(resume->file, last_name());
  EXPECT_EQ(resume->position, transaction_start);
  EXPECT_EQ(resume->gtid_state, stream_.GtidStateAt(1, transaction_start));
  EXPECT_EQ(store->durable_position().Get().offset, transaction_start);
  EXPECT_EQ(store->durable_position().generation(), 1u) << "readers must re-position";
  EXPECT_TRUE(Logged(
      fmt::format("recovery: truncated {} from {} to {} ({} bytes from the damaged "
                  "transaction on)",
                  last_name(), last_size(), transaction_start, last_size() - transaction_start)))
      << ::testing::PrintToString(log_);
  sidecar::testing::ExpectRecoveredStore(*store, stream_, StreamPosition{1, transaction_start});

  // The range is fetched again from the primary, and the file is whole again.
  std::mt19937_64 rng(kSeed);
  Status fed = sidecar::testing::FeedStream(*store, stream_, rng, {.reconnect_probability = 0},
                                            [](const StreamPosition&) {});
  ASSERT_TRUE(fed.ok()) << fed.ToString();
  EXPECT_EQ(sidecar::testing::ReadWholeFile(*env_, PathOf(last_name())), stream_.file_bytes(1));
}

TEST_F(StoreRecoveryTest, AMissingFileIsAnErrorNamingIt) {
  StoreStream();
  ASSERT_EQ(::unlink(PathOf(last_name()).c_str()), 0);
  auto store = TryOpen();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kCorruption);
  EXPECT_NE(store.status().message().find(PathOf(last_name()) + " is missing"), std::string::npos)
      << store.status().message();
}

TEST_F(StoreRecoveryTest, ADataDirLockedByAnotherProcessIsRefusedNamingItsPid) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = NewPosixEnv()->LockFile(dir_.Join("LOCK"));
    const char byte = lock.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &byte, 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(byte, 'y');
  auto store = TryOpen();
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(
      store.status().message(),
      fmt::format("data_dir {} is locked by another binlog-sidecar (pid {})", dir_.path(), child));
  // The lock died with its holder.
  EXPECT_TRUE(Open());
}

}  // namespace
}  // namespace sidecar::store
