#include "app/cli.h"

#include <ostream>

#include "app/check_binlog_command.h"
#include "app/version.h"

namespace sidecar::app {
namespace {

constexpr std::string_view kUsage =
    "usage: binlog-sidecar --config FILE [--set section.key=value]...\n"
    "       binlog-sidecar --config FILE --check-config\n"
    "       binlog-sidecar check-binlog FILE...\n"
    "       binlog-sidecar --version | --help\n";

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
  if (command == "--help" || command == "-h") {
    out << kUsage;
    return kExitOk;
  }
  err << "binlog-sidecar: unknown command or option '" << command << "'\n" << kUsage;
  return kExitUsage;
}

}  // namespace sidecar::app
