#include "app/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "app/config_schema.h"
#include "app/ini_parser.h"
#include "app/password_file.h"
#include "app/tls_files.h"

namespace sidecar::app {
namespace {

constexpr std::string_view kSetSource = "--set";

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

struct Location {
  std::string source;
  int line = 0;
};

class Loader {
 public:
  explicit Loader(std::string_view source) : source_(source) {}

  LoadedConfig Load(std::string_view text, std::span<const std::string> overrides) {
    const IniDocument doc = ParseIni(text);
    for (const IniError& e : doc.errors) {
      Error({source_, e.line}, e.section, e.key, e.message);
      rejected_.insert({e.section, e.key});
    }
    for (const IniSection& s : doc.sections) {
      section_lines_[s.name] = s.line;
      if (!FindConfigSection(s.name)) {
        Error({source_, s.line}, s.name, "",
              fmt::format("unknown section (one of: {})", ConfigSectionNames()));
      }
    }
    for (const IniEntry& e : doc.entries) {
      if (FindConfigSection(e.section)) Apply({source_, e.line}, e.section, e.key, e.value);
    }
    ApplyOverrides(overrides);
    CheckRequired();
    for (const auto& section : {"upstream", "serve", "admin", "replica"}) LoadPassword(section);
    CheckAcrossKeys();
    SortByPlace(result_.errors);
    SortByPlace(result_.warnings);
    return std::move(result_);
  }

 private:
  Account& AccountOf(std::string_view section) {
    Config& c = result_.config;
    if (section == "upstream") return c.upstream.account;
    if (section == "serve") return c.serve.account;
    if (section == "admin") return c.admin.account;
    return c.replica.account;
  }

  void Apply(Location where, const std::string& section, const std::string& key,
             std::string_view value) {
    const ConfigSection* spec = FindConfigSection(section);
    const ConfigKey* key_spec = FindConfigKey(*spec, key);
    if (!key_spec) {
      return Error(where, section, key,
                   fmt::format("unknown key (one of: {})", ConfigKeyNames(*spec)));
    }
    const Status status = key_spec->set(result_.config, value);
    if (!status.ok()) {
      rejected_.insert({section, key});
      return Error(where, section, key, status.message());
    }
    set_[{section, key}] = std::move(where);
  }

  void ApplyOverrides(std::span<const std::string> overrides) {
    std::map<std::pair<std::string, std::string>, bool> seen;
    for (const std::string& text : overrides) {
      const Location where{std::string(kSetSource), 0};
      const auto equals = text.find('=');
      const std::string_view name = Trim(std::string_view(text).substr(0, equals));
      const auto dot = name.find('.');
      if (equals == std::string::npos || dot == std::string::npos) {
        Error(where, "", "",
              fmt::format("'{}' is not an override (section.key=value, such as upstream.port=3306)",
                          text.substr(0, equals)));
        continue;
      }
      const std::string_view raw_section = name.substr(0, dot), raw_key = name.substr(dot + 1);
      if (!IsIniName(raw_section) || !IsIniName(raw_key)) {
        Error(where, "", "",
              fmt::format("'{}' is not a section.key name (such as upstream.port)", name));
        continue;
      }
      const std::string section = NormaliseIniSection(raw_section), key = NormaliseIniKey(raw_key);
      if (!FindConfigSection(section)) {
        Error(where, section, key,
              fmt::format("unknown section (one of: {})", ConfigSectionNames()));
        continue;
      }
      if (!seen.emplace(std::pair(section, key), true).second) {
        Error(where, section, key, "given twice (each key once on the command line)");
        continue;
      }
      Apply(where, section, key, Trim(std::string_view(text).substr(equals + 1)));
    }
  }

