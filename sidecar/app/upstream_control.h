// UpstreamControl: owns the puller and lets the admin statements drive it — START/STOP
// SLAVE|REPLICA and CHANGE MASTER TO / CHANGE REPLICATION SOURCE TO.
//
// Settings: the puller runs with the configuration's options, overridden by what CHANGE MASTER
// TO persisted in state.db (keys "change_master.*"). Create() applies those overrides and logs
// each one it applies (never the password, which it also redacts from the log). A CHANGE writes
// the options it was given to state.db in one transaction, then applies them to the next start.
// The puller's log_warning, when the options leave it unset, goes to the logger at WARNING.
//
// Rules, as MySQL has them: CHANGE requires the puller stopped (error naming STOP SLAVE);
// START while running and STOP while stopped are no-ops. MASTER_LOG_FILE/MASTER_LOG_POS only
// choose where an empty store starts: once the store holds binlog, the pull always resumes from
// its own checkpoint (a jump would leave a hole that replicas would read past), so a CHANGE
// naming a file or position is refused then.
//
// Each Start() runs a new upstream::Puller (a stopped Puller is not restarted); status() of a
// stopped upstream is the last puller's final status with state kStopped, and kStopped means
// exactly that (a started puller whose thread has not run yet shows kConnecting).
//
// Thread-safety: every method may be called from any thread; one mutex serialises them (a Stop
// holds it while the puller joins and syncs). The store and the logger must outlive this.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "app/logger.h"
#include "base/status.h"
#include "downstream/server_context.h"
#include "store/binlog_store.h"
#include "upstream/puller.h"

namespace sidecar::app {

class UpstreamControl {
 public:
  // Reads the persisted CHANGE MASTER settings and applies them over `options`.
  static Result<std::unique_ptr<UpstreamControl>> Create(store::BinlogStore* store,
                                                         upstream::PullerOptions options,
                                                         Logger* logger);
  UpstreamControl(const UpstreamControl&) = delete;
  UpstreamControl& operator=(const UpstreamControl&) = delete;
  ~UpstreamControl();  // Stop()

  void Start();
  void Stop();
  // Persists `change` and applies it to the next Start(). InvalidArgument while running
  // (the responder checks first, for its error code);
  // InvalidArgument for a value that cannot be used (a port of 0, a file/position for a store
  // that already holds binlog, an unknown use_gtid).
  Status Change(const downstream::UpstreamChange& change);

  bool running() const;
  bool failed() const;  // the puller's writer failed: the daemon must exit (recovery)
  upstream::PullerStatus status() const;
  // The options the next (or the running) puller uses.
  upstream::PullerOptions options() const;

 private:
  UpstreamControl(store::BinlogStore* store, upstream::PullerOptions options, Logger* logger);

  // Applies `settings` (keys without the "change_master." prefix) to options_; logs each.
  Status ApplySettings(const std::map<std::string, std::string>& settings, bool log);

  store::BinlogStore* const store_;
  Logger* const logger_;
  mutable std::mutex mu_;
  upstream::PullerOptions options_;          // GUARDED_BY(mu_)
  std::unique_ptr<upstream::Puller> puller_;  // GUARDED_BY(mu_); null while stopped
  upstream::PullerStatus last_status_;        // GUARDED_BY(mu_): of the last stopped puller
};

// The state.db keys CHANGE MASTER TO writes, each "change_master." + one of these.
inline constexpr const char* kChangeMasterKeys[] = {"host",     "port",     "user",   "password",
                                                    "log_file", "log_pos", "use_gtid"};

}  // namespace sidecar::app
