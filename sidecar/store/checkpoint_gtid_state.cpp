#include "store/checkpoint_gtid_state.h"

#include <fmt/format.h>

#include "binlog/event_type.h"
#include "binlog/mariadb_events.h"
#include "binlog/mysql_gtid_event.h"

namespace sidecar::store {

Result<CheckpointGtidState> CheckpointGtidState::Parse(binlog::Flavor flavor,
                                                       std::string_view text) {
  CheckpointGtidState state;
  if (text.empty()) return state;
  if (flavor == binlog::Flavor::kMysql) {
    auto set = binlog::MysqlGtidSet::Parse(text);
    if (!set.ok()) return set.status();
    state.state_ = std::move(set).value();
  } else {
    auto parsed = binlog::MariadbGtidState::Parse(text);
    if (!parsed.ok()) return parsed.status();
    state.state_ = std::move(parsed).value();
  }
  return state;
}

Result<bool> CheckpointGtidState::ApplyFileStart(const binlog::EventView& event) {
  const auto type = binlog::EventType(event.header.type);
  if (type == binlog::EventType::kPreviousGtids) {
    auto set = binlog::DecodePreviousGtids(event);
    if (!set.ok()) {
      return Status::Corruption(fmt::format("PREVIOUS_GTIDS: {}", set.status().message()));
    }
    state_ = std::move(set).value();
    return true;
  }
  if (type == binlog::EventType::kGtidList) {
    auto list = binlog::DecodeGtidListEvent(event);
    if (!list.ok()) {
      return Status::Corruption(fmt::format("GTID_LIST: {}", list.status().message()));
    }
    state_ = binlog::MariadbGtidState::FromList(list->gtids);
    return true;
  }
  return false;
}

void CheckpointGtidState::Add(const binlog::TransactionGtid& gtid) {
  if (const auto* mysql = std::get_if<binlog::MysqlGtid>(&gtid)) {
    if (!std::holds_alternative<binlog::MysqlGtidSet>(state_)) state_ = binlog::MysqlGtidSet();
    std::get<binlog::MysqlGtidSet>(state_).Add(*mysql);
    return;
  }
  if (!std::holds_alternative<binlog::MariadbGtidState>(state_)) {
    state_ = binlog::MariadbGtidState();
  }
  std::get<binlog::MariadbGtidState>(state_).Add(std::get<binlog::MariadbGtid>(gtid));
}

std::string CheckpointGtidState::ToString() const {
  if (const auto* set = std::get_if<binlog::MysqlGtidSet>(&state_)) return set->ToString();
  if (const auto* mariadb = std::get_if<binlog::MariadbGtidState>(&state_)) {
    return mariadb->ToString();
  }
  return "";
}

}  // namespace sidecar::store
