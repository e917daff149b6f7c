// The logger: line format, levels, one line per message, redaction, threads.
#include "app/logger.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

namespace sidecar::app {
namespace {

TEST(LoggerTest, OneLinePerMessageWithLevelAndComponent) {
  std::ostringstream out;
  Logger logger(out);
  logger.Error("store", "fsync failed");
  logger.Warning("config", "a warning");
  logger.Info("upstream", "connected");
  logger.Debug("upstream", "dropped below the threshold");
  EXPECT_EQ(out.str(),
            "ERROR store: fsync failed\nWARNING config: a warning\nINFO upstream: connected\n");
}

TEST(LoggerTest, ThresholdDebugShowsEverything) {
  std::ostringstream out;
  Logger logger(out, LogLevel::kDebug);
  logger.Debug("x", "y");
  EXPECT_EQ(out.str(), "DEBUG x: y\n");
  std::ostringstream errors_only;
  Logger quiet(errors_only, LogLevel::kError);
  quiet.Warning("x", "y");
  EXPECT_EQ(errors_only.str(), "");
}

TEST(LoggerTest, ControlCharactersAreEscapedSoAMessageCannotForgeALine) {
  std::ostringstream out;
  Logger logger(out);
  logger.Info("downstream", "query: SELECT 1\nERROR store: forged\t\x1b[31m");
  EXPECT_EQ(out.str(), "INFO downstream: query: SELECT 1\\nERROR store: forged\\t\\x1b[31m\n");
}

TEST(LoggerTest, RedactedSecretsNeverAppear) {
  std::ostringstream out;
  Logger logger(out);
  logger.Redact(Secret(std::string("Pw-Distinctive-42")));
  logger.Redact(Secret());  // an empty secret redacts nothing
  logger.Info("admin",
              "CHANGE MASTER TO MASTER_PASSWORD='Pw-Distinctive-42', x='Pw-Distinctive-42'");
  EXPECT_EQ(out.str(), "INFO admin: CHANGE MASTER TO MASTER_PASSWORD='********', x='********'\n");
}

TEST(LoggerTest, SinkLogsAtItsLevel) {
  std::ostringstream out;
  Logger logger(out);
  const auto sink = logger.Sink(LogLevel::kWarning, "store");
  sink("recovery cut 12 bytes");
  EXPECT_EQ(out.str(), "WARNING store: recovery cut 12 bytes\n");
}

TEST(LoggerTest, ConcurrentLinesDoNotInterleave) {
  std::ostringstream out;
  Logger logger(out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&logger, t] {
      for (int i = 0; i < 200; ++i)
        logger.Info("thread", std::string(50, static_cast<char>('a' + t)));
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::istringstream lines(out.str());
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    ASSERT_EQ(line.size(), std::string("INFO thread: ").size() + 50) << line;
    EXPECT_EQ(line.substr(13), std::string(50, line[13]));
  }
  EXPECT_EQ(count, 8 * 200);
}

}  // namespace
}  // namespace sidecar::app
