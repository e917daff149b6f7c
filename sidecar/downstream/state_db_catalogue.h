// StateDbCatalogue: the store's file catalogue as BinlogReader and the GTID lookups read it
// (store::CatalogueView over StateDb::ListFiles). Thread-safe, as StateDb is; the StateDb
// must outlive it.
#pragma once

#include <vector>

#include "store/binlog_reader.h"
#include "store/state_db.h"

namespace sidecar::downstream {

class StateDbCatalogue final : public store::CatalogueView {
 public:
  explicit StateDbCatalogue(store::StateDb* db) : db_(db) {}
  Result<std::vector<store::FileCatalogEntry>> Files() override { return db_->ListFiles(); }

 private:
  store::StateDb* const db_;
};

}  // namespace sidecar::downstream
