#include "binlog/mariadb_gtid.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace sidecar::binlog {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// The whole of `text` as a decimal number no larger than `max`.
std::optional<uint64_t> ParseDecimal(std::string_view text, uint64_t max) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end || value > max) return std::nullopt;
  return value;
}

// Calls `visit` with each comma-separated GTID of `text` ("" has none).
template <typename Visit>
Status ForEachGtid(std::string_view text, Visit visit) {
  if (Trim(text).empty()) return Status::Ok();
  while (true) {
    const size_t comma = text.find(',');
    auto gtid = MariadbGtid::Parse(Trim(text.substr(0, comma)));
    if (!gtid.ok()) return gtid.status();
    Status status = visit(*gtid);
    if (!status.ok()) return status;
    if (comma == std::string_view::npos) return Status::Ok();
    text.remove_prefix(comma + 1);
  }
}

template <typename Container>
auto LowerBoundByDomain(Container& sorted, uint32_t domain_id) {
  return std::lower_bound(sorted.begin(), sorted.end(), domain_id,
                          [](const auto& entry, uint32_t id) { return entry.domain_id < id; });
}

}  // namespace

Result<MariadbGtid> MariadbGtid::Parse(std::string_view text) {
  const size_t first_dash = text.find('-');
  const size_t second_dash =
      first_dash == std::string_view::npos ? first_dash : text.find('-', first_dash + 1);
  if (second_dash != std::string_view::npos) {
    const auto domain = ParseDecimal(text.substr(0, first_dash), UINT32_MAX);
    const auto server =
        ParseDecimal(text.substr(first_dash + 1, second_dash - first_dash - 1), UINT32_MAX);
    const auto seq_no = ParseDecimal(text.substr(second_dash + 1), UINT64_MAX);
    if (domain && server && seq_no)
      return MariadbGtid{uint32_t(*domain), uint32_t(*server), *seq_no};
  }
  return Status::InvalidArgument(fmt::format(
      "'{}' is not a MariaDB GTID: expected domain-server-sequence such as 0-1-100, with "
      "domain and server below 2^32 and sequence below 2^64",
      text));
}

std::string MariadbGtid::ToString() const {
  return fmt::format("{}-{}-{}", domain_id, server_id, seq_no);
}

Result<MariadbGtidPosition> MariadbGtidPosition::Parse(std::string_view text) {
  MariadbGtidPosition position;
  Status status = ForEachGtid(text, [&position](const MariadbGtid& gtid) {
    if (auto existing = position.Find(gtid.domain_id)) {
      return Status::InvalidArgument(fmt::format("GTID {} and {} conflict (duplicate domain id {})",
                                                 existing->ToString(), gtid.ToString(),
                                                 gtid.domain_id));
    }
    position.Add(gtid);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return position;
}

std::string MariadbGtidPosition::ToString() const {
  std::string text;
  for (const MariadbGtid& gtid : gtids_) {
    if (!text.empty()) text += ',';
    text += gtid.ToString();
  }
  return text;
}

std::vector<MariadbGtid>::iterator MariadbGtidPosition::LowerBound(uint32_t domain_id) {
  return LowerBoundByDomain(gtids_, domain_id);
}

std::vector<MariadbGtid>::const_iterator MariadbGtidPosition::LowerBound(uint32_t domain_id) const {
  return LowerBoundByDomain(gtids_, domain_id);
}

std::optional<MariadbGtid> MariadbGtidPosition::Find(uint32_t domain_id) const {
  const auto it = LowerBound(domain_id);
  if (it == gtids_.end() || it->domain_id != domain_id) return std::nullopt;
  return *it;
}

bool MariadbGtidPosition::Contains(const MariadbGtid& gtid) const {
  const auto current = Find(gtid.domain_id);
  return current && current->seq_no >= gtid.seq_no;
}

void MariadbGtidPosition::Add(const MariadbGtid& gtid) {
  const auto it = LowerBound(gtid.domain_id);
  if (it != gtids_.end() && it->domain_id == gtid.domain_id) {
    *it = gtid;
  } else {
    gtids_.insert(it, gtid);
  }
}

NextCheck MariadbGtidPosition::CheckNext(const MariadbGtid& gtid) const {
  const auto current = Find(gtid.domain_id);
  if (!current) return NextCheck::kNext;
  if (gtid.seq_no <= current->seq_no) return NextCheck::kDuplicate;
  return gtid.seq_no - current->seq_no == 1 ? NextCheck::kNext : NextCheck::kGap;
}

MariadbGtidState MariadbGtidState::FromList(std::span<const MariadbGtid> gtids) {
  MariadbGtidState state;
  for (const MariadbGtid& gtid : gtids) state.Add(gtid);
  return state;
}

Result<MariadbGtidState> MariadbGtidState::Parse(std::string_view text) {
  MariadbGtidState state;
  Status status = ForEachGtid(text, [&state](const MariadbGtid& gtid) {
    state.Add(gtid);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return state;
}

void MariadbGtidState::Add(const MariadbGtid& gtid) {
  auto domain = LowerBoundByDomain(domains_, gtid.domain_id);
  if (domain == domains_.end() || domain->domain_id != gtid.domain_id) {
    domain = domains_.insert(domain, Domain{gtid.domain_id, {}, gtid.server_id});
  }
  auto& servers = domain->by_server;
  const auto server =
      std::lower_bound(servers.begin(), servers.end(), gtid.server_id,
                       [](const MariadbGtid& entry, uint32_t id) { return entry.server_id < id; });
  if (server != servers.end() && server->server_id == gtid.server_id) {
    *server = gtid;
  } else {
    servers.insert(server, gtid);
  }
  domain->most_recent_server_id = gtid.server_id;
}

std::vector<MariadbGtid> MariadbGtidState::ToList() const {
  std::vector<MariadbGtid> list;
  for (const Domain& domain : domains_) {
    const MariadbGtid* most_recent = nullptr;
    for (const MariadbGtid& gtid : domain.by_server) {
      if (gtid.server_id == domain.most_recent_server_id) {
        most_recent = &gtid;
      } else {
        list.push_back(gtid);
      }
    }
    list.push_back(*most_recent);
  }
  return list;
}

std::string MariadbGtidState::ToString() const {
  std::string text;
  for (const MariadbGtid& gtid : ToList()) {
    if (!text.empty()) text += ',';
    text += gtid.ToString();
  }
  return text;
}

MariadbGtidPosition MariadbGtidState::ToPosition() const {
  MariadbGtidPosition position;
  for (const Domain& domain : domains_) {
    for (const MariadbGtid& gtid : domain.by_server) {
      if (gtid.server_id == domain.most_recent_server_id) position.Add(gtid);
    }
  }
  return position;
}

}  // namespace sidecar::binlog
