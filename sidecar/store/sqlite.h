// A thin RAII wrapper over the SQLite3 C API: a connection and its prepared
// statements, with every error turned into a Status that names the database
// file, what we were trying to do and SQLite's reason:
//   "/var/lib/binlog-sidecar/state.db: cannot commit checkpoint: disk I/O error"
// SQLITE_FULL becomes NoSpace, SQLITE_CORRUPT and SQLITE_NOTADB Corruption,
// SQLITE_CONSTRAINT (a row the schema refuses) InvalidArgument, everything
// else IOError.
//
// Thread-safety: not thread-safe. A Database and its Statements are used by
// one thread at a time (the connection is opened without SQLite's own mutex).
// REQUIRES: every Statement is destroyed before the Database it came from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sidecar::store::sqlite {

class Database;

// One prepared statement, reusable: bind, step, Reset.
class Statement {
 public:
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Bind parameter `index` (1-based). The bytes of a string_view are not
  // copied: REQUIRES they outlive the next Reset(). A binding error is kept
  // and returned by the next Step() or Run().
  void Bind(int index, int64_t value);
  void Bind(int index, std::string_view value);

  // Advances to the next row: true with a row to read, false when done.
  Result<bool> Step(std::string_view purpose);
  // Steps to completion (for statements that return no rows) and resets.
  Status Run(std::string_view purpose);

  // Columns of the current row (0-based). REQUIRES: the last Step() gave a row.
  int64_t ColumnInt(int index) const;
  std::string ColumnText(int index) const;

  // Rewinds and clears the bindings, ending the statement's read transaction.
  void Reset();

 private:
  friend class Database;
  Statement(const Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  const Database* const db_;
  sqlite3_stmt* const stmt_;
  int bind_error_ = 0;  // first failed sqlite3_bind_* since the last Reset
};

// Resets a statement when the scope ends, so that no early return leaves a
// cached statement holding a read transaction open.
class ScopedReset {
 public:
  explicit ScopedReset(Statement& stmt) : stmt_(stmt) {}
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;
  ~ScopedReset() { stmt_.Reset(); }

 private:
  Statement& stmt_;
};

class Database {
 public:
  // Opens (creating if missing) the database at `path`, with extended result
  // codes and a busy timeout of `busy_timeout_ms` when another connection holds
  // the write lock.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, int busy_timeout_ms);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements that return no rows (DDL, pragmas, BEGIN...).
  Status Exec(const std::string& sql, std::string_view purpose);
  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql, std::string_view purpose);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  // Whether a transaction is open on this connection.
  bool InTransaction() const;
  const std::string& path() const { return path_; }

  // The Status for SQLite result code `rc` while doing `purpose`.
  Status Error(int rc, std::string_view purpose) const;

 private:
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  const std::string path_;
  sqlite3* const db_;
};

}  // namespace sidecar::store::sqlite
