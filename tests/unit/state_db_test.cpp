#include "store/state_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "temp_dir.h"

namespace sidecar::store {
namespace {

using std::chrono::microseconds;
using std::chrono::system_clock;

Checkpoint SampleCheckpoint(uint64_t position) {
  Checkpoint cp;
  cp.file_name = "mysql-bin.000042";
  cp.position = position;
  cp.gtid_state = "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5000";
  cp.upstream = {"10.0.0.5", 3306, 1, "3E11FA47-71CA-11E1-9E33-C80AA9429562",
                 binlog::Flavor::kMysql};
  cp.updated_at = system_clock::time_point(microseconds(1717236000123456));
  return cp;
}

FileCatalogEntry SampleFile(std::string name, int64_t seq, FileState state) {
  FileCatalogEntry f;
  f.name = std::move(name);
  f.seq = seq;
  f.size = 1000 + uint64_t(seq);
  f.first_gtid = "0-1-" + std::to_string(seq * 10);
  f.last_gtid = "0-1-" + std::to_string(seq * 10 + 9);
  f.start_gtid_state = "0-1-" + std::to_string(seq * 10 - 1);
  f.first_event_time = 1700000000;
  f.last_event_time = 4294967295;  // the largest event timestamp
  f.state = state;
  return f;
}

// Runs `sql` on its own connection, returning the first column of the first row.
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

class StateDbTest : public ::testing::Test {
 protected:
  std::unique_ptr<StateDb> OpenDb() {
    auto db = StateDb::Open(path_);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  TempDir dir_;
  const std::string path_ = dir_.Join("state.db");
};

TEST_F(StateDbTest, NewStoreIsEmpty) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto cp = db->LoadCheckpoint();
  ASSERT_TRUE(cp.ok());
  EXPECT_FALSE(cp->has_value());
  EXPECT_TRUE(db->ListFiles()->empty());
  EXPECT_FALSE(db->GetConfig("host")->has_value());
}

TEST_F(StateDbTest, UsesWalJournalAndRecordsTheSchemaVersion) {
  ASSERT_NE(OpenDb(), nullptr);
  EXPECT_EQ(RawQuery(path_, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(path_, "SELECT version FROM schema_version"), "1");
}

TEST_F(StateDbTest, CheckpointAndCatalogueSurviveReopen) {
  const Checkpoint cp = SampleCheckpoint(123456789012);
  const std::vector<FileCatalogEntry> files = {
      SampleFile("mysql-bin.000041", 41, FileState::kClosed),
      SampleFile("mysql-bin.000042", 42, FileState::kActive)};
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->CommitCheckpoint(cp, files).ok());
  }
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto loaded = db->LoadCheckpoint();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(**loaded, cp);
  EXPECT_EQ(*db->ListFiles(), files);
}

TEST_F(StateDbTest, CommitReplacesTheCheckpointAndUpsertsOnlyChangedFiles) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  FileCatalogEntry first = SampleFile("mariadb-bin.000001", 1, FileState::kActive);
  ASSERT_TRUE(db->CommitCheckpoint(SampleCheckpoint(100), {first}).ok());

  // Rotation: the first file closes, the second opens, in one commit.
  first.state = FileState::kClosed;
  first.size = 5000;
  const FileCatalogEntry second = SampleFile("mariadb-bin.000002", 2, FileState::kActive);
  Checkpoint cp = SampleCheckpoint(256);
  cp.file_name = "mariadb-bin.000002";
  cp.gtid_state = "0-1-20,1-2-7";
  cp.upstream = {"db1.example", 3307, 7, "", binlog::Flavor::kMariadb};
  ASSERT_TRUE(db->CommitCheckpoint(cp, {second, first}).ok());
  // A checkpoint inside the same file changes no catalogue row.
  cp.position = 300;
  ASSERT_TRUE(db->CommitCheckpoint(cp, {}).ok());

  EXPECT_EQ(**db->LoadCheckpoint(), cp);
  EXPECT_EQ(*db->ListFiles(), (std::vector<FileCatalogEntry>{first, second}));
}

