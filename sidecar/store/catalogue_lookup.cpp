#include "store/catalogue_lookup.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "binlog/event_type.h"
#include "binlog/mariadb_events.h"
#include "binlog/mysql_gtid_event.h"

namespace sidecar::store {

using binlog::MariadbGtid;
using binlog::MariadbGtidPosition;
using binlog::MariadbGtidState;
using binlog::MysqlGtidSet;

namespace {

constexpr const char* kMariadbPurged =
    "Could not find GTID state requested by slave in any binlog files. Probably the slave state "
    "is too old and required binlog files have been purged.";

// The catalogue without files being purged; NotFound when that leaves none.
Result<std::vector<FileCatalogEntry>> LiveFiles(CatalogueView& catalogue) {
  auto files = catalogue.Files();
  if (!files.ok()) return files.status();
  std::erase_if(files.value(),
                [](const FileCatalogEntry& e) { return e.state == FileState::kPurging; });
  if (files.value().empty()) return Status::NotFound("the binlog store holds no files yet");
  return files;
}

Status BadStartState(const FileCatalogEntry& entry, const Status& why) {
  return Status::Corruption(
      fmt::format("the catalogue's start GTID state of {} ('{}') is invalid: {}", entry.name,
                  entry.start_gtid_state, why.message()));
}

// Calls visit(event, fde, offset) -> Result<bool> (false: stop) for the
// events of `entry`, from its start up to its durable end.
template <typename Visit>
Status ScanFile(const StoredBinlog& store, const FileCatalogEntry& entry, Visit visit) {
  auto reader = BinlogReader::Open(store, entry.name, binlog::kBinlogMagicSize);
  if (!reader.ok()) return reader.status();
  BinlogReader& r = **reader;
  binlog::EventView event;
  for (;;) {
    // A deadline in the past: stop at the durable end instead of waiting.
    auto outcome = r.Next(&event, DurablePosition::Clock::time_point::min());
    if (!outcome.ok()) return outcome.status();
    if (*outcome == BinlogReader::Outcome::kTimedOut || r.position().file_seq != entry.seq) {
      return Status::Ok();
    }
    auto more = visit(event, *r.format(), r.event_offset());
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    if (entry.state == FileState::kClosed && r.position().offset >= entry.size) {
      return Status::Ok();
    }
  }
}

// --- MariaDB ---------------------------------------------------------------

std::string NotInBinlog(const MariadbGtid& gtid, bool diverged) {
  std::string text = fmt::format(
      "Error: connecting slave requested to start from GTID {}, which is not in the master's "
      "binlog",
      gtid.ToString());
  if (diverged) {
    text +=
        ". Since the master's binlog contains GTIDs with higher sequence numbers, it probably "
        "means that the slave has diverged due to executing extra erroneous transactions";
  }
  return text;
}

bool HasAtLeast(const std::vector<MariadbGtid>& list, const MariadbGtid& gtid) {
  return std::any_of(list.begin(), list.end(), [&](const MariadbGtid& e) {
    return e.domain_id == gtid.domain_id && e.server_id == gtid.server_id &&
           e.seq_no >= gtid.seq_no;
  });
}

// MariaDB's check of the replica's GTIDs against the binlog state at the
// durable end: each must be there (same domain and server, seq_no reached),
// unless the store has never seen its domain.
Status CheckInBinlog(const std::vector<MariadbGtid>& requested, const MariadbGtidState& end) {
  const std::vector<MariadbGtid> list = end.ToList();
  const MariadbGtidPosition latest = end.ToPosition();
  for (const MariadbGtid& gtid : requested) {
    if (HasAtLeast(list, gtid)) continue;
    const auto domain = latest.Find(gtid.domain_id);
    if (!domain) continue;
    return Status::InvalidArgument(NotInBinlog(gtid, domain->seq_no >= gtid.seq_no));
  }
  return Status::Ok();
}

// Adds the GTIDs of the events `entry` holds to `state`.
Status AddFileGtids(const StoredBinlog& store, const FileCatalogEntry& entry,
                    MariadbGtidState* state) {
  return ScanFile(store, entry,
                  [&](const binlog::EventView& event, const binlog::FormatDescription&,
                      uint64_t) -> Result<bool> {
                    if (event.header.type != uint8_t(binlog::EventType::kMariadbGtid)) return true;
                    auto gtid = binlog::DecodeMariadbGtidEvent(event);
                    if (!gtid.ok()) return gtid.status();
                    state->Add(gtid->gtid);
                    return true;
                  });
}

// CheckInBinlog against the end state, read from the newest file only when
// its start state does not settle every GTID.
Status CheckInStore(const StoredBinlog& store, const FileCatalogEntry& newest,
                    MariadbGtidState newest_start, const std::vector<MariadbGtid>& requested) {
  const std::vector<MariadbGtid> start_list = newest_start.ToList();
  std::vector<MariadbGtid> unsettled;
  for (const MariadbGtid& gtid : requested) {
    if (!HasAtLeast(start_list, gtid)) unsettled.push_back(gtid);
  }
  if (unsettled.empty()) return Status::Ok();
  if (Status s = AddFileGtids(store, newest, &newest_start); !s.ok()) return s;
  return CheckInBinlog(unsettled, newest_start);
}

}  // namespace

bool MariadbReplicaHasStartState(const MariadbGtidPosition& replica,
                                 const std::vector<MariadbGtid>& start_list) {
  for (size_t i = 0; i < start_list.size(); ++i) {
    const MariadbGtid& listed = start_list[i];
    const auto has = replica.Find(listed.domain_id);
    // Without the domain the replica needs its first GTID, in an earlier file.
    if (!has) return false;
    if (has->server_id != listed.server_id || has->seq_no > listed.seq_no) continue;
    if (has->seq_no < listed.seq_no) return false;
    // Equal: fine only when it is the domain's last GTID before this file.
    if (i + 1 < start_list.size() && start_list[i + 1].domain_id == listed.domain_id) return false;
  }
  return true;
}

Result<GtidStart> FindMariadbGtidStart(const StoredBinlog& store,
                                       const MariadbGtidPosition& replica, bool strict) {
  auto files_or = LiveFiles(*store.catalogue);
  if (!files_or.ok()) return files_or.status();
  const std::vector<FileCatalogEntry>& files = *files_or;
  std::vector<MariadbGtidState> starts;
  for (const FileCatalogEntry& entry : files) {
    auto state = MariadbGtidState::Parse(entry.start_gtid_state);
    if (!state.ok()) return BadStartState(entry, state.status());
    starts.push_back(std::move(state).value());
  }
  const size_t newest = files.size() - 1;

  std::optional<size_t> chosen;
  for (size_t i = files.size(); i-- > 0;) {
    if (MariadbReplicaHasStartState(replica, starts[i].ToList())) {
      chosen = i;
      break;
    }
  }
  if (!chosen) {
    // As MariaDB: a GTID the store does not hold is reported before the purge.
    if (Status s = CheckInStore(store, files[newest], starts[newest], replica.gtids()); !s.ok()) {
      return s;
    }
    return Status::NotFound(kMariadbPurged);
  }

  // A replica GTID that is exactly the domain's last one before the chosen
  // file needs no skipping in that domain.
  const std::vector<MariadbGtid> chosen_list = starts[*chosen].ToList();
  std::vector<MariadbGtid> pending;
  for (const MariadbGtid& gtid : replica.gtids()) {
    if (std::find(chosen_list.begin(), chosen_list.end(), gtid) == chosen_list.end()) {
      pending.push_back(gtid);
    }
  }

  const FileCatalogEntry& file = files[*chosen];
  const bool chosen_is_newest = *chosen == newest;
  GtidSkipFilter filter = GtidSkipFilter::Mariadb(std::move(pending), strict);
  MariadbGtidState end_state = starts[*chosen];  // complete when chosen_is_newest
  std::optional<GtidStart> start;
  uint64_t scanned_end = binlog::kBinlogMagicSize;
  Status scan = ScanFile(
      store, file,
      [&](const binlog::EventView& event, const binlog::FormatDescription& fde,
          uint64_t offset) -> Result<bool> {
        scanned_end = offset + event.bytes.size();
        if (chosen_is_newest && event.header.type == uint8_t(binlog::EventType::kMariadbGtid)) {
          auto gtid = binlog::DecodeMariadbGtidEvent(event);
          if (!gtid.ok()) return gtid.status();
          end_state.Add(gtid->gtid);
        }
        if (!start) {
          auto send = filter.ShouldSend(event, fde);
          if (!send.ok()) return send.status();
          if (*send && !IsFileControlEvent(event.header.type)) {
            start = GtidStart{{file.seq, file.name, offset}, filter};
          }
        }
        // Past the start, the newest file is read on only to learn its GTIDs.
        return !start || (chosen_is_newest && !start->filter.pending().empty());
      });
  if (!scan.ok()) return scan;
  if (!start) start = GtidStart{{file.seq, file.name, scanned_end}, filter};

  const std::vector<MariadbGtid>& unsettled = start->filter.pending();
  if (!unsettled.empty()) {
    Status s = chosen_is_newest ? CheckInBinlog(unsettled, end_state)
                                : CheckInStore(store, files[newest], starts[newest], unsettled);
    if (!s.ok()) return s;
  }
  return std::move(start).value();
}

// --- MySQL -----------------------------------------------------------------

Result<GtidStart> FindMysqlGtidStart(const StoredBinlog& store, const MysqlGtidSet& replica,
                                     const std::optional<binlog::Uuid>& source_uuid) {
  auto files_or = LiveFiles(*store.catalogue);
  if (!files_or.ok()) return files_or.status();
  const std::vector<FileCatalogEntry>& files = *files_or;
  std::vector<MysqlGtidSet> starts;
  for (const FileCatalogEntry& entry : files) {
    auto set = MysqlGtidSet::Parse(entry.start_gtid_state);
    if (!set.ok()) return BadStartState(entry, set.status());
    starts.push_back(std::move(set).value());
  }

  if (source_uuid) {
    const uint64_t wanted = replica.HighestGno(*source_uuid, "");
    MysqlGtidSet end = starts.back();
    if (wanted > end.HighestGno(*source_uuid, "")) {
      Status scan = ScanFile(store, files.back(),
                             [&](const binlog::EventView& event, const binlog::FormatDescription&,
                                 uint64_t) -> Result<bool> {
                               if (!IsGtidEvent(event.header.type) ||
                                   event.header.type == uint8_t(binlog::EventType::kMariadbGtid)) {
                                 return true;
                               }
                               auto gtid = binlog::DecodeMysqlGtidEvent(event);
                               if (!gtid.ok()) return gtid.status();
                               if (!gtid->anonymous()) end.Add(gtid->gtid);
                               return true;
                             });
      if (!scan.ok()) return scan;
      if (wanted > end.HighestGno(*source_uuid, "")) {
        return Status::InvalidArgument(
            "Replica has more GTIDs than the source has, using the source's SERVER_UUID. This may "
            "indicate that the end of the binary log was truncated or that the last binary log "
            "file was lost, e.g., after a power or disk failure when sync_binlog != 1. The source "
            "may or may not have rolled back transactions that were already replicated to the "
            "replica. Suggest to replicate any transactions that source has rolled back from "
            "replica to source, and/or commit empty transactions on source to account for "
            "transactions that have been committed on source but are not included in "
            "GTID_EXECUTED.");
      }
    }
  }

  if (!replica.Contains(starts.front())) {
    return Status::NotFound(fmt::format(
        "Cannot replicate because the source purged required binary logs. Replicate the missing "
        "transactions from elsewhere, or provision a new replica from backup. Consider increasing "
        "the source's binary log expiration period. The GTID set sent by the replica is '{}', and "
        "the source's purged GTID set is '{}'.",
        replica.ToString(), starts.front().ToString()));
  }
  size_t chosen = files.size() - 1;
  while (!replica.Contains(starts[chosen])) --chosen;  // stops at 0 at the latest

  const FileCatalogEntry& file = files[chosen];
  GtidSkipFilter filter = GtidSkipFilter::Mysql(replica);
  std::optional<GtidStart> start;
  uint64_t scanned_end = binlog::kBinlogMagicSize;
  Status scan = ScanFile(store, file,
                         [&](const binlog::EventView& event, const binlog::FormatDescription& fde,
                             uint64_t offset) -> Result<bool> {
                           scanned_end = offset + event.bytes.size();
                           auto send = filter.ShouldSend(event, fde);
                           if (!send.ok()) return send.status();
                           if (*send && !IsFileControlEvent(event.header.type)) {
                             start = GtidStart{{file.seq, file.name, offset}, filter};
                             return false;
                           }
                           return true;
                         });
  if (!scan.ok()) return scan;
  if (!start) start = GtidStart{{file.seq, file.name, scanned_end}, std::move(filter)};
  return std::move(start).value();
}

}  // namespace sidecar::store
