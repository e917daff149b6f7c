#include "binlog/mysql_gtid_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <iterator>

#include "binlog/mysql_varlen.h"

namespace sidecar::binlog {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsTagStart(char c) { return IsAsciiLetter(c) || c == '_'; }
bool IsTagChar(char c) { return IsTagStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads MySQL's GTID text left to right; every error names the text and the
// 1-based character where it went wrong.
class TextCursor {
 public:
  // `what` names the whole text in messages: "GTID" or "GTID set".
  TextCursor(std::string_view text, std::string_view what) : text_(text), what_(what) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void Advance() { ++pos_; }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }

  Status Error(std::string_view problem) const {
    // Like MySQL, quote at most 200 characters of a long text.
    constexpr size_t kQuoted = 200;
    return Status::InvalidArgument(
        fmt::format("'{}{}' is not a valid {}: at character {}, {}", text_.substr(0, kQuoted),
                    text_.size() > kQuoted ? "..." : "", what_, pos_ + 1, problem));
  }

  Result<Uuid> TakeUuid() {
    const std::string_view rest = text_.substr(pos_);
    auto uuid = Uuid::Parse(rest.substr(0, Uuid::kTextLength));
    if (rest.size() < Uuid::kTextLength || !uuid.ok()) {
      return Error("expected a UUID such as 3e11fa47-71ca-11e1-9e33-c80aa9429562");
    }
    pos_ += Uuid::kTextLength;
    return uuid;
  }

  // REQUIRES: IsTagStart(Peek())
  Result<std::string> TakeTag() {
    const size_t start = pos_;
    while (!AtEnd() && IsTagChar(text_[pos_])) ++pos_;
    auto tag = NormalizeMysqlGtidTag(text_.substr(start, pos_ - start));
    if (!tag.ok()) {
      pos_ = start;
      return Error(tag.status().message());
    }
    return tag;
  }

  Result<uint64_t> TakeGno() {
    const size_t start = pos_;
    uint64_t value = 0;
    bool overflow = false;
    while (!AtEnd() && IsDigit(text_[pos_])) {
      const uint64_t digit = uint64_t(text_[pos_] - '0');
      overflow = overflow || value > (kMaxMysqlGno - digit) / 10;
      value = value * 10 + digit;
      ++pos_;
    }
    const size_t length = pos_ - start;
    pos_ = start;
    if (length == 0) return Error("expected a transaction number or a tag");
    if (overflow) {
      return Error(fmt::format("transaction number {} is larger than the largest, {}",
                               text_.substr(start, length), kMaxMysqlGno));
    }
    if (value == 0) return Error("transaction numbers start at 1");
    if (text_[start] == '0') {
      return Error(fmt::format("transaction number {} has a leading zero (MySQL reads it as octal)",
                               text_.substr(start, length)));
    }
    pos_ = start + length;
    return value;
  }

  // "n" or "n-m" with n <= m.
  Result<GnoInterval> TakeInterval() {
    const size_t start = pos_;
    auto first = TakeGno();
    if (!first.ok()) return first.status();
    SkipSpace();
    if (Peek() != '-') return GnoInterval{*first, *first};
    Advance();
    SkipSpace();
    auto last = TakeGno();
    if (!last.ok()) return last.status();
    if (*last < *first) {
      pos_ = start;
      return Error(fmt::format("interval {}-{} ends before it starts", *first, *last));
    }
    return GnoInterval{*first, *last};
  }

 private:
  std::string_view text_;
  std::string_view what_;
  size_t pos_ = 0;
};

Status EncodingError(std::string_view what) {
  return Status::Corruption(fmt::format("encoded GTID set is malformed: {}", what));
}

constexpr uint64_t kUntaggedFormat = 0;
constexpr uint64_t kTaggedFormat = 1;
constexpr int kFormatShift = 56;
constexpr uint64_t kTaggedCountMask = (uint64_t{1} << 48) - 1;
constexpr uint64_t kUntaggedCountMask = (uint64_t{1} << kFormatShift) - 1;
constexpr size_t kCountSize = 8;
constexpr size_t kIntervalSize = 16;

void AppendLe64(uint64_t value, std::vector<uint8_t>& out) {
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(value >> (8 * i)));
}

}  // namespace

