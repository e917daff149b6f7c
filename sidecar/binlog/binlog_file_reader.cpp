#include "binlog/binlog_file_reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "binlog/crc32.h"
#include "binlog/event_type.h"

namespace sidecar::binlog {

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::Open(const std::string& path,
                                                                 Options options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    ::close(fd);
    return Status::IOError(fmt::format("{} is not a regular file{}", path,
                                       err != 0 ? fmt::format(": {}", std::strerror(err)) : ""));
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  // No larger than the file: small files (and fuzz inputs) need no 4 MiB buffer.
  const size_t buffer_size = std::max<size_t>(
      std::min<uint64_t>(options.buffer_size, uint64_t(st.st_size)), kEventHeaderSize);
  return std::unique_ptr<BinlogFileReader>(
      new BinlogFileReader(fd, path, uint64_t(st.st_size), buffer_size));
}

BinlogFileReader::BinlogFileReader(int fd, std::string path, uint64_t file_size, size_t buffer_size)
    : fd_(fd),
      path_(std::move(path)),
      file_size_(file_size),
      buffer_(new uint8_t[buffer_size]),
      capacity_(buffer_size) {}

BinlogFileReader::~BinlogFileReader() { ::close(fd_); }

Status BinlogFileReader::Fail(Status status, uint64_t offset) {
  failed_ = true;
  error_offset_ = offset;
  return status;
}

Status BinlogFileReader::Fill(size_t n) {
  if (tail_ - head_ >= n) return Status::Ok();
  if (n > capacity_ - head_) {
    // Move the unread bytes to the front, into a larger buffer if need be.
    if (n > capacity_) {
      std::unique_ptr<uint8_t[]> grown(new uint8_t[n]);
      std::memcpy(grown.get(), buffer_.get() + head_, tail_ - head_);
      buffer_ = std::move(grown);
      capacity_ = n;
    } else {
      std::memmove(buffer_.get(), buffer_.get() + head_, tail_ - head_);
    }
    tail_ -= head_;
    head_ = 0;
  }
  while (tail_ - head_ < n) {
    const ssize_t got = ::read(fd_, buffer_.get() + tail_, capacity_ - tail_);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      return Status::IOError(fmt::format("cannot read {}: {}", path_, std::strerror(errno)));
    if (got == 0) {
      return Status::Corruption(fmt::format("{} shrank while being read", path_));
    }
    tail_ += size_t(got);
  }
  return Status::Ok();
}

Result<bool> BinlogFileReader::Next(EventView* event) {
  if (failed_) return Status::Corruption("the walk already failed");
  head_ += pending_consume_;
  offset_ += pending_consume_;
  pending_consume_ = 0;

  if (offset_ == 0) {
    if (file_size_ < kBinlogMagicSize) {
      return Fail(Status::Corruption(fmt::format(
                      "file is {} bytes, too short for the 4-byte binlog magic", file_size_)),
                  0);
    }
    if (Status s = Fill(kBinlogMagicSize); !s.ok()) return Fail(s, 0);
    if (std::memcmp(buffer_.get() + head_, kBinlogMagic, kBinlogMagicSize) != 0) {
      return Fail(Status::Corruption("file does not start with the binlog magic fe 62 69 6e"), 0);
    }
    head_ += kBinlogMagicSize;
    offset_ += kBinlogMagicSize;
  }

  const uint64_t left = file_size_ - offset_;
  if (left == 0) return false;
  if (left < kEventHeaderSize) {
    return Fail(Status::Corruption(fmt::format(
                    "{} trailing bytes at offset {}: a truncated event header", left, offset_)),
                offset_);
  }
  if (Status s = Fill(kEventHeaderSize); !s.ok()) return Fail(s, offset_);
  auto header = EventHeader::Parse(Bytes(buffer_.get() + head_, kEventHeaderSize));
  if (!header.ok()) return Fail(header.status(), offset_);
  if (header->event_size > kMaxEventSize) {
    return Fail(Status::Corruption(fmt::format("event at offset {} claims {} bytes, more than the "
                                               "{} any server writes",
                                               offset_, header->event_size, kMaxEventSize)),
                offset_);
  }
  if (header->event_size > left) {
    return Fail(Status::Corruption(fmt::format(
                    "event at offset {} ({}) claims {} bytes but only {} remain: truncated event",
                    offset_, EventTypeName(header->type), header->event_size, left)),
                offset_);
  }
  if (Status s = Fill(header->event_size); !s.ok()) return Fail(s, offset_);

  event->header = *header;
  event->bytes = Bytes(buffer_.get() + head_, header->event_size);
  if (Status s = CheckEvent(event); !s.ok()) return Fail(s, offset_);
  pending_consume_ = header->event_size;
  event_offset_ = offset_;
  return true;
}

Status BinlogFileReader::CheckEvent(EventView* event_out) {
  EventView& event = *event_out;
  const bool is_fde = event.header.type == uint8_t(EventType::kFormatDescription);
  if (!format_ && !is_fde) {
    return Status::Unsupported(fmt::format(
        "first event at offset {} is {}, not FORMAT_DESCRIPTION (binlog format before v4?)",
        offset_, EventTypeName(event.header.type)));
  }
  bool has_checksum;
  if (is_fde) {
    auto fde = FormatDescription::Parse(event.bytes);
    if (!fde.ok()) {
      return Status::Corruption(
          fmt::format("FORMAT_DESCRIPTION at offset {}: {}", offset_, fde.status().message()));
    }
    if (!format_) {
      first_fde_flags_ = event.header.flags;
      relay_log_ = event.header.flags & kFlagRelayLog;
      positions_are_offsets_ = fde->fde_has_checksum && !relay_log_;
    } else {
      relay_log_ = true;
      positions_are_offsets_ = false;
    }
    has_checksum = fde->fde_has_checksum;
    format_ = std::move(fde).value();
  } else {
    has_checksum = format_->EventsHaveChecksum();
  }
  event.has_checksum = has_checksum;

  if (has_checksum) {
    if (event.bytes.size() < kEventHeaderSize + kChecksumSize) {
      return Status::Corruption(fmt::format(
          "event at offset {} is {} bytes, too short for its CRC32", offset_, event.bytes.size()));
    }
    const uint32_t stored = StoredEventCrc(event.bytes);
    const uint32_t computed = ExpectedEventCrc(event.bytes);
    if (stored != computed) {
      return Status::Corruption(fmt::format(
          "event at offset {} ({}, {} bytes) fails its CRC32 check: stored {:#010x}, computed "
          "{:#010x}",
          offset_, EventTypeName(event.header.type), event.bytes.size(), stored, computed));
    }
  }

  const uint64_t end = offset_ + event.header.event_size;
  if (positions_are_offsets_ && event.header.next_position != 0 &&
      event.header.next_position != end) {
    return Status::Corruption(
        fmt::format("event at offset {} ({}) says the next event is at {}, but it ends at {}",
                    offset_, EventTypeName(event.header.type), event.header.next_position, end));
  }
  return Status::Ok();
}

}  // namespace sidecar::binlog
