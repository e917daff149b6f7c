#include "app/check_config_command.h"

#include <fmt/format.h>

#include <ostream>

#include "app/cli.h"
#include "app/config_schema.h"
#include "app/ini_parser.h"

namespace sidecar::app {
namespace {

constexpr std::string_view kComponent = "config";

}  // namespace

std::optional<Config> LoadConfigReporting(const std::string& path,
                                          std::span<const std::string> overrides, Logger& logger) {
  LoadedConfig loaded = LoadConfigFile(path, overrides);
  const Config& c = loaded.config;
  for (const Account* account :
       {&c.upstream.account, &c.serve.account, &c.admin.account, &c.replica.account}) {
    logger.Redact(account->password);
  }
  for (const ConfigDiagnostic& w : loaded.warnings) logger.Warning(kComponent, w.ToString());
  for (const ConfigDiagnostic& e : loaded.errors) logger.Error(kComponent, e.ToString());
  if (!loaded.ok()) {
    logger.Error(kComponent,
                 fmt::format("{} error{} in the configuration; nothing was started",
                             loaded.errors.size(), loaded.errors.size() == 1 ? "" : "s"));
    return std::nullopt;
  }
  return std::move(loaded.config);
}

std::string FormatEffectiveConfig(const Config& config) {
  std::string out = "# binlog-sidecar effective configuration: defaults included, secrets masked\n";
  for (const ConfigSection& section : ConfigSchema()) {
    out += fmt::format("\n[{}]\n", section.name);
    for (const ConfigKey& key : section.keys) {
      if (const auto value = key.get(config)) {
        out += value->empty() ? fmt::format("{} =\n", key.name)
                              : fmt::format("{} = {}\n", key.name, QuoteIniValue(*value));
      }
    }
  }
  return out;
}

int RunCheckConfig(const std::string& path, std::span<const std::string> overrides,
                   std::ostream& out, std::ostream& err) {
  Logger logger(err);
  const std::optional<Config> config = LoadConfigReporting(path, overrides, logger);
  if (!config) return kExitFailure;
  out << FormatEffectiveConfig(*config) << std::flush;
  err << "configuration OK\n";
  return kExitOk;
}

}  // namespace sidecar::app
