// BinlogReader: one downstream connection's cursor over the stored binlog
// (a replica, mariadb-binlog, a CDC client), following the durable tail.
//
// Contract:
//   - Next() never returns a byte at or beyond the durable position
//     (DurablePosition::Get()): since the writer publishes only at transaction
//     boundaries, after fsync and checkpoint, a reader sees whole, durable
//     transactions only.
//   - Caught up, it blocks in DurablePosition::WaitBeyond (a condition
//     variable: no polling, no sleeps) until more is durable or the deadline
//     passes (kTimedOut: the caller sends a heartbeat).
//   - It follows rotation to the next file by catalogue seq once the durable
//     end has moved past the current file and the reader has read that file's
//     durable size (whether or not the file ends with a ROTATE event).
//   - Every event is verified before it is returned: its length (a header at
//     least, kMaxEventSize at most, within the durable end), its CRC32 when the
//     file's FORMAT_DESCRIPTION says events carry one, and its next_position in
//     files written by MySQL >= 5.6.1 / MariaDB >= 5.3. A mismatch is a
//     Corruption naming file and offset, and the event is never served; it is
//     also reported to StoredBinlog::damage (when set) for repair.
//   - Recovery moving the durable end back (a generation change) fails Next()
//     with NotFound telling the session to re-position; so does a file purged
//     before the reader could read it. Close() of the DurablePosition (shutdown)
//     fails Next() with IOError.
//
// Costs: one buffer (1 MiB by default), refilled with large positional reads
// bounded by the durable end; it grows only for an event larger than itself.
// No allocation per event (only per FORMAT_DESCRIPTION event and per file).
//
// Thread-safety: a BinlogReader is not thread-safe (one per connection); any
// number of readers may share one StoredBinlog.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_reader.h"
#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "store/damage_reports.h"
#include "store/durable_position.h"
#include "store/env.h"
#include "store/state_db.h"

namespace sidecar::store {

// The file catalogue as readers see it: implemented by the store (over
// StateDb), faked by tests. Thread-safe.
class CatalogueView {
 public:
  virtual ~CatalogueView() = default;
  // Every file of the store, ordered by seq.
  virtual Result<std::vector<FileCatalogEntry>> Files() = 0;
};

// What readers read. Non-owning: everything must outlive the readers.
struct StoredBinlog {
  Env* env = nullptr;
  std::string binlog_dir;  // data_dir/binlog, where the files live under their names
  CatalogueView* catalogue = nullptr;
  const DurablePosition* durable = nullptr;
  // Optional: where a reader reports the damage it refuses to serve (file and offset), so
  // that the range is fetched again from the primary.
  DamageReports* damage = nullptr;
};

class BinlogReader {
 public:
  struct Options {
    size_t buffer_size = size_t(1) << 20;
  };
  enum class Outcome { kEvent, kTimedOut };

  // Positions a reader at `offset` of `file` (the latest catalogue file of
  // that name). `offset` must be an event boundary: 4 (the FORMAT_DESCRIPTION
  // event is then the first event returned) or a later one, not beyond the
  // durable end. NotFound for a file the store does not have (purged or never
  // received); InvalidArgument for an offset below 4 or past the durable end.
  static Result<std::unique_ptr<BinlogReader>> Open(const StoredBinlog& store,
                                                    std::string_view file, uint64_t offset,
                                                    Options options);
  static Result<std::unique_ptr<BinlogReader>> Open(const StoredBinlog& store,
                                                    std::string_view file, uint64_t offset) {
    return Open(store, file, offset, Options());
  }

  BinlogReader(const BinlogReader&) = delete;
  BinlogReader& operator=(const BinlogReader&) = delete;
  ~BinlogReader();

  // kEvent: `*event` holds the next event, verified, valid until the next
  // call. kTimedOut: nothing new became durable before `deadline`.
  Result<Outcome> Next(binlog::EventView* event, DurablePosition::Clock::time_point deadline);

  // Where the next event starts (file seq, name, offset).
  BinlogPosition position() const { return {current_.seq, current_.name, offset_}; }
  // Offset of the event the last Next() returned, in position().file.
  uint64_t event_offset() const { return event_offset_; }
  // True when the last event returned is the first of a file the reader
  // rotated into: a server sends an artificial ROTATE first if the previous
  // file did not end with one.
  bool event_starts_file() const { return event_starts_file_; }

  // The FORMAT_DESCRIPTION governing the current file, and its raw bytes (the
  // event a server sends before any other of the file). Known from Open() on
  // when opened past offset 4; otherwise once Next() has returned it.
  const std::optional<binlog::FormatDescription>& format() const { return format_; }
  Bytes format_event() const { return format_event_; }

 private:
  struct Readable {
    uint64_t end = 0;            // bytes of the current file that may be read
    bool file_complete = false;  // the durable end lies in a later file
  };

  BinlogReader(const StoredBinlog& store, Options options);

  Status OpenFile(const FileCatalogEntry& entry);
  // How far the current file may be read now (refreshing the catalogue when
  // the durable end has left the file).
  Result<Readable> ReadableEnd();
  Status RefreshCurrentEntry();
  Status RotateToNextFile();
  Status CheckMagic();
  // Reads and verifies the event at offset_. REQUIRES: offset_ < end.
  Status ReadEvent(uint64_t end, binlog::EventView* event);
  Status VerifyEvent(binlog::EventView* event);
  // Makes bytes [offset_, offset_ + n) present in the buffer, reading at most
  // up to `end`. REQUIRES: offset_ + n <= end.
  Status Fill(size_t n, uint64_t end);
  Status Corrupt(uint64_t offset, std::string_view what) const;

  const StoredBinlog store_;
  uint64_t generation_ = 0;              // the DurablePosition generation at Open
  std::vector<FileCatalogEntry> files_;  // catalogue snapshot, refreshed on demand
  FileCatalogEntry current_;
  std::unique_ptr<RandomAccessFile> file_;
  uint64_t offset_ = 0;  // next byte to read in current_; 0 before the magic
  uint64_t event_offset_ = 0;
  bool event_starts_file_ = false;
  bool first_event_of_file_ = false;  // set by a rotation until the new file's first event

  std::unique_ptr<uint8_t[]> buffer_;
  size_t capacity_;
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  size_t buffered_ = 0;         // valid bytes in buffer_

  std::optional<binlog::FormatDescription> format_;
  std::vector<uint8_t> format_event_;
  bool positions_are_offsets_ = false;  // next_position is checked (see above)
};

}  // namespace sidecar::store
