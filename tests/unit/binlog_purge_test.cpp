// BinlogPurger: what a purge removes and refuses, and that a crash (then a
// power loss, in every PowerLossMode) at every step of a purge, the
// catalogue's steps included, leaves each file either whole and listed or
// gone and unlisted: the store reopens (recovery finishes the purge), every
// listed file holds the primary's bytes, and the index lists exactly the
// catalogue.
//
// The store's files live in a FaultInjectionEnv; state.db is a real SQLite
// file (a commit is durable when it returns), on tmpfs (/dev/shm) when there
// is one, to keep the test fast. The crash is a CrashingEnv
// whose operation counter also counts the catalogue's steps (a
// PurgeCatalogue that dies with it), so "between MarkPurging and the unlink"
// is a crash point like any other.
#include "store/binlog_purge.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "crashing_env.h"
#include "temp_dir.h"
#include "fault_injection_env.h"
#include "store/binlog_store.h"
#include "store_test_driver.h"

namespace sidecar::store {
namespace {

using testing::UpstreamStream;

constexpr int kFiles = 4;
constexpr const char* kBinlogDir = "/data/binlog";

// The catalogue steps of a purge, dying with `env`.
class CrashingCatalogue final : public PurgeCatalogue {
 public:
  CrashingCatalogue(StateDb* db, CrashingEnv* env) : db_(db), env_(env) {}
  Result<std::vector<FileCatalogEntry>> ListFiles() override {
    if (env_->crashed()) return env_->Dead();
    return db_->ListFiles();
  }
  Status MarkPurging(std::string_view name) override {
    return env_->Mutate([&] { return db_->MarkPurging(name); });
  }
  Status RemoveFile(std::string_view name) override {
    return env_->Mutate([&] { return db_->RemoveFile(name); });
  }

 private:
  StateDb* const db_;
  CrashingEnv* const env_;
};


// Forwards to one Env, then (from SwitchTo on) to another. Not thread-safe.
class SwitchableEnv final : public Env {
 public:
  explicit SwitchableEnv(Env* target) : target_(target) {}
  void SwitchTo(Env* target) { target_ = target; }

  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path) override {
    return target_->OpenWritable(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& path) override {
    return target_->OpenRandomAccess(path);
  }
  Result<bool> FileExists(const std::string& path) override { return target_->FileExists(path); }
  Result<uint64_t> FileSize(const std::string& path) override { return target_->FileSize(path); }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    return target_->ListDir(path);
  }
  Status CreateDir(const std::string& path) override { return target_->CreateDir(path); }
  Status Rename(const std::string& from, const std::string& to) override {
    return target_->Rename(from, to);
  }
  Status RemoveFile(const std::string& path) override { return target_->RemoveFile(path); }
  Status TruncateFile(const std::string& path, uint64_t size) override {
    return target_->TruncateFile(path, size);
  }
  Status SyncDir(const std::string& path) override { return target_->SyncDir(path); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return target_->LockFile(path);
  }

 private:
  Env* target_;
};

// A store holding the whole of a stream of kFiles files.
class PurgeFixture {
 public:
  explicit PurgeFixture(uint64_t seed)
      : stream_(seed % 2 == 0 ? binlog::Flavor::kMariadb : binlog::Flavor::kMysql, seed, kFiles),
        rng_(seed) {
    EXPECT_TRUE(env_.CreateDir("/data").ok());
    EXPECT_TRUE(env_.SyncDir("/").ok());
    auto store = Open();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return;
    Status fed = testing::FeedStream(**store, stream_, rng_, {}, [](const auto&) {});
    EXPECT_TRUE(fed.ok()) << fed.ToString();
  }

  Result<std::unique_ptr<BinlogStore>> Open() {
    BinlogStore::Options options;
    options.data_dir = "/data";
    options.state_db_path = state_dir_.Join("state.db");
    options.writer.log = [this](std::string_view line) { log_.emplace_back(line); };
    return BinlogStore::Open(&env_, std::move(options));
  }

