#include "app/ini_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <utility>

namespace sidecar::app {
namespace {

constexpr std::string_view kSpaces = " \t\r\f\v";

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(kSpaces);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kSpaces);
  return s.substr(first, last - first + 1);
}

bool IsSpace(char c) { return kSpaces.find(c) != std::string_view::npos; }

// The rest of a line after a value or header: only whitespace or a comment.
bool IsBlankOrComment(std::string_view rest) {
  rest = Trim(rest);
  return rest.empty() || rest.front() == '#' || rest.front() == ';';
}

// Where a comment starts in an unquoted value: a '#' after whitespace; npos if none.
std::size_t CommentStart(std::string_view raw) {
  for (std::size_t i = 1; i < raw.size(); ++i) {
    if (raw[i] == '#' && IsSpace(raw[i - 1])) return i;
  }
  return std::string_view::npos;
}

struct ValueOrError {
  std::string value;
  std::optional<std::string> error;
};

ValueOrError ParseValue(std::string_view raw) {
  raw = Trim(raw);
  if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
    const char quote = raw.front();
    const auto close = raw.find(quote, 1);
    if (close == std::string_view::npos) {
      return {{}, fmt::format("the value has no closing {} (a value quoted on one line)", quote)};
    }
    if (!IsBlankOrComment(raw.substr(close + 1))) {
      return {{}, "text follows the closing quote (only a # comment may follow a quoted value)"};
    }
    return {std::string(raw.substr(1, close - 1)), std::nullopt};
  }
  if (const std::size_t comment = CommentStart(raw); comment != std::string_view::npos) {
    return {std::string(Trim(raw.substr(0, comment))), std::nullopt};
  }
  return {std::string(raw), std::nullopt};
}

class Parser {
 public:
  IniDocument Parse(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
    int line_number = 0;
    for (std::size_t start = 0; start <= text.size();) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      ParseLine(++line_number, Trim(text.substr(start, end - start)));
      start = end + 1;
    }
    return std::move(doc_);
  }

 private:
  void ParseLine(int line, std::string_view text) {
    if (text.empty() || text.front() == '#' || text.front() == ';') return;
    if (text.front() == '[') return ParseHeader(line, text);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) {
      return Error(line, {}, "not a section header nor a setting (`[section]` or `key = value`)");
    }
    const std::string_view raw_key = Trim(text.substr(0, equals));
    if (!IsIniName(raw_key)) {
      return Error(line, {},
                   "the key name is empty or has characters other than letters, digits, '_' "
                   "and '-' (`key = value`)");
    }
    const std::string key = NormaliseIniKey(raw_key);
    if (!section_) return Error(line, key, "set before any [section] (a [section] line first)");
    ValueOrError value = ParseValue(text.substr(equals + 1));
    if (value.error) return Error(line, key, *value.error);
    const auto [it, inserted] = first_line_.try_emplace({*section_, key}, line);
    if (!inserted) {
      return Error(line, key,
                   fmt::format("set twice, first at line {} (each key once per section; remove "
                               "one of them)",
                               it->second));
    }
    doc_.entries.push_back({*section_, key, std::move(value.value), line});
  }

  void ParseHeader(int line, std::string_view text) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || !IsBlankOrComment(text.substr(close + 1))) {
      section_.reset();
      return Error(line, {}, "malformed section header (`[section]` alone on its line)");
    }
    const std::string_view name = Trim(text.substr(1, close - 1));
    if (!IsIniName(name)) {
      section_.reset();
      return Error(line, {},
                   "the section name is empty or has characters other than letters, digits, "
                   "'_' and '-' (`[section]`)");
    }
    section_ = NormaliseIniSection(name);
    const bool seen = std::any_of(doc_.sections.begin(), doc_.sections.end(),
                                  [&](const IniSection& s) { return s.name == *section_; });
    if (!seen) doc_.sections.push_back({*section_, line});
  }

  void Error(int line, std::string key, std::string message) {
    doc_.errors.push_back({line, section_.value_or(""), std::move(key), std::move(message)});
  }

  IniDocument doc_;
  std::optional<std::string> section_;  // none before the first header or after a bad one
  std::map<std::pair<std::string, std::string>, int> first_line_;
};

}  // namespace

IniDocument ParseIni(std::string_view text) { return Parser().Parse(text); }

std::string NormaliseIniSection(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string NormaliseIniKey(std::string_view name) {
  std::string out = NormaliseIniSection(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

bool IsIniName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

std::string QuoteIniValue(std::string_view value) {
  const bool needs_quotes =
      !value.empty() && (IsSpace(value.front()) || IsSpace(value.back()) || value.front() == '"' ||
                         value.front() == '\'' || CommentStart(value) != std::string_view::npos);
  if (!needs_quotes) return std::string(value);
  const char quote = value.find('"') == std::string_view::npos ? '"' : '\'';
  return fmt::format("{}{}{}", quote, value, quote);
}

}  // namespace sidecar::app
