#include "binlog/file_summary.h"

#include <fmt/format.h>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_type.h"
#include "binlog/transaction_tracker.h"

namespace sidecar::binlog {
namespace {

// Records what one verified event adds to the summary.
class SummaryBuilder {
 public:
  explicit SummaryBuilder(FileSummary* summary) : summary_(summary) {}

  // Returns a problem when the event cannot be understood.
  std::optional<std::string> Add(const EventView& event, const FormatDescription& fde,
                                 uint64_t offset) {
    ++summary_->events;
    ++summary_->events_by_type[event.header.type];
    if (event.header.timestamp != 0) {
      if (!summary_->first_timestamp) summary_->first_timestamp = event.header.timestamp;
      summary_->last_timestamp = event.header.timestamp;
    }
    if (tracker_.at_boundary()) open_transaction_offset_ = offset;
    auto step = tracker_.Feed(event, fde);
    if (!step.ok()) return step.status().message();
    if (step->completed_transaction) {
      ++summary_->transactions;
      if (step->gtid) {
        std::string gtid = ToString(*step->gtid);
        if (!summary_->first_gtid) summary_->first_gtid = gtid;
        summary_->last_gtid = std::move(gtid);
      }
    }
    return std::nullopt;
  }

  bool inside_transaction() const { return !tracker_.at_boundary(); }
  uint64_t open_transaction_offset() const { return open_transaction_offset_; }

 private:
  FileSummary* summary_;
  TransactionTracker tracker_;
  uint64_t open_transaction_offset_ = 0;
};

}  // namespace

FileSummary SummarizeBinlogFile(const std::string& path) {
  FileSummary summary;
  summary.path = path;
  auto opened = BinlogFileReader::Open(path);
  if (!opened.ok()) {
    summary.problem = FileProblem{0, opened.status().message()};
    return summary;
  }
  BinlogFileReader& reader = **opened;
  summary.size = reader.file_size();

  SummaryBuilder builder(&summary);
  EventView event;
  for (;;) {
    auto next = reader.Next(&event);
    if (reader.format() && summary.server_version.empty()) {
      const FormatDescription& first = *reader.format();
      summary.server_version = first.server_version;
      summary.flavor = first.flavor;
      summary.checksum = first.checksum;
      summary.closed_cleanly = !(reader.first_fde_flags() & kFlagBinlogInUse);
    }
    if (!next.ok()) {
      summary.problem = FileProblem{reader.error_offset(), next.status().message()};
      break;
    }
    if (!next.value()) break;
    const uint64_t offset = reader.event_offset();
    if (event.header.type == uint8_t(EventType::kStartEncryption)) {
      summary.problem = FileProblem{
          offset,
          "the file is encrypted from here on (START_ENCRYPTION): the rest cannot be checked"};
      break;
    }
    if (auto problem = builder.Add(event, *reader.format(), offset)) {
      summary.problem =
          FileProblem{offset, fmt::format("event at offset {} ({}): {}", offset,
                                          EventTypeName(event.header.type), *problem)};
      break;
    }
  }
  summary.relay_log = reader.is_relay_log();
  if (summary.ok() && builder.inside_transaction() && !summary.relay_log) {
    summary.problem =
        FileProblem{builder.open_transaction_offset(),
                    fmt::format("the file ends inside a transaction that starts at offset {}",
                                builder.open_transaction_offset())};
  }
  return summary;
}

}  // namespace sidecar::binlog
