// The configuration as a DBA writes it: SPEC §4 values and defaults, every
// kind of error located by file, line, section and key and all reported
// together, --set overrides, password rules.
#include "app/config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "config_test_support.h"

namespace sidecar::app {
namespace {

using std::chrono::milliseconds;

using ConfigTest = ConfigFixture;

TEST_F(ConfigTest, SpecExampleParsesToItsValues) {
  const LoadedConfig loaded = Load(SpecConfig());
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(Lines(loaded.errors));
  EXPECT_TRUE(loaded.warnings.empty()) << testing::PrintToString(Lines(loaded.warnings));
  const Config& c = loaded.config;
  EXPECT_EQ(c.upstream.host, "10.0.0.5");
  EXPECT_EQ(c.upstream.port, 3306);
  EXPECT_EQ(c.upstream.account.user, "repl");
  EXPECT_EQ(c.upstream.account.password_file, dir_.Join("upstream.password"));
  EXPECT_EQ(c.upstream.account.password.reveal(), kUpstreamPassword);
  EXPECT_EQ(c.upstream.server_id, 4001u);
  EXPECT_EQ(c.upstream.start.kind, StartPosition::Kind::kAuto);
  EXPECT_EQ(c.upstream.gtid, GtidMode::kAuto);
  EXPECT_FALSE(c.upstream.semi_sync);
  EXPECT_EQ(c.upstream.heartbeat_period, milliseconds(1000));
  EXPECT_EQ(c.upstream.ssl, SslMode::kPreferred);
  EXPECT_EQ(c.storage.data_dir, "/var/lib/binlog-sidecar");
  EXPECT_EQ(c.storage.sync, SyncMode::kGroup);
  EXPECT_EQ(c.storage.sync_interval, milliseconds(5));
  EXPECT_EQ(c.serve.bind, "127.0.0.1");
  EXPECT_EQ(c.serve.port, 3307);
  EXPECT_EQ(c.serve.account.password.reveal(), "pw-serve");
  EXPECT_EQ(c.serve.delay, milliseconds(0));
  EXPECT_EQ(c.admin.account.user, "sidecar_admin");
  EXPECT_EQ(c.admin.account.password.reveal(), "pw-admin");
  EXPECT_EQ(c.replica.socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(c.replica.account.user, "sidecar_monitor");
  EXPECT_EQ(c.replica.account.password.reveal(), "pw-replica");
  EXPECT_EQ(c.budget.disk, uint64_t{50} << 30);
  EXPECT_EQ(c.budget.relay_log_space_limit, std::nullopt);
  EXPECT_EQ(c.budget.keep_min, milliseconds(3'600'000));
  EXPECT_EQ(c.http.bind, "127.0.0.1");
  EXPECT_EQ(c.http.port, 8307);
}

TEST_F(ConfigTest, MinimalConfigGetsTheSpecDefaults) {
  const LoadedConfig loaded = Load(MinimalConfig());
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(Lines(loaded.errors));
  const Config& c = loaded.config;
  EXPECT_EQ(c.upstream.port, 3306);
  EXPECT_EQ(c.upstream.start.kind, StartPosition::Kind::kAuto);
  EXPECT_EQ(c.upstream.gtid, GtidMode::kAuto);
  EXPECT_FALSE(c.upstream.semi_sync);
  EXPECT_EQ(c.upstream.heartbeat_period, milliseconds(1000));
  EXPECT_EQ(c.upstream.ssl, SslMode::kPreferred);
  EXPECT_TRUE(c.upstream.ssl_ca.empty());
  EXPECT_EQ(c.storage.sync, SyncMode::kGroup);
  EXPECT_EQ(c.storage.sync_interval, milliseconds(5));
  EXPECT_EQ(c.serve.bind, "127.0.0.1");
  EXPECT_EQ(c.serve.port, 3307);
  EXPECT_EQ(c.serve.delay, milliseconds(0));
  EXPECT_TRUE(c.admin.account.user.empty());
  EXPECT_TRUE(c.admin.account.password.empty());
  EXPECT_EQ(c.replica.port, 3306);
  EXPECT_EQ(c.budget.disk, std::nullopt);                   // unlimited
  EXPECT_EQ(c.budget.relay_log_space_limit, std::nullopt);  // auto
  EXPECT_EQ(c.budget.keep_min, milliseconds(3'600'000));
  EXPECT_EQ(c.http.bind, "127.0.0.1");
  EXPECT_EQ(c.http.port, 8307);
}

TEST_F(ConfigTest, OtherValuesOfEachKey) {
  const LoadedConfig loaded = Load(MinimalConfig() + fmt::format(R"(
[upstream]
Start = mysql-bin.000042:4
GTID = on
semi-sync = ON
heartbeat_period = 500ms
ssl = required
ssl_ca = /etc/ca.pem
ssl_cert = /etc/cert.pem
ssl_key = /etc/key.pem
[storage]
sync = transaction
sync_interval = 0ms
[serve]
delay = 2h
[budget]
disk = 100G
relay_log_space_limit = 8G
keep_min = 2d
[admin]
user = admin
password = "{}"
)",
                                                                 kInlinePassword));
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(Lines(loaded.errors));
  const Config& c = loaded.config;
  EXPECT_EQ(c.upstream.start.ToString(), "mysql-bin.000042:4");
  EXPECT_EQ(c.upstream.gtid, GtidMode::kOn);
  EXPECT_TRUE(c.upstream.semi_sync);
  EXPECT_EQ(c.upstream.heartbeat_period, milliseconds(500));
  EXPECT_EQ(c.upstream.ssl, SslMode::kRequired);
  EXPECT_EQ(c.upstream.ssl_key, "/etc/key.pem");
  EXPECT_EQ(c.storage.sync, SyncMode::kTransaction);
  EXPECT_EQ(c.storage.sync_interval, milliseconds(0));
  EXPECT_EQ(c.serve.delay, milliseconds(7'200'000));
  EXPECT_EQ(c.budget.disk, uint64_t{100} << 30);
  EXPECT_EQ(c.budget.relay_log_space_limit, uint64_t{8} << 30);
  EXPECT_EQ(c.admin.account.password.reveal(), kInlinePassword);
  EXPECT_TRUE(c.admin.account.password_file.empty());
}

TEST_F(ConfigTest, EachKindOfErrorNamesFileLineSectionAndKey) {
  const LoadedConfig loaded = Load(MinimalConfig() +
                                   "[upstream]\n"          // line 12
                                   "port = 70000\n"        // 16: bad value
                                   "sever_id = 5\n"        // 17: unknown key
                                   "[storage]\n"           // 18
                                   "sync_interval = 2s\n"  // 19: out of range
                                   "[serve]\n"             // 20
                                   "port = 3307\n"         // 21
                                   "PORT = 3308\n"         // 22: duplicate
                                   "[logging]\n"           // 23: unknown section
                                   "level = debug\n"       // 24: not reported again
                                   "[budget]\n"            // 25
                                   "disk = 10X\n"          // 26
                                   "keep_min = 1.5h\n");   // 27
  const std::vector<std::string> expected = {
      "test.conf:16: [upstream] port: '70000' is out of range (a port number, 1..65535)",
      "test.conf:17: [upstream] sever_id: unknown key (one of: host, port, user, password_file, "
      "password, server_id, start, gtid, semi_sync, heartbeat_period, ssl, ssl_ca, ssl_cert, "
      "ssl_key)",
      "test.conf:19: [storage] sync_interval: '2s' is out of range (0s..1s)",
      "test.conf:22: [serve] port: set twice, first at line 21 (each key once per section; "
      "remove one of them)",
      "test.conf:23: [logging]: unknown section (one of: upstream, storage, serve, admin, "
      "replica, budget, http)",
      "test.conf:26: [budget] disk: '10X' has an unknown unit 'X' (a size: bytes, or a whole "
      "number with K, M, G or T, such as 512M or 50G; or unlimited)",
      "test.conf:27: [budget] keep_min: '1.5h' is not a whole number with a unit (a duration: "
      "a whole number with ms, s, m, h or d, such as 5ms, 1s or 1h)",
  };
  EXPECT_EQ(Lines(loaded.errors), expected);
  EXPECT_FALSE(loaded.ok());
}

TEST_F(ConfigTest, MissingRequiredKeysAreNamedAtTheirSectionLine) {
  const LoadedConfig loaded = Load("[upstream]\nport = 3306\n\n[serve]\nport = 3307\n");
  const std::vector<std::string> expected = {
      "test.conf:1: [upstream] host: missing (the primary's host name or IP address)",
      "test.conf:1: [upstream] user: missing (the replication account on the primary)",
      "test.conf:1: [upstream] server_id: missing (1..4294967295, unique in the replication "
      "topology)",
      "test.conf:4: [serve] user: missing (the account the co-located replica connects with)",
      "test.conf: [storage] data_dir: missing (the absolute path of the sidecar's data "
      "directory)",
      "test.conf: [replica] user: missing (the account that reads the co-located mysqld's "
      "progress)",
      "test.conf: [replica] socket: missing (the co-located mysqld's socket, or host and port)",
  };
  EXPECT_EQ(Lines(loaded.errors), expected);
}

TEST_F(ConfigTest, EveryAccountNeedsAPassword) {
  const LoadedConfig loaded =
      Load(fmt::format("[upstream]\nhost = db1\nuser = repl\nserver_id = 7\n"
                       "[storage]\ndata_dir = /data\n"
                       "[serve]\nuser = repl\npassword_file = {0}/serve.password\n"
                       "[admin]\nuser = adm\n"
                       "[replica]\nsocket = /s\nuser = mon\npassword_file = {0}/replica.password\n",
                       dir_.path()));
  const std::vector<std::string> expected = {
      "test.conf:1: [upstream] password_file: missing (password_file = PATH of a file holding "
      "the password, or password = ...)",
      "test.conf:10: [admin] password_file: missing (password_file = PATH of a file holding the "
      "password, or password = ...)",
  };
  EXPECT_EQ(Lines(loaded.errors), expected);
}

TEST_F(ConfigTest, PasswordAndPasswordFileTogetherIsAnError) {
  const LoadedConfig loaded = Load(MinimalConfig() + "[upstream]\npassword = x\n");
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_EQ(loaded.errors[0].ToString(),
            "test.conf:4: [upstream] password_file: given together with password at line 16 "
            "(one of them: password_file preferred)");
}

TEST_F(ConfigTest, PasswordFileProblemsAreErrorsAtItsLine) {
  WritePasswordFile("loose.password", "Loose-Secret-Text", 0644);
  const LoadedConfig loaded = Load(fmt::format(
      "[upstream]\nhost = db1\nuser = repl\nserver_id = 7\npassword_file = {0}/loose.password\n"
      "[storage]\ndata_dir = /data\n"
      "[serve]\nuser = repl\npassword_file = {0}/absent\n"
      "[replica]\nsocket = /s\nuser = mon\npassword_file = relative/pw\n",
      dir_.path()));
  const std::vector<std::string> expected = {
      fmt::format("test.conf:5: [upstream] password_file: {}/loose.password is accessible by "
                  "others, mode 0644 (no access for others: chmod o-rwx, e.g. 0600 or 0640)",
                  dir_.path()),
      fmt::format("test.conf:10: [serve] password_file: cannot open {}/absent: No such file or "
                  "directory (a readable file holding the password)",
                  dir_.path()),
      "test.conf:14: [replica] password_file: 'relative/pw' is a relative path (an absolute "
      "path)",
  };
  // The refused relative path is not reported as a missing password too.
  const std::vector<std::string> got = Lines(loaded.errors);
  EXPECT_EQ(got, expected);
  for (const std::string& line : got) EXPECT_EQ(line.find("Loose-Secret"), std::string::npos);
}

TEST_F(ConfigTest, RulesAcrossKeys) {
  const LoadedConfig loaded = Load(MinimalConfig() +
                                   "[admin]\n"            // 15
                                   "user = repl\n"        // 16: same as serve.user
                                   "password = p\n"       // 17
                                   "[replica]\n"          // 18
                                   "host = 127.0.0.1\n"   // 19: and socket
                                   "[upstream]\n"         // 20
                                   "ssl_cert = /c.pem\n"  // 21: without ssl_key
                                   "[budget]\n"           // 22
                                   "disk = 8G\n"          // 23: <= relay_log_space_limit
                                   "relay_log_space_limit = 8G\n"
                                   "[http]\n"         // 25
                                   "port = 3307\n");  // 26: serve.port
  const std::vector<std::string> expected = {
      "test.conf:16: [admin] user: is also serve.user (a separate account, so that the "
      "replication account cannot run admin statements)",
      "test.conf:19: [replica] host: given together with socket (one of them: socket for a "
      "local mysqld, or host and port)",
      "test.conf:21: [upstream] ssl_cert: given without ssl_key (both, or neither)",
      "test.conf:23: [budget] disk: 8G leaves nothing for the sidecar beside "
      "relay_log_space_limit 8G (a budget larger than relay_log_space_limit)",
      "test.conf:26: [http] port: 3307 is also serve.port (a port of its own)",
  };
  EXPECT_EQ(Lines(loaded.errors), expected);
}

TEST_F(ConfigTest, AdminPasswordWithoutUserIsAnError) {
  const LoadedConfig loaded = Load(MinimalConfig() + "[admin]\npassword = p\n");
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_EQ(loaded.errors[0].ToString(),
            "test.conf:16: [admin] user: missing while password is given (the admin account's "
            "user name)");
}

TEST_F(ConfigTest, WarningsForInlinePasswordsAndNonLoopbackListeners) {
  const LoadedConfig loaded =
      Load(MinimalConfig() + fmt::format("[admin]\nuser = adm\npassword = {}\n"
                                         "[serve]\nbind = 0.0.0.0\n"
                                         "[http]\nbind = ::\n",
                                         kInlinePassword));
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(Lines(loaded.errors));
  const std::vector<std::string> expected = {
      "test.conf:17: [admin] password: the password is written inline (password_file = PATH: a "
      "file only the daemon can read, mode 0600)",
      "test.conf:19: [serve] bind: listens on 0.0.0.0, not on loopback (127.0.0.1 unless other "
      "hosts must connect; then restrict them with a firewall)",
      "test.conf:21: [http] bind: listens on ::, not on loopback (127.0.0.1 unless other hosts "
      "must connect; then restrict them with a firewall)",
  };
  EXPECT_EQ(Lines(loaded.warnings), expected);
  for (const std::string& line : Lines(loaded.warnings)) {
    EXPECT_EQ(line.find(kInlinePassword), std::string::npos);
  }
}

TEST_F(ConfigTest, OverridesApplyAfterTheFile) {
  const LoadedConfig loaded =
      Load(MinimalConfig(), {"upstream.port=3310", "Budget.Keep-Min=30m",
                             "upstream.start=gtid:0-1-9", "serve.delay= 1h "});
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(Lines(loaded.errors));
  EXPECT_EQ(loaded.config.upstream.port, 3310);
  EXPECT_EQ(loaded.config.budget.keep_min, milliseconds(1'800'000));
  EXPECT_EQ(loaded.config.upstream.start.ToString(), "gtid:0-1-9");
  EXPECT_EQ(loaded.config.serve.delay, milliseconds(3'600'000));  // spaces trimmed
}

TEST_F(ConfigTest, OverrideErrorsNameSet) {
  const LoadedConfig loaded =
      Load(MinimalConfig(), {"upstream.port=0", "upstream.colour=red", "nosuch.key=1", "junk",
                             "upstream.port=3306", "a b.c=1"});
  const std::vector<std::string> expected = {
      "--set: [upstream] port: '0' is out of range (a port number, 1..65535)",
      "--set: [upstream] colour: unknown key (one of: host, port, user, password_file, password, "
      "server_id, start, gtid, semi_sync, heartbeat_period, ssl, ssl_ca, ssl_cert, ssl_key)",
      "--set: [nosuch] key: unknown section (one of: upstream, storage, serve, admin, replica, "
      "budget, http)",
      "--set: 'junk' is not an override (section.key=value, such as upstream.port=3306)",
      "--set: [upstream] port: given twice (each key once on the command line)",
      "--set: 'a b.c' is not a section.key name (such as upstream.port)",
  };
  EXPECT_EQ(Lines(loaded.errors), expected);
}

// Found by tests/fuzz/config_fuzzer: the '.' was looked for before trimming the name, so
// leading spaces split it wrongly, and " .=1" read past the name (std::out_of_range).
TEST_F(ConfigTest, OverrideNameIsTrimmedBeforeSplitting) {
  const LoadedConfig loaded = Load(MinimalConfig(), {"  upstream.port = 3310", " .=1"});
  const std::vector<std::string> expected = {
      "--set: '.' is not a section.key name (such as upstream.port)"};
  EXPECT_EQ(Lines(loaded.errors), expected);
  EXPECT_EQ(loaded.config.upstream.port, 3310);
}

TEST_F(ConfigTest, OverrideCanSupplyAMissingKey) {
  std::string text = MinimalConfig();
  text.replace(text.find("host = db1\n"), 11, "");
  EXPECT_FALSE(Load(text).ok());
  EXPECT_TRUE(Load(text, {"upstream.host=db2"}).ok());
  EXPECT_EQ(Load(text, {"upstream.host=db2"}).config.upstream.host, "db2");
}

TEST_F(ConfigTest, AllErrorsAreReportedTogetherInFileOrder) {
  const LoadedConfig loaded = Load(
      "[upstream]\nport = x\nhost = \"unterminated\n[storage]\ndata_dir = rel\nsync = maybe\n"
      "[serve]\nbind = example.com\n",
      {"http.port=abc"});
  std::vector<int> lines;
  for (const ConfigDiagnostic& e : loaded.errors) {
    if (e.source == "test.conf" && e.line != 0) lines.push_back(e.line);
  }
  // The located errors in line order (missing keys at their section's line
  // 1), then the keys missing with no section to point at, then --set.
  // A rejected value (host, data_dir) is not reported as missing too.
  EXPECT_EQ(lines, (std::vector<int>{1, 1, 2, 3, 5, 6, 7, 8}));
  ASSERT_EQ(loaded.errors.size(), 11u) << testing::PrintToString(Lines(loaded.errors));
  EXPECT_EQ(loaded.errors[8].line, 0);
  EXPECT_EQ(loaded.errors.back().source, "--set");
}

TEST_F(ConfigTest, UnreadableFileIsOneError) {
  const LoadedConfig loaded = LoadConfigFile(dir_.Join("absent.conf"), {});
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_EQ(loaded.errors[0].ToString(),
            dir_.Join("absent.conf") +
                ": cannot read the configuration: No such file or directory (a readable INI "
                "file)");
  EXPECT_FALSE(LoadConfigFile(dir_.path(), {}).ok());  // a directory
}

}  // namespace
}  // namespace sidecar::app
