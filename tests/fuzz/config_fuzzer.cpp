// Fuzz target: the configuration loader (SPEC §4) on arbitrary text.
//
// Input: the config file's text; after the first NUL byte, one `--set` override per line.
// ParseIni reads the text, LoadConfigText loads and validates text and overrides. Asserts that
// every INI entry reads back from its own INI spelling (section header, key,
// QuoteIniValue(value)) as the same entry, and that every diagnostic names its source (the
// file or `--set`) and a line that exists.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "app/ini_parser.h"
#include "fuzz/fuzz_check.h"

namespace sidecar::app {
namespace {

void CheckIni(std::string_view text) {
  const IniDocument doc = ParseIni(text);
  for (const IniEntry& entry : doc.entries) {
    std::string spelled = entry.section.empty() ? "" : "[" + entry.section + "]\n";
    spelled += entry.key + " = " + QuoteIniValue(entry.value) + "\n";
    const IniDocument again = ParseIni(spelled);
    FUZZ_CHECK(again.errors.empty() && again.entries.size() == 1);
    FUZZ_CHECK(again.entries[0].section == entry.section && again.entries[0].key == entry.key &&
               again.entries[0].value == entry.value);
  }
}

void CheckDiagnostics(const std::vector<ConfigDiagnostic>& diagnostics, int lines) {
  for (const ConfigDiagnostic& d : diagnostics) {
    FUZZ_CHECK(d.source == "fuzz" || d.source == "--set");
    FUZZ_CHECK(d.line >= 0 && d.line <= lines);
    (void)d.ToString();
  }
}

}  // namespace
}  // namespace sidecar::app

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sidecar::app;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view text = input.substr(0, input.find('\0'));
  std::vector<std::string> overrides;
  for (std::string_view rest = input.substr(std::min(text.size() + 1, input.size()));
       !rest.empty();) {
    const size_t end = std::min(rest.find('\n'), rest.size());
    overrides.emplace_back(rest.substr(0, end));
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  CheckIni(text);
  const LoadedConfig loaded = LoadConfigText(text, "fuzz", overrides);
  const int lines = int(std::count(text.begin(), text.end(), '\n')) + 1;
  CheckDiagnostics(loaded.errors, lines);
  CheckDiagnostics(loaded.warnings, lines);
  return 0;
}
