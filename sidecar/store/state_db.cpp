#include "store/state_db.h"

#include <fmt/format.h>

#include <iterator>
#include <utility>

#include "store/sqlite.h"

namespace sidecar::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// kMigrations[i] takes the schema from version i to version i + 1. Append
// only: a released migration is never edited.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  file_name TEXT NOT NULL,
  position INTEGER NOT NULL CHECK (position >= 0),
  gtid_state TEXT NOT NULL,
  upstream_host TEXT NOT NULL,
  upstream_port INTEGER NOT NULL CHECK (upstream_port BETWEEN 0 AND 65535),
  upstream_server_id INTEGER NOT NULL CHECK (upstream_server_id BETWEEN 0 AND 4294967295),
  upstream_server_uuid TEXT NOT NULL,
  upstream_flavor TEXT NOT NULL CHECK (upstream_flavor IN ('mysql', 'mariadb')),
  updated_at_us INTEGER NOT NULL
) STRICT;
CREATE TABLE files (
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  size INTEGER NOT NULL CHECK (size >= 0),
  first_gtid TEXT NOT NULL,
  last_gtid TEXT NOT NULL,
  start_gtid_state TEXT NOT NULL,
  first_event_time INTEGER NOT NULL CHECK (first_event_time BETWEEN 0 AND 4294967295),
  last_event_time INTEGER NOT NULL CHECK (last_event_time BETWEEN 0 AND 4294967295),
  state TEXT NOT NULL CHECK (state IN ('active', 'closed', 'purging'))
) STRICT;
CREATE TABLE upstream_config (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
)sql",
};
constexpr int64_t kSchemaVersion = std::size(kMigrations);

constexpr const char* kFileColumns =
    "name, seq, size, first_gtid, last_gtid, start_gtid_state, first_event_time, "
    "last_event_time, state";

// Brings the schema to kSchemaVersion, from any older version, atomically.
Status Migrate(sqlite::Database& db) {
  constexpr std::string_view kPurpose = "migrate the schema";
  if (Status s = db.Exec("BEGIN IMMEDIATE", kPurpose); !s.ok()) return s;
  auto migrate = [&]() -> Status {
    Status s = db.Exec(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL) STRICT;"
        "INSERT OR IGNORE INTO schema_version (id, version) VALUES (1, 0);",
        kPurpose);
    if (!s.ok()) return s;
    Result<std::unique_ptr<sqlite::Statement>> read =
        db.Prepare("SELECT version FROM schema_version WHERE id = 1", kPurpose);
    if (!read.ok()) return read.status();
    Result<bool> row = (*read)->Step(kPurpose);
    if (!row.ok()) return row.status();
    const int64_t version = *row ? (*read)->ColumnInt(0) : 0;
    (*read)->Reset();
    if (version < 0 || version > kSchemaVersion) {
      return Status::Unsupported(fmt::format(
          "{}: schema version {} is not one this binlog-sidecar knows (it knows 0 to {}); "
          "was it written by a newer release?",
          db.path(), version, kSchemaVersion));
    }
    for (int64_t v = version; v < kSchemaVersion; ++v) {
      s = db.Exec(kMigrations[v], fmt::format("migrate the schema to version {}", v + 1));
      if (!s.ok()) return s;
    }
    return db.Exec(
        fmt::format("UPDATE schema_version SET version = {} WHERE id = 1", kSchemaVersion),
        kPurpose);
  };
  Status s = migrate();
  if (s.ok()) s = db.Exec("COMMIT", kPurpose);
  if (!s.ok() && db.InTransaction()) db.Exec("ROLLBACK", kPurpose);
  return s;
}

// Turns on WAL journalling, which SQLite may refuse (e.g. on a file system
// without shared memory): the store does not run without it.
Status EnableWal(sqlite::Database& db) {
  constexpr std::string_view kPurpose = "enable the WAL journal mode";
  Result<std::unique_ptr<sqlite::Statement>> stmt = db.Prepare("PRAGMA journal_mode=WAL", kPurpose);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = (*stmt)->Step(kPurpose);
  if (!row.ok()) return row.status();
  const std::string mode = *row ? (*stmt)->ColumnText(0) : "";
  if (mode != "wal") {
    return Status::IOError(
        fmt::format("{}: cannot {}: SQLite kept journal mode '{}'", db.path(), kPurpose, mode));
  }
  return Status::Ok();
}

Result<FileState> ParseFileState(const std::string& text) {
  for (FileState state : {FileState::kActive, FileState::kClosed, FileState::kPurging}) {
    if (text == FileStateName(state)) return state;
  }
  return Status::Corruption(fmt::format("unknown file state '{}' in the catalogue", text));
}