  // Expects the store to hold files [first, kFiles) of the stream, whole,
  // listed in the catalogue and the index, and nothing else.
  void ExpectHolds(BinlogStore& store, size_t first) {
    auto rows = store.state_db().ListFiles();
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> listed;
    for (const auto& row : *rows) listed.push_back(row.name);
    const std::vector<std::string> want(stream_.names().begin() + long(first),
                                        stream_.names().end());
    EXPECT_EQ(listed, want);
    std::string index_text;
    for (const std::string& name : want) {
      index_text += "./" + name + "\n";
      EXPECT_EQ(testing::ReadWholeFile(env_, std::string(kBinlogDir) + "/" + name),
                stream_.file_bytes(*stream_.FileIndex(name)))
          << name;
    }
    auto entries = env_.ListDir(kBinlogDir);
    ASSERT_TRUE(entries.ok());
    std::vector<std::string> files;
    std::optional<std::string> index_name;
    for (const std::string& entry : *entries) {
      if (entry.ends_with(".index")) {
        index_name = entry;
      } else {
        files.push_back(entry);
      }
    }
    EXPECT_EQ(files, want);
    ASSERT_TRUE(index_name.has_value());
    const auto bytes = testing::ReadWholeFile(env_, std::string(kBinlogDir) + "/" + *index_name);
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), index_text);
  }

  const UpstreamStream& stream() const { return stream_; }
  FaultInjectionEnv& env() { return env_; }
  std::mt19937_64& rng() { return rng_; }
  const std::vector<std::string>& log() const { return log_; }

 private:
  UpstreamStream stream_;
  std::mt19937_64 rng_;
  FaultInjectionEnv env_;
  FastTempDir state_dir_;
  std::vector<std::string> log_;
};

int64_t SeqOf(BinlogStore& store, const std::string& name) {
  auto rows = store.state_db().ListFiles();
  if (!rows.ok()) return -1;
  for (const auto& row : *rows) {
    if (row.name == name) return row.seq;
  }
  return -1;
}

TEST(BinlogPurgeTest, PurgesTheOldestFilesFromCatalogueDiskAndIndex) {
  PurgeFixture fixture(7);
  auto store = fixture.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const auto& names = fixture.stream().names();

  auto purged = (*store)->purger().PurgeThrough(SeqOf(**store, names[1]));
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->files, (std::vector<std::string>{names[0], names[1]}));
  EXPECT_EQ(purged->bytes,
            fixture.stream().file_bytes(0).size() + fixture.stream().file_bytes(1).size());
  fixture.ExpectHolds(**store, 2);
  EXPECT_NE(fixture.log().back().find("purged 2 binlog files"), std::string::npos)
      << fixture.log().back();

  // Nothing left to purge up to there: no change, no log line.
  const size_t lines = fixture.log().size();
  auto again = (*store)->purger().PurgeThrough(SeqOf(**store, names[2]) - 1);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->files.empty());
  EXPECT_EQ(fixture.log().size(), lines);

  // The purge survives a reopen.
  store->reset();
  auto reopened = fixture.Open();
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  fixture.ExpectHolds(**reopened, 2);
}

TEST(BinlogPurgeTest, RefusesTheFileHoldingTheDurableEndAndTouchesNothing) {
  PurgeFixture fixture(8);
  auto store = fixture.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::string& last = fixture.stream().names().back();
  ASSERT_EQ((*store)->durable_position().Get().file, last);

  auto purged = (*store)->purger().PurgeThrough(SeqOf(**store, last));
  ASSERT_FALSE(purged.ok());
  EXPECT_EQ(purged.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(purged.status().message().find("cannot purge " + last), std::string::npos)
      << purged.status().message();
  fixture.ExpectHolds(**store, 0);
}

TEST(BinlogPurgeTest, FinishesAPurgeAnErrorInterrupted) {
  PurgeFixture fixture(9);
  auto store = fixture.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const auto& names = fixture.stream().names();
  // Unlinks fail: the rows stay 'purging', the files stay.
  fixture.env().FailSyncs(1, Status::IOError("injected SyncDir failure"));
  auto failed = (*store)->purger().PurgeThrough(SeqOf(**store, names[0]));
  ASSERT_FALSE(failed.ok());
  auto rows = (*store)->state_db().ListFiles();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->front().state, FileState::kPurging);

  // The next purge, even of nothing new, finishes it.
  auto finished = (*store)->purger().PurgeThrough(0);
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  EXPECT_EQ(finished->files, std::vector<std::string>{names[0]});
  fixture.ExpectHolds(**store, 1);
}

