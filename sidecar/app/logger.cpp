#include "app/logger.h"

#include <fmt/format.h>

#include <ostream>

namespace sidecar::app {
namespace {

// Control characters as escapes, so that the line stays one line.
void AppendEscaped(std::string& line, std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else if (c == '\t') {
      line += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      line += fmt::format("\\x{:02x}", u);
    } else {
      line += c;
    }
  }
}

void ReplaceAll(std::string& text, std::string_view what, std::string_view with) {
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

}  // namespace

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kDebug:
      return "DEBUG";
  }
  return "ERROR";
}

void Logger::Log(LogLevel level, std::string_view component, std::string_view message) {
  if (level > threshold_) return;
  std::string body(message);
  std::lock_guard lock(mu_);
  for (const Secret& secret : redacted_) ReplaceAll(body, secret.reveal(), Secret::kMask);
  std::string line = fmt::format("{} ", LogLevelName(level));
  AppendEscaped(line, component);
  line += ": ";
  AppendEscaped(line, body);
  line += '\n';
  out_ << line << std::flush;
}

void Logger::Redact(const Secret& secret) {
  if (secret.empty()) return;
  std::lock_guard lock(mu_);
  redacted_.push_back(secret);
}

std::function<void(std::string_view)> Logger::Sink(LogLevel level, std::string component) {
  return [this, level, component = std::move(component)](std::string_view message) {
    Log(level, component, message);
  };
}

}  // namespace sidecar::app
