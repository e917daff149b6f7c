// BinlogFileReader: walks a binlog or relay-log file one event at a time.
//
// Memory is constant in the file's size: one buffer (4 MiB by default, less
// for a smaller file) that grows only for an event larger than itself, and only when the file really
// holds that many bytes. Each event is checked before it is returned:
//   - the file starts with the 4-byte magic and a FORMAT_DESCRIPTION event;
//   - the event's length is at least a header, at most kMaxEventSize, and
//     within the file (a shorter tail is a truncated event);
//   - its CRC32 matches, when the governing format description says events
//     carry one (the FDE's own CRC with the in-use flag cleared);
//   - in a binlog of MySQL >= 5.6.1 or MariaDB >= 5.3, a non-zero
//     next_position equals the offset just past the event. Relay logs carry
//     the source's positions, and older servers wrote positions relative to
//     the transaction cache inside transactions, so neither is checked.
// The first failure ends the walk: Next() returns Corruption (or Unsupported)
// and error_offset() names where. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"

namespace sidecar::binlog {

// No server writes a larger event: max_allowed_packet is capped at 1 GiB.
inline constexpr uint32_t kMaxEventSize = (1u << 30) + (1u << 16);

class BinlogFileReader {
 public:
  struct Options {
    size_t buffer_size = size_t(4) << 20;
  };

  static Result<std::unique_ptr<BinlogFileReader>> Open(const std::string& path, Options options);
  static Result<std::unique_ptr<BinlogFileReader>> Open(const std::string& path) {
    return Open(path, Options());
  }
  ~BinlogFileReader();
  BinlogFileReader(const BinlogFileReader&) = delete;
  BinlogFileReader& operator=(const BinlogFileReader&) = delete;

  // The next event, verified as described above. true: `*event` holds it,
  // valid until the next call. false: the file ended cleanly after the last
  // event. An error: the walk cannot go on; error_offset() says where.
  Result<bool> Next(EventView* event);

  // Offset in the file of the event that failed (or of the truncated tail).
  uint64_t error_offset() const { return error_offset_; }
  // Offset of the event the last successful Next() returned.
  uint64_t event_offset() const { return event_offset_; }
  // Offset just past the last event returned.
  uint64_t offset() const { return offset_ + pending_consume_; }
  uint64_t file_size() const { return file_size_; }
  // The format description governing the events returned so far.
  const std::optional<FormatDescription>& format() const { return format_; }
  // The first FDE's header flags: in-use (not closed cleanly), relay log.
  uint16_t first_fde_flags() const { return first_fde_flags_; }
  // True when the file holds a replica's relay log: its first FDE says so, or
  // a second FDE (the source's) follows the first.
  bool is_relay_log() const { return relay_log_; }

 private:
  BinlogFileReader(int fd, std::string path, uint64_t file_size, size_t buffer_size);

  // Makes at least `n` unread bytes available in the buffer, growing it when
  // `n` exceeds its capacity. REQUIRES: offset_ + n <= file_size_.
  Status Fill(size_t n);
  Status Fail(Status status, uint64_t offset);
  // Sets event->has_checksum from the governing FDE, then verifies the event.
  Status CheckEvent(EventView* event);

  int fd_;
  std::string path_;
  uint64_t file_size_;
  std::unique_ptr<uint8_t[]> buffer_;
  size_t capacity_;
  size_t head_ = 0;             // first unread byte in buffer_
  size_t tail_ = 0;             // end of valid bytes in buffer_
  uint64_t offset_ = 0;         // file offset of buffer_[head_]
  size_t pending_consume_ = 0;  // bytes of the last event, consumed on the next call
  uint64_t event_offset_ = 0;
  uint64_t error_offset_ = 0;
  bool failed_ = false;
  std::optional<FormatDescription> format_;
  uint16_t first_fde_flags_ = 0;
  bool relay_log_ = false;
  bool positions_are_offsets_ = false;  // see the class comment
};

}  // namespace sidecar::binlog
