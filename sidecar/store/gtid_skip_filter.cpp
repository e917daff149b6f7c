#include "store/gtid_skip_filter.h"

#include <fmt/format.h>

#include <algorithm>

#include "binlog/event_type.h"
#include "binlog/mariadb_events.h"
#include "binlog/mysql_gtid_event.h"

namespace sidecar::store {

using binlog::EventType;

bool IsFileControlEvent(uint8_t type) {
  switch (EventType(type)) {
    case EventType::kFormatDescription:
    case EventType::kPreviousGtids:
    case EventType::kGtidList:
    case EventType::kBinlogCheckpoint:
    case EventType::kStartEncryption:
    case EventType::kRotate:
    case EventType::kStop:
      return true;
    default:
      return false;
  }
}

bool IsGtidEvent(uint8_t type) {
  switch (EventType(type)) {
    case EventType::kGtid:
    case EventType::kAnonymousGtid:
    case EventType::kGtidTagged:
    case EventType::kMariadbGtid:
      return true;
    default:
      return false;
  }
}

GtidSkipFilter GtidSkipFilter::Mysql(binlog::MysqlGtidSet replica_has) {
  GtidSkipFilter filter;
  filter.mode_ = Mode::kMysql;
  filter.mysql_has_ = std::move(replica_has);
  return filter;
}

GtidSkipFilter GtidSkipFilter::Mariadb(std::vector<binlog::MariadbGtid> pending, bool strict) {
  GtidSkipFilter filter;
  filter.mode_ = Mode::kMariadb;
  filter.pending_ = std::move(pending);
  filter.strict_ = strict;
  return filter;
}

Result<bool> GtidSkipFilter::SkipMariadbGroup(const binlog::MariadbGtid& gtid) {
  auto it = std::find_if(pending_.begin(), pending_.end(), [&](const binlog::MariadbGtid& p) {
    return p.domain_id == gtid.domain_id;
  });
  if (it == pending_.end()) return false;
  const bool skip = gtid.server_id != it->server_id || gtid.seq_no <= it->seq_no;
  if (gtid.server_id == it->server_id && gtid.seq_no >= it->seq_no) {
    if (strict_ && gtid.seq_no > it->seq_no) {
      return Status::InvalidArgument(
          fmt::format("The binlog on the master is missing the GTID {} requested by the slave "
                      "(even though both a prior and a subsequent sequence number does exist), "
                      "and GTID strict mode is enabled",
                      it->ToString()));
    }
    pending_.erase(it);
  }
  return skip;
}

Result<bool> GtidSkipFilter::SkipGroup(const binlog::EventView& event) {
  if (mode_ == Mode::kMysql) {
    if (event.header.type == uint8_t(EventType::kMariadbGtid)) return false;
    auto gtid = binlog::DecodeMysqlGtidEvent(event);
    if (!gtid.ok()) return gtid.status();
    return !gtid->anonymous() && mysql_has_.Contains(gtid->gtid);
  }
  if (event.header.type != uint8_t(EventType::kMariadbGtid)) return false;
  auto gtid = binlog::DecodeMariadbGtidEvent(event);
  if (!gtid.ok()) return gtid.status();
  return SkipMariadbGroup(gtid->gtid);
}

Result<bool> GtidSkipFilter::ShouldSend(const binlog::EventView& event,
                                        const binlog::FormatDescription& fde) {
  if (mode_ == Mode::kSendAll) return true;
  if (IsGtidEvent(event.header.type)) {
    // A new group: decided on its own, whatever the previous one was.
    auto skip = SkipGroup(event);
    if (!skip.ok()) return skip.status();
    skipping_ = *skip;
    if (!skipping_) return true;
    tracker_.Reset();
  } else if (!skipping_) {
    return true;
  }
  auto step = tracker_.Feed(event, fde);
  if (!step.ok()) return step.status();
  if (step->at_boundary) skipping_ = false;
  return false;
}

}  // namespace sidecar::store
