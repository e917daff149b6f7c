// Fuzz target: the binlog event decoders on arbitrary bytes (check-binlog on whole files is
// check_binlog_fuzzer).
//
// The input (after the binlog magic, if present) is read as consecutive events, split by their
// headers' event_size, CRCs not checked. A FORMAT_DESCRIPTION that parses governs the events
// after it (before the first: a MySQL 8.0-like description without checksums). Every event goes
// through every decoder (with its header type set to the decoder's type), then through the
// TransactionTracker. Asserts the round trips of what decoders return:
//   PREVIOUS_GTIDS set: DecodeBinary(EncodeBinary(s)) == s and Parse(ToString(s)) == s;
//   MariaDB GTID, GTID_LIST state: Parse(ToString(x)) == x;
// and that the tracker's Step agrees with at_boundary() and reports a GTID only for a completed
// transaction.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "binlog/control_events.h"
#include "binlog/event_header.h"
#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "binlog/mariadb_events.h"
#include "binlog/mysql_gtid_event.h"
#include "binlog/query_event.h"
#include "binlog/transaction_tracker.h"
#include "fuzz/fuzz_check.h"

namespace sidecar::binlog {
namespace {

FormatDescription DefaultFormat() {
  FormatDescription fde;
  fde.server_version = "8.0.40";
  fde.checksum = ChecksumAlgorithm::kOff;
  fde.post_header_lengths.assign(41, 0);
  fde.post_header_lengths[uint8_t(EventType::kQuery) - 1] = 13;
  fde.post_header_lengths[uint8_t(EventType::kTableMap) - 1] = 8;
  for (uint8_t type = 20; type <= 25; ++type) fde.post_header_lengths[type - 1] = 8;
  for (uint8_t type = 30; type <= 32; ++type) fde.post_header_lengths[type - 1] = 10;
  return fde;
}

EventView As(EventView event, EventType type) {
  event.header.type = uint8_t(type);
  return event;
}

void DecodeEvent(const EventView& event, const FormatDescription& fde) {
  (void)DecodeRotateEvent(As(event, EventType::kRotate));
  (void)DecodeXidEvent(As(event, EventType::kXid));
  (void)DecodeXaPrepareEvent(As(event, EventType::kXaPrepare));
  (void)DecodeHeartbeatEvent(As(event, EventType::kHeartbeat));
  (void)DecodeTransactionPayloadEvent(As(event, EventType::kTransactionPayload));
  (void)DecodeQueryEvent(As(event, EventType::kQuery), fde);
  (void)DecodeBinlogCheckpointEvent(As(event, EventType::kBinlogCheckpoint));
  (void)DecodeAnnotateRowsEvent(As(event, EventType::kAnnotateRows));
  (void)DecodeStartEncryptionEvent(As(event, EventType::kStartEncryption));
  (void)DecodeMysqlGtidEvent(As(event, EventType::kGtid));
  (void)DecodeMysqlGtidEvent(As(event, EventType::kAnonymousGtid));
  (void)DecodeMysqlGtidEvent(As(event, EventType::kGtidTagged));
  if (auto gtid = DecodeMariadbGtidEvent(As(event, EventType::kMariadbGtid)); gtid.ok()) {
    auto parsed = MariadbGtid::Parse(gtid->gtid.ToString());
    FUZZ_CHECK(parsed.ok() && *parsed == gtid->gtid);
  }
  if (auto list = DecodeGtidListEvent(As(event, EventType::kGtidList)); list.ok()) {
    const MariadbGtidState state = MariadbGtidState::FromList(list->gtids);
    auto parsed = MariadbGtidState::Parse(state.ToString());
    FUZZ_CHECK(parsed.ok() && *parsed == state);
  }
  if (auto set = DecodePreviousGtids(As(event, EventType::kPreviousGtids)); set.ok()) {
    auto decoded = MysqlGtidSet::DecodeBinary(set->EncodeBinary());
    FUZZ_CHECK(decoded.ok() && *decoded == *set);
    auto parsed = MysqlGtidSet::Parse(set->ToString());
    FUZZ_CHECK(parsed.ok() && *parsed == *set);
  }
}

void WalkEvents(Bytes input) {
  if (input.size() >= kBinlogMagicSize &&
      std::memcmp(input.data(), kBinlogMagic, kBinlogMagicSize) == 0) {
    input = input.subspan(kBinlogMagicSize);
  }
  FormatDescription fde = DefaultFormat();
  TransactionTracker tracker;
  while (!input.empty()) {
    auto header = EventHeader::Parse(input);
    if (!header.ok() || header->event_size > input.size()) return;
    const Bytes bytes = input.first(header->event_size);
    input = input.subspan(header->event_size);
    if (header->type == uint8_t(EventType::kFormatDescription)) {
      if (auto parsed = FormatDescription::Parse(bytes); parsed.ok())
        fde = std::move(parsed).value();
      continue;
    }
    const EventView event{*header, bytes, fde.EventsHaveChecksum()};
    DecodeEvent(event, fde);
    auto step = tracker.Feed(event, fde);
    if (!step.ok()) continue;
    FUZZ_CHECK(step->at_boundary == tracker.at_boundary());
    if (step->gtid) FUZZ_CHECK(step->completed_transaction);
  }
}

}  // namespace
}  // namespace sidecar::binlog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sidecar::binlog::WalkEvents(sidecar::Bytes(data, size));
  return 0;
}