Result<binlog::Flavor> ParseFlavor(const std::string& text) {
  for (binlog::Flavor flavor : {binlog::Flavor::kMysql, binlog::Flavor::kMariadb}) {
    if (text == binlog::FlavorName(flavor)) return flavor;
  }
  return Status::Corruption(fmt::format("unknown upstream flavour '{}' in the checkpoint", text));
}

}  // namespace

const char* FileStateName(FileState state) {
  switch (state) {
    case FileState::kActive:
      return "active";
    case FileState::kClosed:
      return "closed";
    case FileState::kPurging:
      return "purging";
  }
  return "unknown";
}

struct StateDb::Statements {
  std::unique_ptr<sqlite::Statement> begin;
  std::unique_ptr<sqlite::Statement> commit;
  std::unique_ptr<sqlite::Statement> rollback;
  std::unique_ptr<sqlite::Statement> defer_syncs;   // for one deferred commit
  std::unique_ptr<sqlite::Statement> resume_syncs;  // back to every commit durable
  std::unique_ptr<sqlite::Statement> load_checkpoint;
  std::unique_ptr<sqlite::Statement> upsert_checkpoint;
  std::unique_ptr<sqlite::Statement> upsert_file;
  std::unique_ptr<sqlite::Statement> list_files;
  std::unique_ptr<sqlite::Statement> mark_purging;
  std::unique_ptr<sqlite::Statement> remove_file;
  std::unique_ptr<sqlite::Statement> get_config;
  std::unique_ptr<sqlite::Statement> set_config;

