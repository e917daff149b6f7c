// Test support for the configuration tests: a fixture with a temp dir, the
// four password files (0600) and SPEC §4's example config pointing at them.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "temp_dir.h"

namespace sidecar::app {

inline constexpr std::string_view kUpstreamPassword = "Upstream-Zq7!distinctive";
inline constexpr std::string_view kInlinePassword = "Inline-Kx3?distinctive";

class ConfigFixture : public ::testing::Test {
 protected:
  ConfigFixture() {
    for (const char* name : {"upstream", "serve", "admin", "replica"}) {
      WritePasswordFile(
          fmt::format("{}.password", name),
          name == std::string_view("upstream") ? kUpstreamPassword : fmt::format("pw-{}", name),
          0600);
    }
  }

  std::string WritePasswordFile(std::string_view name, std::string_view password, mode_t mode) {
    const std::string path = dir_.Join(name);
    std::ofstream(path) << password << "\n";
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  // SPEC §4's example, with the password files in the test's directory.
  std::string SpecConfig() const {
    return fmt::format(R"([upstream]            # the primary
host = 10.0.0.5
port = 3306
user = repl
password_file = {0}/upstream.password   # or: password = ...
server_id = 4001      # id this sidecar registers with; unique in the topology
start = auto          # fresh data dir: auto | earliest | current | mysql-bin.000042:4 | gtid:0-1-100
gtid = auto           # auto | on | off: resume by GTID (needed to follow a primary failover)
semi_sync = off       # on: answer semi-sync ACK requests, after fsync
heartbeat_period = 1s
ssl = preferred       # off | preferred | required (+ ssl_ca, ssl_cert, ssl_key)

[storage]
data_dir = /var/lib/binlog-sidecar
sync = group          # group: fsync batches (<= sync_interval) | transaction: every commit
sync_interval = 5ms

[serve]               # what the co-located replica connects to
bind = 127.0.0.1
port = 3307
user = repl
password_file = {0}/serve.password
delay = 0s            # serve an event only once it is this old

[admin]               # account for admin statements
user = sidecar_admin
password_file = {0}/admin.password

[replica]             # the co-located mysqld
socket = /run/mysqld/mysqld.sock   # or host/port
user = sidecar_monitor
password_file = {0}/replica.password

[budget]
disk = 50G                     # sidecar binlogs + the replica's relay logs together
relay_log_space_limit = auto   # auto: read from the replica; or a size
keep_min = 1h                  # keep at least this much history even when executed

[http]
bind = 127.0.0.1
port = 8307
)",
                       dir_.path());
  }

  // Only what is required.
  std::string MinimalConfig() const {
    return fmt::format(
        "[upstream]\nhost = db1\nuser = repl\npassword_file = {0}/upstream.password\n"
        "server_id = 7\n"
        "[storage]\ndata_dir = /data\n"
        "[serve]\nuser = repl\npassword_file = {0}/serve.password\n"
        "[replica]\nsocket = /run/mysqld/mysqld.sock\nuser = mon\n"
        "password_file = {0}/replica.password\n",
        dir_.path());
  }

  LoadedConfig Load(std::string_view text, std::vector<std::string> overrides = {}) {
    return LoadConfigText(text, "test.conf", overrides);
  }

  std::string WriteConfig(std::string_view text) {
    const std::string path = dir_.Join("sidecar.conf");
    std::ofstream(path) << text;
    return path;
  }

  static std::vector<std::string> Lines(const std::vector<ConfigDiagnostic>& diagnostics) {
    std::vector<std::string> lines;
    for (const ConfigDiagnostic& d : diagnostics) lines.push_back(d.ToString());
    return lines;
  }

  TempDir dir_;
};

}  // namespace sidecar::app
