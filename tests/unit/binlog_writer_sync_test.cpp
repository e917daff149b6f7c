// BinlogWriter's pipelined group commit: the syncer thread fdatasyncs and
// checkpoints while the writer's thread goes on appending, serves the
// tickets queued meanwhile with one fdatasync and one checkpoint, publishes
// nothing before the fdatasync returned, and a failure on the syncer breaks
// the writer. The fdatasync is held on a gate the test opens: behaviour, not
// timing.
#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "forwarding_env.h"
#include "store/binlog_store.h"
#include "support/event_builder.h"
#include "temp_dir.h"
#include "upstream_stream.h"

namespace sidecar::store {
namespace {

using sidecar::testing::UpstreamStream;
using sidecar::testing::ViewOf;

// Forwards to a FaultInjectionEnv (ForwardingEnv); while closed, WritableFile::Sync waits
// (counted in blocked()) until the gate opens.
class GateEnv final : public ForwardingEnv {
 public:
  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    changed_.notify_all();
  }
  // Blocks until `count` Syncs wait at the gate.
  void AwaitBlocked(int count) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return blocked_ >= count; });
  }

  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path) override {
    auto file = base_.OpenWritable(path);
    if (!file.ok()) return file.status();
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, std::move(file).value()));
  }

 private:
  class File final : public WritableFile {
   public:
    File(GateEnv* env, std::unique_ptr<WritableFile> base) : env_(env), base_(std::move(base)) {}
    Status Append(Bytes data) override { return base_->Append(data); }
    Status Sync() override {
      env_->Pass();
      return base_->Sync();
    }
    Status Truncate(uint64_t size) override { return base_->Truncate(size); }
    uint64_t Size() const override { return base_->Size(); }
    Status Close() override { return base_->Close(); }

   private:
    GateEnv* const env_;
    const std::unique_ptr<WritableFile> base_;
  };

  void Pass() {
    std::unique_lock lock(mu_);
    ++blocked_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    --blocked_;
  }

  std::mutex mu_;
  std::condition_variable changed_;
  bool open_ = true;  // GUARDED_BY(mu_)
  int blocked_ = 0;   // GUARDED_BY(mu_): Syncs waiting at the gate
};

class BinlogWriterSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDir("/data").ok());
    ASSERT_TRUE(env_.SyncDir("/").ok());
    BinlogStore::Options options;
    options.data_dir = "/data";
    options.state_db_path = temp_.Join("state.db");
    auto store = BinlogStore::Open(&env_, std::move(options));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    for (const auto& event : stream_.Prelude(0, 4)) {
      ASSERT_TRUE(writer().Append(ViewOf(event)).ok());
    }
    next_ = stream_.ResumeIndex(0, 4);
  }

  BinlogWriter& writer() { return store_->writer(); }

  // Appends the stream's items until the last transaction boundary
  // appended moves; returns it. REQUIRES: the first file goes on that far.
  uint64_t AppendTransaction() {
    const uint64_t from = writer().resume_point()->position;
    while (writer().resume_point()->position == from) {
      EXPECT_EQ(stream_.items()[next_].file, 0u) << "the test needs a longer first file";
      EXPECT_TRUE(writer().Append(ViewOf(stream_.items()[next_++].bytes)).ok());
      if (::testing::Test::HasFailure()) return from;
    }
    return writer().resume_point()->position;
  }

  GateEnv env_;
  TempDir temp_;
  const UpstreamStream stream_{binlog::Flavor::kMariadb, 7, 2};
  std::unique_ptr<BinlogStore> store_;
  size_t next_ = 0;
};

TEST_F(BinlogWriterSyncTest, AppendsGoOnWhileTheSyncerWaitsForFdatasync) {
  const uint64_t first = AppendTransaction();
  env_.Close();
  ASSERT_TRUE(writer().RequestSync().ok());
  env_.AwaitBlocked(1);  // the syncer is in fdatasync

  // Meanwhile the writer's thread appends, and RequestSync returns at once.
  const uint64_t second = AppendTransaction();
  ASSERT_TRUE(writer().RequestSync().ok());
  const uint64_t third = AppendTransaction();
  ASSERT_TRUE(writer().RequestSync().ok());
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_EQ(store_->durable_position().Get().offset, 0u) << "published before fdatasync returned";
  EXPECT_EQ(writer().counters().checkpoints, 0u);

  env_.Open();
  ASSERT_TRUE(writer().Sync().ok());
  EXPECT_EQ(store_->durable_position().Get().offset, third);
  auto checkpoint = store_->state_db().LoadCheckpoint();
  ASSERT_TRUE(checkpoint.ok() && *checkpoint);
  EXPECT_EQ((*checkpoint)->position, third);
  // The first ticket alone, then the two queued during its fdatasync together.
  EXPECT_EQ(writer().counters().fsyncs, 2u);
  EXPECT_EQ(writer().counters().checkpoints, 2u);
}

