// Logger: the daemon's log, to stderr (journald adds time and unit).
//
// One line per message: "LEVEL component: message", LEVEL one of ERROR,
// WARNING, INFO, DEBUG; messages below the threshold are dropped. A newline or
// other control character inside a message is written as an escape (\n, \x1b),
// so one call is always one line and a message cannot forge another.
//
// Secrets: the logger never receives one. Messages are built by callers with
// fmt from config objects whose secret fields are Secret, which cannot be
// formatted (see secret.h). As a second line of defence, Redact(secret)
// registers a secret whose text, should it appear inside a message anyway
// (a statement echoed back, a server's error), is written as ********.
//
// Thread-safe: lines from concurrent callers never interleave.
#pragma once

#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "app/secret.h"

namespace sidecar::app {

enum class LogLevel { kError, kWarning, kInfo, kDebug };

const char* LogLevelName(LogLevel level);  // "ERROR", ...

class Logger {
 public:
  explicit Logger(std::ostream& out, LogLevel threshold = LogLevel::kInfo)
      : out_(out), threshold_(threshold) {}
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void Log(LogLevel level, std::string_view component, std::string_view message);
  void Error(std::string_view component, std::string_view message) {
    Log(LogLevel::kError, component, message);
  }
  void Warning(std::string_view component, std::string_view message) {
    Log(LogLevel::kWarning, component, message);
  }
  void Info(std::string_view component, std::string_view message) {
    Log(LogLevel::kInfo, component, message);
  }
  void Debug(std::string_view component, std::string_view message) {
    Log(LogLevel::kDebug, component, message);
  }

  // From now on the text of `secret` (when not empty) never appears in a line.
  void Redact(const Secret& secret);

  // A sink for modules that take a std::function<void(std::string_view)>
  // (store::LogSink): each call logs one message at `level`. The logger must
  // outlive the sink.
  std::function<void(std::string_view)> Sink(LogLevel level, std::string component);

 private:
  std::ostream& out_;
  const LogLevel threshold_;
  std::mutex mu_;
  std::vector<Secret> redacted_;  // guarded by mu_
};

}  // namespace sidecar::app
