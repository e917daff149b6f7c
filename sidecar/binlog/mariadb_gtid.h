// MariaDB GTIDs, GTID positions and binlog states.
//
// A GTID is domain_id-server_id-seq_no, written "0-1-100" (domain and server
// are 32-bit, seq_no 64-bit). Within a domain seq_no orders transactions;
// MariaDB tolerates gaps, and out-of-order seq_nos unless gtid_strict_mode.
//
// MariadbGtidPosition: at most one GTID per domain, the last one applied or
// logged there. The form of @@gtid_slave_pos, @@gtid_binlog_pos and
// @slave_connect_state: "0-1-100,1-2-5"; "" is the empty position.
//
// MariadbGtidState: the binlog state, the content of a GTID_LIST event and of
// MariaDB's master-bin.state: per domain the last GTID of every server that
// logged in it, plus which of them is the domain's most recent. As MariaDB
// writes it, the most recent GTID of a domain comes after the domain's other
// GTIDs, so a list read in order leaves each domain's last-listed GTID the most
// recent.
//
// Value types, not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "binlog/gtid_next_check.h"

namespace sidecar::binlog {

struct MariadbGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;

  // "domain-server-seq", decimal; InvalidArgument otherwise.
  static Result<MariadbGtid> Parse(std::string_view text);
  std::string ToString() const;

  friend bool operator==(const MariadbGtid&, const MariadbGtid&) = default;
};

class MariadbGtidPosition {
 public:
  // Comma-separated GTIDs, spaces around each tolerated. Two GTIDs of one
  // domain are InvalidArgument, as MariaDB rejects them.
  static Result<MariadbGtidPosition> Parse(std::string_view text);

  // GTIDs ordered by domain_id, comma-separated; "" when empty.
  std::string ToString() const;

  bool empty() const { return gtids_.empty(); }
  // Ordered by domain_id, one per domain.
  const std::vector<MariadbGtid>& gtids() const { return gtids_; }

  // The domain's GTID, if the position has one.
  std::optional<MariadbGtid> Find(uint32_t domain_id) const;

  // True when the position's GTID of gtid.domain_id has seq_no >= gtid.seq_no
  // (whatever its server_id): the transaction is applied.
  bool Contains(const MariadbGtid& gtid) const;

  // The domain's GTID becomes `gtid`.
  void Add(const MariadbGtid& gtid);

  // kNext when the domain is absent or seq_no is its seq_no + 1; kGap when
  // seq_no is larger (MariaDB allows it; the caller decides); kDuplicate when
  // seq_no is not larger (out of order or already applied).
  NextCheck CheckNext(const MariadbGtid& gtid) const;

  friend bool operator==(const MariadbGtidPosition&, const MariadbGtidPosition&) = default;

 private:
  std::vector<MariadbGtid>::iterator LowerBound(uint32_t domain_id);
  std::vector<MariadbGtid>::const_iterator LowerBound(uint32_t domain_id) const;

  std::vector<MariadbGtid> gtids_;  // sorted by domain_id, unique domains
};

class MariadbGtidState {
 public:
  // The state a GTID_LIST event's list (in event order) describes.
  static MariadbGtidState FromList(std::span<const MariadbGtid> gtids);
  // Comma-separated GTIDs in list order; spaces around each tolerated.
  static Result<MariadbGtidState> Parse(std::string_view text);

  // The (domain, server) entry becomes `gtid`, and the domain's most recent.
  void Add(const MariadbGtid& gtid);

  // Domains ascending; within a domain the other servers' GTIDs by server_id,
  // then the most recent: the order MariaDB writes a GTID_LIST in.
  std::vector<MariadbGtid> ToList() const;
  // ToList, comma-separated.
  std::string ToString() const;

  // Per domain the most recent GTID: what @@gtid_binlog_pos reports.
  MariadbGtidPosition ToPosition() const;

  bool empty() const { return domains_.empty(); }

  friend bool operator==(const MariadbGtidState&, const MariadbGtidState&) = default;

 private:
  struct Domain {
    uint32_t domain_id = 0;
    std::vector<MariadbGtid> by_server;  // sorted by server_id, unique servers
    uint32_t most_recent_server_id = 0;

    friend bool operator==(const Domain&, const Domain&) = default;
  };

  std::vector<Domain> domains_;  // sorted by domain_id, unique domains
};

}  // namespace sidecar::binlog
