#include "store/stored_file_scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/control_events.h"
#include "binlog/crc32.h"
#include "binlog/event_type.h"

namespace sidecar::store {
namespace {

constexpr size_t kWindowSize = size_t(1) << 20;

// A read window over [0, end) of a file: Get(offset, n) returns the n bytes
// at offset, reading ahead a window's worth at a time.
class Window {
 public:
  Window(const RandomAccessFile& file, uint64_t end) : file_(file), end_(end) {}

  // REQUIRES: offset + n <= end.
  Result<Bytes> Get(uint64_t offset, size_t n) {
    if (offset < start_ || offset + n > start_ + size_) {
      const size_t want = size_t(std::min<uint64_t>(std::max(n, kWindowSize), end_ - offset));
      if (buffer_.size() < want) buffer_.resize(want);
      auto got = file_.Read(offset, std::span<uint8_t>(buffer_.data(), want));
      if (!got.ok()) return got.status();
      start_ = offset;
      size_ = got->size();
      if (size_ < n) {
        return Status::IOError(
            fmt::format("file shrank to {} bytes while being read", offset + size_));
      }
    }
    return Bytes(buffer_.data() + (offset - start_), n);
  }

 private:
  const RandomAccessFile& file_;
  const uint64_t end_;
  std::vector<uint8_t> buffer_;
  uint64_t start_ = 0;
  size_t size_ = 0;
};

}  // namespace

Result<StoredFileScan> ScanStoredFile(Env& env, const std::string& path, const std::string& name,
                                      uint64_t checkpoint, uint64_t end, StreamState stream) {
  StoredFileScan scan{.boundary = binlog::kBinlogMagicSize,
                      .damage = Status::Ok(),
                      .tail = "",
                      .format = std::nullopt,
                      .rotates_to = "",
                      .stream = std::move(stream)};
  const auto damaged = [&](uint64_t offset, std::string_view what) {
    scan.damage =
        Status::Corruption(fmt::format("{} is damaged at offset {}: {}", name, offset, what));
    scan.stream.RewindToBoundary();
    return scan;
  };
  // A failed check of the event at `offset`: damage before the checkpoint,
  // the start of the unsynced tail past it.
  const auto stop = [&](uint64_t offset, std::string_view what) {
    if (offset < checkpoint) return damaged(offset, what);
    scan.tail = std::string(what);
    scan.stream.RewindToBoundary();
    return scan;
  };
  const auto checkpoint_inside_transaction = [&] {
    return damaged(scan.boundary, fmt::format("the checkpoint at {} falls inside the transaction "
                                              "that starts here",
                                              checkpoint));
  };
  auto file = env.OpenRandomAccess(path);
  if (!file.ok()) return file.status();
  Window window(**file, end);
  if (end < binlog::kBinlogMagicSize) return damaged(0, "shorter than the 4-byte binlog magic");
  auto magic = window.Get(0, binlog::kBinlogMagicSize);
  if (!magic.ok()) return magic.status();
  if (std::memcmp(magic->data(), binlog::kBinlogMagic, binlog::kBinlogMagicSize) != 0) {
    return damaged(0, "no binlog magic fe 62 69 6e");
  }

  bool positions_are_offsets = false;
  std::optional<binlog::FormatDescription> format;
  std::string rotates_to;
  uint64_t offset = binlog::kBinlogMagicSize;
  while (offset < end) {
    if (offset == checkpoint && scan.boundary != checkpoint) return checkpoint_inside_transaction();
    if (end - offset < binlog::kEventHeaderSize) return stop(offset, "a truncated event header");
    auto head = window.Get(offset, binlog::kEventHeaderSize);
    if (!head.ok()) return head.status();
    auto header = binlog::EventHeader::Parse(*head);
    if (!header.ok()) return stop(offset, header.status().message());
    const std::string type = binlog::EventTypeName(header->type);
    if (offset < checkpoint && header->event_size > checkpoint - offset) {
      return damaged(offset, fmt::format("{} event of {} bytes runs past the checkpoint at {}",
                                         type, header->event_size, checkpoint));
    }
    if (header->event_size > binlog::kMaxEventSize || header->event_size > end - offset) {
      return stop(offset,
                  fmt::format("{} event of {} bytes runs past {}", type, header->event_size, end));
    }
    auto bytes = window.Get(offset, header->event_size);
    if (!bytes.ok()) return bytes.status();
    binlog::EventView event{.header = *header, .bytes = *bytes, .has_checksum = false};
    const bool is_fde = header->type == uint8_t(binlog::EventType::kFormatDescription);
    if (is_fde) {
      auto fde = binlog::FormatDescription::Parse(event.bytes);
      if (!fde.ok()) return stop(offset, fde.status().message());
      if (!format) positions_are_offsets = fde->fde_has_checksum;
      format = std::move(fde).value();
    } else if (!format) {
      return stop(offset, fmt::format("{} event before any FORMAT_DESCRIPTION", type));
    }
    event.has_checksum = is_fde ? format->fde_has_checksum : format->EventsHaveChecksum();
    if (event.has_checksum) {
      if (event.bytes.size() < binlog::kEventHeaderSize + binlog::kChecksumSize) {
        return stop(offset, fmt::format("{} event too short for its CRC32", type));
      }
      if (binlog::StoredEventCrc(event.bytes) != binlog::ExpectedEventCrc(event.bytes)) {
        return stop(offset, fmt::format("{} event fails its CRC32 check", type));
      }
    } else if (offset >= checkpoint) {
      return stop(offset, fmt::format("{} event has no CRC32 to verify it by", type));
    }
    const uint64_t event_end = offset + header->event_size;
    if (positions_are_offsets && header->next_position != 0 &&
        header->next_position != uint32_t(event_end)) {
      return stop(offset, fmt::format("{} event says it ends at {}, but it ends at {}", type,
                                      header->next_position, event_end));
    }
    auto step = scan.stream.Observe(event, *format);
    if (!step.ok()) return stop(offset, step.status().message());
    if (header->type == uint8_t(binlog::EventType::kRotate)) {
      auto rotate = binlog::DecodeRotateEvent(event);
      if (!rotate.ok()) return stop(offset, rotate.status().message());
      rotates_to = rotate->next_file;
    } else {
      rotates_to.clear();
    }
    offset = event_end;
    if (step->at_boundary) {
      scan.boundary = offset;
      if (is_fde || !scan.format) scan.format = format;
      scan.rotates_to = rotates_to;
    }
  }
  if (scan.boundary < checkpoint) return checkpoint_inside_transaction();
  if (scan.boundary < end) {
    scan.tail = "an unfinished transaction";
    scan.stream.RewindToBoundary();
  }
  return scan;
}

}  // namespace sidecar::store
