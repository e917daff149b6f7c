#include "store/recovery.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>
#include <vector>

#include "binlog/event_header.h"
#include "store/stored_file_scan.h"

namespace sidecar::store {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void Log(const LogSink& log, std::string line) {
  if (log) log(line);
}

// Recovery's view of one store: where things are and who to tell.
struct Context {
  Env& env;
  StateDb& db;
  std::string binlog_dir;
  const LogSink& log;

  std::string PathOf(std::string_view name) const { return fmt::format("{}/{}", binlog_dir, name); }
};

Status EnsureBinlogDir(const Context& c, const std::string& data_dir) {
  auto exists = c.env.FileExists(c.binlog_dir);
  if (!exists.ok()) return exists.status();
  if (*exists) return Status::Ok();
  if (Status s = c.env.CreateDir(c.binlog_dir); !s.ok()) return s;
  return c.env.SyncDir(data_dir);
}

// Unlinks `name` (if still there), makes that durable, then drops its row:
// the purge order of state_db.h. `mark` first marks the row 'purging'.
Status Purge(const Context& c, const std::string& name, bool mark, std::string_view why) {
  if (mark) {
    if (Status s = c.db.MarkPurging(name); !s.ok()) return s;
  }
  if (Status s = c.env.RemoveFile(c.PathOf(name)); !s.ok() && s.code() != Status::Code::kNotFound) {
    return s;
  }
  if (Status s = c.env.SyncDir(c.binlog_dir); !s.ok()) return s;
  if (Status s = c.db.RemoveFile(name); !s.ok()) return s;
  Log(c.log, fmt::format("recovery: removed {} ({})", name, why));
  return Status::Ok();
}

// Removes every file of binlog/ that is neither listed nor an index file.
Status RemoveUnlisted(const Context& c, const std::set<std::string, std::less<>>& listed) {
  auto entries = c.env.ListDir(c.binlog_dir);
  if (!entries.ok()) return entries.status();
  bool removed = false;
  for (const std::string& entry : *entries) {
    if (listed.contains(entry) || EndsWith(entry, kIndexSuffix) ||
        EndsWith(entry, fmt::format("{}{}", kIndexSuffix, kTempSuffix))) {
      continue;
    }
    auto size = c.env.FileSize(c.PathOf(entry));
    if (!size.ok()) return size.status();
    if (Status s = c.env.RemoveFile(c.PathOf(entry)); !s.ok()) return s;
    Log(c.log, fmt::format("recovery: removed {} ({} bytes), a file created after the last "
                           "checkpoint",
                           entry, *size));
    removed = true;
  }
  return removed ? c.env.SyncDir(c.binlog_dir) : Status::Ok();
}

// The size on disk of `name`, which state.db says holds at least `durable`
// bytes: missing or shorter is Corruption (the store lost what it promised).
Result<uint64_t> SizeOnDisk(const Context& c, const std::string& name, uint64_t durable) {
  auto on_disk = c.env.FileSize(c.PathOf(name));
  if (!on_disk.ok()) {
    if (on_disk.status().code() != Status::Code::kNotFound) return on_disk.status();
    return Status::Corruption(fmt::format(
        "{} is missing, but state.db lists it with {} durable bytes", c.PathOf(name), durable));
  }
  if (*on_disk < durable) {
    return Status::Corruption(
        fmt::format("{} is {} bytes long, shorter than the {} durable bytes state.db lists",
                    c.PathOf(name), *on_disk, durable));
  }
  return *on_disk;
}

// Cuts the closed file `name` to its durable `size`.
Status CutClosedFile(const Context& c, const std::string& name, uint64_t size) {
  auto on_disk = SizeOnDisk(c, name, size);
  if (!on_disk.ok()) return on_disk.status();
  if (*on_disk == size) return Status::Ok();
  if (Status s = c.env.TruncateFile(c.PathOf(name), size); !s.ok()) return s;
  Log(c.log, fmt::format("recovery: truncated {} from {} to {} ({} bytes past the end of a closed "
                         "file)",
                         name, *on_disk, size, *on_disk - size));
  return Status::Ok();
}

// Verifies the checkpoint file and makes the checkpoint match it: moved back
// before damage, or forward over whole, CRC-valid transactions past it (the
// file is fdatasync'd, by the truncation, before the checkpoint names them);
// the rest is truncated.
Result<StoredFileScan> RecoverLastFile(const Context& c, Checkpoint* checkpoint,
                                       FileCatalogEntry* last) {
  auto start_state =
      CheckpointGtidState::Parse(checkpoint->upstream.flavor, last->start_gtid_state);
  if (!start_state.ok()) {
    return Status::Corruption(fmt::format("catalogue row of {}: start GTID state {:?}: {}",
                                          last->name, last->start_gtid_state,
                                          start_state.status().message()));
  }
  auto on_disk = SizeOnDisk(c, last->name, checkpoint->position);
  if (!on_disk.ok()) return on_disk.status();
  StreamState stream(std::move(start_state).value());
  stream.StartFile();
  auto scan = ScanStoredFile(c.env, c.PathOf(last->name), last->name, checkpoint->position,
                             *on_disk, std::move(stream));
  if (!scan.ok()) return scan;
  if (scan->boundary == checkpoint->position && *on_disk == checkpoint->position) return scan;

  const uint64_t old_position = checkpoint->position;
  if (!scan->damage.ok()) {
    Log(c.log, fmt::format("recovery: {}; the store resumes from {}:{} and fetches the rest again",
                           scan->damage.message(), last->name, scan->boundary));
  }
  const auto commit_new_checkpoint = [&]() -> Status {
    checkpoint->position = scan->boundary;
    checkpoint->gtid_state = scan->stream.gtid_state().ToString();
    checkpoint->updated_at = std::chrono::system_clock::now();
    last->size = scan->boundary;
    // A file ending with a ROTATE is closed: the writer starts the next one.
    last->state = scan->rotates_to.empty() ? FileState::kActive : FileState::kClosed;
    scan->stream.FillRow(last);
    return c.db.CommitCheckpoint(*checkpoint, {*last});
  };
  // Moving back: the earlier checkpoint first, since bytes past a checkpoint
  // may go, never those before it. Moving forward: the truncation fsyncs the
  // bytes the new checkpoint will name first.
  if (scan->boundary < old_position) {
    if (Status s = commit_new_checkpoint(); !s.ok()) return s;
  }
  if (Status s = c.env.TruncateFile(c.PathOf(last->name), scan->boundary); !s.ok()) return s;
  if (scan->boundary > old_position) {
    if (Status s = commit_new_checkpoint(); !s.ok()) return s;
    Log(c.log,
        fmt::format("recovery: kept {} bytes of {} past the checkpoint ({} to {}): whole "
                    "transactions whose events pass their CRC32 checks",
                    scan->boundary - old_position, last->name, old_position, scan->boundary));
  }
  if (*on_disk > scan->boundary) {
    const std::string why = scan->damage.ok()
                                ? fmt::format("past the last whole transaction: {}", scan->tail)
                                : "from the damaged transaction on";
    Log(c.log, fmt::format("recovery: truncated {} from {} to {} ({} bytes {})", last->name,
                           *on_disk, scan->boundary, *on_disk - scan->boundary, why));
  }
  return scan;
}

}  // namespace

