// MySQL GTIDs and GTID sets (@@gtid_executed, @@gtid_purged, PREVIOUS_GTIDS,
// COM_BINLOG_DUMP_GTID).
//
// A GTID is uuid:gno, or uuid:tag:gno from MySQL 8.3 on. A tag is
// [a-z_][a-z0-9_]{0,31}; text may spell it in upper case and is normalised to
// lower case. A gno is 1 .. 2^63 - 2 (MySQL's GNO_END, 2^63 - 1, is exclusive).
//
// MysqlGtidSet invariants: per (uuid, tag) the intervals are sorted, disjoint
// and never adjacent (1-3 and 4-7 are stored as 1-7), and no (uuid, tag) has
// an empty interval list. So two sets are equal exactly when they hold the
// same GTIDs, and ToString is canonical:
//   3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7:alpha:1-3,4c2ba5d2-...:9
// uuids ascending; per uuid the untagged intervals first, then each tag in
// ascending order; "a-b" or "a"; "," between uuids and no spaces (MySQL's
// @@gtid_executed prints ",\n" there).
//
// Costs: Contains is O(log u + log k) (u = uuid/tag pairs, k = intervals of
// that pair) and never allocates; Add of the next GTID of a pair is amortised
// O(1) after the O(log u) lookup. Not thread-safe; a value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_reader.h"
#include "base/status.h"
#include "binlog/gtid_next_check.h"
#include "binlog/gtid_uuid.h"

namespace sidecar::binlog {

inline constexpr uint64_t kMaxMysqlGno = (uint64_t{1} << 63) - 2;
inline constexpr size_t kMaxMysqlGtidTagLength = 32;

// `text` as a tag, lower-cased; InvalidArgument naming the rule it breaks.
Result<std::string> NormalizeMysqlGtidTag(std::string_view text);

struct MysqlGtid {
  Uuid uuid;
  std::string tag;  // empty when untagged; otherwise a normalised tag
  uint64_t gno = 0;

  // "uuid:gno" or "uuid:tag:gno"; InvalidArgument otherwise.
  static Result<MysqlGtid> Parse(std::string_view text);
  std::string ToString() const;

  friend bool operator==(const MysqlGtid&, const MysqlGtid&) = default;
};

// An inclusive range of gnos, first <= last.
struct GnoInterval {
  uint64_t first = 0;
  uint64_t last = 0;

  friend bool operator==(const GnoInterval&, const GnoInterval&) = default;
};

class MysqlGtidSet {
 public:
  // MySQL's text form: comma-separated "uuid(:interval|:tag)*" where an
  // interval is "n" or "n-m" and a tag applies to the intervals after it.
  // Whitespace around the parts, empty entries (",,") and a uuid or tag
  // without intervals are tolerated, as MySQL does; "" is the empty set.
  // Stricter than MySQL: "5-3" is an error (MySQL drops it silently) and a
  // number with a leading zero is an error (MySQL would read it as octal).
  static Result<MysqlGtidSet> Parse(std::string_view text);

  // The canonical text described above; "" for the empty set.
  std::string ToString() const;

  bool empty() const { return intervals_.empty(); }

  bool Contains(const MysqlGtid& gtid) const;
  // True when every GTID of `other` is in this set.
  bool Contains(const MysqlGtidSet& other) const;

  // REQUIRES: 1 <= gtid.gno <= kMaxMysqlGno, gtid.tag empty or normalised.
  void Add(const MysqlGtid& gtid);
  // Union.
  void Add(const MysqlGtidSet& other);
  // Adds first..last of (uuid, tag); InvalidArgument for a bad tag or range.
  Status AddInterval(const Uuid& uuid, std::string_view tag, uint64_t first, uint64_t last);

  // The largest gno of (uuid, tag), 0 when the set has none.
  uint64_t HighestGno(const Uuid& uuid, std::string_view tag) const;

  // Continuity of a resumed stream: kDuplicate when the set contains `gtid`,
  // kNext when gtid.gno is HighestGno(uuid, tag) + 1, otherwise kGap.
  NextCheck CheckNext(const MysqlGtid& gtid) const;

  // The body of a PREVIOUS_GTIDS_LOG_EVENT (and the set of COM_BINLOG_DUMP_GTID):
  //   n_sids 8 | per (uuid, tag): uuid 16 | [tag] | n_intervals 8 |
  //   per interval: start 8 | end 8 (exclusive)          all little-endian
  // Untagged format: n_sids is the whole 8 bytes (top byte 0). Tagged format
  // (MySQL 8.3+, used when any tag is present): top byte 1, n_sids in bits
  // 8..55, low byte 1; every entry carries [tag] = varlen length + characters
  // (see mysql_varlen.h), length 0 for untagged GTIDs.
  std::vector<uint8_t> EncodeBinary() const;
  // Rejects, as Corruption, every malformation: truncation, counts larger than
  // the bytes present, an interval with end <= start or not after the previous
  // one, a gno out of range, a bad tag, trailing bytes.
  static Result<MysqlGtidSet> DecodeBinary(Bytes encoded);

  friend bool operator==(const MysqlGtidSet&, const MysqlGtidSet&) = default;

 private:
  struct Tsid {
    Uuid uuid;
    std::string tag;

    friend bool operator==(const Tsid&, const Tsid&) = default;
  };
  struct TsidView {
    const Uuid& uuid;
    std::string_view tag;
  };
  // Orders by uuid, then tag (the untagged "" first); accepts views for
  // lookups that do not allocate.
  struct TsidLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.uuid != b.uuid) return a.uuid < b.uuid;
      return std::string_view(a.tag) < std::string_view(b.tag);
    }
  };
  using Intervals = std::vector<GnoInterval>;

  const Intervals* Find(const Uuid& uuid, std::string_view tag) const;
  static void Insert(Intervals& intervals, GnoInterval added);

  std::map<Tsid, Intervals, TsidLess> intervals_;
};

}  // namespace sidecar::binlog
