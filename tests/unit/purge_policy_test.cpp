// PlanPurge, table-driven: a catalogue of four files (the last one being
// written) against the replica's progress (file/pos, GTID-only, unreachable,
// reset backwards), connected readers, keep_min, and explicit PURGE requests.
#include "budget/purge_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sidecar::budget {
namespace {

using store::FileCatalogEntry;
using store::FileState;
using Clock = std::chrono::system_clock;

const Clock::time_point kNow = Clock::from_time_t(1'700'000'000);

FileCatalogEntry File(int64_t seq, uint64_t size, const char* start_state, int age_seconds,
                      FileState state = FileState::kClosed) {
  FileCatalogEntry file;
  file.name = "mysql-bin.00000" + std::to_string(seq);
  file.seq = seq;
  file.size = size;
  file.start_gtid_state = start_state;
  file.last_event_time = uint32_t(Clock::to_time_t(kNow) - age_seconds);
  file.state = state;
  return file;
}

// MariaDB: file N holds transactions 0-1-(10N-9) .. 0-1-10N; its start state is the end of N-1.
std::vector<FileCatalogEntry> Catalogue() {
  return {File(1, 1000, "", 7200), File(2, 2000, "0-1-10", 7200), File(3, 3000, "0-1-20", 7200),
          File(4, 400, "0-1-30", 0, FileState::kActive)};
}

struct Case {
  const char* name;
  ReplicaProgress replica;
  std::optional<store::BinlogPosition> reader;
  int keep_min_seconds = 3600;
  PurgeRequest request;
  size_t want_count;
  const char* want_refusal;  // a fragment of the first refusal ("" when none)
};

ReplicaProgress ByFile(const char* file, uint64_t pos) {
  ReplicaProgress progress;
  progress.reachable = true;
  progress.executed_file = file;
  progress.executed_position = pos;
  return progress;
}
ReplicaProgress ByGtid(const char* gtids) {
  ReplicaProgress progress;
  progress.reachable = true;
  progress.uses_gtid = true;
  progress.executed_gtids = gtids;
  return progress;
}
PurgeRequest To(const char* file) {
  PurgeRequest request;
  request.to_file = file;
  return request;
}
PurgeRequest Before(int64_t unix_time) {
  PurgeRequest request;
  request.before_unix_time = unix_time;
  return request;
}

class PurgePolicyTest : public ::testing::TestWithParam<Case> {};

TEST_P(PurgePolicyTest, Plans) {
  const Case& c = GetParam();
  const auto files = Catalogue();
  PurgePolicyInput in;
  in.files = files;
  in.durable_end = {4, "mysql-bin.000004", 400};
  in.flavor = binlog::Flavor::kMariadb;
  in.replica = c.replica;
  in.oldest_reader = c.reader;
  in.keep_min = std::chrono::seconds(c.keep_min_seconds);
  in.now = kNow;
  in.request = c.request;
  auto plan = PlanPurge(in);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->purge_count, c.want_count);
  uint64_t bytes = 0;
  for (size_t i = 0; i < c.want_count; ++i) bytes += files[i].size;
  EXPECT_EQ(plan->purge_bytes, bytes);
  const std::string refusal = plan->first_refusal();
  if (*c.want_refusal == '\0') {
    EXPECT_EQ(refusal, "");
  } else {
    EXPECT_NE(refusal.find(c.want_refusal), std::string::npos) << refusal;
  }
  if (c.want_count > 0) {
    EXPECT_EQ(plan->last_seq(), int64_t(c.want_count));
  }
  for (const FileVerdict& verdict : plan->files) {
    if (verdict.name == "mysql-bin.000004") {
      EXPECT_NE(verdict.refusal.find("being written"), std::string::npos) << verdict.refusal;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, PurgePolicyTest,
    ::testing::Values(
        Case{"executed_everything_before_the_active_file",
             ByFile("mysql-bin.000004", 200),
             {},
             3600,
             {},
             3,
             "mysql-bin.000004 is the file being written"},
        Case{"executed_into_the_second_file",
             ByFile("mysql-bin.000002", 50),
             {},
             3600,
             {},
             1,
             "has not executed all of mysql-bin.000002 yet (it has executed up to "
             "mysql-bin.000002:50)"},
        Case{"stands_at_the_end_of_a_file",
             ByFile("mysql-bin.000002", 2000),
             {},
             3600,
             {},
             2,
             "has not executed all of mysql-bin.000003"},
        Case{"reset_backwards_to_the_first_file",
             ByFile("mysql-bin.000001", 4),
             {},
             3600,
             {},
             0,
             "has not executed all of mysql-bin.000001"},
        Case{"reset_with_no_position",
             ByFile("", 0),
             {},
             3600,
             {},
             0,
             "reports no executed position"},
        Case{"position_in_a_file_the_store_lacks",
             ByFile("other-bin.000009", 4),
             {},
             3600,
             {},
             0,
             "is not a file of the store"},
        Case{"replica_ahead_of_the_store",
             ByFile("mysql-bin.000031", 4),
             {},
             3600,
             {},
             3,
             "being written"},
        Case{"replica_in_another_series",
             ByFile("other-bin.000031", 4),
             {},
             3600,
             {},
             0,
             "is not a file of the store"},
        Case{"unreachable", ReplicaProgress{}, {}, 3600, {}, 0, "unreachable"},
        Case{"gtid_only_progress",
             ByGtid("0-1-25"),
             {},
             3600,
             {},
             2,
             "has not executed every transaction of mysql-bin.000003"},
        Case{"gtid_other_domains_must_be_covered_too",
             ByGtid("0-1-35,1-2-3"),
             {},
             3600,
             {},
             3,
             "being written"},
        Case{"gtid_behind",
             ByGtid("0-1-5"),
             {},
             3600,
             {},
             0,
             "has not executed every transaction of mysql-bin.000001"},
        Case{"gtid_unparsable", ByGtid("garbage"), {}, 3600, {}, 0, "cannot be compared"},
        Case{"reader_in_the_second_file",
             ByFile("mysql-bin.000004", 4),
             store::BinlogPosition{2, "mysql-bin.000002", 100},
             3600,
             {},
             1,
             "a connected replica is still reading mysql-bin.000002"},
        Case{"keep_min_longer_than_the_files_age",
             ByFile("mysql-bin.000004", 4),
             {},
             3 * 3600,
             {},
             0,
             "younger than keep_min (10800 s)"},
        Case{"manual_to_skips_keep_min",
             ByFile("mysql-bin.000004", 4),
             {},
             3 * 3600,
             To("mysql-bin.000003"),
             2,
             ""},
        Case{"manual_to_still_needs_the_replica",
             ByFile("mysql-bin.000002", 4),
             {},
             0,
             To("mysql-bin.000004"),
             1,
             "has not executed all of mysql-bin.000002"},
        Case{"manual_before_a_time",
             ByFile("mysql-bin.000004", 4),
             {},
             0,
             Before(Clock::to_time_t(kNow) - 3600),
             3,
             ""}),
    [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

TEST(PurgePolicyTest, ManualPurgeToAnUnknownFileIsNotFound) {
  const auto files = Catalogue();
  PurgePolicyInput in;
  in.files = files;
  in.durable_end = {4, "mysql-bin.000004", 400};
  in.replica = ByFile("mysql-bin.000004", 4);
  in.now = kNow;
  in.request.to_file = "mysql-bin.000042";
  auto plan = PlanPurge(in);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), Status::Code::kNotFound);
  EXPECT_NE(plan.status().message().find("mysql-bin.000042"), std::string::npos);
}

TEST(PurgePolicyTest, PurgingRowsCountAsGoneAndLaterFilesWaitForOlderOnes) {
  auto files = Catalogue();
  files[0].state = FileState::kPurging;
  PurgePolicyInput in;
  in.files = files;
  in.durable_end = {4, "mysql-bin.000004", 400};
  in.replica = ByFile("mysql-bin.000004", 4);
  in.oldest_reader = store::BinlogPosition{2, "mysql-bin.000002", 4};
  in.now = kNow;
  auto plan = PlanPurge(in);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->files.size(), 3u);
  EXPECT_EQ(plan->files[0].name, "mysql-bin.000002");
  EXPECT_EQ(plan->purge_count, 0u);
  // mysql-bin.000003 has its own reason: the reader stands before it.
  EXPECT_NE(plan->files[1].refusal.find("still reading mysql-bin.000003"), std::string::npos)
      << plan->files[1].refusal;
}

TEST(PurgePolicyTest, MysqlGtidSetsAreComparedAsSets) {
  const char* uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  std::vector<FileCatalogEntry> files = {File(1, 100, "", 7200),
                                         File(2, 100, "", 7200, FileState::kActive)};
  files[1].start_gtid_state = std::string(uuid) + ":1-10";
  PurgePolicyInput in;
  in.files = files;
  in.durable_end = {2, files[1].name, 100};
  in.flavor = binlog::Flavor::kMysql;
  in.now = kNow;
  in.replica = ByGtid("");
  in.replica.executed_gtids = std::string(uuid) + ":1-9";
  auto behind = PlanPurge(in);
  ASSERT_TRUE(behind.ok());
  EXPECT_EQ(behind->purge_count, 0u);
  in.replica.executed_gtids =
      std::string(uuid) + ":1-12,\n" + "aaaaaaaa-71ca-11e1-9e33-c80aa9429562:1-3";
  auto caught_up = PlanPurge(in);
  ASSERT_TRUE(caught_up.ok());
  EXPECT_EQ(caught_up->purge_count, 1u);
}

}  // namespace
}  // namespace sidecar::budget
