// `--config FILE [--set ...] --check-config` as a user runs it: the effective
// configuration with secrets masked, every error, exit codes; and the
// command line's usage errors.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "app/check_config_command.h"
#include "app/cli.h"
#include "config_test_support.h"
#include "support/cli_run.h"

namespace sidecar::app {
namespace {

using CheckConfigTest = ConfigFixture;

using testing::CliRun;
using testing::RunArgs;

TEST_F(CheckConfigTest, CheckConfigPrintsEveryKeyWithSecretsMasked) {
  const std::string path =
      WriteConfig(SpecConfig() + fmt::format("[admin]\npassword = '{}'\n", kInlinePassword));
  // Both password and password_file in [admin]: first see the error, then fix it.
  const CliRun bad = RunArgs({"--config", path, "--check-config"});
  EXPECT_EQ(bad.exit_code, kExitFailure);
  EXPECT_TRUE(bad.out.empty());
  EXPECT_NE(bad.err.find("ERROR config: " + path +
                         ":27: [admin] password_file: given together with password at line 43"),
            std::string::npos)
      << bad.err;
  EXPECT_NE(bad.err.find("ERROR config: 1 error in the configuration"), std::string::npos);

  const CliRun ok = RunArgs({"--check-config", "--config", path, "--set", "admin.password_file="});
  ASSERT_EQ(ok.exit_code, kExitOk) << ok.err;
  for (const CliRun* run : {&bad, &ok}) {
    EXPECT_EQ(run->out.find(kInlinePassword), std::string::npos);
    EXPECT_EQ(run->err.find(kInlinePassword), std::string::npos);
    EXPECT_EQ(run->out.find(kUpstreamPassword), std::string::npos);
    EXPECT_EQ(run->err.find(kUpstreamPassword), std::string::npos);
  }
  EXPECT_NE(ok.out.find("[admin]\nuser = sidecar_admin\npassword = ********\n"), std::string::npos)
      << ok.out;
  EXPECT_NE(ok.out.find(fmt::format("password_file = {}/upstream.password\n", dir_.path())),
            std::string::npos);
  for (const char* line :
       {"[upstream]\nhost = 10.0.0.5\nport = 3306\n", "server_id = 4001\nstart = auto\n",
        "gtid = auto\nsemi_sync = off\nheartbeat_period = 1s\nssl = preferred\nssl_ca =\n",
        "[storage]\ndata_dir = /var/lib/binlog-sidecar\nsync = group\nsync_interval = 5ms\n",
        "[serve]\nbind = 127.0.0.1\nport = 3307\nuser = repl\n", "delay = 0s\n",
        "[replica]\nsocket = /run/mysqld/mysqld.sock\nhost =\nport = 3306\n",
        "[budget]\ndisk = 50G\nrelay_log_space_limit = auto\nkeep_min = 1h\n",
        "[http]\nbind = 127.0.0.1\nport = 8307\n"}) {
    EXPECT_NE(ok.out.find(line), std::string::npos) << line << "\nnot in:\n" << ok.out;
  }
  EXPECT_NE(ok.err.find("WARNING config: " + path +
                        ":43: [admin] password: the password is written inline"),
            std::string::npos)
      << ok.err;
  EXPECT_TRUE(ok.err.ends_with("configuration OK\n")) << ok.err;
}

TEST_F(CheckConfigTest, CheckConfigOutputReadsBackToTheSameConfig) {
  const std::string path =
      WriteConfig(MinimalConfig() +
                  "[upstream]\nstart = gtid:0-1-100\nssl_ca = '/etc/my ca #1.pem'\n"
                  "[budget]\ndisk = 1536M\nrelay_log_space_limit = 1024\n");
  const CliRun first = RunArgs({"--config", path, "--check-config"});
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  const std::string again_path = dir_.Join("again.conf");
  std::ofstream(again_path) << first.out;
  const CliRun second = RunArgs({"--config", again_path, "--check-config"});
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  EXPECT_EQ(second.out, first.out);
  EXPECT_NE(first.out.find("ssl_ca = \"/etc/my ca #1.pem\"\n"), std::string::npos);
  EXPECT_NE(first.out.find("disk = 1536M\nrelay_log_space_limit = 1K\n"), std::string::npos);
}

TEST_F(CheckConfigTest, CheckConfigReportsAllErrorsAndExitsOne) {
  const std::string path = WriteConfig(MinimalConfig() + "[upstream]\nport = 0\nbogus = 1\n");
  const CliRun run = RunArgs({"--config=" + path, "--check-config", "--set=http.port=99999"});
  EXPECT_EQ(run.exit_code, kExitFailure);
  EXPECT_TRUE(run.out.empty());
  EXPECT_NE(run.err.find("ERROR config: " + path + ":16: [upstream] port: '0' is out of range"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("ERROR config: " + path + ":17: [upstream] bogus: unknown key"),
            std::string::npos);
  EXPECT_NE(run.err.find("ERROR config: --set: [http] port: '99999' is out of range"),
            std::string::npos);
  EXPECT_NE(run.err.find("ERROR config: 3 errors in the configuration"), std::string::npos);
  EXPECT_EQ(run.err.find("configuration OK"), std::string::npos);
}

TEST_F(CheckConfigTest, WithoutCheckConfigABadConfigurationStartsNothing) {
  const std::string path = WriteConfig(MinimalConfig());
  const CliRun bad = RunArgs({"--config", path, "--set", "upstream.port=x"});
  EXPECT_EQ(bad.exit_code, kExitFailure);
  EXPECT_TRUE(bad.out.empty());
  EXPECT_NE(bad.err.find("ERROR config: --set: [upstream] port: 'x' is not a number"),
            std::string::npos);
  EXPECT_NE(bad.err.find("ERROR config: 1 error in the configuration; nothing was started"),
            std::string::npos);
}

TEST_F(CheckConfigTest, CommandLineUsageErrorsExitTwo) {
  EXPECT_EQ(RunArgs({"--config"}).exit_code, kExitUsage);
  EXPECT_EQ(RunArgs({"--check-config"}).exit_code, kExitUsage);
  EXPECT_EQ(RunArgs({"--set", "a.b=c"}).exit_code, kExitUsage);
  EXPECT_EQ(RunArgs({"--config", "a", "--config", "b"}).exit_code, kExitUsage);
  const CliRun unknown = RunArgs({"--config", "a", "--verbose"});
  EXPECT_EQ(unknown.exit_code, kExitUsage);
  EXPECT_NE(unknown.err.find("unknown option '--verbose'"), std::string::npos);
}

}  // namespace
}  // namespace sidecar::app