Result<RecoveryResult> RecoverStore(Env& env, StateDb& db, const std::string& data_dir,
                                    const LogSink& log) {
  const Context c{env, db, data_dir + "/binlog", log};
  if (Status s = EnsureBinlogDir(c, data_dir); !s.ok()) return s;
  auto checkpoint = db.LoadCheckpoint();
  if (!checkpoint.ok()) return checkpoint.status();
  auto rows = db.ListFiles();
  if (!rows.ok()) return rows.status();

  int64_t max_seq = 0;
  std::vector<FileCatalogEntry> live;
  for (const FileCatalogEntry& row : *rows) {
    max_seq = std::max(max_seq, row.seq);
    if (row.state != FileState::kPurging) {
      live.push_back(row);
    } else if (Status s = Purge(c, row.name, false, "finishing its purge"); !s.ok()) {
      return s;
    }
  }
  if (!*checkpoint && !live.empty()) {
    return Status::Corruption(
        fmt::format("state.db lists {} binlog files (the first {}) but "
                    "holds no checkpoint",
                    live.size(), live.front().name));
  }
  if (*checkpoint) {
    const auto it = std::find_if(live.begin(), live.end(), [&](const FileCatalogEntry& row) {
      return row.name == (*checkpoint)->file_name;
    });
    if (it == live.end()) {
      return Status::Corruption(
          fmt::format("the checkpoint names {}, which the catalogue of "
                      "state.db does not list",
                      (*checkpoint)->file_name));
    }
    for (auto past = it + 1; past != live.end(); ++past) {
      if (Status s = Purge(c, past->name, true, "listed after the checkpoint's file"); !s.ok()) {
        return s;
      }
    }
    live.erase(it + 1, live.end());
  }

  std::set<std::string, std::less<>> listed;
  std::vector<std::string> names;
  for (const FileCatalogEntry& row : live) {
    listed.insert(row.name);
    names.push_back(row.name);
  }
  if (Status s = RemoveUnlisted(c, listed); !s.ok()) return s;
  RecoveryResult result{.resume = std::nullopt,
                        .damage = Status::Ok(),
                        .writer_start = WriterStart(),
                        .index = BinlogIndexFile(&env, c.binlog_dir)};
  result.writer_start.next_seq = max_seq + 1;
  if (*checkpoint) {
    Checkpoint& cp = checkpoint->value();
    FileCatalogEntry& last = live.back();
    for (const FileCatalogEntry& row : live) {
      if (&row == &last) break;
      if (Status s = CutClosedFile(c, row.name, row.size); !s.ok()) return s;
    }
    auto scan = RecoverLastFile(c, &cp, &last);
    if (!scan.ok()) return scan.status();
    result.damage = scan->damage;
    last.size = cp.position;
    result.resume = ResumePoint{last.seq, last.name, cp.position, cp.gtid_state};
    result.writer_start.last_file = last;
    result.writer_start.format = std::move(scan->format);
    result.writer_start.rotates_to = std::move(scan->rotates_to);
    result.writer_start.stream = std::move(scan->stream);
    result.writer_start.upstream = cp.upstream;
  }
  if (Status s = result.index.Rebuild(names); !s.ok()) return s;
  return result;
}

}  // namespace sidecar::store
