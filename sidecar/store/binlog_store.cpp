#include "store/binlog_store.h"

#include <fmt/format.h>

#include <utility>

#include "store/recovery.h"

namespace sidecar::store {

Result<std::unique_ptr<BinlogStore>> BinlogStore::Open(Env* env, Options options) {
  auto lock = env->LockFile(options.data_dir + "/LOCK");
  if (!lock.ok()) return lock.status();
  const std::string db_path =
      options.state_db_path.empty() ? options.data_dir + "/state.db" : options.state_db_path;
  auto db = StateDb::Open(db_path);
  if (!db.ok()) return db.status();
  if (options.state_db_durable_write_observer) {
    (*db)->SetDurableWriteObserver(std::move(options.state_db_durable_write_observer));
  }
  auto recovered = RecoverStore(*env, **db, options.data_dir, options.writer.log);
  if (!recovered.ok()) return recovered.status();

  std::unique_ptr<BinlogStore> store(new BinlogStore(
      env, options.data_dir + "/binlog", std::move(lock).value(), std::move(db).value()));
  store->resume_ = recovered->resume;
  store->damage_ = recovered->damage;
  if (const auto& resume = store->resume_) {
    BinlogPosition position{resume->file_seq, resume->file, resume->position};
    if (store->damage_.ok()) {
      store->durable_.Publish(std::move(position));
    } else {
      store->durable_.Reset(std::move(position));
      if (options.writer.log) {
        options.writer.log(fmt::format("recovery: durable position reset to {}:{}", resume->file,
                                       resume->position));
      }
    }
  }
  LogSink purge_log = options.writer.log;
  auto writer = BinlogWriter::Open(env, store->db_.get(), &store->durable_, store->binlog_dir_,
                                   std::move(options.writer), std::move(recovered->writer_start),
                                   std::move(recovered->index));
  if (!writer.ok()) return writer.status();
  store->writer_ = std::move(writer).value();
  store->purge_catalogue_ = StateDbPurgeCatalogue(store->db_.get());
  store->purger_ = std::make_unique<BinlogPurger>(env, store->purge_catalogue_.get(),
                                                  &store->durable_, &store->writer_->index(),
                                                  store->binlog_dir_, std::move(purge_log));
  return store;
}

BinlogStore::BinlogStore(Env* env, std::string binlog_dir, std::unique_ptr<FileLock> lock,
                         std::unique_ptr<StateDb> db)
    : env_(env), binlog_dir_(std::move(binlog_dir)), lock_(std::move(lock)), db_(std::move(db)) {}

BinlogStore::~BinlogStore() {
  durable_.Close();
  purger_.reset();
  writer_.reset();
}

}  // namespace sidecar::store
