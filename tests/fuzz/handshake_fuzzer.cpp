// Fuzz target: parsing of connection-phase and command-reply packets from a hostile peer.
//
// Input: byte 0 picks the session capabilities (bit 0 kClientDeprecateEof, bit 1
// kClientSessionTrack; kClientProtocol41 always) and, in its top 5 bits, a column count; the
// rest is one payload. Client side (what a primary sends): ParseGreeting, ParseOk, ParseErr,
// ParseEof, ParseAuthSwitchRequest, ParseColumnDefinition, ParseTextRow, and ReadResultSet
// reading the payload as a packet stream after a column-count packet. Server side (what a
// replica sends): ParseHandshakeResponse. Asserts the round trips
// ParseAuthSwitchRequest(Build(x)) == x and ParseTextRow(BuildTextRow(row)) == row, and that
// every row ReadResultSet returns has one value per column.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/memory_connection.h"
#include "protocol/constants.h"
#include "protocol/generic_packets.h"
#include "protocol/handshake_packets.h"
#include "protocol/result_set.h"

namespace sidecar::protocol {
namespace {

void CheckAuthSwitch(Bytes payload) {
  auto request = ParseAuthSwitchRequest(payload);
  if (!request.ok()) return;
  Buffer built;
  BuildAuthSwitchRequest(built, *request);
  auto again = ParseAuthSwitchRequest(built);
  FUZZ_CHECK(again.ok() && again->plugin_name == request->plugin_name &&
             again->plugin_data == request->plugin_data);
}

void CheckTextRow(Bytes payload, size_t columns) {
  auto row = ParseTextRow(payload, columns);
  if (!row.ok()) return;
  FUZZ_CHECK(row->size() == columns);
  Buffer built;
  BuildTextRow(built, *row);
  auto again = ParseTextRow(built, columns);
  FUZZ_CHECK(again.ok() && *again == *row);
}

void CheckResultSet(Bytes stream, uint64_t capabilities, size_t columns) {
  std::vector<uint8_t> unused;
  PacketCodec codec(std::make_unique<fuzz::MemoryConnection>(stream, stream.size() + 1, &unused),
                    1 << 16);
  codec.set_check_sequence(false);
  const uint8_t first[] = {uint8_t(columns)};
  auto rs = ReadResultSet(codec, first, capabilities);
  if (!rs.ok()) return;
  FUZZ_CHECK(rs->columns.size() == columns);
  for (const Row& row : rs->rows) FUZZ_CHECK(row.size() == columns);
}

}  // namespace
}  // namespace sidecar::protocol

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sidecar::protocol;
  if (size < 1) return 0;
  const uint64_t capabilities = kClientProtocol41 | kClientSecureConnection | kClientPluginAuth |
                                ((data[0] & 1) ? kClientDeprecateEof : 0) |
                                ((data[0] & 2) ? kClientSessionTrack : 0);
  const size_t columns = data[0] >> 3;
  const sidecar::Bytes payload(data + 1, size - 1);
  (void)ParseGreeting(payload);
  (void)ParseOk(payload, capabilities);
  (void)ParseErr(payload, capabilities);
  (void)ParseEof(payload, capabilities);
  (void)ParseColumnDefinition(payload, capabilities);
  (void)ParseHandshakeResponse(payload);
  CheckAuthSwitch(payload);
  CheckTextRow(payload, columns);
  CheckResultSet(payload, capabilities, columns);
  return 0;
}
