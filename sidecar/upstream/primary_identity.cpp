#include "upstream/primary_identity.h"

#include <fmt/format.h>

namespace sidecar::upstream {

std::string DescribeServer(binlog::Flavor flavor, uint32_t server_id, std::string_view server_uuid,
                           std::string_view address) {
  if (flavor == binlog::Flavor::kMysql && !server_uuid.empty()) {
    return fmt::format("MySQL server_uuid {} (server_id {}, at {})", server_uuid, server_id,
                       address);
  }
  return fmt::format("{} server_id {} (at {})",
                     flavor == binlog::Flavor::kMariadb ? "MariaDB" : "MySQL", server_id, address);
}

Result<PrimaryAdmission> AdmitPrimary(const store::UpstreamIdentity& stored,
                                      const PrimaryInfo& primary, std::string_view address,
                                      bool by_gtid, bool has_gtid_state) {
  if (stored.server_id == 0 && stored.server_uuid.empty()) return PrimaryAdmission{};
  const std::string was =
      DescribeServer(stored.flavor, stored.server_id, stored.server_uuid,
                     fmt::format("{}:{}", stored.host, stored.port));
  const std::string is =
      DescribeServer(primary.flavor, primary.server_id, primary.server_uuid, address);
  if (stored.flavor != primary.flavor) {
    return Status::InvalidArgument(fmt::format(
        "refusing {}: the store holds the binlog of {}, another flavour; use a new data_dir "
        "for this primary",
        is, was));
  }
  const bool same = primary.flavor == binlog::Flavor::kMysql && !stored.server_uuid.empty()
                        ? stored.server_uuid == primary.server_uuid
                        : stored.server_id == primary.server_id;
  if (same) return PrimaryAdmission{PrimaryAdmission::Kind::kSame, ""};
  if (by_gtid && has_gtid_state) {
    return PrimaryAdmission{
        PrimaryAdmission::Kind::kFailover,
        fmt::format("failover: {} replaces {}; continuing the stored history by GTID", is, was)};
  }
  return Status::InvalidArgument(fmt::format(
      "refusing {}: the store holds the binlog of {}, a different server, and its file names "
      "and positions mean nothing here. If it is a promoted replica (a failover), set "
      "upstream.gtid = on to continue by GTID{}; otherwise point upstream at the original "
      "primary or use a new data_dir",
      is, was, has_gtid_state ? "" : " (the store must hold GTIDs)"));
}

}  // namespace sidecar::upstream
