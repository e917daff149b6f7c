// CheckpointGtidState: the GTID state a checkpoint records, in the primary's
// flavour: for MySQL a GTID set (the file's PREVIOUS_GTIDS plus every GTID
// completed since), for MariaDB a binlog state (the file's GTID_LIST plus
// every GTID completed since). The state at a file's start event (PREVIOUS_GTIDS
// or GTID_LIST) is the primary's own, so it replaces what came before.
//
// Text forms: MysqlGtidSet::ToString / MariadbGtidState::ToString; "" when
// empty or when the stream carried no GTIDs (anonymous GTIDs add nothing).
//
// Value type, not thread-safe. Adding the next GTID of a domain or uuid does
// not allocate in the common case.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/mariadb_gtid.h"
#include "binlog/mysql_gtid_set.h"
#include "binlog/transaction_tracker.h"

namespace sidecar::store {

class CheckpointGtidState {
 public:
  // `text` in `flavor`'s form; InvalidArgument when it is not.
  static Result<CheckpointGtidState> Parse(binlog::Flavor flavor, std::string_view text);

  // When `event` is a PREVIOUS_GTIDS or GTID_LIST event, replaces the state by
  // the one it carries and returns true; otherwise returns false and changes
  // nothing. Corruption when such an event is malformed (state unchanged).
  Result<bool> ApplyFileStart(const binlog::EventView& event);
  // Adds a completed transaction's GTID. A GTID of the other flavour than the
  // state's (a new primary of another kind) starts the state afresh.
  void Add(const binlog::TransactionGtid& gtid);

  std::string ToString() const;

  friend bool operator==(const CheckpointGtidState&, const CheckpointGtidState&) = default;

 private:
  std::variant<std::monostate, binlog::MysqlGtidSet, binlog::MariadbGtidState> state_;
};

}  // namespace sidecar::store
