#include "app/config_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace sidecar::app {
namespace {

using std::chrono::milliseconds;

template <typename T>
Status Assign(Result<T> parsed, T& field) {
  if (!parsed.ok()) return parsed.status();
  field = std::move(parsed).value();
  return Status::Ok();
}

// Empty means "not set" for optional values.
template <typename T, typename Parse>
Status AssignOptional(std::string_view value, T& field, Parse parse) {
  if (value.empty()) {
    field = T();
    return Status::Ok();
  }
  return Assign(parse(value), field);
}

Status AssignDuration(std::string_view value, milliseconds& field, milliseconds min,
                      milliseconds max) {
  auto d = ParseDuration(value);
  if (!d.ok()) return d.status();
  if (*d < min || *d > max) {
    return Status::InvalidArgument(fmt::format("'{}' is out of range ({}..{})", value,
                                               FormatDuration(min), FormatDuration(max)));
  }
  field = *d;
  return Status::Ok();
}

// A parser's error with one more accepted value: "(a size ...)" becomes
// "(a size ...; or unlimited)".
Status WithAlternative(const Status& error, std::string_view alternative) {
  std::string message = error.message();
  if (message.ends_with(")")) message.pop_back();
  return Status::InvalidArgument(fmt::format("{}; or {})", message, alternative));
}

ConfigKey Key(std::string_view name, std::function<Status(Config&, std::string_view)> set,
              std::function<std::optional<std::string>(const Config&)> get) {
  return {name, std::move(set), std::move(get)};
}

// user, password_file, password: what every account section has. `account`
// maps a Config& or const Config& to the section's Account.
template <typename AccountOf>
std::vector<ConfigKey> AccountKeys(AccountOf account) {
  return {
      Key(
          "user",
          [account](Config& c, std::string_view v) {
            account(c).user = std::string(v);
            return Status::Ok();
          },
          [account](const Config& c) { return std::optional(account(c).user); }),
      Key(
          "password_file",
          [account](Config& c, std::string_view v) {
            return AssignOptional(v, account(c).password_file, ParseAbsolutePath);
          },
          [account](const Config& c) -> std::optional<std::string> {
            const Account& a = account(c);
            if (a.password_file.empty() && !a.password.empty()) return std::nullopt;
            return a.password_file;
          }),
      Key(
          "password",
          [account](Config& c, std::string_view v) {
            account(c).password = Secret(std::string(v));
            return Status::Ok();
          },
          [account](const Config& c) -> std::optional<std::string> {
            const Account& a = account(c);
            if (!a.password_file.empty() || a.password.empty()) return std::nullopt;
            return Secret::kMask;
          }),
  };
}

std::vector<ConfigKey> Join(std::vector<ConfigKey> a, std::vector<ConfigKey> b) {
  for (ConfigKey& k : b) a.push_back(std::move(k));
  return a;
}

std::vector<ConfigSection> BuildSchema() {
  using S = std::string_view;
  using O = std::optional<std::string>;
  constexpr milliseconds kMaxHeartbeat{4'294'967'000};
  std::vector<ConfigSection> schema;
  schema.push_back(
      {"upstream",
       Join(
           {Key(
                "host",
                [](Config& c, S v) { return AssignOptional(v, c.upstream.host, ParseHost); },
                [](const Config& c) { return O(c.upstream.host); }),
            Key(
                "port", [](Config& c, S v) { return Assign(ParsePort(v), c.upstream.port); },
                [](const Config& c) { return O(std::to_string(c.upstream.port)); })},
           Join(
               AccountKeys([](auto& c) -> auto& { return c.upstream.account; }),
               {Key(
                    "server_id",
                    [](Config& c, S v) { return Assign(ParseServerId(v), c.upstream.server_id); },
                    [](const Config& c) {
                      return O(c.upstream.server_id ? std::to_string(c.upstream.server_id) : "");
                    }),
                Key(
                    "start", [](Config& c, S v) { return Assign(ParseStart(v), c.upstream.start); },
                    [](const Config& c) { return O(c.upstream.start.ToString()); }),
                Key(
                    "gtid",
                    [](Config& c, S v) {
                      return Assign(ParseEnum(v, kGtidModeNames), c.upstream.gtid);
                    },
                    [](const Config& c) { return O(FormatEnum(c.upstream.gtid, kGtidModeNames)); }),
                Key(
                    "semi_sync",
                    [](Config& c, S v) { return Assign(ParseSwitch(v), c.upstream.semi_sync); },
                    [](const Config& c) { return O(FormatSwitch(c.upstream.semi_sync)); }),
                Key(
                    "heartbeat_period",
                    [=](Config& c, S v) {
                      return AssignDuration(v, c.upstream.heartbeat_period, milliseconds(1),
                                            kMaxHeartbeat);
                    },
                    [](const Config& c) { return O(FormatDuration(c.upstream.heartbeat_period)); }),
                Key(
                    "ssl",
                    [](Config& c, S v) {
                      return Assign(ParseEnum(v, kSslModeNames), c.upstream.ssl);
                    },
                    [](const Config& c) { return O(FormatEnum(c.upstream.ssl, kSslModeNames)); }),
                Key(
                    "ssl_ca",
                    [](Config& c, S v) {
                      return AssignOptional(v, c.upstream.ssl_ca, ParseAbsolutePath);
                    },
                    [](const Config& c) { return O(c.upstream.ssl_ca); }),
                Key(
                    "ssl_cert",
                    [](Config& c, S v) {
                      return AssignOptional(v, c.upstream.ssl_cert, ParseAbsolutePath);
                    },
                    [](const Config& c) { return O(c.upstream.ssl_cert); }),
                Key(
                    "ssl_key",
                    [](Config& c, S v) {
                      return AssignOptional(v, c.upstream.ssl_key, ParseAbsolutePath);
                    },
                    [](const Config& c) { return O(c.upstream.ssl_key); })}))});
  schema.push_back(
      {"storage",
       {Key(
            "data_dir",
            [](Config& c, S v) { return AssignOptional(v, c.storage.data_dir, ParseAbsolutePath); },
            [](const Config& c) { return O(c.storage.data_dir); }),
        Key(
            "sync",
            [](Config& c, S v) { return Assign(ParseEnum(v, kSyncModeNames), c.storage.sync); },
            [](const Config& c) { return O(FormatEnum(c.storage.sync, kSyncModeNames)); }),
        Key(
            "sync_interval",
            [](Config& c, S v) {
              return AssignDuration(v, c.storage.sync_interval, milliseconds(0),
                                    milliseconds(1000));
            },
            [](const Config& c) { return O(FormatDuration(c.storage.sync_interval)); })}});
  schema.push_back(
      {"serve",
       Join(
           {Key(
                "bind", [](Config& c, S v) { return Assign(ParseBindAddress(v), c.serve.bind); },
                [](const Config& c) { return O(c.serve.bind); }),
            Key(
                "port", [](Config& c, S v) { return Assign(ParsePort(v), c.serve.port); },
                [](const Config& c) { return O(std::to_string(c.serve.port)); })},
           Join(
               AccountKeys([](auto& c) -> auto& { return c.serve.account; }),
               {Key(
                    "delay", [](Config& c, S v) { return Assign(ParseDuration(v), c.serve.delay); },
                    [](const Config& c) { return O(FormatDuration(c.serve.delay)); }),
                Key(
                    "ssl",
                    [](Config& c, S v) {
                      return Assign(ParseEnum(v, kServeSslModeNames), c.serve.ssl);
                    },
                    [](const Config& c) { return O(FormatEnum(c.serve.ssl, kServeSslModeNames)); }),
                Key(
                    "ssl_cert",
                    [](Config& c, S v) {
                      return AssignOptional(v, c.serve.ssl_cert, ParseAbsolutePath);
                    },
                    [](const Config& c) { return O(c.serve.ssl_cert); }),
                Key(
                    "ssl_key",
                    [](Config& c, S v) {
                      return AssignOptional(v, c.serve.ssl_key, ParseAbsolutePath);
                    },
                    [](const Config& c) { return O(c.serve.ssl_key); }),
                Key(
                    "auth_plugin",
                    [](Config& c, S v) {
                      return Assign(ParseEnum(v, kAuthPluginNames), c.serve.auth_plugin);
                    },
                    [](const Config& c) {
                      return O(FormatEnum(c.serve.auth_plugin, kAuthPluginNames));
                    })}))});
  schema.push_back({"admin", AccountKeys([](auto& c) -> auto& { return c.admin.account; })});
  schema.push_back(
      {"replica",
       Join(
           {Key(
                "socket",
                [](Config& c, S v) {
                  return AssignOptional(v, c.replica.socket, ParseAbsolutePath);
                },
                [](const Config& c) { return O(c.replica.socket); }),
            Key(
                "host", [](Config& c, S v) { return AssignOptional(v, c.replica.host, ParseHost); },
                [](const Config& c) { return O(c.replica.host); }),
            Key(
                "port", [](Config& c, S v) { return Assign(ParsePort(v), c.replica.port); },
                [](const Config& c) { return O(std::to_string(c.replica.port)); })},
           AccountKeys([](auto& c) -> auto& { return c.replica.account; }))});
  schema.push_back(
      {"budget",
       {Key(
            "disk",
            [](Config& c, S v) -> Status {
              if (EqualsIgnoreCase(v, "unlimited")) {
                c.budget.disk.reset();
                return Status::Ok();
              }
              auto size = ParseSize(v);
              if (!size.ok()) return WithAlternative(size.status(), "unlimited");
              if (*size == 0) {
                return Status::InvalidArgument(
                    "0 leaves no room (a size larger than 0, or unlimited)");
              }
              c.budget.disk = *size;
              return Status::Ok();
            },
            [](const Config& c) {
              return O(c.budget.disk ? FormatSize(*c.budget.disk) : "unlimited");
            }),
        Key(
            "relay_log_space_limit",
            [](Config& c, S v) -> Status {
              if (EqualsIgnoreCase(v, "auto")) {
                c.budget.relay_log_space_limit.reset();
                return Status::Ok();
              }
              auto size = ParseSize(v);
              if (!size.ok()) return WithAlternative(size.status(), "auto: read from the replica");
              c.budget.relay_log_space_limit = *size;
              return Status::Ok();
            },
            [](const Config& c) {
              return O(c.budget.relay_log_space_limit ? FormatSize(*c.budget.relay_log_space_limit)
                                                      : "auto");
            }),
        Key(
            "keep_min", [](Config& c, S v) { return Assign(ParseDuration(v), c.budget.keep_min); },
            [](const Config& c) { return O(FormatDuration(c.budget.keep_min)); })}});
  schema.push_back(
      {"http",
       {Key(
            "bind", [](Config& c, S v) { return Assign(ParseBindAddress(v), c.http.bind); },
            [](const Config& c) { return O(c.http.bind); }),
        Key(
            "port", [](Config& c, S v) { return Assign(ParsePort(v), c.http.port); },
            [](const Config& c) { return O(std::to_string(c.http.port)); })}});
  return schema;
}

std::string JoinNames(auto begin, auto end) {
  std::string out;
  for (auto it = begin; it != end; ++it)
    out += fmt::format("{}{}", out.empty() ? "" : ", ", it->name);
  return out;
}

}  // namespace

const std::vector<ConfigSection>& ConfigSchema() {
  static const std::vector<ConfigSection> schema = BuildSchema();
  return schema;
}

const ConfigSection* FindConfigSection(std::string_view section) {
  const auto& schema = ConfigSchema();
  const auto it = std::find_if(schema.begin(), schema.end(),
                               [&](const ConfigSection& s) { return s.name == section; });
  return it == schema.end() ? nullptr : &*it;
}

const ConfigKey* FindConfigKey(const ConfigSection& section, std::string_view key) {
  const auto it = std::find_if(section.keys.begin(), section.keys.end(),
                               [&](const ConfigKey& k) { return k.name == key; });
  return it == section.keys.end() ? nullptr : &*it;
}

std::string ConfigSectionNames() { return JoinNames(ConfigSchema().begin(), ConfigSchema().end()); }

std::string ConfigKeyNames(const ConfigSection& section) {
  return JoinNames(section.keys.begin(), section.keys.end());
}

}  // namespace sidecar::app
