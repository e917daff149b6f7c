// TransactionTracker: fed every event of a binlog stream in order, it says
// after each one whether the stream stands at a transaction boundary — a place
// a checkpoint may sit because no transaction is half-written before it — and,
// when an event completes a transaction, which GTID that transaction carried.
//
// One state machine serves both flavours:
//
//   MySQL     GTID | ANONYMOUS_GTID, then
//               BEGIN ... XID | COMMIT | ROLLBACK     (a transaction)
//               XA START ... XA END, XA_PREPARE       (first phase of XA)
//               one statement (DDL, XA COMMIT)        (a standalone group)
//               TRANSACTION_PAYLOAD                   (compressed, opaque)
//   MariaDB   GTID (162) without FL_STANDALONE, then ... XID | COMMIT |
//               ROLLBACK | XA_PREPARE (no BEGIN follows the GTID)
//             GTID with FL_STANDALONE, then one statement (DDL, XA COMMIT)
//   No GTIDs  BEGIN ... XID | COMMIT | ROLLBACK, or a single statement,
//             possibly preceded by INTVAR / RAND / USER_VAR, or LOAD DATA's
//             BEGIN_LOAD_QUERY, APPEND_BLOCK..., EXECUTE_LOAD_QUERY, or row
//             events outside BEGIN up to the one flagged STMT_END_F.
//
// Events that belong to no transaction (FORMAT_DESCRIPTION, ROTATE, STOP,
// PREVIOUS_GTIDS, GTID_LIST, BINLOG_CHECKPOINT, heartbeats, INCIDENT, ...)
// leave the state as it is. A GTID event arriving while a transaction is open
// abandons the open one (it was cut off, as in a relay log after a reconnect)
// and says so. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/mariadb_gtid.h"
#include "binlog/mysql_gtid_set.h"

namespace sidecar::binlog {

using TransactionGtid = std::variant<MysqlGtid, MariadbGtid>;
std::string ToString(const TransactionGtid& gtid);

class TransactionTracker {
 public:
  struct Step {
    // After this event no transaction is open: a checkpoint may cover it.
    bool at_boundary = true;
    // This event completed a transaction (or was a whole one, like DDL).
    bool completed_transaction = false;
    // The completed transaction's GTID, when it had one.
    std::optional<TransactionGtid> gtid;
    // This event started a new group while another was still open.
    bool abandoned_open_transaction = false;
  };

  // Advances over `event`, governed by `fde`. Fails only on an event the
  // tracker must decode (GTID, QUERY, rows) that is malformed.
  Result<Step> Feed(const EventView& event, const FormatDescription& fde);

  bool at_boundary() const { return state_ == State::kIdle; }
  // Forgets any open transaction (e.g. after truncating to a boundary).
  void Reset();

 private:
  enum class State {
    kIdle,           // between transactions
    kAfterGtid,      // a GTID (MySQL) or a standalone GTID (MariaDB) opened a group
    kInTransaction,  // inside BEGIN (or MariaDB's non-standalone GTID) ... end
    kStatement,      // a group of one statement, started by its prelude events
  };

  Result<Step> OnGtid(const EventView& event);
  Result<Step> OnQuery(const EventView& event, const FormatDescription& fde);
  Result<Step> OnRows(const EventView& event, const FormatDescription& fde);
  Step Complete();
  Step Stay() const;

  State state_ = State::kIdle;
  std::optional<TransactionGtid> gtid_;  // of the open group
};

}  // namespace sidecar::binlog
