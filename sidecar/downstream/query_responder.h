// QueryResponder: answers one COM_QUERY of a downstream connection: the queries replica I/O
// threads and tools send while connecting, and the admin statements of SPEC.md §5.
//
// Contract: Answer() writes exactly one complete response (OK, ERR or result set) to the codec
// and returns OK; a statement it does not know, a statement the session's role may not run, or
// a failing admin action is an ERR packet with a clear message, and the connection stays
// usable. A non-OK Status means the transport failed (the connection must end). SET statements
// update `session`. Statements are matched case- and space-insensitively, with or without a
// trailing ';'.
//
// Thread-safety: Answer() runs concurrently from many connection threads; the responder only
// reads its ServerContext (which is itself thread-safe).
#pragma once

#include <string_view>

#include "base/status.h"
#include "downstream/server_context.h"
#include "downstream/session_state.h"
#include "protocol/packet_codec.h"

namespace sidecar::downstream {

class QueryResponder {
 public:
  explicit QueryResponder(ServerContext* context) : context_(context) {}

  Status Answer(std::string_view sql, SessionState& session, protocol::PacketCodec& codec);

 private:
  ServerContext* const context_;
};

}  // namespace sidecar::downstream