  static Result<std::unique_ptr<Statements>> Prepare(sqlite::Database& db) {
    auto stmts = std::make_unique<Statements>();
    const std::pair<std::unique_ptr<sqlite::Statement>*, std::string> sql[] = {
        {&stmts->begin, "BEGIN IMMEDIATE"},
        {&stmts->commit, "COMMIT"},
        {&stmts->rollback, "ROLLBACK"},
        {&stmts->defer_syncs, "PRAGMA synchronous=NORMAL"},
        {&stmts->resume_syncs, "PRAGMA synchronous=FULL"},
        {&stmts->load_checkpoint,
         "SELECT file_name, position, gtid_state, upstream_host, upstream_port, "
         "upstream_server_id, upstream_server_uuid, upstream_flavor, updated_at_us "
         "FROM checkpoint WHERE id = 1"},
        {&stmts->upsert_checkpoint,
         "INSERT INTO checkpoint (id, file_name, position, gtid_state, upstream_host, "
         "upstream_port, upstream_server_id, upstream_server_uuid, upstream_flavor, "
         "updated_at_us) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
         "ON CONFLICT (id) DO UPDATE SET file_name = excluded.file_name, "
         "position = excluded.position, gtid_state = excluded.gtid_state, "
         "upstream_host = excluded.upstream_host, upstream_port = excluded.upstream_port, "
         "upstream_server_id = excluded.upstream_server_id, "
         "upstream_server_uuid = excluded.upstream_server_uuid, "
         "upstream_flavor = excluded.upstream_flavor, updated_at_us = excluded.updated_at_us"},
        {&stmts->upsert_file,
         fmt::format("INSERT INTO files ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                     "ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, "
                     "size = excluded.size, first_gtid = excluded.first_gtid, "
                     "last_gtid = excluded.last_gtid, "
                     "start_gtid_state = excluded.start_gtid_state, "
                     "first_event_time = excluded.first_event_time, "
                     "last_event_time = excluded.last_event_time, state = excluded.state",
                     kFileColumns)},
        {&stmts->list_files, fmt::format("SELECT {} FROM files ORDER BY seq", kFileColumns)},
        {&stmts->mark_purging, "UPDATE files SET state = 'purging' WHERE name = ?1"},
        {&stmts->remove_file, "DELETE FROM files WHERE name = ?1"},
        {&stmts->get_config, "SELECT value FROM upstream_config WHERE key = ?1"},
        {&stmts->set_config,
         "INSERT INTO upstream_config (key, value) VALUES (?1, ?2) "
         "ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
    };
    for (const auto& [slot, text] : sql) {
      Result<std::unique_ptr<sqlite::Statement>> stmt = db.Prepare(text, "prepare a statement");
      if (!stmt.ok()) return stmt.status();
      *slot = std::move(stmt).value();
    }
    return stmts;
  }
};

Result<std::unique_ptr<StateDb>> StateDb::Open(const std::string& path) {
  Result<std::unique_ptr<sqlite::Database>> db = sqlite::Database::Open(path, kBusyTimeoutMs);
  if (!db.ok()) return db.status();
  if (Status s = EnableWal(**db); !s.ok()) return s;
  if (Status s = (*db)->Exec("PRAGMA synchronous=FULL", "set synchronous=FULL"); !s.ok()) {
    return s;
  }
  if (Status s = Migrate(**db); !s.ok()) return s;
  Result<std::unique_ptr<Statements>> stmts = Statements::Prepare(**db);
  if (!stmts.ok()) return stmts.status();
  std::unique_ptr<StateDb> state(new StateDb(std::move(db).value(), std::move(stmts).value()));
  // A checkpoint that does not load is recovery's to report, with its context.
  if (Result<std::optional<Checkpoint>> cp = state->LoadCheckpoint(); cp.ok() && *cp) {
    state->SetCommittedGtidState((*cp)->gtid_state);
  }
  return state;
}

StateDb::StateDb(std::unique_ptr<sqlite::Database> db, std::unique_ptr<Statements> stmts)
    : db_(std::move(db)), stmts_(std::move(stmts)) {}

StateDb::~StateDb() = default;

template <typename Body>
Status StateDb::InTransaction(std::string_view purpose, Body body) {
  if (Status s = stmts_->begin->Run(purpose); !s.ok()) return s;
  Status s = body();
  if (s.ok()) s = stmts_->commit->Run(purpose);
  // SQLite may already have rolled back (after an I/O error, say); the error
  // to report is the first one, not the rollback's.
  if (!s.ok() && db_->InTransaction()) stmts_->rollback->Run(purpose);
  return s;
}

void StateDb::NoteDurableWrite() {
  if (durable_write_observer_) durable_write_observer_();
}

void StateDb::SetDurableWriteObserver(std::function<void()> observer) {
  std::lock_guard lock(mu_);
  durable_write_observer_ = std::move(observer);
}

void StateDb::FailCommits(int count, Status status) {
  std::lock_guard lock(mu_);
  failing_commits_ = count;
  commit_failure_ = std::move(status);
}

Result<std::optional<Checkpoint>> StateDb::LoadCheckpoint() {
  constexpr std::string_view kPurpose = "load the checkpoint";
  std::lock_guard lock(mu_);
  sqlite::Statement& stmt = *stmts_->load_checkpoint;
  sqlite::ScopedReset reset(stmt);
  Result<bool> row = stmt.Step(kPurpose);
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Checkpoint>();
  Result<binlog::Flavor> flavor = ParseFlavor(stmt.ColumnText(7));
  if (!flavor.ok()) return flavor.status();
  Checkpoint cp;
  cp.file_name = stmt.ColumnText(0);
  cp.position = uint64_t(stmt.ColumnInt(1));
  cp.gtid_state = stmt.ColumnText(2);
  cp.upstream.host = stmt.ColumnText(3);
  cp.upstream.port = uint16_t(stmt.ColumnInt(4));
  cp.upstream.server_id = uint32_t(stmt.ColumnInt(5));
  cp.upstream.server_uuid = stmt.ColumnText(6);
  cp.upstream.flavor = *flavor;
  cp.updated_at =
      std::chrono::system_clock::time_point(std::chrono::microseconds(stmt.ColumnInt(8)));
  return std::optional<Checkpoint>(std::move(cp));
}

std::string StateDb::CommittedGtidState() const {
  std::lock_guard lock(committed_gtid_state_mu_);
  return committed_gtid_state_;
}

void StateDb::SetCommittedGtidState(const std::string& gtid_state) {
  std::lock_guard lock(committed_gtid_state_mu_);
  committed_gtid_state_ = gtid_state;
}

Status StateDb::CommitCheckpoint(const Checkpoint& checkpoint,
                                 const std::vector<FileCatalogEntry>& changed_files,
                                 CommitDurability durability) {
  constexpr std::string_view kPurpose = "commit the checkpoint";
  std::lock_guard lock(mu_);
  if (failing_commits_ > 0) {
    --failing_commits_;
    return commit_failure_;
  }
  const bool deferred = durability == CommitDurability::kDeferred;
  if (deferred) {
    if (Status s = stmts_->defer_syncs->Run(kPurpose); !s.ok()) return s;
  }
  Status committed = InTransaction(kPurpose, [&]() -> Status {
    sqlite::Statement& cp = *stmts_->upsert_checkpoint;
    cp.Bind(1, checkpoint.file_name);
    cp.Bind(2, int64_t(checkpoint.position));
    cp.Bind(3, checkpoint.gtid_state);
    cp.Bind(4, checkpoint.upstream.host);
    cp.Bind(5, int64_t(checkpoint.upstream.port));
    cp.Bind(6, int64_t(checkpoint.upstream.server_id));
    cp.Bind(7, checkpoint.upstream.server_uuid);
    cp.Bind(8, std::string_view(binlog::FlavorName(checkpoint.upstream.flavor)));
    cp.Bind(9, int64_t(std::chrono::duration_cast<std::chrono::microseconds>(
                           checkpoint.updated_at.time_since_epoch())
                           .count()));
    if (Status s = cp.Run(kPurpose); !s.ok()) return s;
    sqlite::Statement& file = *stmts_->upsert_file;
    for (const FileCatalogEntry& entry : changed_files) {
      file.Bind(1, entry.name);
      file.Bind(2, entry.seq);
      file.Bind(3, int64_t(entry.size));
      file.Bind(4, entry.first_gtid);
      file.Bind(5, entry.last_gtid);
      file.Bind(6, entry.start_gtid_state);
      file.Bind(7, int64_t(entry.first_event_time));
      file.Bind(8, int64_t(entry.last_event_time));
      file.Bind(9, std::string_view(FileStateName(entry.state)));
      if (Status s = file.Run(kPurpose); !s.ok()) return s;
    }
    return Status::Ok();
  });
  if (committed.ok()) SetCommittedGtidState(checkpoint.gtid_state);
  if (!deferred) {
    if (committed.ok()) NoteDurableWrite();
    return committed;
  }
  // Every later write is durable again; if that cannot be restored, none may
  // be trusted to be.
  if (Status s = stmts_->resume_syncs->Run(kPurpose); !s.ok()) return s;
  return committed;
}

Result<std::vector<FileCatalogEntry>> StateDb::ListFiles() {
  constexpr std::string_view kPurpose = "list the file catalogue";
  std::lock_guard lock(mu_);
  sqlite::Statement& stmt = *stmts_->list_files;
  sqlite::ScopedReset reset(stmt);
  std::vector<FileCatalogEntry> files;
  while (true) {
    Result<bool> row = stmt.Step(kPurpose);
    if (!row.ok()) return row.status();
    if (!*row) return files;
    Result<FileState> state = ParseFileState(stmt.ColumnText(8));
    if (!state.ok()) return state.status();
    FileCatalogEntry& entry = files.emplace_back();
    entry.name = stmt.ColumnText(0);
    entry.seq = stmt.ColumnInt(1);
    entry.size = uint64_t(stmt.ColumnInt(2));
    entry.first_gtid = stmt.ColumnText(3);
    entry.last_gtid = stmt.ColumnText(4);
    entry.start_gtid_state = stmt.ColumnText(5);
    entry.first_event_time = uint32_t(stmt.ColumnInt(6));
    entry.last_event_time = uint32_t(stmt.ColumnInt(7));
    entry.state = *state;
  }
}

Status StateDb::MarkPurging(std::string_view name) {
  const std::string purpose = fmt::format("mark {} as purging", name);
  std::lock_guard lock(mu_);
  stmts_->mark_purging->Bind(1, name);
  if (Status s = stmts_->mark_purging->Run(purpose); !s.ok()) return s;
  NoteDurableWrite();
  if (db_->Changes() == 0) {
    return Status::NotFound(
        fmt::format("{}: cannot {}: no such file in the catalogue", db_->path(), purpose));
  }
  return Status::Ok();
}

Status StateDb::RemoveFile(std::string_view name) {
  const std::string purpose = fmt::format("remove {} from the catalogue", name);
  std::lock_guard lock(mu_);
  stmts_->remove_file->Bind(1, name);
  if (Status s = stmts_->remove_file->Run(purpose); !s.ok()) return s;
  NoteDurableWrite();
  if (db_->Changes() == 0) {
    return Status::NotFound(
        fmt::format("{}: cannot {}: no such file in the catalogue", db_->path(), purpose));
  }
  return Status::Ok();
}

Result<std::optional<std::string>> StateDb::GetConfig(std::string_view key) {
  const std::string purpose = fmt::format("read upstream setting '{}'", key);
  std::lock_guard lock(mu_);
  sqlite::Statement& stmt = *stmts_->get_config;
  sqlite::ScopedReset reset(stmt);
  stmt.Bind(1, key);
  Result<bool> row = stmt.Step(purpose);
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.ColumnText(0));
}

Status StateDb::SetConfig(const std::map<std::string, std::string>& values) {
  constexpr std::string_view kPurpose = "save the upstream settings";
  std::lock_guard lock(mu_);
  Status saved = InTransaction(kPurpose, [&]() -> Status {
    sqlite::Statement& stmt = *stmts_->set_config;
    for (const auto& [key, value] : values) {
      stmt.Bind(1, key);
      stmt.Bind(2, value);
      if (Status s = stmt.Run(kPurpose); !s.ok()) return s;
    }
    return Status::Ok();
  });
  if (saved.ok()) NoteDurableWrite();
  return saved;
}

}  // namespace sidecar::store
