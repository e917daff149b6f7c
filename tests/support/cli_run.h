// Test support: runs the command line in-process, as a user would type it,
// and captures its exit code and both output streams.
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/cli.h"

namespace sidecar::testing {

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

// `args` is argv without the program name.
inline CliRun RunArgs(std::vector<std::string> args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  std::ostringstream out, err;
  const int code = app::RunCli(views, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace sidecar::testing