// A deferred commit is read back like a durable one (power loss is what may
// undo it, not a reopen); the observer sees every durable write and no
// deferred one.
TEST_F(StateDbTest, DeferredCommitsReadBackAndOnlyDurableWritesAreObserved) {
  const FileCatalogEntry file = SampleFile("mysql-bin.000042", 42, FileState::kActive);
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    int durable_writes = 0;
    db->SetDurableWriteObserver([&] { ++durable_writes; });
    ASSERT_TRUE(db->CommitCheckpoint(SampleCheckpoint(100), {file}).ok());
    EXPECT_EQ(durable_writes, 1);
    FileCatalogEntry grown = file;
    grown.size = 2000;
    ASSERT_TRUE(
        db->CommitCheckpoint(SampleCheckpoint(2000), {grown}, CommitDurability::kDeferred).ok());
    EXPECT_EQ(durable_writes, 1);
    EXPECT_EQ(db->LoadCheckpoint()->value().position, 2000u);
    EXPECT_EQ(db->ListFiles()->front().size, 2000u);
    ASSERT_TRUE(db->CommitCheckpoint(SampleCheckpoint(3000), {}, CommitDurability::kDeferred).ok());
    EXPECT_EQ(durable_writes, 1);
    ASSERT_TRUE(db->SetConfig({{"host", "db1"}}).ok());
    EXPECT_EQ(durable_writes, 2);
    ASSERT_TRUE(db->MarkPurging("mysql-bin.000042").ok());
    EXPECT_EQ(durable_writes, 3);
    ASSERT_TRUE(db->CommitCheckpoint(SampleCheckpoint(4000), {}).ok());
    EXPECT_EQ(durable_writes, 4);
  }
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->LoadCheckpoint()->value().position, 4000u);
  EXPECT_EQ(db->ListFiles()->front().state, FileState::kPurging);
}

TEST_F(StateDbTest, RefusedCommitLeavesThePreviousCheckpointWhole) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  const Checkpoint before = SampleCheckpoint(100);
  const FileCatalogEntry file = SampleFile("mysql-bin.000001", 1, FileState::kActive);
  ASSERT_TRUE(db->CommitCheckpoint(before, {file}).ok());

  // A second file with the same seq breaks the catalogue's order: refused.
  const Status s = db->CommitCheckpoint(SampleCheckpoint(200),
                                        {SampleFile("mysql-bin.000002", 1, FileState::kActive)});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find(path_ + ": cannot commit the checkpoint: UNIQUE constraint failed"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(**db->LoadCheckpoint(), before);
  EXPECT_EQ(*db->ListFiles(), std::vector<FileCatalogEntry>{file});
  // The connection is still usable.
  EXPECT_TRUE(db->CommitCheckpoint(SampleCheckpoint(300), {}).ok());
}

// The copy status pages read: the GTID state of the last commit that succeeded, as loaded at
// open, whatever the commit's durability; a refused commit leaves it.
TEST_F(StateDbTest, CommittedGtidStateFollowsCommitsThatSucceed) {
  const FileCatalogEntry file = SampleFile("mysql-bin.000001", 1, FileState::kActive);
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->CommittedGtidState(), "");
    Checkpoint cp = SampleCheckpoint(100);
    cp.gtid_state = "0-1-10";
    ASSERT_TRUE(db->CommitCheckpoint(cp, {file}).ok());
    EXPECT_EQ(db->CommittedGtidState(), "0-1-10");
    cp.gtid_state = "0-1-11";
    ASSERT_TRUE(db->CommitCheckpoint(cp, {}, CommitDurability::kDeferred).ok());
    EXPECT_EQ(db->CommittedGtidState(), "0-1-11");
    cp.gtid_state = "0-1-12";
    db->FailCommits(1, Status::IOError("disk full"));
    EXPECT_FALSE(db->CommitCheckpoint(cp, {}).ok());
    EXPECT_EQ(db->CommittedGtidState(), "0-1-11");
    // Refused by the catalogue's constraints: rolled back, not committed.
    EXPECT_FALSE(db->CommitCheckpoint(cp, {SampleFile("mysql-bin.000002", 1, FileState::kActive)})
                     .ok());
    EXPECT_EQ(db->CommittedGtidState(), "0-1-11");
  }
  EXPECT_EQ(OpenDb()->CommittedGtidState(), "0-1-11");
}

