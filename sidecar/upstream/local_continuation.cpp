#include "upstream/local_continuation.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "binlog/crc32.h"
#include "binlog/event_type.h"
#include "binlog/mariadb_gtid.h"
#include "binlog/mysql_gtid_set.h"
#include "protocol/wire_buffer.h"

namespace sidecar::upstream {
namespace {

using binlog::EventType;

constexpr size_t kEventSizeOffset = 9;
constexpr size_t kNextPositionOffset = 13;

void StoreLe32(uint8_t* at, uint32_t value) {
  for (int i = 0; i < 4; ++i) at[i] = uint8_t(value >> (8 * i));
}

bool IsTransactionStart(EventType type) {
  return type == EventType::kMariadbGtid || type == EventType::kGtid ||
         type == EventType::kGtidTagged || type == EventType::kAnonymousGtid;
}

}  // namespace

Result<std::string> NextLocalFileName(std::string_view file) {
  const size_t dot = file.rfind('.');
  const std::string_view digits = dot == std::string_view::npos ? "" : file.substr(dot + 1);
  const bool numeric = !digits.empty() && digits.size() <= 18 &&
                       digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (!numeric) {
    return Status::InvalidArgument(fmt::format(
        "cannot name the local file after {}: its name does not end in a number", file));
  }
  uint64_t number = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), number);
  return fmt::format("{}.{:0{}}", file.substr(0, dot), number + 1, digits.size());
}

LocalContinuation::LocalContinuation(const store::BinlogWriter* writer, binlog::Flavor flavor,
                                     bool new_file_first, Append append)
    : writer_(writer),
      flavor_(flavor),
      new_file_first_(new_file_first),
      append_(std::move(append)) {}

Status LocalContinuation::Take(const binlog::EventView& event) {
  const auto type = EventType(event.header.type);
  if (type == EventType::kHeartbeat || type == EventType::kHeartbeatV2 ||
      (event.header.flags & binlog::kFlagArtificial)) {
    return Status::Ok();
  }
  if (type == EventType::kFormatDescription) {
    auto fde = binlog::FormatDescription::Parse(event.bytes);
    if (!fde.ok()) return fde.status();
    format_.assign(event.bytes.begin(), event.bytes.end());
    format_has_crc_ = event.has_checksum;
    format_events_crc_ = fde->EventsHaveChecksum();
    if (!started_) return Status::Ok();
    if (Status s = CloseOpenFile(event.header); !s.ok()) return s;
    return AppendFormat();
  }
  if (!started_) return IsTransactionStart(type) ? Start(event) : Status::Ok();
  switch (type) {
    case EventType::kGtidList:
    case EventType::kPreviousGtids:
      return AppendStartState(event.header, event.has_checksum);
    case EventType::kBinlogCheckpoint:
      return Status::Ok();
    case EventType::kRotate:
      return AppendRotate(event.header, event.has_checksum, false);
    case EventType::kStop:
      if (Status s = AppendRewritten(event); !s.ok()) return s;
      return AppendRotate(event.header, false, true);
    default:
      return AppendRewritten(event);
  }
}

Status LocalContinuation::Start(const binlog::EventView& first_gtid) {
  const store::BinlogWriter::Tail tail = writer_->tail();
  if (tail.file.empty()) {
    return Status::InvalidArgument("a renumbered dump needs a stored file to continue from");
  }
  const bool checksum_differs = !format_.empty() && tail.events_have_checksum != format_events_crc_;
  const bool fresh = tail.closed || tail.end <= binlog::kBinlogMagicSize;
  if (fresh || new_file_first_ || checksum_differs) {
    if (Status s = StartFile(first_gtid.header); !s.ok()) return s;
  }
  started_ = true;
  return AppendRewritten(first_gtid);
}

Status LocalContinuation::StartFile(const binlog::EventHeader& cause) {
  if (format_.empty()) {
    return Status::Corruption(
        "the dump sent a transaction before any FORMAT_DESCRIPTION: no local file can start");
  }
  if (Status s = CloseOpenFile(cause); !s.ok()) return s;
  if (Status s = AppendFormat(); !s.ok()) return s;
  return AppendStartState(cause, format_events_crc_);
}

Status LocalContinuation::CloseOpenFile(const binlog::EventHeader& cause) {
  const store::BinlogWriter::Tail tail = writer_->tail();
  if (tail.closed || tail.end <= binlog::kBinlogMagicSize) return Status::Ok();
  return AppendRotate(cause, tail.events_have_checksum, false);
}

