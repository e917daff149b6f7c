#include "store/binlog_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "binlog/binlog_file_reader.h"
#include "binlog/crc32.h"
#include "binlog/event_type.h"

namespace sidecar::store {

using binlog::EventView;
using binlog::kBinlogMagic;
using binlog::kBinlogMagicSize;
using binlog::kChecksumSize;
using binlog::kEventHeaderSize;

namespace {

// The latest live entry named `name`, or nullptr.
const FileCatalogEntry* FindByName(const std::vector<FileCatalogEntry>& files,
                                   std::string_view name) {
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    if (it->name == name && it->state != FileState::kPurging) return &*it;
  }
  return nullptr;
}

const FileCatalogEntry* FindBySeq(const std::vector<FileCatalogEntry>& files, int64_t seq) {
  for (const FileCatalogEntry& entry : files) {
    if (entry.seq == seq && entry.state != FileState::kPurging) return &entry;
  }
  return nullptr;
}

}  // namespace

BinlogReader::BinlogReader(const StoredBinlog& store, Options options)
    : store_(store),
      buffer_(new uint8_t[std::max(options.buffer_size, kEventHeaderSize)]),
      capacity_(std::max(options.buffer_size, kEventHeaderSize)) {}

BinlogReader::~BinlogReader() = default;

Result<std::unique_ptr<BinlogReader>> BinlogReader::Open(const StoredBinlog& store,
                                                         std::string_view file, uint64_t offset,
                                                         Options options) {
  if (offset < kBinlogMagicSize) {
    return Status::InvalidArgument(fmt::format(
        "cannot read {} from offset {}: binlog events start at offset 4", file, offset));
  }
  std::unique_ptr<BinlogReader> reader(new BinlogReader(store, options));
  // The generation first: a reset after this point is noticed by Next().
  reader->generation_ = store.durable->generation();
  auto files = store.catalogue->Files();
  if (!files.ok()) return files.status();
  reader->files_ = std::move(files).value();
  const FileCatalogEntry* entry = FindByName(reader->files_, file);
  if (entry == nullptr) {
    return Status::NotFound(
        fmt::format("binlog file {} is not in the store (purged, or not received yet)", file));
  }
  if (Status s = reader->OpenFile(*entry); !s.ok()) return s;

  auto readable = reader->ReadableEnd();
  if (!readable.ok()) return readable.status();
  if (offset > readable->end) {
    return Status::InvalidArgument(
        fmt::format("cannot read {} from offset {}: the durable end of that file is at {}", file,
                    offset, readable->end));
  }
  if (offset > kBinlogMagicSize) {
    // Load the file's FORMAT_DESCRIPTION (durable: it precedes `offset`), then
    // move to the requested event.
    if (Status s = reader->CheckMagic(); !s.ok()) return s;
    EventView fde;
    if (Status s = reader->ReadEvent(readable->end, &fde); !s.ok()) return s;
    if (!reader->format_) {
      return reader->Corrupt(kBinlogMagicSize, "is not a FORMAT_DESCRIPTION event");
    }
    if (offset < reader->offset_) {
      return Status::InvalidArgument(
          fmt::format("cannot read {} from offset {}: that is inside its FORMAT_DESCRIPTION event "
                      "(offsets 4 to {})",
                      file, offset, reader->offset_));
    }
    reader->offset_ = offset;
  }
  return reader;
}

Status BinlogReader::OpenFile(const FileCatalogEntry& entry) {
  auto file = store_.env->OpenRandomAccess(store_.binlog_dir + "/" + entry.name);
  if (!file.ok()) {
    if (file.status().code() == Status::Code::kNotFound) {
      return Status::NotFound(fmt::format(
          "binlog file {} was purged before this reader could read it; re-position", entry.name));
    }
    return file.status();
  }
  file_ = std::move(file).value();
  current_ = entry;
  offset_ = 0;
  buffer_offset_ = 0;
  buffered_ = 0;
  format_.reset();
  format_event_.clear();
  positions_are_offsets_ = false;
  first_event_of_file_ = false;
  return Status::Ok();
}

Status BinlogReader::RefreshCurrentEntry() {
  auto files = store_.catalogue->Files();
  if (!files.ok()) return files.status();
  files_ = std::move(files).value();
  const FileCatalogEntry* entry = FindBySeq(files_, current_.seq);
  if (entry == nullptr) {
    return Status::NotFound(fmt::format(
        "binlog file {} was purged while this reader was reading it (at offset {}); re-position",
        current_.name, offset_));
  }
  current_ = *entry;
  return Status::Ok();
}