TEST_F(StateDbTest, PurgeIsTwoSteps) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->CommitCheckpoint(SampleCheckpoint(4),
                                   {SampleFile("mysql-bin.000001", 1, FileState::kClosed),
                                    SampleFile("mysql-bin.000002", 2, FileState::kActive)})
                  .ok());
  ASSERT_TRUE(db->MarkPurging("mysql-bin.000001").ok());
  auto files = db->ListFiles();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].state, FileState::kPurging);
  EXPECT_EQ((*files)[1].state, FileState::kActive);

  ASSERT_TRUE(db->RemoveFile("mysql-bin.000001").ok());
  files = db->ListFiles();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].name, "mysql-bin.000002");

  const Status unknown = db->MarkPurging("mysql-bin.000001");
  EXPECT_EQ(unknown.code(), Status::Code::kNotFound);
  EXPECT_NE(unknown.message().find("mysql-bin.000001"), std::string::npos);
  EXPECT_EQ(db->RemoveFile("mysql-bin.000001").code(), Status::Code::kNotFound);
}

TEST_F(StateDbTest, UpstreamConfigRoundTrip) {
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->SetConfig({{"host", "10.0.0.5"}, {"port", "3306"}}).ok());
    ASSERT_TRUE(db->SetConfig({{"host", "10.0.0.6"}, {"use_gtid", "slave_pos"}}).ok());
  }
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(**db->GetConfig("host"), "10.0.0.6");
  EXPECT_EQ(**db->GetConfig("port"), "3306");
  EXPECT_EQ(**db->GetConfig("use_gtid"), "slave_pos");
  EXPECT_FALSE(db->GetConfig("user")->has_value());
}

TEST_F(StateDbTest, EmptyFileIsMigratedFromVersionZero) {
  std::ofstream(path_).close();
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(db->CommitCheckpoint(SampleCheckpoint(4), {}).ok());
  EXPECT_EQ(RawQuery(path_, "SELECT version FROM schema_version"), "1");
}

TEST_F(StateDbTest, NewerSchemaIsRefused) {
  ASSERT_NE(OpenDb(), nullptr);
  RawQuery(path_, "UPDATE schema_version SET version = 99");
  auto db = StateDb::Open(path_);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(db.status().message().find("schema version 99"), std::string::npos);
}

TEST_F(StateDbTest, FileThatIsNotADatabaseIsCorruption) {
  std::ofstream(path_) << std::string(8192, 'x');
  auto db = StateDb::Open(path_);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(db.status().message(),
            path_ + ": cannot enable the WAL journal mode: file is not a database");
}

TEST_F(StateDbTest, UnopenablePathIsAnIOErrorNamingIt) {
  const std::string path = dir_.Join("no-such-dir/state.db");
  auto db = StateDb::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kIOError);
  EXPECT_NE(db.status().message().find(path), std::string::npos) << db.status().message();
}

TEST_F(StateDbTest, TwoConnectionsShareTheFile) {
  auto a = OpenDb();
  auto b = OpenDb();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->CommitCheckpoint(SampleCheckpoint(100), {}).ok());
  EXPECT_EQ((*b->LoadCheckpoint())->position, 100u);
  ASSERT_TRUE(b->CommitCheckpoint(SampleCheckpoint(200), {}).ok());
  EXPECT_EQ((*a->LoadCheckpoint())->position, 200u);
}

TEST_F(StateDbTest, CommitWaitsForAnotherWriterInsteadOfFailing) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::thread release([other] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  const Status s = db->CommitCheckpoint(SampleCheckpoint(100), {});
  release.join();
  sqlite3_close(other);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ((*db->LoadCheckpoint())->position, 100u);
}

}  // namespace
}  // namespace sidecar::store
