// The configuration's keys: for each section of SPEC §4, in the order
// --check-config prints them, how a value is parsed into Config and how
// Config's value is written back (the canonical INI spelling). Range rules of
// a single key live here; rules across keys live in config.cpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "base/status.h"

namespace sidecar::app {

struct ConfigKey {
  std::string_view name;  // normalised: lower case, '_'
  // Parses `value` into the config; InvalidArgument "<what> (<expected>)".
  std::function<Status(Config&, std::string_view value)> set;
  // The value to print; nullopt leaves the key out (the unused one of
  // password / password_file). Secrets print as Secret::kMask.
  std::function<std::optional<std::string>(const Config&)> get;
};

struct ConfigSection {
  std::string_view name;
  std::vector<ConfigKey> keys;
};

const std::vector<ConfigSection>& ConfigSchema();

// nullptr when unknown. `section` and `key` normalised.
const ConfigSection* FindConfigSection(std::string_view section);
const ConfigKey* FindConfigKey(const ConfigSection& section, std::string_view key);

// "a, b, c": for "unknown ... (one of: ...)" messages.
std::string ConfigSectionNames();
std::string ConfigKeyNames(const ConfigSection& section);

}  // namespace sidecar::app