Result<BinlogReader::Readable> BinlogReader::ReadableEnd() {
  const BinlogPosition durable = store_.durable->Get();
  if (durable.file_seq == current_.seq) return Readable{durable.offset, false};
  if (durable.file_seq < current_.seq) return Readable{offset_, false};
  // The durable end has left this file: it is complete, and the catalogue
  // holds its durable size.
  if (current_.size <= offset_) {
    if (Status s = RefreshCurrentEntry(); !s.ok()) return s;
  }
  return Readable{current_.size, true};
}

Status BinlogReader::RotateToNextFile() {
  auto next = std::find_if(files_.begin(), files_.end(), [&](const FileCatalogEntry& e) {
    return e.seq > current_.seq && e.state != FileState::kPurging;
  });
  if (next == files_.end()) {
    auto files = store_.catalogue->Files();
    if (!files.ok()) return files.status();
    files_ = std::move(files).value();
    next = std::find_if(files_.begin(), files_.end(), [&](const FileCatalogEntry& e) {
      return e.seq > current_.seq && e.state != FileState::kPurging;
    });
    if (next == files_.end()) {
      return Status::NotFound(fmt::format(
          "the binlog file after {} is not in the catalogue though the durable end is past {}",
          current_.name, current_.name));
    }
  }
  const FileCatalogEntry entry = *next;
  if (Status s = OpenFile(entry); !s.ok()) return s;
  first_event_of_file_ = true;
  return Status::Ok();
}

Status BinlogReader::Corrupt(uint64_t offset, std::string_view what) const {
  if (store_.damage != nullptr) store_.damage->Report(current_.name, offset);
  return Status::Corruption(
      fmt::format("binlog file {}, offset {}: {}", current_.name, offset, what));
}

Status BinlogReader::Fill(size_t n, uint64_t end) {
  const uint64_t buffered_end = buffer_offset_ + buffered_;
  if (offset_ >= buffer_offset_ && offset_ + n <= buffered_end) return Status::Ok();
  if (offset_ < buffer_offset_ || offset_ > buffered_end) {
    buffer_offset_ = offset_;
    buffered_ = 0;
  } else {
    const size_t consumed = size_t(offset_ - buffer_offset_);
    std::memmove(buffer_.get(), buffer_.get() + consumed, buffered_ - consumed);
    buffered_ -= consumed;
    buffer_offset_ = offset_;
  }
  if (n > capacity_) {
    std::unique_ptr<uint8_t[]> grown(new uint8_t[n]);
    std::memcpy(grown.get(), buffer_.get(), buffered_);
    buffer_ = std::move(grown);
    capacity_ = n;
  }
  while (buffered_ < n) {
    const uint64_t from = buffer_offset_ + buffered_;
    const size_t want = size_t(std::min<uint64_t>(capacity_ - buffered_, end - from));
    auto got = file_->Read(from, std::span<uint8_t>(buffer_.get() + buffered_, want));
    if (!got.ok()) return got.status();
    if (got->empty()) {
      return Corrupt(from, fmt::format("the file ends here, before its durable end {}", end));
    }
    buffered_ += got->size();
  }
  return Status::Ok();
}

Status BinlogReader::CheckMagic() {
  if (Status s = Fill(kBinlogMagicSize, kBinlogMagicSize); !s.ok()) return s;
  if (std::memcmp(buffer_.get() + (offset_ - buffer_offset_), kBinlogMagic, kBinlogMagicSize) !=
      0) {
    return Corrupt(0, "the file does not start with the binlog magic fe 62 69 6e");
  }
  offset_ = kBinlogMagicSize;
  return Status::Ok();
}

Status BinlogReader::ReadEvent(uint64_t end, EventView* event) {
  if (end - offset_ < kEventHeaderSize) {
    return Corrupt(offset_, fmt::format("only {} bytes remain before the durable end {}, fewer "
                                        "than an event header",
                                        end - offset_, end));
  }
  if (Status s = Fill(kEventHeaderSize, end); !s.ok()) return s;
  const uint8_t* start = buffer_.get() + (offset_ - buffer_offset_);
  auto header = binlog::EventHeader::Parse(Bytes(start, kEventHeaderSize));
  if (!header.ok()) return Corrupt(offset_, header.status().message());
  if (header->event_size > binlog::kMaxEventSize) {
    return Corrupt(offset_, fmt::format("the event claims {} bytes, more than the {} any server "
                                        "writes",
                                        header->event_size, binlog::kMaxEventSize));
  }
  if (header->event_size > end - offset_) {
    return Corrupt(offset_,
                   fmt::format("the {} event claims {} bytes, past the durable end {}",
                               binlog::EventTypeName(header->type), header->event_size, end));
  }
  if (Status s = Fill(header->event_size, end); !s.ok()) return s;
  event->header = *header;
  event->bytes = Bytes(buffer_.get() + (offset_ - buffer_offset_), header->event_size);
  if (Status s = VerifyEvent(event); !s.ok()) return s;
  event_offset_ = offset_;
  offset_ += header->event_size;
  return Status::Ok();
}

