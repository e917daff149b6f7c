// BudgetKeeper, one RunOnce at a time, over a real store (a FaultInjectionEnv
// holding a four-file stream from the fixtures) and a fake replica (the
// replica-status seam): unreachable replicas purge nothing, executed files
// go, back-pressure engages when over budget with nothing purgeable and
// releases when the replica executes, a full disk pauses until there is
// room, PURGE BINARY LOGS gets reasons, and state changes are logged once.
// The per-event allowance (RoomFor): the share minus the files on disk, not
// one byte more; a refusal closes the gate, a purge reopens it.
#include "budget/budget_keeper.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "binlog/event_type.h"
#include "fault_injection_env.h"
#include "store_test_driver.h"

namespace sidecar::budget {
namespace {

using store::BinlogStore;
using testing::UpstreamStream;

class KeeperTest : public ::testing::Test {
 protected:
  KeeperTest() : stream_(binlog::Flavor::kMariadb, 11, 4) {
    std::string pattern = ::testing::TempDir() + "sidecar-keeper-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    state_dir_ = pattern;
    EXPECT_TRUE(env_.CreateDir("/data").ok());
    EXPECT_TRUE(env_.SyncDir("/").ok());
    BinlogStore::Options options;
    options.data_dir = "/data";
    options.state_db_path = state_dir_ + "/state.db";
    auto store = BinlogStore::Open(&env_, std::move(options));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    std::mt19937_64 rng(11);
    Status fed = sidecar::testing::FeedStream(*store_, stream_, rng, {}, [](const auto&) {});
    EXPECT_TRUE(fed.ok()) << fed.ToString();
    for (size_t i = 0; i < stream_.names().size(); ++i) total_ += stream_.file_bytes(i).size();
  }
  ~KeeperTest() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(state_dir_, ignored);
  }

  // A keeper whose replica reports `replica_`, with `disk` as budget.disk.
  std::unique_ptr<BudgetKeeper> Keeper(std::optional<uint64_t> disk,
                                       std::chrono::seconds keep_min = std::chrono::seconds(0)) {
    BudgetKeeperOptions options;
    options.disk_budget = disk;
    options.keep_min = keep_min;
    options.poll_replica = [this] { return replica_; };
    options.free_bytes = [this]() -> Result<uint64_t> { return free_; };
    options.log_info = [this](std::string_view line) { log_.emplace_back(line); };
    options.log_warning = [this](std::string_view line) { log_.emplace_back(line); };
    return std::make_unique<BudgetKeeper>(store_.get(), std::move(options));
  }

  // The replica answers, having executed up to `file`:`position`, relay logs limited to `limit`.
  void Executed(const std::string& file, uint64_t position, uint64_t limit = 0) {
    replica_ = ReplicaSnapshot{};
    replica_.reachable = true;
    replica_.relay_log_space_limit = limit;
    replica_.is_replica = true;
    replica_.progress.reachable = true;
    replica_.progress.executed_file = file;
    replica_.progress.executed_position = position;
  }

  std::vector<std::string> StoredNames() {
    std::vector<std::string> names;
    auto rows = store_->state_db().ListFiles();
    if (rows.ok()) {
      for (const auto& row : *rows) names.push_back(row.name);
    }
    return names;
  }

  size_t LinesWith(std::string_view fragment) const {
    size_t n = 0;
    for (const std::string& line : log_) n += line.find(fragment) != std::string::npos;
    return n;
  }

