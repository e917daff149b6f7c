// BinlogIndexFile: the `<base>.index` files MySQL and MariaDB keep next to
// their binlogs, so that mysqlbinlog/mariadb-binlog users and DBAs recognise
// the directory. One line per file, oldest first, as a server whose log_bin
// is a relative name writes it (checked against a MariaDB 10.11 datadir):
//
//   ./mysql-bin.000001
//   ./mysql-bin.000002
//
// A store holds one index per base name ("mysql-bin" of "mysql-bin.000042"):
// a new primary after a failover may use another base name.
//
// Every rewrite is atomic: `<base>.index.tmp` is written whole, fsync'd and
// renamed over the index, then the directory is fsync'd. A crash leaves the
// old index or the new one; the index is a courtesy to tools, never read by
// the store, and recovery rebuilds it from the catalogue (Rebuild).
//
// Also the rules for the names themselves: a file name received from the
// primary must pass ValidateBinlogFileName before it becomes a path.
//
// Thread-safe: one mutex serialises every call. The writer adds files (or
// recovery rebuilds, before the writer exists); a purge (binlog_purge.h)
// removes them from another thread. Moving is for handing the index over
// (recovery -> writer) before any other thread can see it.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/env.h"

namespace sidecar::store {

inline constexpr std::string_view kIndexSuffix = ".index";
inline constexpr std::string_view kTempSuffix = ".tmp";

// OK for a plain name a server could give a binlog: 1-255 characters of
// [A-Za-z0-9._-], not starting with '.', not ending in ".index" or ".tmp".
// InvalidArgument naming the name otherwise (a '/' would escape binlog/).
Status ValidateBinlogFileName(std::string_view name);

// "mysql-bin" for "mysql-bin.000042": everything before the last '.'.
std::string_view BinlogBaseName(std::string_view file_name);

class BinlogIndexFile {
 public:
  // REQUIRES: `env` outlives this object; `binlog_dir` is absolute, normalised.
  BinlogIndexFile(Env* env, std::string binlog_dir);
  // REQUIRES: no other thread uses `other`.
  BinlogIndexFile(BinlogIndexFile&& other) noexcept;

  // Makes the directory's index files list exactly `file_names` (store order),
  // one index per base name, and removes index files (and leftover temporary
  // ones) of base names no longer present.
  Status Rebuild(const std::vector<std::string>& file_names);
  // Appends `file_name` to its base name's index and rewrites that index.
  Status Add(const std::string& file_name);
  // Drops `file_names` from their indexes and rewrites those; the index of a
  // base name left without files is removed (and the directory fsync'd).
  Status Remove(const std::vector<std::string>& file_names);

 private:
  // REQUIRES: mu_ held.
  Status Write(const std::string& base);

  Env* const env_;
  const std::string binlog_dir_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::string>, std::less<>> names_by_base_;  // GUARDED_BY(mu_)
};

}  // namespace sidecar::store
