// FetchFileRange: asks the primary again for the bytes [from, to) of its binlog file `file`,
// to repair a damaged stored range (see store/file_repair.h).
//
// A short connection of its own: the session settings of a replica (SetUpReplicaSession:
// checksum negotiation, so events arrive exactly as the primary's file holds them), then a
// non-blocking COM_BINLOG_DUMP of `file` from `from` with server_id 0 and no
// COM_REGISTER_SLAVE, so the puller's own registration is not disturbed. Every event is
// verified by BinlogStream (length, CRC32, sequence); the artificial ROTATE, a re-sent
// FORMAT_DESCRIPTION or GTID_LIST (next_position 0) and heartbeats are skipped; every other
// event must start where the previous one ended (its next_position says so) and is kept,
// until `to` is reached exactly.
//
// Errors: the primary no longer has the file (its ERR 1236, quoted), an event that does not
// continue at the expected offset, an event crossing `to`, or the stream leaving the file or
// ending before `to`. REQUIRES: 4 <= from < to, and `from` is an event boundary of `file`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "protocol/client_session.h"
#include "upstream/replica_conversation.h"

namespace sidecar::upstream {

Result<std::vector<uint8_t>> FetchFileRange(const protocol::ClientOptions& client,
                                            const ConversationOptions& conversation,
                                            const std::string& file, uint64_t from, uint64_t to);

}  // namespace sidecar::upstream