  UpstreamStream stream_;
  store::FaultInjectionEnv env_;
  std::string state_dir_;
  std::unique_ptr<BinlogStore> store_;
  uint64_t total_ = 0;
  ReplicaSnapshot replica_;
  uint64_t free_ = 0;
  std::vector<std::string> log_;
};

TEST_F(KeeperTest, AnUnreachableReplicaPurgesNothingAndIsLoggedOnce) {
  replica_.error = "replica socket /r.sock: connection refused";
  auto keeper = Keeper(std::nullopt);
  keeper->RunOnce();
  keeper->RunOnce();
  EXPECT_EQ(StoredNames(), stream_.names());
  const BudgetStatus status = keeper->status();
  EXPECT_FALSE(status.replica_reachable);
  EXPECT_EQ(status.replica_error, replica_.error);
  EXPECT_NE(status.oldest_kept_reason.find("unreachable"), std::string::npos)
      << status.oldest_kept_reason;
  EXPECT_EQ(LinesWith("connection refused"), 1u);
  EXPECT_EQ(status.used_bytes, total_);
  EXPECT_FALSE(status.back_pressure);
}

TEST_F(KeeperTest, PurgesWhatTheReplicaExecutedEvenWithoutABudget) {
  const auto& names = stream_.names();
  Executed(names[2], 4);
  auto keeper = Keeper(std::nullopt);
  keeper->RunOnce();
  EXPECT_EQ(StoredNames(), (std::vector<std::string>{names[2], names[3]}));
  const BudgetStatus status = keeper->status();
  EXPECT_EQ(status.purged_files, 2u);
  EXPECT_EQ(status.purged_bytes, stream_.file_bytes(0).size() + stream_.file_bytes(1).size());
  EXPECT_EQ(status.used_bytes, total_ - status.purged_bytes);
  EXPECT_FALSE(status.allowed_bytes.has_value());
  EXPECT_EQ(status.replica_executed_file, names[2]);
  EXPECT_EQ(keeper->PauseReason(), "");
}

TEST_F(KeeperTest, KeepMinKeepsFilesTheReplicaExecuted) {
  Executed(stream_.names()[3], 4);
  auto keeper = Keeper(std::nullopt, std::chrono::hours(24 * 365 * 100));
  keeper->RunOnce();
  EXPECT_EQ(StoredNames(), stream_.names());
  EXPECT_NE(keeper->status().oldest_kept_reason.find("keep_min"), std::string::npos);
}

TEST_F(KeeperTest, BackPressureEngagesWhenNothingMayGoAndReleasesWhenTheReplicaExecutes) {
  const auto& names = stream_.names();
  const uint64_t relay_limit = 1000;
  // A share below what the store holds, but well above its last file alone.
  const uint64_t last = stream_.file_bytes(3).size();
  ASSERT_LT(last * 10, total_ * 8) << "the fixture's last file is too large for this test";
  const uint64_t share = (total_ + last) / 2;
  Executed(names[0], 4, relay_limit);
  auto keeper = Keeper(relay_limit + share);
  keeper->RunOnce();
  BudgetStatus status = keeper->status();
  EXPECT_TRUE(status.back_pressure);
  EXPECT_EQ(std::string(BudgetStateName(status)), "budget_exhausted");
  EXPECT_EQ(status.relay_log_space_limit, relay_limit);
  EXPECT_EQ(status.allowed_bytes, share);
  EXPECT_NE(status.back_pressure_reason.find("has not executed all of " + names[0]),
            std::string::npos)
      << status.back_pressure_reason;
  const std::string reason = keeper->PauseReason();
  EXPECT_EQ(reason.rfind("budget_exhausted: ", 0), 0u) << reason;
  keeper->RunOnce();  // still paused: not logged again
  EXPECT_EQ(LinesWith("paused"), 1u);

  // The replica executes everything: all but the file being written go, pulling resumes.
  Executed(names[3], 4, relay_limit);
  keeper->RunOnce();
  status = keeper->status();
  EXPECT_FALSE(status.back_pressure);
  EXPECT_EQ(keeper->PauseReason(), "");
  EXPECT_EQ(StoredNames(), std::vector<std::string>{names[3]});
  EXPECT_EQ(LinesWith("resumed"), 1u);
}

TEST_F(KeeperTest, AFullDiskPausesUntilTheFileSystemHasRoom) {
  auto keeper = Keeper(std::nullopt);
  keeper->ReportNoSpace(Status::NoSpace("cannot append to /d/binlog/x: No space left on device"));
  EXPECT_EQ(keeper->PauseReason().rfind("disk_full: ", 0), 0u);
  EXPECT_EQ(std::string(BudgetStateName(keeper->status())), "disk_full");
  free_ = 1024;
  keeper->RunOnce();
  EXPECT_NE(keeper->PauseReason(), "");
  free_ = uint64_t(64) << 20;
  keeper->RunOnce();
  EXPECT_EQ(keeper->PauseReason(), "");
  EXPECT_FALSE(keeper->status().back_pressure);
}

TEST_F(KeeperTest, PurgeOnRequestGivesTheReasonOrPurges) {
  const auto& names = stream_.names();
  Executed(names[1], 4);
  auto keeper = Keeper(std::nullopt, std::chrono::hours(24 * 365 * 100));
  keeper->RunOnce();  // keep_min keeps everything from the automatic purge

  PurgeRequest to_last;
  to_last.to_file = names[3];
  auto partial = keeper->PurgeOnRequest(to_last);  // keep_min does not apply; the replica does
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  EXPECT_EQ(partial->outcome.files, std::vector<std::string>{names[0]});
  EXPECT_NE(partial->refusal.find("has not executed all of " + names[1]), std::string::npos)
      << partial->refusal;

  auto refused = keeper->PurgeOnRequest(to_last);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find(names[1]), std::string::npos);

