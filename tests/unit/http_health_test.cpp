// Health rules: which problem codes a snapshot produces, and when.
#include <gtest/gtest.h>

#include "http/health.h"
#include "status_snapshot_fixture.h"

namespace sidecar::http {
namespace {

using app::HealthySnapshot;
using app::StatusSnapshot;
using app::UpstreamErrorKind;

std::vector<std::string> Codes(const StatusSnapshot& s, HealthOptions options = {}) {
  std::vector<std::string> codes;
  for (const HealthProblem& p : EvaluateHealth(s, options)) {
    EXPECT_FALSE(p.message.empty()) << p.code;
    codes.push_back(p.code);
  }
  return codes;
}

using Codes_ = std::vector<std::string>;

TEST(HealthTest, StreamingWithEverythingFineIsHealthy) {
  EXPECT_EQ(Codes(HealthySnapshot()), Codes_{});
}

TEST(HealthTest, RecoveringReportsOnlyRecovery) {
  StatusSnapshot s;  // default: recovering, nothing attached
  s.storage.data_dir = "/d";
  EXPECT_EQ(Codes(s), Codes_{"recovery_in_progress"});
}

TEST(HealthTest, UpstreamDownIsAProblemOnlyAfterTheGracePeriod) {
  StatusSnapshot s = HealthySnapshot();
  s.upstream.state = "backoff";
  s.upstream.last_error = "pull from 10.0.0.5:3306: connection refused";
  s.upstream.last_error_kind = UpstreamErrorKind::kNetwork;
  s.upstream.disconnected_seconds = 4.0;
  HealthOptions options;
  options.upstream_grace = std::chrono::seconds(5);
  EXPECT_EQ(Codes(s, options), Codes_{});
  s.upstream.disconnected_seconds = 6.0;
  const auto problems = EvaluateHealth(s, options);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "upstream_disconnected");
  EXPECT_NE(problems[0].message.find("connection refused"), std::string::npos);
}

TEST(HealthTest, AuthAndConfigErrorsAreReportedAtOnce) {
  StatusSnapshot s = HealthySnapshot();
  s.upstream.state = "backoff";
  s.upstream.disconnected_seconds = 0.5;
  s.upstream.last_error_kind = UpstreamErrorKind::kAuth;
  EXPECT_EQ(Codes(s), Codes_{"upstream_auth_error"});
  s.upstream.last_error_kind = UpstreamErrorKind::kConfig;
  EXPECT_EQ(Codes(s), Codes_{"upstream_config_error"});
}

TEST(HealthTest, StorageErrors) {
  StatusSnapshot s = HealthySnapshot();
  s.storage.error = "cannot create /d/.write-probe: Operation not permitted";
  EXPECT_EQ(Codes(s), Codes_{"storage_error"});
  s = HealthySnapshot();
  s.storage.writer_failed = true;
  s.storage.error = "fdatasync: Input/output error";
  s.upstream.state = "failed";
  s.upstream.disconnected_seconds = 100;  // a failed writer is the cause, not the upstream
  EXPECT_EQ(Codes(s), Codes_{"storage_error"});
}

TEST(HealthTest, BudgetBackPressureAndFullDisk) {
  StatusSnapshot s = HealthySnapshot();
  s.budget->back_pressure = true;
  s.budget->back_pressure_reason = "budget_exhausted: 600000 bytes stored, nothing purgeable";
  EXPECT_EQ(Codes(s), Codes_{"budget_exhausted"});
  s.budget->back_pressure_reason = "disk_full: no space left on /d";
  EXPECT_EQ(Codes(s), Codes_{"storage_error"});
}

TEST(HealthTest, ReplicaUnreachable) {
  StatusSnapshot s = HealthySnapshot();
  s.budget->replica_reachable = false;
  s.budget->replica_error = "Can't connect to local server through socket";
  EXPECT_EQ(Codes(s), Codes_{"replica_unreachable"});
  s.budget.reset();  // no budget keeper: nothing to say about the replica
  EXPECT_EQ(Codes(s), Codes_{});
}

TEST(HealthTest, GraceFollowsTheHeartbeat) {
  EXPECT_EQ(UpstreamGraceFor(std::chrono::seconds(1)), std::chrono::seconds(5));
  EXPECT_EQ(UpstreamGraceFor(std::chrono::seconds(10)), std::chrono::seconds(30));
}

}  // namespace
}  // namespace sidecar::http
