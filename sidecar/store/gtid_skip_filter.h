// GtidSkipFilter: what a GTID dump leaves out. Fed every event a reader
// returns, in order, it says whether to send it: whole event groups (from
// their GTID event through the event that completes them, as the
// TransactionTracker sees it) are skipped when the replica already has them;
// every event outside a skipped group is sent.
//
//   MySQL (COM_BINLOG_DUMP_GTID): a group is skipped when the replica's GTID
//     set contains its GTID, as a MySQL source does. Anonymous groups are sent.
//   MariaDB (@slave_connect_state): per domain still pending, groups are
//     skipped until the replica's own GTID (same server_id, seq_no >= its
//     seq_no) is reached; that group is skipped too when it is the replica's
//     GTID exactly and sent when it is a later one, and from then on the domain
//     is no longer filtered. Domains not pending are sent in full. This is how
//     a MariaDB primary positions a GTID dump (sql_repl.cc). In strict mode
//     reaching a later seq_no of the replica's server first is MariaDB's
//     ER_GTID_START_FROM_BINLOG_HOLE, returned as InvalidArgument with the
//     text the replica expects.
//
// A value type; not thread-safe (one per session).
#pragma once

#include <optional>
#include <vector>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/mariadb_gtid.h"
#include "binlog/mysql_gtid_set.h"
#include "binlog/transaction_tracker.h"

namespace sidecar::store {

class GtidSkipFilter {
 public:
  // Sends everything.
  GtidSkipFilter() = default;
  static GtidSkipFilter Mysql(binlog::MysqlGtidSet replica_has);
  // `pending`: per domain, the replica's last GTID still to be found.
  static GtidSkipFilter Mariadb(std::vector<binlog::MariadbGtid> pending, bool strict);

  // true: send `event`; false: skip it. Errors: a GTID event that does not
  // decode (Corruption), the MariaDB strict-mode hole (InvalidArgument).
  Result<bool> ShouldSend(const binlog::EventView& event, const binlog::FormatDescription& fde);

  // MariaDB: the domains whose start GTID has not been reached yet.
  const std::vector<binlog::MariadbGtid>& pending() const { return pending_; }

 private:
  enum class Mode { kSendAll, kMysql, kMariadb };

  // Whether the group this GTID event starts is skipped.
  Result<bool> SkipGroup(const binlog::EventView& event);
  Result<bool> SkipMariadbGroup(const binlog::MariadbGtid& gtid);

  Mode mode_ = Mode::kSendAll;
  binlog::MysqlGtidSet mysql_has_;
  std::vector<binlog::MariadbGtid> pending_;  // MariaDB, one per domain
  bool strict_ = false;
  bool skipping_ = false;               // inside a skipped group
  binlog::TransactionTracker tracker_;  // fed the events of a skipped group
};

// True for the events a binlog file holds outside any transaction at its
// start or end (FORMAT_DESCRIPTION, PREVIOUS_GTIDS, GTID_LIST,
// BINLOG_CHECKPOINT, START_ENCRYPTION, ROTATE, STOP).
bool IsFileControlEvent(uint8_t type);

// True for the events that open a GTID group (MySQL GTID, ANONYMOUS_GTID,
// GTID_TAGGED; MariaDB GTID).
bool IsGtidEvent(uint8_t type);

}  // namespace sidecar::store