  void CheckRequired() {
    const Config& c = result_.config;
    Require(!c.upstream.host.empty(), "upstream", "host", "the primary's host name or IP address");
    Require(!c.upstream.account.user.empty(), "upstream", "user",
            "the replication account on the primary");
    Require(c.upstream.server_id != 0, "upstream", "server_id",
            "1..4294967295, unique in the replication topology");
    Require(!c.storage.data_dir.empty(), "storage", "data_dir",
            "the absolute path of the sidecar's data directory");
    Require(!c.serve.account.user.empty(), "serve", "user",
            "the account the co-located replica connects with");
    Require(!c.replica.account.user.empty(), "replica", "user",
            "the account that reads the co-located mysqld's progress");
    if (c.replica.socket.empty() && c.replica.host.empty()) {
      Missing("replica", "socket", "the co-located mysqld's socket, or host and port");
    }
    const Account& admin = c.admin.account;
    if (admin.user.empty() && (!admin.password.empty() || !admin.password_file.empty())) {
      const char* given = admin.password_file.empty() ? "password" : "password_file";
      Error(At("admin", given), "admin", "user",
            fmt::format("missing while {} is given (the admin account's user name)", given));
    }
  }

  // Reads the section's password file, or warns about an inline password.
  void LoadPassword(std::string_view section) {
    Account& account = AccountOf(section);
    if (account.user.empty()) return;  // reported by CheckRequired (admin: no account)
    const Location* file_at = Find(section, "password_file");
    const Location* inline_at = Find(section, "password");
    if (!account.password_file.empty() && inline_at && !account.password.empty()) {
      Error(*file_at, section, "password_file",
            fmt::format("given together with password at {} (one of them: password_file "
                        "preferred)",
                        Describe(*inline_at)));
      return;
    }
    if (!account.password_file.empty()) {
      auto secret = ReadPasswordFile(account.password_file);
      if (!secret.ok()) return Error(*file_at, section, "password_file", secret.status().message());
      account.password = std::move(secret).value();
      return;
    }
    if (!account.password.empty()) {
      return Warning(*inline_at, section, "password",
                     "the password is written inline (password_file = PATH: a file only the "
                     "daemon can read, mode 0600)");
    }
    if (rejected_.contains({std::string(section), "password"})) return;
    Missing(section, "password_file",
            "password_file = PATH of a file holding the password, or password = ...");
  }

  void CheckAcrossKeys() {
    const Config& c = result_.config;
    if (!c.admin.account.user.empty() && c.admin.account.user == c.serve.account.user) {
      Error(At("admin", "user"), "admin", "user",
            "is also serve.user (a separate account, so that the replication account cannot "
            "run admin statements)");
    }
    if (!c.replica.socket.empty() && !c.replica.host.empty()) {
      Error(At("replica", "host"), "replica", "host",
            "given together with socket (one of them: socket for a local mysqld, or host and "
            "port)");
    }
    if (c.upstream.ssl_cert.empty() != c.upstream.ssl_key.empty()) {
      const char* given = c.upstream.ssl_cert.empty() ? "ssl_key" : "ssl_cert";
      const char* missing = c.upstream.ssl_cert.empty() ? "ssl_cert" : "ssl_key";
      Error(At("upstream", given), "upstream", given,
            fmt::format("given without {} (both, or neither)", missing));
    }
    CheckServeTls();
    if (c.budget.disk && c.budget.relay_log_space_limit &&
        *c.budget.disk <= *c.budget.relay_log_space_limit) {
      Error(At("budget", "disk"), "budget", "disk",
            fmt::format("{} leaves nothing for the sidecar beside relay_log_space_limit {} (a "
                        "budget larger than relay_log_space_limit)",
                        FormatSize(*c.budget.disk), FormatSize(*c.budget.relay_log_space_limit)));
    }
    if (c.serve.port == c.http.port) {
      Error(At("http", "port"), "http", "port",
            fmt::format("{} is also serve.port (a port of its own)", c.http.port));
    }
    for (const char* section : {"serve", "http"}) {
      const std::string& bind = section == std::string_view("serve") ? c.serve.bind : c.http.bind;
      if (!IsLoopbackAddress(bind)) {
        Warning(At(section, "bind"), section, "bind",
                fmt::format("listens on {}, not on loopback (127.0.0.1 unless other hosts must "
                            "connect; then restrict them with a firewall)",
                            bind));
      }
    }
  }

