// The INI syntax of the configuration file, like my.cnf, with line numbers.
//
//   [section]            a section header; later keys belong to it. A section
//                        may appear more than once: its keys merge.
//   key = value          whitespace around key and value is trimmed
//   # comment, ; comment full-line comments; blank lines are ignored
//   key = value # note   a '#' after whitespace starts a trailing comment
//   key = "a # b"        a value in '...' or "..." is taken literally (no
//                        escapes); only whitespace or a comment may follow
//
// Section names are case-insensitive and key names are case-insensitive with
// '-' and '_' equivalent (as in my.cnf): both are normalised to lower case
// with '_'. A key set twice in one section is an error naming both lines.
//
// Errors never quote a line's text or a value (a password may be the line):
// they say what is wrong with the line. Every error is reported, parsing goes
// on with the next line. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sidecar::app {

struct IniEntry {
  std::string section;  // normalised
  std::string key;      // normalised
  std::string value;    // unquoted, comment removed
  int line = 0;         // 1-based
};

struct IniSection {
  std::string name;  // normalised
  int line = 0;      // first header line of this section
};

struct IniError {
  int line = 0;
  std::string section;  // normalised; empty when the line is outside sections
  std::string key;      // normalised; empty when the error is not about a key
  std::string message;  // "<what is wrong> (<what is expected>)"
};

struct IniDocument {
  std::vector<IniSection> sections;  // in order of first appearance
  std::vector<IniEntry> entries;     // in file order, duplicates removed
  std::vector<IniError> errors;      // in file order
};

IniDocument ParseIni(std::string_view text);

// Lower case; for keys also '-' becomes '_'.
std::string NormaliseIniSection(std::string_view name);
std::string NormaliseIniKey(std::string_view name);

// True when `name` is a valid (section or key) name: letters, digits, '_', '-'.
bool IsIniName(std::string_view name);

// The INI spelling of `value`: as is, or quoted when it would not read back
// the same (whitespace at either end, a '#' after whitespace, a leading quote).
std::string QuoteIniValue(std::string_view value);

}  // namespace sidecar::app
