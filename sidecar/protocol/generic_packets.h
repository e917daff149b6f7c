// OK, ERR and EOF packets: parse and build, for both directions.
//
// `capabilities` is what both sides agreed on (the client's response ANDed with the server's
// greeting). With kClientProtocol41 the ERR carries a SQL state and the EOF warnings/status;
// with kClientDeprecateEof a result set ends with an OK packet whose header is 0xFE.
// Parsers never read outside the payload; a malformed payload is a Corruption naming the
// packet. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/byte_reader.h"
#include "base/status.h"
#include "protocol/packet_codec.h"
#include "protocol/wire_buffer.h"

namespace sidecar::protocol {

struct OkPacket {
  uint64_t affected_rows = 0;
  uint64_t last_insert_id = 0;
  uint16_t status_flags = 0;
  uint16_t warnings = 0;
  std::string info;
};

struct ErrPacket {
  uint16_t code = 0;
  std::string sql_state = "HY000";  // 5 characters
  std::string message;

  // "ERROR 1045 (28000): Access denied for user ..." as the mysql client prints it.
  std::string ToString() const;
};

struct EofPacket {
  uint16_t warnings = 0;
  uint16_t status_flags = 0;
};

// Recognisers by the first byte (and length, which tells an EOF from a row starting 0xFE).
bool IsOkPacket(Bytes payload);   // 0x00, at least 7 bytes
bool IsErrPacket(Bytes payload);  // 0xFF
bool IsEofPacket(Bytes payload);  // 0xFE, shorter than 9 bytes
// The end of a result set's rows: EOF, or OK-with-0xFE under kClientDeprecateEof.
bool IsResultSetTerminator(Bytes payload, uint64_t capabilities);

// Accepts the header 0x00 and 0xFE (the OK that replaces EOF).
Result<OkPacket> ParseOk(Bytes payload, uint64_t capabilities);
Result<ErrPacket> ParseErr(Bytes payload, uint64_t capabilities);
Result<EofPacket> ParseEof(Bytes payload, uint64_t capabilities);

// `header` is 0x00, or 0xFE for the OK that ends a result set under kClientDeprecateEof.
void BuildOk(Buffer& out, const OkPacket& ok, uint64_t capabilities, uint8_t header = 0x00);
void BuildErr(Buffer& out, const ErrPacket& err, uint64_t capabilities);
void BuildEof(Buffer& out, const EofPacket& eof, uint64_t capabilities);

// Build and write as one packet (continuing the codec's sequence).
Status SendOk(PacketCodec& codec, const OkPacket& ok, uint64_t capabilities);
Status SendErr(PacketCodec& codec, const ErrPacket& err, uint64_t capabilities);

// A Status for an ERR that a peer sent, e.g. "127.0.0.1:3306 answered ERROR 1064 (42000): ...".
// The code is InvalidArgument: the server refused what we asked.
Status ServerError(const std::string& peer, const ErrPacket& err, const std::string& context);

// `s` with "context: " before its message, same code. REQUIRES: !s.ok().
Status WithContext(const Status& s, std::string_view context);

}  // namespace sidecar::protocol