  PurgeRequest unknown;
  unknown.to_file = "nope.000001";
  EXPECT_EQ(keeper->PurgeOnRequest(unknown).status().code(), Status::Code::kNotFound);
}

// A QUERY event of `size` bytes (RoomFor reads only its type, flags and size).
struct QueryEvent {
  explicit QueryEvent(size_t size) : bytes(size) {
    view.header.type = uint8_t(binlog::EventType::kQuery);
    view.header.event_size = uint32_t(size);
    view.header.next_position = 1;
    view.bytes = bytes;
  }
  std::vector<uint8_t> bytes;
  binlog::EventView view;
};

TEST_F(KeeperTest, RoomForGivesTheShareMinusTheFilesOnDiskAndNotOneByteMore) {
  const auto& names = stream_.names();
  replica_.error = "not yet";  // unreachable: nothing is purged
  auto keeper = Keeper(total_ + 1000);
  keeper->RunOnce();
  EXPECT_EQ(keeper->status().used_bytes, total_);
  EXPECT_FALSE(keeper->status().back_pressure);
  EXPECT_TRUE(keeper->RoomFor(QueryEvent(600).view));
  EXPECT_TRUE(keeper->RoomFor(QueryEvent(400).view));
  EXPECT_EQ(keeper->PauseReason(), "");
  EXPECT_FALSE(keeper->RoomFor(QueryEvent(1).view));
  const std::string reason = keeper->PauseReason();
  EXPECT_EQ(reason.rfind("budget_exhausted: the next event (1 bytes) does not fit", 0), 0u)
      << reason;
  EXPECT_EQ(LinesWith("paused"), 1u);
  // The next poll measures no more room (the charges were never flushed: they still count).
  keeper->RunOnce();
  EXPECT_TRUE(keeper->status().back_pressure);
  EXPECT_FALSE(keeper->RoomFor(QueryEvent(1).view));

  // The replica executes all: the purge makes room, the gate opens, the room is back.
  Executed(names[3], 4);
  keeper->MarkFlushed();
  keeper->RunOnce();
  EXPECT_FALSE(keeper->status().back_pressure);
  EXPECT_EQ(LinesWith("resumed"), 1u);
  const uint64_t used = keeper->status().used_bytes;
  EXPECT_EQ(used, stream_.file_bytes(3).size());
  EXPECT_TRUE(keeper->RoomFor(QueryEvent(total_ + 1000 - used).view));
  EXPECT_FALSE(keeper->RoomFor(QueryEvent(1).view));
}

TEST_F(KeeperTest, WithoutADiskBudgetEveryEventFits) {
  auto keeper = Keeper(std::nullopt);
  keeper->RunOnce();
  EXPECT_TRUE(keeper->RoomFor(QueryEvent(size_t(64) << 20).view));
  EXPECT_EQ(keeper->PauseReason(), "");
}

}  // namespace
}  // namespace sidecar::budget
