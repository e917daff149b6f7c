// `binlog-sidecar --config FILE [--set section.key=value]... --check-config`:
// loads and validates the configuration; when it is valid, prints the
// effective configuration to `out` as INI (every key of every section,
// defaults included, in SPEC §4 order; secrets as ********; only the one of
// password / password_file that is in use), warnings and then
// "configuration OK" to `err`, and returns kExitOk. Otherwise it prints every
// error to `err` and returns kExitFailure. Diagnostics go through the logger:
//   ERROR config: FILE:LINE: [section] key: <what is wrong> (<what is expected>)
#pragma once

#include <iosfwd>
#include <optional>
#include <span>
#include <string>

#include "app/config.h"
#include "app/logger.h"

namespace sidecar::app {

int RunCheckConfig(const std::string& path, std::span<const std::string> overrides,
                   std::ostream& out, std::ostream& err);

// Loads the configuration, registers its secrets with `logger` (Redact), logs
// its warnings and errors; the config when it has no error. Shared by
// --check-config and the daemon.
std::optional<Config> LoadConfigReporting(const std::string& path,
                                          std::span<const std::string> overrides, Logger& logger);

// The effective configuration as INI text that LoadConfigText reads back to
// the same values (secrets aside: they print as ********).
std::string FormatEffectiveConfig(const Config& config);

}  // namespace sidecar::app
