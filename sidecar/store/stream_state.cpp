#include "store/stream_state.h"

#include <fmt/format.h>

#include <utility>

#include "binlog/event_type.h"

namespace sidecar::store {

void StreamState::StartFile() {
  live_ = FileFacts();
  at_boundary_ = FileFacts();
  // Until the file's own start event (PREVIOUS_GTIDS, GTID_LIST) says
  // otherwise, the file starts where the last one ended.
  file_start_gtid_state_ = gtid_state_.ToString();
}

Result<binlog::TransactionTracker::Step> StreamState::Observe(
    const binlog::EventView& event, const binlog::FormatDescription& fde) {
  auto step = tracker_.Feed(event, fde);
  if (!step.ok()) {
    RewindToBoundary();
    return Status::Corruption(fmt::format("{} event: {}", binlog::EventTypeName(event.header.type),
                                          step.status().message()));
  }
  auto file_start = gtid_state_.ApplyFileStart(event);
  if (!file_start.ok()) {
    RewindToBoundary();
    return file_start.status();
  }
  if (*file_start) file_start_gtid_state_ = gtid_state_.ToString();

  if (event.header.timestamp != 0) {
    if (live_.first_event_time == 0) live_.first_event_time = event.header.timestamp;
    live_.last_event_time = event.header.timestamp;
  }
  if (step->completed_transaction && step->gtid) {
    gtid_state_.Add(*step->gtid);
    if (!live_.first_gtid) live_.first_gtid = step->gtid;
    live_.last_gtid = step->gtid;
  }
  if (step->at_boundary) at_boundary_ = live_;
  return step;
}

void StreamState::RewindToBoundary() {
  tracker_.Reset();
  live_ = at_boundary_;
}

void StreamState::FillRow(FileCatalogEntry* row) const {
  row->first_gtid = at_boundary_.first_gtid ? binlog::ToString(*at_boundary_.first_gtid) : "";
  row->last_gtid = at_boundary_.last_gtid ? binlog::ToString(*at_boundary_.last_gtid) : "";
  row->first_event_time = at_boundary_.first_event_time;
  row->last_event_time = at_boundary_.last_event_time;
  row->start_gtid_state = file_start_gtid_state_;
}

}  // namespace sidecar::store
