#include "binlog/mariadb_events.h"

#include <fmt/format.h>

namespace sidecar::binlog {
namespace {

// seq_no, domain_id, flags2, then commit_id and/or the XID, zero-padded to this.
constexpr size_t kGtidPostHeaderLength = 19;
constexpr uint32_t kGtidListCountMask = (1u << 28) - 1;
constexpr size_t kGtidListEntryLength = 4 + 4 + 8;
// MariaDB (seen from 10.5 to 11.8) follows the count of an empty list with two
// zero bytes.
constexpr size_t kEmptyGtidListPadding = 2;
constexpr size_t kEncryptionNonceLength = 12;

Status Truncated(std::string_view event_name, const EventView& event, std::string_view what) {
  return Status::Corruption(
      fmt::format("{} event of {} bytes is truncated: {}", event_name, event.bytes.size(), what));
}

}  // namespace

Result<MariadbGtidEvent> DecodeMariadbGtidEvent(const EventView& event) {
  ByteReader r(event.Body());
  MariadbGtidEvent g;
  g.gtid.seq_no = r.U64();
  g.gtid.domain_id = r.U32();
  g.gtid.server_id = event.header.server_id;
  g.flags = r.U8();
  if (g.flags & MariadbGtidEvent::kGroupCommitId) g.commit_id = r.U64();
  if (g.flags & (MariadbGtidEvent::kPreparedXa | MariadbGtidEvent::kCompletedXa)) {
    g.xa_format_id = r.U32();
    const uint8_t gtrid_length = r.U8();
    const uint8_t bqual_length = r.U8();
    g.xa_gtrid = r.TakeString(gtrid_length);
    g.xa_bqual = r.TakeString(bqual_length);
    if (!r.ok()) return Truncated("MARIA_GTID", event, "XA flag set but XID incomplete");
  }
  if (r.position() < kGtidPostHeaderLength) r.Skip(kGtidPostHeaderLength - r.position());
  if (!r.ok()) return Truncated("MARIA_GTID", event, "post-header incomplete");
  return g;
}

Result<GtidListEvent> DecodeGtidListEvent(const EventView& event) {
  ByteReader r(event.Body());
  const uint32_t count_and_flags = r.U32();
  if (!r.ok()) return Truncated("MARIA_GTID_LIST", event, "no count");
  const uint32_t count = count_and_flags & kGtidListCountMask;
  const bool padded_empty_list = count == 0 && r.remaining() == kEmptyGtidListPadding;
  if (r.remaining() != uint64_t(count) * kGtidListEntryLength && !padded_empty_list) {
    return Status::Corruption(
        fmt::format("MARIA_GTID_LIST says {} GTIDs ({} bytes) but holds {} bytes", count,
                    uint64_t(count) * kGtidListEntryLength, r.remaining()));
  }
  GtidListEvent list;
  list.flags = uint8_t(count_and_flags >> 28);
  list.gtids.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    MariadbGtid gtid;
    gtid.domain_id = r.U32();
    gtid.server_id = r.U32();
    gtid.seq_no = r.U64();
    list.gtids.push_back(gtid);
  }
  return list;
}

Result<BinlogCheckpointEvent> DecodeBinlogCheckpointEvent(const EventView& event) {
  ByteReader r(event.Body());
  const uint32_t length = r.U32();
  BinlogCheckpointEvent checkpoint{r.TakeString(length)};
  if (!r.ok()) return Truncated("MARIA_BINLOG_CHECKPOINT", event, "file name incomplete");
  return checkpoint;
}

Result<AnnotateRowsEvent> DecodeAnnotateRowsEvent(const EventView& event) {
  const Bytes body = event.Body();
  return AnnotateRowsEvent{{reinterpret_cast<const char*>(body.data()), body.size()}};
}

Result<StartEncryptionEvent> DecodeStartEncryptionEvent(const EventView& event) {
  ByteReader r(event.Body());
  StartEncryptionEvent e;
  e.scheme = r.U8();
  e.key_version = r.U32();
  r.Skip(kEncryptionNonceLength);
  if (!r.ok()) return Truncated("MARIA_START_ENCRYPTION", event, "nonce incomplete");
  return e;
}

}  // namespace sidecar::binlog
