// Test support for the puller's tests: a store behind a filesystem seam that
// records (or fails) every fdatasync of a data file, a small MariaDB binlog
// to serve, a FakePrimary dump script that serves it (optionally damaged),
// and a Puller pulling from the fake into the store.
//
// Ordering evidence: SeamEnv appends "synced FILE up to SIZE" to an
// OrderLog after each successful WritableFile::Sync (SIZE: the file's size
// when the Sync began, so at least SIZE bytes are durable), and the fake
// primary appends "ACK FILE:POS" when an ACK arrives. A log where an ACK
// precedes the sync covering it proves an ACK before fdatasync.
//
// Thread-safety: OrderLog and SeamEnv are thread-safe; PullerHarness belongs
// to the test's thread (the puller and the fake run their own threads).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_primary.h"
#include "forwarding_env.h"
#include "store/binlog_store.h"
#include "temp_dir.h"
#include "upstream/puller.h"

namespace sidecar::testing {

inline constexpr char kBinlogName[] = "mysql-bin.000001";

struct OrderEntry {
  enum class Kind { kSynced, kAck };
  Kind kind;
  std::string file;  // kSynced: a base name; kAck: the primary's file name
  uint64_t position;
};

class OrderLog {
 public:
  void Add(OrderEntry entry) {
    std::lock_guard lock(mu_);
    entries_.push_back(std::move(entry));
  }
  std::vector<OrderEntry> entries() const {
    std::lock_guard lock(mu_);
    return entries_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<OrderEntry> entries_;
};

// Forwards to a FaultInjectionEnv; records data-file Syncs in `log`; while
// fail_syncs is set, WritableFile::Sync fails with an IOError (nothing
// becomes durable).
class SeamEnv final : public store::ForwardingEnv {
 public:
  explicit SeamEnv(OrderLog* log) : log_(log) {}
  void set_fail_syncs(bool fail) { fail_syncs_ = fail; }

  Result<std::unique_ptr<store::WritableFile>> OpenWritable(const std::string& path) override;

 private:
  class File;
  OrderLog* const log_;
  std::atomic<bool> fail_syncs_{false};
};

// A MariaDB binlog file (CRC32): FDE, then `transactions` transactions of
// GTID 0-1-n, an INSERT query, XID.
struct TestBinlog {
  struct Event {
    uint64_t offset;
    std::vector<uint8_t> bytes;
    bool ends_transaction;  // an XID: semi-sync asks for its ACK
  };
  std::vector<uint8_t> file;  // the whole file, magic included
  std::vector<Event> events;  // from the FDE on

  static TestBinlog Build(int transactions);
};

// Decides what happens to the event at `offset` before it is sent: change
// `event`, send something else through `dump`, or return false to end the
// dump there (after whatever the hook sent).
using Sabotage =
    std::function<bool(FakeDump& dump, uint64_t offset, std::vector<uint8_t>& event)>;

// Serves `binlog` as MariaDB would from dump.position() (a GTID dump: from 4,
// the whole file, named `gtid_file`; the replica drops what it has): an artificial
// ROTATE, the FDE again (next_position 0) when resuming past 4, then the
// events from there on (ACKs requested at XIDs when semi-sync is on), then
// waits for the replica to close. Error: what ended the dump.
// `gtid_file` names the file a GTID dump starts in.
Status ServeBinlog(FakeDump& dump, const TestBinlog& binlog, const Sabotage& sabotage = {},
                   const std::string& gtid_file = kBinlogName);

// Serves `binlog` from dump.position() of kBinlogName as a MariaDB primary's
// group commit under load does: every event in one burst (TCP_CORK), ACKs
// requested at XIDs without waiting for them; then reads ACKs until the end
// of the last transaction is acknowledged, and waits for the replica to close.
Status ServeBinlogInOneBurst(FakeDump& dump, const TestBinlog& binlog);

class PullerHarness {
 public:
  PullerHarness();
  ~PullerHarness();

  // Opens (or reopens) the store at /data of the seam.
  void OpenStore();
  void CloseStore();
  // Options for a puller of this harness (its log lines land in log_lines()).
  upstream::PullerOptions Options(uint16_t port, bool semi_sync);
  void StartPuller(upstream::PullerOptions options);
  void StopPuller();

  // Polls (bounded: 30 s) until `done`; false when it never happened.
  static bool WaitFor(const std::function<bool()>& done);
  // Until the store's durable position reaches (file, position).
  bool WaitUntilDurable(const std::string& file, uint64_t position);
  // The log lines of the puller (and the writer) so far, and whether one contains `text`.
  std::vector<std::string> log_lines() const;
  bool Logged(std::string_view text) const;

  std::vector<uint8_t> StoredFile(const std::string& name);
  store::BinlogStore& store() { return *store_; }
  upstream::Puller& puller() { return *puller_; }
  SeamEnv& env() { return env_; }
  OrderLog& order() { return order_; }

 private:
  void Log(std::string_view line);

  OrderLog order_;
  SeamEnv env_{&order_};
  TempDir temp_;
  std::unique_ptr<store::BinlogStore> store_;
  std::unique_ptr<upstream::Puller> puller_;
  mutable std::mutex mu_;
  std::vector<std::string> lines_;  // GUARDED_BY(mu_)
};

}  // namespace sidecar::testing
