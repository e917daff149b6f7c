// DamageReports: reports of one file merge (lowest offset), Take waits, Close wakes.
#include "store/damage_reports.h"

#include <gtest/gtest.h>

#include <thread>

namespace sidecar::store {
namespace {

using Clock = std::chrono::steady_clock;

TEST(DamageReportsTest, ReportsOfOneFileMergeToTheLowestOffset) {
  DamageReports reports;
  reports.Report("mysql-bin.000002", 900);
  reports.Report("mysql-bin.000001", 500);
  reports.Report("mysql-bin.000002", 300);
  reports.Report("mysql-bin.000002", 700);
  auto first = reports.Take(Clock::now());
  auto second = reports.Take(Clock::now());
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->file, "mysql-bin.000001");
  EXPECT_EQ(first->offset, 500u);
  EXPECT_EQ(second->file, "mysql-bin.000002");
  EXPECT_EQ(second->offset, 300u);
  EXPECT_FALSE(reports.Take(Clock::now()));
}

TEST(DamageReportsTest, TakeWaitsForAReport) {
  DamageReports reports;
  std::thread reporter([&] { reports.Report("mysql-bin.000003", 4); });
  auto report = reports.Take(Clock::time_point::max());
  reporter.join();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->file, "mysql-bin.000003");
}

TEST(DamageReportsTest, CloseWakesAWaitingTake) {
  DamageReports reports;
  std::thread closer([&] { reports.Close(); });
  EXPECT_FALSE(reports.Take(Clock::time_point::max()));
  closer.join();
  reports.Report("mysql-bin.000001", 4);
  EXPECT_FALSE(reports.Take(Clock::time_point::max())) << "closed: nothing more is handed out";
}

}  // namespace
}  // namespace sidecar::store