// binlog_writer.h: a checkpoint is committed deferred (no WAL fsync) only
// inside a file a durable checkpoint already named; the first checkpoint of
// a file, which also carries the row of the file it closed, is durable.
TEST_F(BinlogWriterSyncTest, OnlyCheckpointsInsideAKnownFileAreDeferred) {
  int durable = 0;
  store_->state_db().SetDurableWriteObserver([&] { ++durable; });
  AppendTransaction();
  ASSERT_TRUE(writer().Sync().ok());
  EXPECT_EQ(durable, 1) << "the first checkpoint of a file";
  for (int i = 0; i < 3; ++i) {
    AppendTransaction();
    ASSERT_TRUE(writer().Sync().ok());
  }
  EXPECT_EQ(durable, 1) << "checkpoints inside the file";
  EXPECT_EQ(writer().counters().checkpoints, 4u);

  // Through the ROTATE into the second file, to its first transaction boundary.
  while (stream_.items()[next_].file == 0) {
    ASSERT_TRUE(writer().Append(ViewOf(stream_.items()[next_++].bytes)).ok());
  }
  while (writer().resume_point()->file != stream_.names()[1] ||
         writer().resume_point()->position <= 4) {
    ASSERT_TRUE(writer().Append(ViewOf(stream_.items()[next_++].bytes)).ok());
  }
  ASSERT_TRUE(writer().Sync().ok());
  EXPECT_EQ(durable, 2) << "the first checkpoint of the second file";
  auto rows = store_->state_db().ListFiles();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->front().state, FileState::kClosed);
}

TEST_F(BinlogWriterSyncTest, SyncWaitsForTheTicketsAlreadyInFlight) {
  const uint64_t boundary = AppendTransaction();
  ASSERT_TRUE(writer().RequestSync().ok());
  // Nothing new to hand over: Sync still returns only once that ticket is done.
  ASSERT_TRUE(writer().Sync().ok());
  EXPECT_EQ(store_->durable_position().Get().offset, boundary);
  EXPECT_EQ(writer().counters().checkpoints, 1u);
}

TEST_F(BinlogWriterSyncTest, AFailedFdatasyncOnTheSyncerBreaksTheWriter) {
  const uint64_t boundary = AppendTransaction();
  ASSERT_TRUE(writer().Sync().ok());
  AppendTransaction();
  env_.base().FailSyncs(1, Status::IOError("fdatasync: Input/output error"));
  ASSERT_TRUE(writer().RequestSync().ok()) << "the failure is the syncer's, found later";
  const Status failed = writer().Sync();
  EXPECT_EQ(failed.message(), "fdatasync: Input/output error");
  EXPECT_EQ(writer().Append(ViewOf(stream_.items()[next_].bytes)).ToString(), failed.ToString());
  EXPECT_EQ(writer().RequestSync().ToString(), failed.ToString());
  EXPECT_EQ(store_->durable_position().Get().offset, boundary);
}

TEST_F(BinlogWriterSyncTest, ACheckpointThatFindsTheDiskFullIsRetriedAtTheNextSync) {
  const uint64_t first = AppendTransaction();
  ASSERT_TRUE(writer().Sync().ok());
  const uint64_t second = AppendTransaction();
  store_->state_db().FailCommits(2, Status::NoSpace("state.db: database or disk is full"));

  // The bytes are fdatasync'd, the checkpoint is not committed: nothing is published, the
  // writer is not broken, and Sync says why.
  EXPECT_EQ(writer().Sync().code(), Status::Code::kNoSpace);
  EXPECT_FALSE(writer().broken());
  EXPECT_EQ(store_->durable_position().Get().offset, first);
  // Nothing new appended: Sync still retries the carried checkpoint (and the disk is still full).
  EXPECT_EQ(writer().Sync().code(), Status::Code::kNoSpace);
  EXPECT_EQ(store_->durable_position().Get().offset, first);
  auto checkpoint = store_->state_db().LoadCheckpoint();
  ASSERT_TRUE(checkpoint.ok() && *checkpoint);
  EXPECT_EQ((*checkpoint)->position, first);

  // Room again: the next sync commits the carried checkpoint with the newer one.
  ASSERT_TRUE(writer().Sync().ok());
  EXPECT_EQ(store_->durable_position().Get().offset, second);
  const uint64_t third = AppendTransaction();
  ASSERT_TRUE(writer().Sync().ok());
  EXPECT_EQ(store_->durable_position().Get().offset, third);
  checkpoint = store_->state_db().LoadCheckpoint();
  ASSERT_TRUE(checkpoint.ok() && *checkpoint);
  EXPECT_EQ((*checkpoint)->position, third);
}

TEST_F(BinlogWriterSyncTest, AFullDiskCheckpointCarriesTheCatalogueRowsOfFilesClosedMeanwhile) {
  AppendTransaction();
  ASSERT_TRUE(writer().Sync().ok());
  store_->state_db().FailCommits(1, Status::NoSpace("state.db: database or disk is full"));
  // The rest of the stream: the first file closes, the second is written.
  while (next_ < stream_.items().size()) {
    const Status appended = writer().Append(ViewOf(stream_.items()[next_++].bytes));
    ASSERT_TRUE(appended.ok()) << "item " << next_ - 1 << ": " << appended.ToString();
    if (next_ == stream_.items().size() / 2) {
      EXPECT_EQ(writer().Sync().code(), Status::Code::kNoSpace);
    }
  }
  ASSERT_TRUE(writer().Sync().ok());
  auto files = store_->state_db().ListFiles();
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].state, FileState::kClosed);
  EXPECT_EQ(store_->durable_position().Get().file, (*files)[1].name);
}

}  // namespace
}  // namespace sidecar::store