Status BinlogReader::VerifyEvent(EventView* event) {
  const bool is_fde = event->header.type == uint8_t(binlog::EventType::kFormatDescription);
  std::optional<binlog::FormatDescription> fde;
  if (is_fde) {
    auto parsed = binlog::FormatDescription::Parse(event->bytes);
    if (!parsed.ok()) return Corrupt(offset_, parsed.status().message());
    fde = std::move(parsed).value();
    event->has_checksum = fde->fde_has_checksum;
  } else if (!format_) {
    return Corrupt(offset_, fmt::format("the first event is {}, not FORMAT_DESCRIPTION",
                                        binlog::EventTypeName(event->header.type)));
  } else {
    event->has_checksum = format_->EventsHaveChecksum();
  }
  if (event->has_checksum) {
    if (event->bytes.size() < kEventHeaderSize + kChecksumSize) {
      return Corrupt(offset_, fmt::format("the event is {} bytes, too short for its CRC32",
                                          event->bytes.size()));
    }
    const uint32_t stored = binlog::StoredEventCrc(event->bytes);
    const uint32_t computed = binlog::ExpectedEventCrc(event->bytes);
    if (stored != computed) {
      return Corrupt(offset_,
                     fmt::format("the {} event ({} bytes) fails its CRC32 check: stored {:#010x}, "
                                 "computed {:#010x}",
                                 binlog::EventTypeName(event->header.type), event->bytes.size(),
                                 stored, computed));
    }
  }
  if (fde) {
    // Verified: it now governs the events that follow.
    format_ = std::move(fde);
    format_event_.assign(event->bytes.begin(), event->bytes.end());
    positions_are_offsets_ =
        format_->fde_has_checksum && !(event->header.flags & binlog::kFlagRelayLog);
  }
  const uint64_t end = offset_ + event->header.event_size;
  if (positions_are_offsets_ && event->header.next_position != 0 &&
      event->header.next_position != end) {
    return Corrupt(offset_, fmt::format("the {} event says the next event is at {}, but it ends "
                                        "at {}",
                                        binlog::EventTypeName(event->header.type),
                                        event->header.next_position, end));
  }
  return Status::Ok();
}

Result<BinlogReader::Outcome> BinlogReader::Next(EventView* event,
                                                 DurablePosition::Clock::time_point deadline) {
  event_starts_file_ = false;
  for (;;) {
    if (const uint64_t generation = store_.durable->generation(); generation != generation_) {
      const BinlogPosition durable = store_.durable->Get();
      return Status::NotFound(fmt::format(
          "recovery moved the durable end of the binlog back to {}:{} while this reader was at "
          "{}:{}; re-position",
          durable.file, durable.offset, current_.name, offset_));
    }
    auto readable = ReadableEnd();
    if (!readable.ok()) return readable.status();
    if (offset_ == 0 && readable->end >= kBinlogMagicSize) {
      if (Status s = CheckMagic(); !s.ok()) return s;
    }
    if (offset_ >= kBinlogMagicSize && offset_ < readable->end) {
      if (Status s = ReadEvent(readable->end, event); !s.ok()) return s;
      event_starts_file_ = first_event_of_file_;
      first_event_of_file_ = false;
      return Outcome::kEvent;
    }
    if (readable->file_complete) {
      if (Status s = RotateToNextFile(); !s.ok()) return s;
      continue;
    }
    if (store_.durable->closed()) {
      return Status::IOError(fmt::format("the binlog store is shutting down (reader at {}:{})",
                                         current_.name, offset_));
    }
    if (DurablePosition::Clock::now() >= deadline) return Outcome::kTimedOut;
    store_.durable->WaitBeyond({current_.seq, current_.name, offset_}, generation_, deadline);
  }
}

}  // namespace sidecar::store