  // serve.ssl_cert and ssl_key: together, only with TLS on, readable; the key kept private.
  void CheckServeTls() {
    const ServeConfig& serve = result_.config.serve;
    if (serve.ssl_cert.empty() != serve.ssl_key.empty()) {
      const char* given = serve.ssl_cert.empty() ? "ssl_key" : "ssl_cert";
      const char* missing = serve.ssl_cert.empty() ? "ssl_cert" : "ssl_key";
      return Error(At("serve", given), "serve", given,
                   fmt::format("given without {} (both, or neither)", missing));
    }
    if (serve.ssl_cert.empty()) return;
    if (serve.ssl == ServeSslMode::kOff) {
      return Error(At("serve", "ssl_cert"), "serve", "ssl_cert",
                   "given while ssl = off (ssl = on or required to serve TLS with it)");
    }
    if (Status s = CheckTlsCertificateFile(serve.ssl_cert); !s.ok()) {
      Error(At("serve", "ssl_cert"), "serve", "ssl_cert", s.message());
    }
    if (Status s = CheckTlsPrivateKeyFile(serve.ssl_key); !s.ok()) {
      Error(At("serve", "ssl_key"), "serve", "ssl_key", s.message());
    }
  }

  // The file's lines in order, then what has no line, then --set.
  void SortByPlace(std::vector<ConfigDiagnostic>& diagnostics) const {
    std::stable_sort(diagnostics.begin(), diagnostics.end(),
                     [this](const ConfigDiagnostic& a, const ConfigDiagnostic& b) {
                       return Place(a) < Place(b);
                     });
  }
  std::pair<bool, int> Place(const ConfigDiagnostic& d) const {
    return {d.source != source_, d.line == 0 ? std::numeric_limits<int>::max() : d.line};
  }

  const Location* Find(std::string_view section, std::string_view key) const {
    const auto it = set_.find({std::string(section), std::string(key)});
    return it == set_.end() ? nullptr : &it->second;
  }

  // Where a key was set, or else its section's header line, or the file.
  Location At(std::string_view section, std::string_view key) const {
    if (const Location* at = Find(section, key)) return *at;
    const auto it = section_lines_.find(std::string(section));
    return {source_, it == section_lines_.end() ? 0 : it->second};
  }

  static std::string Describe(const Location& at) {
    return at.line ? fmt::format("line {}", at.line) : at.source;
  }

  void Require(bool present, std::string_view section, std::string_view key,
               std::string_view expected) {
    if (!present) Missing(section, key, expected);
  }
  // Not for a key whose value was rejected: that error says it already.
  void Missing(std::string_view section, std::string_view key, std::string_view expected) {
    if (rejected_.contains({std::string(section), std::string(key)})) return;
    Error(At(section, key), section, key, fmt::format("missing ({})", expected));
  }

  void Error(Location at, std::string_view section, std::string_view key, std::string message) {
    result_.errors.push_back({std::move(at.source), at.line, std::string(section), std::string(key),
                              std::move(message)});
  }
  void Warning(Location at, std::string_view section, std::string_view key, std::string message) {
    result_.warnings.push_back({std::move(at.source), at.line, std::string(section),
                                std::string(key), std::move(message)});
  }

  const std::string source_;
  LoadedConfig result_;
  std::map<std::string, int> section_lines_;
  std::map<std::pair<std::string, std::string>, Location> set_;  // where each key was set
  std::set<std::pair<std::string, std::string>> rejected_;       // keys with a bad value
};

}  // namespace

std::string ConfigDiagnostic::ToString() const {
  std::string out = line ? fmt::format("{}:{}: ", source, line) : fmt::format("{}: ", source);
  if (!section.empty()) out += fmt::format("[{}]{}", section, key.empty() ? ": " : " ");
  if (!key.empty()) out += fmt::format("{}: ", key);
  return out + message;
}

LoadedConfig LoadConfigText(std::string_view text, std::string_view source,
                            std::span<const std::string> overrides) {
  return Loader(source).Load(text, overrides);
}

LoadedConfig LoadConfigFile(const std::string& path, std::span<const std::string> overrides) {
  std::string text;
  errno = 0;
  if (std::FILE* file = std::fopen(path.c_str(), "rb")) {
    char buffer[64 * 1024];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;)
      text.append(buffer, n);
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (!failed) return LoadConfigText(text, path, overrides);
  }
  LoadedConfig failed;
  failed.errors.push_back({path, 0, "", "",
                           fmt::format("cannot read the configuration: {} (a readable INI file)",
                                       std::strerror(errno))});
  return failed;
}

}  // namespace sidecar::app
