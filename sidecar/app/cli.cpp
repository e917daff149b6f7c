#include "app/cli.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/check_binlog_command.h"
#include "app/check_config_command.h"
#include "app/daemon.h"
#include "app/logger.h"
#include "app/version.h"

namespace sidecar::app {
namespace {

constexpr std::string_view kUsage =
    "usage: binlog-sidecar --config FILE [--set section.key=value]...\n"
    "       binlog-sidecar --config FILE --check-config\n"
    "       binlog-sidecar check-binlog FILE...\n"
    "       binlog-sidecar --version | --help\n";

// --config FILE [--set section.key=value]... [--check-config], in any order;
// --config=FILE and --set=... too.
struct ConfigArgs {
  std::string path;
  std::vector<std::string> overrides;
  bool check_config = false;
};

bool IsConfigOption(std::string_view arg) {
  return arg == "--config" || arg.starts_with("--config=") || arg == "--set" ||
         arg.starts_with("--set=") || arg == "--check-config";
}

// The arguments, or nullopt after writing the usage error to `err`.
std::optional<ConfigArgs> ParseConfigArgs(std::span<const std::string_view> args,
                                          std::ostream& err) {
  ConfigArgs parsed;
  bool have_config = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--check-config") {
      parsed.check_config = true;
      continue;
    }
    const bool is_config = arg == "--config" || arg.starts_with("--config=");
    const bool is_set = arg == "--set" || arg.starts_with("--set=");
    if (!is_config && !is_set) {
      err << "binlog-sidecar: unknown option '" << arg << "'\n" << kUsage;
      return std::nullopt;
    }
    std::string_view value;
    if (const auto equals = arg.find('='); equals != std::string_view::npos) {
      value = arg.substr(equals + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      err << "binlog-sidecar: " << arg << " needs a value\n" << kUsage;
      return std::nullopt;
    }
    if (is_set) {
      parsed.overrides.emplace_back(value);
    } else if (have_config) {
      err << "binlog-sidecar: --config given twice\n" << kUsage;
      return std::nullopt;
    } else {
      have_config = true;
      parsed.path = value;
    }
  }
  if (!have_config || parsed.path.empty()) {
    err << "binlog-sidecar: no --config FILE given\n" << kUsage;
    return std::nullopt;
  }
  return parsed;
}

int RunWithConfig(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  const std::optional<ConfigArgs> parsed = ParseConfigArgs(args, err);
  if (!parsed) return kExitUsage;
  if (parsed->check_config) return RunCheckConfig(parsed->path, parsed->overrides, out, err);
  Logger logger(err);
  const std::optional<Config> config = LoadConfigReporting(parsed->path, parsed->overrides, logger);
  if (!config) return kExitFailure;
  return RunDaemon(*config, logger);
}

}  // namespace

int RunCli(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << kUsage;
    return kExitUsage;
  }
  const std::string_view command = args.front();
  if (command == "--version") {
    out << "binlog-sidecar " << kVersion << "\n";
    return kExitOk;
  }
  if (command == "check-binlog") return RunCheckBinlog(args.subspan(1), out, err);
  if (IsConfigOption(command)) return RunWithConfig(args, out, err);
  if (command == "--help" || command == "-h") {
    out << kUsage;
    return kExitOk;
  }
  err << "binlog-sidecar: unknown command or option '" << command << "'\n" << kUsage;
  return kExitUsage;
}

}  // namespace sidecar::app