// Runs a purge of the two oldest files that dies at mutating step `crash_at`
// (catalogue or disk), then loses power; returns whether it did die.
bool CrashAPurge(uint64_t seed, uint64_t crash_at, bool fatal_op_done, PowerLossMode mode) {
  PurgeFixture fixture(seed);
  std::vector<std::string> names;
  bool crashed = false;
  {
    auto store = fixture.Open();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return false;
    names.assign(fixture.stream().names().begin(), fixture.stream().names().end());
    auto rows = (*store)->state_db().ListFiles();
    EXPECT_TRUE(rows.ok());
    if (!rows.ok()) return false;
    std::vector<std::string> listed;
    for (const auto& row : *rows) listed.push_back(row.name);

    // The index learns the names over the plain Env; the purge's steps crash.
    CrashingEnv crash(&fixture.env(), crash_at, fatal_op_done);
    SwitchableEnv switchable(&fixture.env());
    BinlogIndexFile purge_index(&switchable, kBinlogDir);
    EXPECT_TRUE(purge_index.Rebuild(listed).ok());
    switchable.SwitchTo(&crash);
    CrashingCatalogue catalogue(&(*store)->state_db(), &crash);
    BinlogPurger purger(&crash, &catalogue, &(*store)->durable_position(), &purge_index, kBinlogDir,
                        {});
    auto purged = purger.PurgeThrough(rows->at(1).seq);
    crashed = crash.crashed();
    EXPECT_EQ(purged.ok(), !crashed) << purged.status().ToString();
  }
  fixture.env().SimulatePowerLoss(fixture.rng(), mode);

  auto reopened = fixture.Open();
  EXPECT_TRUE(reopened.ok()) << reopened.status().ToString();
  if (!reopened.ok()) return crashed;
  auto rows = (*reopened)->state_db().ListFiles();
  EXPECT_TRUE(rows.ok());
  if (!rows.ok()) return crashed;
  // Each file is listed and whole, or neither; only the two oldest may be gone.
  const size_t gone = names.size() - rows->size();
  EXPECT_LE(gone, 2u);
  fixture.ExpectHolds(**reopened, gone);
  // Then the purge completes.
  auto finished = (*reopened)->purger().PurgeThrough(SeqOf(**reopened, names[1]));
  EXPECT_TRUE(finished.ok()) << finished.status().ToString();
  fixture.ExpectHolds(**reopened, 2);
  return crashed;
}

TEST(BinlogPurgeTest, EveryCrashPointOfAPurgeLeavesTheFileOrNothing) {
  constexpr PowerLossMode kModes[] = {PowerLossMode::kDropUnsynced, PowerLossMode::kTearUnsynced,
                                      PowerLossMode::kTearWithGarbage};
  int crash_points = 0;
  for (const bool done : {false, true}) {
    for (const PowerLossMode mode : kModes) {
      for (uint64_t crash_at = 1;; ++crash_at) {
        SCOPED_TRACE(::testing::Message() << "crash at step " << crash_at << ", step done " << done
                                          << ", power-loss mode " << int(mode));
        const bool crashed = CrashAPurge(crash_at * 31 + uint64_t(done), crash_at, done, mode);
        if (HasFailure()) return;
        if (!crashed) break;
        ++crash_points;
        ASSERT_LT(crash_at, 100u) << "a purge of two files takes fewer steps";
      }
    }
  }
  // 2 marks, 2 unlinks, 1 SyncDir, 2 row removals, the index rewrite (5): each a crash point.
  EXPECT_GE(crash_points, 2 * 3 * 12);
}

}  // namespace
}  // namespace sidecar::store
