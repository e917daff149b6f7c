// The daemon's configuration (SPEC §4): typed, with its defaults, loaded from
// the INI file and `--set section.key=value` overrides, and validated.
//
// Loading reports every problem it finds, not only the first, each as
//   FILE:LINE: [section] key: <what is wrong> (<what is expected>)
// (LINE is absent for a key that is missing and has no [section] line; FILE
// is `--set` for an override). Errors: syntax, an unknown section or key, a
// key set twice, a bad value, a missing required key, password and
// password_file both given, an unreadable or world-readable password file,
// and the cross-key rules below. Warnings (the config still loads): an
// inline password, a listener on a non-loopback address.
//
// Required: upstream.host, upstream.user, upstream.server_id (every replica
// of a topology needs its own: no default can be right), storage.data_dir,
// serve.user, replica.user, replica.socket or replica.host, and a password
// (password_file, or password) for upstream, serve, replica, and admin when
// admin.user is set. [admin] is optional: without admin.user, admin
// statements are refused. admin.user must differ from serve.user (the
// replication account cannot run admin statements).
//
// Decisions where SPEC §4 is silent:
// - budget.disk is optional: `unlimited` (the default) means no disk budget
//   and no back-pressure; purging still removes executed files older than
//   keep_min. A size must be larger than a numeric relay_log_space_limit.
// - Empty values mean "not set" for optional keys (ssl_ca, ...), so
//   --check-config's output, which lists every key, reads back the same.
// - Paths must be absolute. Files other than password files (ssl_*, the
//   socket, data_dir) are checked when the daemon uses them, not here.
// - upstream.heartbeat_period: 1ms..4294967s (MariaDB's range, but not 0:
//   the read timeout follows it). storage.sync_interval: 0ms..1s.
// - ssl_cert and ssl_key come together. serve and http may not share a port.
// - serve.ssl: off | on (TLS offered) | required (clients without TLS are
//   refused before authentication). serve.ssl_cert/ssl_key need ssl on or
//   required; without them the daemon generates a self-signed certificate at
//   start. serve.ssl_key, like a password file, must not be accessible by
//   others nor group-writable; both files must be readable regular files
//   (checked here, so --check-config reports them).
// - serve.auth_plugin: the plugin the [serve] and [admin] users authenticate
//   with (the same for both, as the server greets before it knows the user).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/config_values.h"
#include "app/secret.h"

namespace sidecar::app {

enum class GtidMode { kAuto, kOn, kOff };
enum class SslMode { kOff, kPreferred, kRequired };
enum class SyncMode { kGroup, kTransaction };
enum class ServeSslMode { kOff, kOn, kRequired };
enum class AuthPlugin { kNativePassword, kCachingSha2 };

inline constexpr std::array<EnumName<GtidMode>, 3> kGtidModeNames = {
    {{"auto", GtidMode::kAuto}, {"on", GtidMode::kOn}, {"off", GtidMode::kOff}}};
inline constexpr std::array<EnumName<SslMode>, 3> kSslModeNames = {
    {{"off", SslMode::kOff}, {"preferred", SslMode::kPreferred}, {"required", SslMode::kRequired}}};
inline constexpr std::array<EnumName<SyncMode>, 2> kSyncModeNames = {
    {{"group", SyncMode::kGroup}, {"transaction", SyncMode::kTransaction}}};
inline constexpr std::array<EnumName<ServeSslMode>, 3> kServeSslModeNames = {
    {{"off", ServeSslMode::kOff},
     {"on", ServeSslMode::kOn},
     {"required", ServeSslMode::kRequired}}};
inline constexpr std::array<EnumName<AuthPlugin>, 2> kAuthPluginNames = {
    {{"mysql_native_password", AuthPlugin::kNativePassword},
     {"caching_sha2_password", AuthPlugin::kCachingSha2}}};

// A MySQL account: user and password. password_file is where the password
// was read from, empty when it was given inline.
struct Account {
  std::string user;
  std::string password_file;
  Secret password;
};

struct UpstreamConfig {
  std::string host;  // required
  uint16_t port = 3306;
  Account account;         // user and a password required
  uint32_t server_id = 0;  // required, 1..2^32-1
  StartPosition start;     // auto
  GtidMode gtid = GtidMode::kAuto;
  bool semi_sync = false;
  std::chrono::milliseconds heartbeat_period = std::chrono::seconds(1);
  SslMode ssl = SslMode::kPreferred;
  std::string ssl_ca, ssl_cert, ssl_key;  // optional, absolute paths
};

struct StorageConfig {
  std::string data_dir;  // required
  SyncMode sync = SyncMode::kGroup;
  std::chrono::milliseconds sync_interval = std::chrono::milliseconds(5);
};

struct ServeConfig {
  std::string bind = "127.0.0.1";
  uint16_t port = 3307;
  Account account;  // user and a password required
  std::chrono::milliseconds delay{0};
  ServeSslMode ssl = ServeSslMode::kOff;
  std::string ssl_cert, ssl_key;                         // optional, absolute paths, together
  AuthPlugin auth_plugin = AuthPlugin::kNativePassword;  // for the serve and admin users
};

struct AdminConfig {
  Account account;  // optional; a password required when user is set
};

struct ReplicaConfig {
  std::string socket;  // socket, or host and port: one of them required
  std::string host;
  uint16_t port = 3306;
  Account account;  // user and a password required
};

struct BudgetConfig {
  std::optional<uint64_t> disk;                   // bytes; nullopt: unlimited
  std::optional<uint64_t> relay_log_space_limit;  // bytes; nullopt: auto (read from the replica)
  std::chrono::milliseconds keep_min = std::chrono::hours(1);
};

struct HttpConfig {
  std::string bind = "127.0.0.1";
  uint16_t port = 8307;
};

struct Config {
  UpstreamConfig upstream;
  StorageConfig storage;
  ServeConfig serve;
  AdminConfig admin;
  ReplicaConfig replica;
  BudgetConfig budget;
  HttpConfig http;
};

// One error or warning, located in the file (or `--set`).
struct ConfigDiagnostic {
  std::string source;  // the config file's path, or "--set"
  int line = 0;        // 0: no line
  std::string section;
  std::string key;
  std::string message;  // "<what is wrong> (<what is expected>)"

  // "SOURCE:LINE: [section] key: message", leaving out what is empty.
  std::string ToString() const;
};

struct LoadedConfig {
  Config config;  // meaningful only when ok()
  std::vector<ConfigDiagnostic> errors;
  std::vector<ConfigDiagnostic> warnings;
  bool ok() const { return errors.empty(); }
};

// Reads and validates the file at `path`, then applies `overrides`
// ("section.key=value", as given to --set: spaces around name and value
// trimmed, no quoting, one --set per key), validated like the file.
LoadedConfig LoadConfigFile(const std::string& path, std::span<const std::string> overrides);

// The same from the file's text; `source` names it in diagnostics.
LoadedConfig LoadConfigText(std::string_view text, std::string_view source,
                            std::span<const std::string> overrides);

}  // namespace sidecar::app