Status LocalContinuation::AppendFormat() {
  buffer_.assign(format_.begin(), format_.end());
  return AppendBuilt(format_has_crc_);
}

Status LocalContinuation::AppendStartState(const binlog::EventHeader& cause, bool with_crc) {
  const std::optional<store::ResumePoint> at = writer_->resume_point();
  const std::string state = at ? at->gtid_state : std::string();
  if (flavor_ == binlog::Flavor::kMariadb) {
    auto parsed = binlog::MariadbGtidState::Parse(state);
    if (!parsed.ok()) {
      return Status::Corruption(
          fmt::format("the store's GTID state '{}': {}", state, parsed.status().message()));
    }
    const std::vector<binlog::MariadbGtid> gtids = parsed->ToList();
    BeginEvent(cause, EventType::kGtidList, 0);
    protocol::PutU32(buffer_, uint32_t(gtids.size()));
    for (const auto& gtid : gtids) {
      protocol::PutU32(buffer_, gtid.domain_id);
      protocol::PutU32(buffer_, gtid.server_id);
      protocol::PutU64(buffer_, gtid.seq_no);
    }
  } else {
    auto parsed = binlog::MysqlGtidSet::Parse(state);
    if (!parsed.ok()) {
      return Status::Corruption(
          fmt::format("the store's GTID state '{}': {}", state, parsed.status().message()));
    }
    const std::vector<uint8_t> body = parsed->EncodeBinary();
    BeginEvent(cause, EventType::kPreviousGtids, 0);
    buffer_.insert(buffer_.end(), body.begin(), body.end());
  }
  if (with_crc) protocol::PutU32(buffer_, 0);
  return AppendBuilt(with_crc);
}

Status LocalContinuation::AppendRotate(const binlog::EventHeader& cause, bool with_crc,
                                       bool artificial) {
  // Only an open file is closed (CloseOpenFile, or the primary's ROTATE after a transaction).
  Result<std::string> next = NextLocalFileName(writer_->tail().file);
  if (!next.ok()) return next.status();
  BeginEvent(cause, EventType::kRotate, artificial ? binlog::kFlagArtificial : 0);
  protocol::PutU64(buffer_, binlog::kBinlogMagicSize);
  protocol::PutString(buffer_, *next);
  if (artificial) {
    // What a dump start looks like to the writer: no CRC, no position.
    StoreLe32(buffer_.data() + kEventSizeOffset, uint32_t(buffer_.size()));
    auto header = binlog::EventHeader::Parse(buffer_);
    if (!header.ok()) return header.status();
    return append_(binlog::EventView{*header, buffer_, false});
  }
  if (with_crc) protocol::PutU32(buffer_, 0);
  return AppendBuilt(with_crc);
}

Status LocalContinuation::AppendRewritten(const binlog::EventView& event) {
  buffer_.assign(event.bytes.begin(), event.bytes.end());
  return AppendBuilt(event.has_checksum);
}

void LocalContinuation::BeginEvent(const binlog::EventHeader& cause, binlog::EventType type,
                                   uint16_t flags) {
  buffer_.clear();
  protocol::PutU32(buffer_, cause.timestamp);
  protocol::PutU8(buffer_, uint8_t(type));
  protocol::PutU32(buffer_, cause.server_id);
  protocol::PutU32(buffer_, 0);  // event_size: AppendBuilt
  protocol::PutU32(buffer_, 0);  // end_log_pos: AppendBuilt
  protocol::PutU16(buffer_, flags);
}

Status LocalContinuation::AppendBuilt(bool with_crc) {
  const uint64_t size = buffer_.size();
  const uint64_t end = LocalStart() + size;
  if (end > std::numeric_limits<uint32_t>::max()) {
    return Status::Corruption(
        fmt::format("a {}-byte event would end at {} in the local file {}: past 4 GiB", size, end,
                    writer_->tail().file));
  }
  StoreLe32(buffer_.data() + kEventSizeOffset, uint32_t(size));
  StoreLe32(buffer_.data() + kNextPositionOffset, uint32_t(end));
  if (with_crc) {
    StoreLe32(buffer_.data() + size - binlog::kChecksumSize, binlog::ExpectedEventCrc(buffer_));
  }
  auto header = binlog::EventHeader::Parse(buffer_);
  if (!header.ok()) return header.status();
  return append_(binlog::EventView{*header, buffer_, with_crc});
}

uint64_t LocalContinuation::LocalStart() const {
  const store::BinlogWriter::Tail tail = writer_->tail();
  return tail.file.empty() || tail.closed ? binlog::kBinlogMagicSize : tail.end;
}

}  // namespace sidecar::upstream
