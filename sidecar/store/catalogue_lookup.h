// Catalogue lookups: where a GTID dump starts, found from the file
// catalogue's start states (GTID_LIST / PREVIOUS_GTIDS) without scanning the
// store, then by reading the one file chosen (and, only when a requested GTID
// is not settled by that file or the catalogue, the newest file).
//
// MariaDB (@slave_connect_state), as a MariaDB primary does (sql_repl.cc):
//   1. The file: the newest whose start state the replica already has. For
//      every GTID D-S-N of the file's start state the replica needs a GTID in
//      domain D; when it is from the same server S its seq_no must be >= N,
//      and equal only when D-S-N is the last GTID of domain D in that state
//      (then the domain needs no skipping at all). None: the history is
//      purged.
//   2. In that file: GtidSkipFilter skips, per domain, up to the replica's GTID.
//      The start offset is the first event group the replica does not have.
//   3. A requested GTID the store does not hold (no GTID of that domain and
//      server reaches its seq_no, though the domain exists) is MariaDB's
//      "not in the master's binlog" error, with the "diverged" variant when the
//      domain holds higher seq_nos.
// MySQL (COM_BINLOG_DUMP_GTID), as a MySQL source does (Binlog_sender):
//   1. With the source's server_uuid known: a replica holding a higher gno of
//      that uuid than the store is "Replica has more GTIDs than the source".
//   2. The oldest file's PREVIOUS_GTIDS not within the replica's set: purged.
//   3. The file: the newest whose PREVIOUS_GTIDS the replica's set contains;
//      in it GtidSkipFilter skips every group whose GTID the replica has, and
//      the start offset is the first group it does not skip.
//
// Errors meant for the replica carry, as their message, the exact text a
// MySQL/MariaDB primary sends (the server sends it as error 1236,
// ER_MASTER_FATAL_ERROR_READING_BINLOG): purged history is NotFound, a request
// the store cannot serve (ahead, diverged, strict-mode hole) InvalidArgument.
// Corruption and IOError come from the files or the catalogue.
//
// Thread-safe as far as the StoredBinlog is (it is: any number of lookups and
// readers may run at once).
#pragma once

#include <optional>
#include <vector>

#include "base/status.h"
#include "binlog/gtid_uuid.h"
#include "binlog/mariadb_gtid.h"
#include "binlog/mysql_gtid_set.h"
#include "store/binlog_reader.h"
#include "store/durable_position.h"
#include "store/gtid_skip_filter.h"

namespace sidecar::store {

struct GtidStart {
  // Where to open the BinlogReader: the first event group the replica lacks,
  // or, when it lacks none of the chosen file, that file's durable end.
  BinlogPosition position;
  // Feed it every event read from `position` on; it skips the groups the
  // replica already has (in other domains, or in later files).
  GtidSkipFilter filter;
};

Result<GtidStart> FindMariadbGtidStart(const StoredBinlog& store,
                                       const binlog::MariadbGtidPosition& replica, bool strict);

// `source_uuid`: the primary's server_uuid, when known (step 1 above).
Result<GtidStart> FindMysqlGtidStart(const StoredBinlog& store, const binlog::MysqlGtidSet& replica,
                                     const std::optional<binlog::Uuid>& source_uuid);

// MariaDB's rule 1 above for one file: whether the replica already has
// everything before a file whose GTID_LIST is `start_list` (in list order).
bool MariadbReplicaHasStartState(const binlog::MariadbGtidPosition& replica,
                                 const std::vector<binlog::MariadbGtid>& start_list);

}  // namespace sidecar::store
