// LocalContinuation: stores a primary's binlog under the store's own file
// names, for a primary whose files do not continue the stored ones: the usual
// case after a failover, where the promoted replica numbers its files on its
// own (mysql-bin.000001, ...) while the store already holds mysql-bin.000008.
//
// Invariant: the store keeps one ordered history. Each stored file is closed
// as a primary closes a file at rotation (a ROTATE naming the next local
// file, or a STOP), and each is self-consistent: magic, FORMAT_DESCRIPTION at
// 4, every end_log_pos the event's end offset in the local file, every CRC32
// matching the bytes as stored (the checksum setting of that file's
// FORMAT_DESCRIPTION). Recovery, check-binlog and replicas reading the store
// never meet the primary's own file names or positions; the semi-sync ACK and
// /status keep using them (BinlogStream follows the primary's coordinates).
//
// What Take() does with each event GtidResume handed on, in dump order:
//   Before the first transaction (the dump's preamble: the primary's
//   FORMAT_DESCRIPTION, GTID_LIST or PREVIOUS_GTIDS, BINLOG_CHECKPOINT, and
//   files the store already has, without their transactions): nothing is
//   stored; the last FORMAT_DESCRIPTION is kept. At the first GTID event
//   (GtidResume verified it is the next transaction):
//     - the stored last file is closed: the next local file (the name its
//       ROTATE gave) starts with the kept FORMAT_DESCRIPTION at 4, then a
//       GTID_LIST (MariaDB) or PREVIOUS_GTIDS (MySQL) carrying the store's
//       GTID state;
//     - it holds only its magic: it starts the same way;
//     - `new_file_first` (a failover: the last file is another server's) or
//       its checksum setting differs from the primary's: it is first closed
//       with a ROTATE naming NextLocalFileName(it), then as above;
//     - else the transaction goes on in it (a reconnect to the same primary).
//   From then on every event is stored with end_log_pos rewritten to its
//   local end and its CRC32 recomputed, except:
//     - ROTATE (the primary moves to its next file): stored as a ROTATE to
//       the next local name; the primary's next FORMAT_DESCRIPTION then
//       starts that file at 4 (an open file is closed first, as above);
//     - GTID_LIST / PREVIOUS_GTIDS: replaced by one carrying the store's GTID
//       state (the primary's describes its own files, and the store's state
//       takes the file-start state: checkpoint_gtid_state.h);
//     - BINLOG_CHECKPOINT (it names the primary's files), artificial events,
//       heartbeats: not stored;
//     - STOP (the primary shut down; its next file follows without a
//       ROTATE): stored, then the next local file is begun (an artificial
//       ROTATE to the writer), so nothing is ever stored after a STOP.
// Synthesized events take timestamp and server_id from the event that caused
// them.
//
// Errors: the writer's (through `append`), Corruption when a transaction
// needs a new file but the dump sent no FORMAT_DESCRIPTION, when the store's
// GTID state does not encode, or when a local file would pass 4 GiB.
//
// Cost: each event is copied once into a reused buffer, its header patched
// and its CRC32 recomputed; no allocation once the buffer has grown to the
// largest event (synthesized events allocate: they are rare). Not
// thread-safe: one per connection, on the Puller's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "store/binlog_writer.h"

namespace sidecar::upstream {

// "mysql-bin.000009" for "mysql-bin.000008" (the number keeps its width, and
// widens past 999999); InvalidArgument when the name has no numeric suffix.
Result<std::string> NextLocalFileName(std::string_view file);

class LocalContinuation {
 public:
  using Append = std::function<Status(const binlog::EventView&)>;

  // `writer` is read for where the next event lands; events reach it only
  // through `append`. `flavor` is the primary's.
  LocalContinuation(const store::BinlogWriter* writer, binlog::Flavor flavor, bool new_file_first,
                    Append append);

  // One event of the dump, verified (BinlogStream) and handed on by GtidResume.
  Status Take(const binlog::EventView& event);

  // The first transaction of this dump was stored.
  bool started() const { return started_; }

 private:
  Status Start(const binlog::EventView& first_gtid);
  Status StartFile(const binlog::EventHeader& cause);
  Status CloseOpenFile(const binlog::EventHeader& cause);
  Status AppendFormat();
  Status AppendStartState(const binlog::EventHeader& cause, bool with_crc);
  Status AppendRotate(const binlog::EventHeader& cause, bool with_crc, bool artificial);
  // Stores `event` with its end_log_pos at its local end and its CRC redone.
  Status AppendRewritten(const binlog::EventView& event);
  // buffer_ holds a whole event but its size, end_log_pos and CRC: finishes
  // and appends it.
  Status AppendBuilt(bool with_crc);
  void BeginEvent(const binlog::EventHeader& cause, binlog::EventType type, uint16_t flags);
  // Where an event appended now starts in its local file.
  uint64_t LocalStart() const;

  const store::BinlogWriter* const writer_;
  const binlog::Flavor flavor_;
  const bool new_file_first_;
  const Append append_;
  bool started_ = false;
  std::vector<uint8_t> format_;     // the primary's last FORMAT_DESCRIPTION, as sent
  bool format_has_crc_ = false;     // the FDE itself ends in a CRC32
  bool format_events_crc_ = false;  // the events it governs do
  std::vector<uint8_t> buffer_;
};

}  // namespace sidecar::upstream