Result<std::string> NormalizeMysqlGtidTag(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("a GTID tag cannot be empty");
  if (text.size() > kMaxMysqlGtidTagLength) {
    return Status::InvalidArgument(fmt::format("GTID tag '{}' is {} characters, longer than {}",
                                               text, text.size(), kMaxMysqlGtidTagLength));
  }
  if (!IsTagStart(text.front()) || !std::all_of(text.begin(), text.end(), IsTagChar)) {
    return Status::InvalidArgument(fmt::format(
        "GTID tag '{}' must be a letter or '_' followed by letters, digits or '_'", text));
  }
  std::string tag(text);
  for (char& c : tag) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return tag;
}

Result<MysqlGtid> MysqlGtid::Parse(std::string_view text) {
  TextCursor cursor(text, "GTID");
  cursor.SkipSpace();
  MysqlGtid gtid;
  auto uuid = cursor.TakeUuid();
  if (!uuid.ok()) return uuid.status();
  gtid.uuid = *uuid;
  cursor.SkipSpace();
  if (cursor.Peek() != ':') return cursor.Error("expected ':' after the UUID");
  cursor.Advance();
  cursor.SkipSpace();
  if (IsTagStart(cursor.Peek())) {
    auto tag = cursor.TakeTag();
    if (!tag.ok()) return tag.status();
    gtid.tag = std::move(tag).value();
    cursor.SkipSpace();
    if (cursor.Peek() != ':') return cursor.Error("expected ':' after the tag");
    cursor.Advance();
    cursor.SkipSpace();
  }
  auto gno = cursor.TakeGno();
  if (!gno.ok()) return gno.status();
  gtid.gno = *gno;
  cursor.SkipSpace();
  if (!cursor.AtEnd()) return cursor.Error("expected the end after the transaction number");
  return gtid;
}

std::string MysqlGtid::ToString() const {
  if (tag.empty()) return fmt::format("{}:{}", uuid.ToString(), gno);
  return fmt::format("{}:{}:{}", uuid.ToString(), tag, gno);
}

Result<MysqlGtidSet> MysqlGtidSet::Parse(std::string_view text) {
  TextCursor cursor(text, "GTID set");
  MysqlGtidSet set;
  cursor.SkipSpace();
  while (!cursor.AtEnd()) {
    if (cursor.Peek() == ',') {
      cursor.Advance();
      cursor.SkipSpace();
      continue;
    }
    auto uuid = cursor.TakeUuid();
    if (!uuid.ok()) return uuid.status();
    std::string tag;
    cursor.SkipSpace();
    while (cursor.Peek() == ':') {
      cursor.Advance();
      cursor.SkipSpace();
      if (IsTagStart(cursor.Peek())) {
        auto next_tag = cursor.TakeTag();
        if (!next_tag.ok()) return next_tag.status();
        tag = std::move(next_tag).value();
      } else {
        auto interval = cursor.TakeInterval();
        if (!interval.ok()) return interval.status();
        Insert(set.intervals_[Tsid{*uuid, tag}], *interval);
      }
      cursor.SkipSpace();
    }
    if (!cursor.AtEnd() && cursor.Peek() != ',') {
      return cursor.Error("expected ',' or ':' after a UUID, tag or interval");
    }
  }
  return set;
}

std::string MysqlGtidSet::ToString() const {
  std::string text;
  const Uuid* previous_uuid = nullptr;
  for (const auto& [tsid, intervals] : intervals_) {
    if (previous_uuid == nullptr || *previous_uuid != tsid.uuid) {
      if (previous_uuid != nullptr) text += ',';
      text += tsid.uuid.ToString();
      previous_uuid = &tsid.uuid;
    }
    if (!tsid.tag.empty()) fmt::format_to(std::back_inserter(text), ":{}", tsid.tag);
    for (const GnoInterval& interval : intervals) {
      fmt::format_to(std::back_inserter(text), ":{}", interval.first);
      if (interval.last != interval.first) {
        fmt::format_to(std::back_inserter(text), "-{}", interval.last);
      }
    }
  }
  return text;
}

const MysqlGtidSet::Intervals* MysqlGtidSet::Find(const Uuid& uuid, std::string_view tag) const {
  const auto it = intervals_.find(TsidView{uuid, tag});
  return it == intervals_.end() ? nullptr : &it->second;
}

