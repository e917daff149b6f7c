#include "store/sqlite.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace sidecar::store::sqlite {
namespace {

Status MakeError(int rc, std::string message) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status::NoSpace(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(message));
    case SQLITE_CONSTRAINT:
      return Status::InvalidArgument(std::move(message));
    default:
      return Status::IOError(std::move(message));
  }
}

}  // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::Bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::Bind(int index, std::string_view value) {
  const int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

Result<bool> Statement::Step(std::string_view purpose) {
  if (bind_error_ != 0) return db_->Error(bind_error_, purpose);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, purpose);
}

Status Statement::Run(std::string_view purpose) {
  ScopedReset reset(*this);
  while (true) {
    Result<bool> row = Step(purpose);
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

int64_t Statement::ColumnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::ColumnText(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (text == nullptr) return {};
  return std::string(text, size_t(sqlite3_column_bytes(stmt_, index)));
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  if (rc != SQLITE_OK) {
    const std::string reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return MakeError(rc, fmt::format("{}: cannot open database: {}", path, reason));
  }
  std::unique_ptr<Database> database(new Database(path, db));
  if (const int busy_rc = sqlite3_busy_timeout(db, busy_timeout_ms); busy_rc != SQLITE_OK) {
    return database->Error(busy_rc, "set busy timeout");
  }
  return database;
}

Database::~Database() { sqlite3_close_v2(db_); }

Status Database::Exec(const std::string& sql, std::string_view purpose) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, purpose);
  return Status::Ok();
}

Result<std::unique_ptr<Statement>> Database::Prepare(std::string_view sql,
                                                     std::string_view purpose) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, purpose);
  }
  return std::unique_ptr<Statement>(new Statement(this, stmt));
}

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Database::Error(int rc, std::string_view purpose) const {
  // sqlite3_errmsg describes the connection's latest error, which is rc's when
  // rc comes from the call just made; for a deferred binding error it may not
  // be, so fall back on the generic text of rc.
  const int latest = sqlite3_extended_errcode(db_);
  const char* reason = latest == rc ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  return MakeError(rc, fmt::format("{}: cannot {}: {}", path_, purpose, reason));
}

}  // namespace sidecar::store::sqlite
