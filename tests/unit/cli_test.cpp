// The command line as a user drives it: exit codes and check-binlog's JSON.
#include "app/cli.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "app/version.h"
#include "support/cli_run.h"
#include "support/fixture_files.h"

namespace sidecar::app {
namespace {

using testing::CliRun;
using testing::RunArgs;

Poco::JSON::Object::Ptr ParseLine(const std::string& line) {
  return Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
}

TEST(CliTest, VersionAndHelp) {
  const CliRun version = RunArgs({"--version"});
  EXPECT_EQ(version.exit_code, kExitOk);
  EXPECT_EQ(version.out, std::string("binlog-sidecar ") + kVersion + "\n");
  const CliRun help = RunArgs({"--help"});
  EXPECT_EQ(help.exit_code, kExitOk);
  EXPECT_NE(help.out.find("check-binlog FILE..."), std::string::npos);
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunArgs({}).exit_code, kExitUsage);
  EXPECT_EQ(RunArgs({"--frobnicate"}).exit_code, kExitUsage);
  const CliRun no_files = RunArgs({"check-binlog"});
  EXPECT_EQ(no_files.exit_code, kExitUsage);
  EXPECT_NE(no_files.err.find("no file given"), std::string::npos);
  EXPECT_EQ(RunArgs({"check-binlog", "--json", "x"}).exit_code, kExitUsage);
}

TEST(CliTest, CheckBinlogPrintsOneJsonObjectPerFile) {
  const std::string whole =
      testing::FixturePath("binlogs/blackbeam_rust_mysql_common/mariadb-bin.000001");
  const std::string damaged = testing::FixturePath(
      "binlogs/blackbeam_rust_mysql_common/binlog_truncated_prev_gtid_event.000001");

  const CliRun ok = RunArgs({"check-binlog", whole});
  EXPECT_EQ(ok.exit_code, kExitOk) << ok.err;
  auto json = ParseLine(ok.out);
  EXPECT_EQ(json->getValue<std::string>("file"), whole);
  EXPECT_TRUE(json->getValue<bool>("ok"));
  EXPECT_EQ(json->getValue<std::string>("flavor"), "mariadb");
  EXPECT_EQ(json->getValue<int>("transactions"), 2);
  EXPECT_EQ(json->getValue<std::string>("last_gtid"), "0-1-2");
  EXPECT_EQ(json->getObject("event_counts")->getValue<int>("MARIA_GTID"), 2);
  EXPECT_FALSE(json->has("problem"));

  const CliRun mixed = RunArgs({"check-binlog", whole, damaged});
  EXPECT_EQ(mixed.exit_code, kExitFailure);
  std::istringstream lines(mixed.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_TRUE(ParseLine(first)->getValue<bool>("ok"));
  auto bad = ParseLine(second);
  EXPECT_FALSE(bad->getValue<bool>("ok"));
  // The manifest's independent walk: "9 trailing bytes at 120".
  EXPECT_EQ(bad->getObject("problem")->getValue<int>("offset"), 120);
  EXPECT_TRUE(bad->get("first_gtid").isEmpty());
}

}  // namespace
}  // namespace sidecar::app
