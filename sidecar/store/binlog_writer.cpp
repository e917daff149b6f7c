#include "store/binlog_writer.h"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "binlog/control_events.h"
#include "binlog/event_type.h"

namespace sidecar::store {
namespace {

using binlog::EventType;

std::string TypeName(const binlog::EventView& event) {
  return binlog::EventTypeName(event.header.type);
}

}  // namespace

Result<std::unique_ptr<BinlogWriter>> BinlogWriter::Open(Env* env, StateDb* db,
                                                         DurablePosition* durable,
                                                         std::string binlog_dir, Options options,
                                                         WriterStart start, BinlogIndexFile index) {
  std::unique_ptr<BinlogWriter> writer(new BinlogWriter(env, db, durable, std::move(binlog_dir),
                                                        std::move(options), std::move(start),
                                                        std::move(index)));
  if (!writer->file_ || writer->file_->state == FileState::kClosed) return writer;
  const std::string path = fmt::format("{}/{}", writer->binlog_dir_, writer->file_->name);
  auto out = env->OpenWritable(path);
  if (!out.ok()) return out.status();
  if ((*out)->Size() != writer->end_) {
    return Status::Corruption(fmt::format("{} is {} bytes long; recovery left it at {}", path,
                                          (*out)->Size(), writer->end_));
  }
  writer->out_ = std::move(out).value();
  return writer;
}

BinlogWriter::BinlogWriter(Env* env, StateDb* db, DurablePosition* durable, std::string binlog_dir,
                           Options options, WriterStart start, BinlogIndexFile index)
    : env_(env),
      binlog_dir_(std::move(binlog_dir)),
      options_(std::move(options)),
      index_(std::move(index)),
      upstream_(std::move(start.upstream)),
      stream_(std::move(start.stream)),
      file_(std::move(start.last_file)),
      format_(std::move(start.format)),
      rotates_to_(std::move(start.rotates_to)),
      next_seq_(start.next_seq),
      syncer_(db, durable, &counters_) {
  // At most one event below batch_bytes lands on a batch that is just short of it.
  pending_.reserve(2 * options_.batch_bytes);
  if (file_) {
    written_ = end_ = boundary_ = file_->size;
    positions_are_offsets_ = format_ && format_->fde_has_checksum;
    durable_file_seq_ = file_->seq;
  }
  durable_upstream_ = upstream_;
}

BinlogWriter::~BinlogWriter() = default;

void BinlogWriter::SetUpstream(const UpstreamIdentity& upstream) {
  upstream_ = upstream;
  if (format_) upstream_.flavor = format_->flavor;
}

std::optional<ResumePoint> BinlogWriter::resume_point() const {
  if (!file_) return std::nullopt;
  return ResumePoint{file_->seq, file_->name, boundary_, stream_.gtid_state().ToString()};
}

BinlogWriter::Tail BinlogWriter::tail() const {
  if (!file_) return Tail{};
  return Tail{file_->name, file_->state == FileState::kClosed, end_, rotates_to_,
              format_ && format_->EventsHaveChecksum()};
}

Status BinlogWriter::Append(const binlog::EventView& event) {
  if (Status s = Health(); !s.ok()) return s;
  Status status = Take(event);
  if (!status.ok() && broken_.ok()) {
    // Whatever failed, the writer goes back to where the puller resumes.
    if (Status s = RewindToBoundary(); !s.ok()) return s;
  }
  return status;
}

Status BinlogWriter::Take(const binlog::EventView& event) {
  const binlog::EventHeader& header = event.header;
  if (event.bytes.size() != header.event_size || header.event_size < binlog::kEventHeaderSize) {
    return Status::Corruption(fmt::format("{} event announces {} bytes but {} arrived",
                                          TypeName(event), header.event_size, event.bytes.size()));
  }
  const auto type = EventType(header.type);
  if (type == EventType::kHeartbeat || type == EventType::kHeartbeatV2) return Status::Ok();
  if (header.flags & binlog::kFlagArtificial) {
    return type == EventType::kRotate ? OnDumpStart(event) : Status::Ok();
  }
  if (type == EventType::kFormatDescription && header.next_position == 0) {
    return OnResentFormat(event);
  }
  return Write(event);
}

Status BinlogWriter::OnDumpStart(const binlog::EventView& event) {
  auto rotate = binlog::DecodeRotateEvent(event);
  if (!rotate.ok()) {
    return Status::Corruption(fmt::format("artificial ROTATE: {}", rotate.status().message()));
  }
  if (Status s = ValidateBinlogFileName(rotate->next_file); !s.ok()) return s;
  const std::string name(rotate->next_file);
  const uint64_t position = rotate->position;
  if (file_ && file_->name == name) {
    if (position == end_) return Status::Ok();
    if (position == boundary_) {
      if (options_.log) {
        options_.log(
            fmt::format("writer: the dump restarts {} at {}: dropped the {} bytes of "
                        "the transaction open there",
                        name, position, end_ - boundary_));
      }
      return RewindToBoundary();
    }
    return Status::InvalidArgument(fmt::format(
        "the dump starts at {}:{}, but the store's {} ends at {} (last transaction end {})", name,
        position, name, end_, boundary_));
  }
  if (position != binlog::kBinlogMagicSize) {
    return Status::InvalidArgument(fmt::format(
        "the dump starts at {}:{}, but the store holds no byte of {}: a file is stored from "
        "position 4 on",
        name, position, name));
  }
  if (file_ && file_->state != FileState::kClosed) {
    if (Status s = CloseFile(); !s.ok()) return s;
  }
  return CreateFile(name);
}

Status BinlogWriter::OnResentFormat(const binlog::EventView& event) {
  if (!file_ || end_ <= binlog::kBinlogMagicSize) {
    return Status::InvalidArgument(
        "a FORMAT_DESCRIPTION with next_position 0 (resent by a dump) arrived, but the store "
        "holds no file it could describe");
  }
  auto fde = binlog::FormatDescription::Parse(event.bytes);
  if (!fde.ok())
    return Status::Corruption(fmt::format("resent FORMAT_DESCRIPTION: {}", fde.status().message()));
  format_ = std::move(fde).value();
  return Status::Ok();
}

Status BinlogWriter::Write(const binlog::EventView& event) {
  if (!file_ || file_->state == FileState::kClosed) {
    if (rotates_to_.empty()) {
      return Status::InvalidArgument(fmt::format(
          "{} event arrived before a ROTATE named the file it belongs to", TypeName(event)));
    }
    if (Status s = CreateFile(rotates_to_); !s.ok()) return s;
  }
  const binlog::EventHeader& header = event.header;
  const auto type = EventType(header.type);
  const uint64_t offset = end_;
  const uint64_t event_end = offset + header.event_size;
  const auto refuse = [&](std::string_view why) {
    return Status::Corruption(fmt::format("{} event for {} at {}: {}; not stored", TypeName(event),
                                          file_->name, offset, why));
  };

  std::optional<binlog::FormatDescription> new_format;
  if (type == EventType::kFormatDescription) {
    auto fde = binlog::FormatDescription::Parse(event.bytes);
    if (!fde.ok()) return refuse(fde.status().message());
    new_format = std::move(fde).value();
  } else if (!format_) {
    return refuse("the file has no FORMAT_DESCRIPTION yet");
  }
  const bool offsets = format_ ? positions_are_offsets_ : new_format->fde_has_checksum;
  if (offsets && header.next_position != 0 && header.next_position != uint32_t(event_end)) {
    return refuse(fmt::format("the primary says it ends at {}, the store expects {}",
                              header.next_position, event_end));
  }
  std::string next_file;
  if (type == EventType::kRotate) {
    auto rotate = binlog::DecodeRotateEvent(event);
    if (!rotate.ok()) return refuse(rotate.status().message());
    if (Status s = ValidateBinlogFileName(rotate->next_file); !s.ok()) return refuse(s.message());
    next_file = rotate->next_file;
  }

  auto step = stream_.Observe(event, new_format ? *new_format : *format_);
  if (!step.ok()) return refuse(step.status().message());
  if (Status s = Store(event.bytes); !s.ok()) return s;
  if (new_format) {
    if (!format_) positions_are_offsets_ = new_format->fde_has_checksum;
    format_ = std::move(new_format);
    upstream_.flavor = format_->flavor;
  }
  end_ = event_end;
  counters_.bytes_appended.fetch_add(header.event_size, std::memory_order_relaxed);
  counters_.events_appended.fetch_add(1, std::memory_order_relaxed);
  if (step->at_boundary) {
    boundary_ = end_;
    dirty_ = true;
  }
  if (type == EventType::kRotate) {
    rotates_to_ = std::move(next_file);
    if (Status s = CloseFile(); !s.ok()) return s;
  }
  if (options_.sync == SyncMode::kTransaction && step->completed_transaction) return Sync();
  return Status::Ok();
}

Status BinlogWriter::Store(Bytes bytes) {
  if (bytes.size() < options_.batch_bytes) {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    return pending_.size() >= options_.batch_bytes ? Flush() : Status::Ok();
  }
  if (Status s = Flush(); !s.ok()) return s;
  // On failure Append (via RewindToBoundary) cuts what may have landed.
  if (Status s = out_->Append(bytes); !s.ok()) return s;
  written_ += bytes.size();
  unsynced_ = true;
  return Status::Ok();
}

Status BinlogWriter::Flush() {
  if (pending_.empty()) return Status::Ok();
  if (Status s = out_->Append(pending_); !s.ok()) {
    // A prefix may have reached the file: cut back to what we trust.
    if (out_->Size() != written_) {
      if (Status t = out_->Truncate(written_); !t.ok()) return Break(t);
    }
    return s;
  }
  written_ += pending_.size();
  pending_.clear();
  unsynced_ = true;
  return Status::Ok();
}

Status BinlogWriter::RewindToBoundary() {
  stream_.RewindToBoundary();
  if (!out_) return Status::Ok();
  if (boundary_ >= written_) {
    pending_.resize(boundary_ - written_);
  } else {
    pending_.clear();
    written_ = boundary_;
  }
  end_ = boundary_;
  if (out_->Size() != written_) {
    if (Status s = out_->Truncate(written_); !s.ok()) return Break(s);
    unsynced_ = true;
  }
  return Status::Ok();
}

Status BinlogWriter::CloseFile() {
  if (!stream_.at_boundary()) {
    if (options_.log) {
      options_.log(
          fmt::format("writer: {} ends inside a transaction; dropped its last {} bytes "
                      "(from {})",
                      file_->name, end_ - boundary_, boundary_));
    }
    if (Status s = RewindToBoundary(); !s.ok()) return s;
  }
  if (Status s = Flush(); !s.ok()) return Break(s);
  // Once the syncer is done with every ticket naming this file, only this
  // thread holds it: fdatasync what no ticket covered, then close it. A
  // checkpoint that found the disk full leaves the syncer running (the
  // file was fdatasync'd): the row of the closed file goes with the next.
  if (Status s = syncer_.WaitAll(); !s.ok() && syncer_.failed()) return Break(s);
  if (unsynced_) {
    if (Status s = out_->Sync(); !s.ok()) return Break(s);
    counters_.fsyncs.fetch_add(1, std::memory_order_relaxed);
    unsynced_ = false;
  }
  if (Status s = out_->Close(); !s.ok()) return Break(s);
  out_.reset();
  file_->state = FileState::kClosed;
  dirty_ = true;
  return Status::Ok();
}

Status BinlogWriter::CreateFile(const std::string& name) {
  const std::string path = fmt::format("{}/{}", binlog_dir_, name);
  auto exists = env_->FileExists(path);
  if (!exists.ok()) return exists.status();
  if (*exists) {
    return Status::InvalidArgument(fmt::format(
        "the primary names {} as its next file, but the store already holds {}", name, path));
  }
  if (file_) closed_files_.push_back(CurrentRow());
  auto out = env_->OpenWritable(path);
  if (!out.ok()) return Break(out.status());
  if (Status s = env_->SyncDir(binlog_dir_); !s.ok()) return Break(s);
  if (Status s = index_.Add(name); !s.ok()) return Break(s);

  file_ = FileCatalogEntry();
  file_->name = name;
  file_->seq = next_seq_++;
  file_->state = FileState::kActive;
  out_ = std::move(out).value();
  format_.reset();
  positions_are_offsets_ = false;
  rotates_to_.clear();
  stream_.StartFile();
  pending_.assign(binlog::kBinlogMagic, binlog::kBinlogMagic + binlog::kBinlogMagicSize);
  written_ = 0;
  end_ = boundary_ = binlog::kBinlogMagicSize;
  dirty_ = true;
  return Status::Ok();
}

CommitDurability BinlogWriter::CheckpointDurability() const {
  const bool rebuildable = durable_file_seq_ == file_->seq && closed_files_.empty() &&
                           upstream_ == durable_upstream_ && format_ &&
                           format_->EventsHaveChecksum();
  return rebuildable ? CommitDurability::kDeferred : CommitDurability::kDurable;
}

FileCatalogEntry BinlogWriter::CurrentRow() const {
  FileCatalogEntry row = *file_;
  row.size = boundary_;
  stream_.FillRow(&row);
  return row;
}

Status BinlogWriter::RequestSync() {
  if (Status s = Health(); !s.ok()) return s;
  if (out_) {
    if (Status s = Flush(); !s.ok()) return s;
  }
  // A checkpoint the syncer could not commit (a full disk) is retried with any ticket.
  if (!unsynced_ && !dirty_ && !syncer_.checkpoint_pending()) return Status::Ok();
  SyncTicket ticket;
  if (unsynced_) ticket.file = out_;
  if (dirty_) {
    CheckpointCommit& commit = ticket.commit.emplace();
    commit.durability = CheckpointDurability();  // before closed_files_ moves
    commit.checkpoint = Checkpoint{.file_name = file_->name,
                                   .position = boundary_,
                                   .gtid_state = stream_.gtid_state().ToString(),
                                   .upstream = upstream_,
                                   .updated_at = std::chrono::system_clock::now()};
    commit.rows = std::move(closed_files_);
    commit.rows.push_back(CurrentRow());
    commit.publish = BinlogPosition{file_->seq, file_->name, boundary_};
    if (commit.durability == CommitDurability::kDurable) {
      durable_file_seq_ = file_->seq;
      durable_upstream_ = upstream_;
    }
  }
  ticket_ = syncer_.Submit(std::move(ticket));
  closed_files_.clear();
  unsynced_ = false;
  dirty_ = false;
  return Status::Ok();
}

Status BinlogWriter::Sync() {
  if (Status s = RequestSync(); !s.ok()) return s;
  Status s = syncer_.Wait(ticket_);
  // A checkpoint that found the disk full is retried at the next sync: the writer goes on.
  if (!s.ok() && !syncer_.failed() && s.code() == Status::Code::kNoSpace) return s;
  if (!s.ok()) return Break(s);
  return Status::Ok();
}

Status BinlogWriter::Health() {
  if (broken_.ok() && syncer_.failed()) broken_ = syncer_.error();
  return broken_;
}

Status BinlogWriter::Break(Status status) {
  broken_ = status;
  return status;
}

}  // namespace sidecar::store
