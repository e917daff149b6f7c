// The admin actions of SPEC.md §5 on the serve port, from parsed statements to ServerContext
// calls, with MySQL's rules and error codes:
//   START|STOP SLAVE|REPLICA   the puller (SQL_THREAD alone: the store, always running: no-op);
//                              the context's Start/Stop are idempotent, as MySQL's are
//   CHANGE MASTER TO / CHANGE REPLICATION SOURCE TO
//                              HOST, PORT, USER, PASSWORD, LOG_FILE, LOG_POS, USE_GTID
//                              (no|slave_pos|current_pos), AUTO_POSITION (0|1); other options
//                              are refused naming the option (ERR 1235); the upstream must be
//                              stopped (ERR 1198); persisted by the context
//   PURGE BINARY LOGS TO 'f' | BEFORE datetime
//                              an unknown file is ERR 1373; a refusal of the context (a reader
//                              or the replica still needs the file) is ERR 1378 with its reason
//   KILL [CONNECTION|QUERY] n  an unknown id is ERR 1094; a non-admin may only end connections
//                              of its own user (a replica's STOP SLAVE kills its dump
//                              connection this way), else ERR 1095
// Each returns nullopt for success (the caller sends OK) or the ERR to send. Role checks (who
// may run which statement) are the responder's; KILL's ownership rule is here.
//
// Thread-safety: stateless; the ServerContext is thread-safe.
#pragma once

#include <optional>

#include "downstream/server_context.h"
#include "downstream/session_state.h"
#include "downstream/statement_parser.h"
#include "protocol/generic_packets.h"

namespace sidecar::downstream {

std::optional<protocol::ErrPacket> RunStartStopSlave(const Statement& st, ServerContext& context);
std::optional<protocol::ErrPacket> RunChangeMaster(const Statement& st, ServerContext& context);
std::optional<protocol::ErrPacket> RunPurge(const Statement& st, ServerContext& context);
std::optional<protocol::ErrPacket> RunKill(const Statement& st, const SessionState& session,
                                           ServerContext& context);

}  // namespace sidecar::downstream