bool MysqlGtidSet::Contains(const MysqlGtid& gtid) const {
  const Intervals* intervals = Find(gtid.uuid, gtid.tag);
  if (intervals == nullptr) return false;
  // The first interval starting after gno; the one before it is the candidate.
  const auto after = std::upper_bound(
      intervals->begin(), intervals->end(), gtid.gno,
      [](uint64_t gno, const GnoInterval& interval) { return gno < interval.first; });
  return after != intervals->begin() && std::prev(after)->last >= gtid.gno;
}

bool MysqlGtidSet::Contains(const MysqlGtidSet& other) const {
  for (const auto& [tsid, other_intervals] : other.intervals_) {
    const Intervals* intervals = Find(tsid.uuid, tsid.tag);
    if (intervals == nullptr) return false;
    // Both lists are sorted: walk them together.
    auto mine = intervals->begin();
    for (const GnoInterval& wanted : other_intervals) {
      while (mine != intervals->end() && mine->last < wanted.first) ++mine;
      if (mine == intervals->end() || mine->first > wanted.first || mine->last < wanted.last) {
        return false;
      }
    }
  }
  return true;
}

void MysqlGtidSet::Insert(Intervals& intervals, GnoInterval added) {
  // Fast paths: appending at the end, the common case of a replication stream.
  if (intervals.empty() || added.first > intervals.back().last + 1) {
    intervals.push_back(added);
    return;
  }
  if (added.first >= intervals.back().first) {
    intervals.back().last = std::max(intervals.back().last, added.last);
    return;
  }
  // General case: merge every interval that overlaps or touches `added`.
  auto first_touching = std::lower_bound(
      intervals.begin(), intervals.end(), added.first,
      [](const GnoInterval& interval, uint64_t first) { return interval.last + 1 < first; });
  auto end_touching = first_touching;
  while (end_touching != intervals.end() && end_touching->first <= added.last + 1) {
    added.first = std::min(added.first, end_touching->first);
    added.last = std::max(added.last, end_touching->last);
    ++end_touching;
  }
  const auto position = intervals.erase(first_touching, end_touching);
  intervals.insert(position, added);
}

void MysqlGtidSet::Add(const MysqlGtid& gtid) {
  assert(gtid.gno >= 1 && gtid.gno <= kMaxMysqlGno);
  auto it = intervals_.find(TsidView{gtid.uuid, gtid.tag});
  if (it == intervals_.end()) it = intervals_.emplace(Tsid{gtid.uuid, gtid.tag}, Intervals()).first;
  Insert(it->second, GnoInterval{gtid.gno, gtid.gno});
}

void MysqlGtidSet::Add(const MysqlGtidSet& other) {
  for (const auto& [tsid, other_intervals] : other.intervals_) {
    Intervals& intervals = intervals_[tsid];
    for (const GnoInterval& interval : other_intervals) Insert(intervals, interval);
  }
}

Status MysqlGtidSet::AddInterval(const Uuid& uuid, std::string_view tag, uint64_t first,
                                 uint64_t last) {
  if (first < 1 || first > last || last > kMaxMysqlGno) {
    return Status::InvalidArgument(
        fmt::format("GTID interval {}-{} is not within 1-{} or ends before it starts", first, last,
                    kMaxMysqlGno));
  }
  std::string normalized_tag;
  if (!tag.empty()) {
    auto normalized = NormalizeMysqlGtidTag(tag);
    if (!normalized.ok()) return normalized.status();
    normalized_tag = std::move(normalized).value();
  }
  Insert(intervals_[Tsid{uuid, std::move(normalized_tag)}], GnoInterval{first, last});
  return Status::Ok();
}

uint64_t MysqlGtidSet::HighestGno(const Uuid& uuid, std::string_view tag) const {
  const Intervals* intervals = Find(uuid, tag);
  return intervals == nullptr ? 0 : intervals->back().last;
}

NextCheck MysqlGtidSet::CheckNext(const MysqlGtid& gtid) const {
  if (Contains(gtid)) return NextCheck::kDuplicate;
  return gtid.gno == HighestGno(gtid.uuid, gtid.tag) + 1 ? NextCheck::kNext : NextCheck::kGap;
}

