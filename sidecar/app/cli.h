// The command line: dispatches `binlog-sidecar ARGS...` to a command.
#pragma once

#include <iosfwd>
#include <span>
#include <string_view>

namespace sidecar::app {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and found a problem
inline constexpr int kExitUsage = 2;    // the command line itself was wrong

// Runs the command named by `args` (argv without the program name), writing
// results to `out` and diagnostics to `err`. Returns the process exit code.
int RunCli(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

}  // namespace sidecar::app
