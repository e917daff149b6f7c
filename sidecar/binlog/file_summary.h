// SummarizeBinlogFile: one streaming pass over a binlog or relay-log file
// that verifies it (see BinlogFileReader) and describes it: who wrote it,
// events by type, transactions and their GTIDs, time span, clean close.
//
// A binlog never splits a transaction across files, so a binlog (not a relay
// log) that ends inside a transaction is reported as damaged too.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "binlog/format_description.h"

namespace sidecar::binlog {

struct FileProblem {
  uint64_t offset = 0;
  std::string message;
};

struct FileSummary {
  std::string path;
  uint64_t size = 0;
  std::string server_version;  // of the first FORMAT_DESCRIPTION
  Flavor flavor = Flavor::kMysql;
  ChecksumAlgorithm checksum = ChecksumAlgorithm::kUndefined;
  bool relay_log = false;
  bool closed_cleanly = false;  // the first FDE's in-use flag is clear
  uint64_t events = 0;
  std::map<uint8_t, uint64_t> events_by_type;
  uint64_t transactions = 0;
  std::optional<std::string> first_gtid;
  std::optional<std::string> last_gtid;
  std::optional<uint32_t> first_timestamp;  // artificial events (timestamp 0) excluded
  std::optional<uint32_t> last_timestamp;
  std::optional<FileProblem> problem;  // the first one; the walk stops there

  bool ok() const { return !problem.has_value(); }
};

FileSummary SummarizeBinlogFile(const std::string& path);

}  // namespace sidecar::binlog
