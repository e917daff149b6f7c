// DaemonContext: the downstream server's ServerContext in the daemon, over the store, the
// upstream control and the connection registry.
//
// Identity: server_id is the sidecar's own (upstream.server_id, the id it registers with
// upstream); server_uuid is derived from it (SidecarUuid), so the sidecar presents one identity
// both ways. server_version mirrors the stored primary's version number (from the newest stored
// file's FORMAT_DESCRIPTION), since replicas pick features by it: "10.11.6-MariaDB-binlog-
// sidecar" for a MariaDB primary, "8.0.36-binlog-sidecar" for MySQL. Before anything is stored
// the flavour is unknown and a MariaDB 10.11 version is presented (the greeting of a later
// connection follows the store once it holds a file). greeting_version() adds the "5.5.5-"
// prefix MariaDB servers put in the handshake greeting (and only there).
//
// PURGE BINARY LOGS goes through the budget keeper (its PurgeOnRequest plans with the purge
// policy and purges with the store's purger); a partial purge is an error that says what went
// and why the rest stays.
//
// binlog_gtid_pos(file, pos) reads the stored file from its start state (GTID_LIST /
// PREVIOUS_GTIDS) up to `pos`, which must be an event boundary within the durable size.
//
// Thread-safety: every method may be called from any thread at once (the store, the upstream
// control and the registry are thread-safe; the format cache has its own mutex). Everything
// passed to the constructor must outlive the context.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/upstream_control.h"
#include "binlog/format_description.h"
#include "budget/budget_keeper.h"
#include "downstream/connection_registry.h"
#include "downstream/server_context.h"
#include "store/binlog_store.h"

namespace sidecar::app {

// The sidecar's stable server_uuid (and MySQL @slave_uuid upstream), derived from its server_id.
std::string SidecarUuid(uint32_t server_id);

class DaemonContext : public downstream::ServerContext {
 public:
  // `budget` runs PURGE BINARY LOGS (its policy: never a file a reader stands in, never past
  // what the replica executed, never the file being written); null: PURGE is refused.
  // `registry` null: no connections (KILL finds none).
  DaemonContext(uint32_t server_id, store::BinlogStore* store, UpstreamControl* upstream,
                downstream::ConnectionRegistry* registry, budget::BudgetKeeper* budget);

  // server_version() as the handshake greeting carries it ("5.5.5-" + version for MariaDB).
  std::string greeting_version() const;

  uint32_t server_id() const override { return server_id_; }
  std::string server_uuid() const override { return SidecarUuid(server_id_); }
  std::string server_version() const override;

  Result<std::vector<store::FileCatalogEntry>> binlog_files() const override;
  store::BinlogPosition durable_end() const override;
  std::string gtid_state() const override;
  Result<std::string> gtid_state_at(const std::string& file, uint64_t position) const override;
  std::string binlog_checksum() const override;

  upstream::PullerStatus upstream_status() const override;
  downstream::UpstreamSettings upstream_settings() const override;
  std::vector<downstream::RegisteredReplica> registered_replicas() const override;
  std::optional<std::string> connection_user(uint32_t connection_id) const override;

  Status StopUpstream() override;
  Status StartUpstream() override;
  Status ChangeUpstream(const downstream::UpstreamChange& change) override;
  Status PurgeTo(const std::string& file) override;
  Status PurgeBefore(int64_t unix_time) override;
  Status Kill(uint32_t connection_id) override;

 private:
  Status Purge(const budget::PurgeRequest& request, const std::string& what);
  // What the newest stored file's FORMAT_DESCRIPTION says (nullopt: no file readable yet).
  struct StoredFormat {
    std::string file;
    std::string server_version;
    binlog::Flavor flavor = binlog::Flavor::kMariadb;
    binlog::ChecksumAlgorithm checksum = binlog::ChecksumAlgorithm::kUndefined;
  };
  std::optional<StoredFormat> NewestFormat() const;
  std::string FilePath(const std::string& file) const;

  const uint32_t server_id_;
  store::BinlogStore* const store_;
  UpstreamControl* const upstream_;
  downstream::ConnectionRegistry* const registry_;
  budget::BudgetKeeper* const budget_;

  mutable std::mutex format_mu_;
  mutable std::optional<StoredFormat> format_;  // GUARDED_BY(format_mu_): the last one read
};

}  // namespace sidecar::app
