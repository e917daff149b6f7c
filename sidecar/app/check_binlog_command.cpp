#include "app/check_binlog_command.h"

#include <Poco/JSON/Object.h>

#include <ostream>
#include <string>

#include "app/cli.h"
#include "binlog/event_type.h"
#include "binlog/file_summary.h"

namespace sidecar::app {
namespace {

using Poco::JSON::Object;

template <typename T>
Poco::Dynamic::Var OrNull(const std::optional<T>& value) {
  return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

Object::Ptr ToJson(const binlog::FileSummary& s) {
  Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("file", s.path);
  json->set("ok", s.ok());
  json->set("size", s.size);
  json->set("server_version", s.server_version);
  json->set("flavor", binlog::FlavorName(s.flavor));
  json->set("checksum", binlog::ChecksumAlgorithmName(s.checksum));
  json->set("relay_log", s.relay_log);
  json->set("closed_cleanly", s.closed_cleanly);
  json->set("events", s.events);
  Object::Ptr counts = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [type, count] : s.events_by_type) {
    counts->set(binlog::EventTypeName(type), count);
  }
  json->set("event_counts", counts);
  json->set("transactions", s.transactions);
  json->set("first_gtid", OrNull(s.first_gtid));
  json->set("last_gtid", OrNull(s.last_gtid));
  json->set("first_timestamp", OrNull(s.first_timestamp));
  json->set("last_timestamp", OrNull(s.last_timestamp));
  if (s.problem) {
    Object::Ptr problem = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    problem->set("offset", s.problem->offset);
    problem->set("message", s.problem->message);
    json->set("problem", problem);
  }
  return json;
}

}  // namespace

int RunCheckBinlog(std::span<const std::string_view> files, std::ostream& out, std::ostream& err) {
  if (files.empty()) {
    err << "binlog-sidecar check-binlog: no file given\n"
           "usage: binlog-sidecar check-binlog FILE...\n";
    return kExitUsage;
  }
  for (std::string_view file : files) {
    if (file.starts_with("-")) {
      err << "binlog-sidecar check-binlog: unknown option '" << file << "'\n";
      return kExitUsage;
    }
  }
  bool all_ok = true;
  for (std::string_view file : files) {
    const binlog::FileSummary summary = binlog::SummarizeBinlogFile(std::string(file));
    all_ok &= summary.ok();
    ToJson(summary)->stringify(out);
    out << '\n';
  }
  out.flush();
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace sidecar::app
