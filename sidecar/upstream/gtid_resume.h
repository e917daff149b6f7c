// GtidResume: lines a GTID dump up with a store that already holds part of the
// primary's binlog, and verifies continuity.
//
// A primary serving a GTID dump starts at the beginning of the file where the
// replica's GTID state begins and leaves out the transactions the replica
// has, so the first events it sends (FORMAT_DESCRIPTION, GTID_LIST, ...) sit
// before the store's end. The store wants each byte once, at its position:
//   1. RestartEvent() is handed to the writer first: an artificial ROTATE to
//      the resume point, which drops a transaction left open there.
//   2. Take() drops what the store has: the dump's artificial ROTATE when it
//      names the resume file, then every event of that file ending at or
//      before the resume position. The first event past it must start exactly
//      at the resume position (else Corruption: the primary's file differs).
//      A dump that starts in a later file is accepted only when the store's
//      resume file is complete (closed by its ROTATE); otherwise its end would
//      be missing: InvalidArgument, and the caller resumes by file/position.
//   3. Continuity: the first GTID after that must be the next one after the
//      checkpoint's GTID state (binlog::NextCheck); a gap or a duplicate is
//      Corruption naming both, and nothing of it is stored.
// With `renumbered` (the primary's files go under the store's own names,
// local_continuation.h), the dump's files say nothing about the stored ones:
// its artificial ROTATE is dropped whatever it names, and every later event
// is handed on (kAppend) with the continuity check of step 3 at the first
// GTID; LocalContinuation drops what precedes that transaction.
//
// Example: the store ends at mysql-bin.000003:1931 with state 0-1-42. The
// primary sends ROTATE(000003, 4) [dropped], FDE@4 [dropped], GTID_LIST
// [dropped], ..., GTID 0-1-43 starting at 1931 [kept, next after 0-1-42].
//
// Not thread-safe; one per connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/mariadb_gtid.h"
#include "binlog/mysql_gtid_set.h"
#include "store/binlog_writer.h"

namespace sidecar::upstream {

class GtidResume {
 public:
  enum class Verdict { kAppend, kDrop };

  // `at` is the writer's resume point; `file_closed`: the store's `at.file`
  // ends with its ROTATE; `renumbered`: see above. InvalidArgument when
  // at.gtid_state does not parse in `flavor`.
  static Result<GtidResume> Create(store::ResumePoint at, binlog::Flavor flavor, bool file_closed,
                                   bool renumbered = false);

  // The artificial ROTATE (at.file, at.position), without checksum.
  binlog::EventView RestartEvent();

  // Whether the writer gets `event` (a verified event of the dump, in order).
  Result<Verdict> Take(const binlog::EventView& event);

  // MariaDB: the GTID position for @slave_connect_state; MySQL: the GTID set.
  const std::string& dump_gtids() const { return dump_gtids_; }
  // The first transaction after the resume point arrived and is the next one.
  bool continuity_verified() const { return state_ == State::kDone; }

 private:
  enum class State { kAwaitRotate, kSkipping, kCheckGtid, kDone };

  GtidResume(store::ResumePoint at, bool file_closed, bool renumbered)
      : at_(std::move(at)), file_closed_(file_closed), renumbered_(renumbered) {}
  Result<Verdict> OnOtherFile(std::string_view file);
  Result<Verdict> CheckGtid(const binlog::EventView& event);

  store::ResumePoint at_;
  bool file_closed_;
  bool renumbered_;
  State state_ = State::kAwaitRotate;
  std::variant<binlog::MysqlGtidSet, binlog::MariadbGtidPosition> seen_;
  std::string dump_gtids_;
  std::vector<uint8_t> restart_;
};

}  // namespace sidecar::upstream
