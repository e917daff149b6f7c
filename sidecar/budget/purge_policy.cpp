#include "budget/purge_policy.h"

#include <fmt/format.h>

#include <charconv>
#include <string_view>

#include "binlog/mariadb_gtid.h"
#include "binlog/mysql_gtid_set.h"
#include "store/binlog_index_file.h"

namespace sidecar::budget {
namespace {

using store::FileCatalogEntry;

// Whether `executed` (the replica's GTIDs) holds every transaction up to
// `state` (a stored GTID state of `flavor`); nullopt when either does not parse.
std::optional<bool> GtidsCover(binlog::Flavor flavor, const std::string& executed,
                               const std::string& state) {
  if (flavor == binlog::Flavor::kMysql) {
    auto have = binlog::MysqlGtidSet::Parse(executed);
    auto need = binlog::MysqlGtidSet::Parse(state);
    if (!have.ok() || !need.ok()) return std::nullopt;
    return have->Contains(*need);
  }
  auto have = binlog::MariadbGtidPosition::Parse(executed);
  auto need = binlog::MariadbGtidState::Parse(state);
  if (!have.ok() || !need.ok()) return std::nullopt;
  const binlog::MariadbGtidPosition needed = need->ToPosition();
  for (const binlog::MariadbGtid& gtid : needed.gtids()) {
    if (!have->Contains(gtid)) return false;
  }
  return true;
}

// Whether `name` follows `newest` in the same series ("mysql-bin.000031" after
// "mysql-bin.000020"): a replica executing there is past every stored file.
bool LaterInSeries(const std::string& name, const std::string& newest) {
  const std::string_view base = store::BinlogBaseName(name);
  if (base == name || base != store::BinlogBaseName(newest)) return false;
  uint64_t number = 0;
  uint64_t newest_number = 0;
  const std::string_view suffix = std::string_view(name).substr(base.size() + 1);
  const std::string_view newest_suffix = std::string_view(newest).substr(base.size() + 1);
  const auto a = std::from_chars(suffix.data(), suffix.data() + suffix.size(), number);
  const auto b = std::from_chars(newest_suffix.data(), newest_suffix.data() + newest_suffix.size(),
                                 newest_number);
  return a.ec == std::errc() && a.ptr == suffix.data() + suffix.size() && b.ec == std::errc() &&
         b.ptr == newest_suffix.data() + newest_suffix.size() && number > newest_number;
}

// Why the replica has not (visibly) executed all of files[i]; "" when it has.
std::string NotExecuted(const PurgePolicyInput& in, size_t i) {
  const FileCatalogEntry& file = in.files[i];
  const ReplicaProgress& replica = in.replica;
  // The state after this file is the next file's start state (rule 1 keeps the last file).
  const std::string& end_state = i + 1 < in.files.size() ? in.files[i + 1].start_gtid_state : "";
  if (replica.uses_gtid && !replica.executed_gtids.empty() && !end_state.empty()) {
    const auto covered = GtidsCover(in.flavor, replica.executed_gtids, end_state);
    if (!covered) {
      return fmt::format(
          "the replica's executed GTIDs '{}' cannot be compared with the GTID state after {} "
          "('{}')",
          replica.executed_gtids, file.name, end_state);
    }
    if (*covered) return "";
    return fmt::format(
        "the replica has not executed every transaction of {} yet (it has executed '{}', the "
        "file ends at '{}')",
        file.name, replica.executed_gtids, end_state);
  }
  if (replica.executed_file.empty()) {
    return fmt::format("the replica reports no executed position, so it may still need {}",
                       file.name);
  }
  for (const FileCatalogEntry& other : in.files) {
    if (other.name != replica.executed_file) continue;
    if (other.seq > file.seq || (other.seq == file.seq && replica.executed_position >= file.size)) {
      return "";
    }
    return fmt::format("the replica has not executed all of {} yet (it has executed up to {}:{})",
                       file.name, replica.executed_file, replica.executed_position);
  }
  // Ahead of the store (it replicates from elsewhere too, or the store is re-fetching).
  if (!in.files.empty() && LaterInSeries(replica.executed_file, in.files.back().name)) return "";
  return fmt::format(
      "the replica's executed position {}:{} is not a file of the store, so whether it still "
      "needs {} is unknown",
      replica.executed_file, replica.executed_position, file.name);
}

std::string Refusal(const PurgePolicyInput& in, size_t i) {
  const FileCatalogEntry& file = in.files[i];
  if (file.seq >= in.durable_end.file_seq || file.state != store::FileState::kClosed) {
    return fmt::format("{} is the file being written (the store's durable end is {}:{})", file.name,
                       in.durable_end.file, in.durable_end.offset);
  }
  if (in.oldest_reader && in.oldest_reader->file_seq <= file.seq) {
    return fmt::format(
        "a connected replica is still reading {} or an earlier file (it stands at {}:{})",
        file.name, in.oldest_reader->file, in.oldest_reader->offset);
  }
  if (!in.replica.reachable) {
    return fmt::format(
        "the co-located replica is unreachable, so whether it still needs {} is unknown",
        file.name);
  }
  if (std::string why = NotExecuted(in, i); !why.empty()) return why;
  if (!in.request.manual()) {
    const auto age = in.now - std::chrono::system_clock::from_time_t(file.last_event_time);
    if (age < in.keep_min) {
      return fmt::format("{} is younger than keep_min ({} s): its last event is {} s old",
                         file.name, in.keep_min.count(),
                         std::chrono::duration_cast<std::chrono::seconds>(age).count());
    }
  }
  return "";
}

}  // namespace

std::string PurgePlan::first_refusal() const {
  return purge_count < files.size() ? files[purge_count].refusal : "";
}

Result<PurgePlan> PlanPurge(const PurgePolicyInput& in) {
  // The live rows (a 'purging' row is gone), and how many of them are candidates.
  std::vector<FileCatalogEntry> live;
  for (const FileCatalogEntry& file : in.files) {
    if (file.state != store::FileState::kPurging) live.push_back(file);
  }
  PurgePolicyInput view = in;
  view.files = live;
  size_t candidates = live.size();
  if (in.request.to_file) {
    size_t at = 0;
    while (at < live.size() && live[at].name != *in.request.to_file) ++at;
    if (at == live.size()) {
      return Status::NotFound(fmt::format("cannot purge to {}: the store holds no such binlog file",
                                          *in.request.to_file));
    }
    candidates = at;
  }
  if (in.request.before_unix_time) {
    size_t at = 0;
    while (at < candidates && int64_t(live[at].last_event_time) < *in.request.before_unix_time) {
      ++at;
    }
    candidates = at;
  }

  PurgePlan plan;
  bool prefix = true;
  for (size_t i = 0; i < candidates; ++i) {
    FileVerdict& verdict = plan.files.emplace_back();
    verdict.name = live[i].name;
    verdict.seq = live[i].seq;
    verdict.size = live[i].size;
    verdict.refusal = Refusal(view, i);
    if (!verdict.refusal.empty() && prefix) {
      prefix = false;
    } else if (verdict.refusal.empty() && !prefix) {
      verdict.refusal = fmt::format("an older file, {}, is kept, and files go oldest first",
                                    plan.files[plan.purge_count].name);
    }
    if (prefix) {
      ++plan.purge_count;
      plan.purge_bytes += verdict.size;
    }
  }
  return plan;
}

}  // namespace sidecar::budget