std::vector<uint8_t> MysqlGtidSet::EncodeBinary() const {
  const bool tagged = std::any_of(intervals_.begin(), intervals_.end(),
                                  [](const auto& entry) { return !entry.first.tag.empty(); });
  const uint64_t count = intervals_.size();
  std::vector<uint8_t> out;
  AppendLe64(tagged ? (kTaggedFormat << kFormatShift) | (count << 8) | kTaggedFormat : count, out);
  for (const auto& [tsid, intervals] : intervals_) {
    out.insert(out.end(), tsid.uuid.bytes().begin(), tsid.uuid.bytes().end());
    if (tagged) {
      AppendVarlenUnsigned(tsid.tag.size(), out);
      out.insert(out.end(), tsid.tag.begin(), tsid.tag.end());
    }
    AppendLe64(intervals.size(), out);
    for (const GnoInterval& interval : intervals) {
      AppendLe64(interval.first, out);
      AppendLe64(interval.last + 1, out);
    }
  }
  return out;
}

Result<MysqlGtidSet> MysqlGtidSet::DecodeBinary(Bytes encoded) {
  ByteReader reader(encoded);
  const uint64_t header = reader.U64();
  if (!reader.ok()) {
    return EncodingError(fmt::format("{} bytes, shorter than its 8-byte count", encoded.size()));
  }
  const uint64_t format = header >> kFormatShift;
  if (format != kUntaggedFormat && format != kTaggedFormat) {
    return EncodingError(fmt::format("unknown format {} in its first 8 bytes", format));
  }
  const bool tagged = format == kTaggedFormat;
  const uint64_t count = tagged ? (header >> 8) & kTaggedCountMask : header & kUntaggedCountMask;
  const size_t min_entry_size = Uuid::kSize + (tagged ? 1 : 0) + kCountSize;
  if (count > reader.remaining() / min_entry_size) {
    return EncodingError(
        fmt::format("it declares {} UUIDs but only {} bytes follow", count, reader.remaining()));
  }
  MysqlGtidSet set;
  for (uint64_t i = 0; i < count; ++i) {
    // The count check above assumed empty tags: longer ones may leave too few bytes.
    const Bytes raw_uuid = reader.Take(Uuid::kSize);
    if (!reader.ok()) {
      return EncodingError(fmt::format("UUID {} of {} is truncated", i + 1, count));
    }
    const Uuid uuid = Uuid::FromBytes(raw_uuid);
    std::string tag;
    if (tagged) {
      const uint64_t tag_length = ReadVarlenUnsigned(reader);
      if (!reader.ok() || tag_length > kMaxMysqlGtidTagLength || tag_length > reader.remaining()) {
        return EncodingError(fmt::format("the tag of UUID {} ({}) is truncated or too long", i + 1,
                                         uuid.ToString()));
      }
      if (tag_length > 0) {
        auto normalized = NormalizeMysqlGtidTag(reader.TakeString(tag_length));
        if (!normalized.ok()) return EncodingError(normalized.status().message());
        tag = std::move(normalized).value();
      }
    }
    const uint64_t interval_count = reader.U64();
    if (!reader.ok() || interval_count > reader.remaining() / kIntervalSize) {
      return EncodingError(
          fmt::format("UUID {} ({}) declares {} intervals but only {} bytes follow", i + 1,
                      uuid.ToString(), interval_count, reader.remaining()));
    }
    // MySQL accepts a UUID without intervals; it adds nothing.
    if (interval_count == 0) continue;
    Intervals& intervals = set.intervals_[Tsid{uuid, std::move(tag)}];
    uint64_t previous_end = 0;
    for (uint64_t j = 0; j < interval_count; ++j) {
      const uint64_t start = reader.U64();
      const uint64_t end = reader.U64();  // exclusive
      if (start <= previous_end || end <= start || end > kMaxMysqlGno + 1) {
        return EncodingError(fmt::format(
            "interval [{}, {}) of UUID {} is empty, out of range or not after the previous one",
            start, end, uuid.ToString()));
      }
      Insert(intervals, GnoInterval{start, end - 1});
      previous_end = end;
    }
  }
  if (!reader.empty()) {
    return EncodingError(fmt::format("{} bytes follow its last interval", reader.remaining()));
  }
  return set;
}

}  // namespace sidecar::binlog
