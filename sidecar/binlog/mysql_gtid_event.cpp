#include "binlog/mysql_gtid_event.h"

#include <fmt/format.h>

#include <array>
#include <limits>

#include "binlog/mysql_varlen.h"

namespace sidecar::binlog {
namespace {

constexpr uint8_t kLogicalTimestampTypecode = 2;
constexpr size_t kUntaggedFixedLength = 1 + Uuid::kSize + 8;
constexpr size_t kCommitTimestampLength = 7;
constexpr uint64_t kOriginalTimestampFollows = uint64_t{1} << 55;
constexpr size_t kServerVersionLength = 4;
constexpr uint32_t kOriginalVersionFollows = uint32_t{1} << 31;
constexpr size_t kCommitGroupTicketLength = 8;

constexpr uint64_t kSerializationFormatVersion = 1;

// GTID_TAGGED field ids, in the order MySQL defines and writes them.
enum TaggedField : uint64_t {
  kFlagsField,
  kUuidField,
  kGnoField,
  kTagField,
  kLastCommittedField,
  kSequenceNumberField,
  kImmediateTimestampField,
  kOriginalTimestampField,
  kTransactionLengthField,
  kImmediateVersionField,
  kOriginalVersionField,
  kCommitGroupTicketField,
  kTaggedFieldCount,
};

// Names of the fields a GTID_TAGGED event must carry, by id.
constexpr std::array<const char*, kLastCommittedField> kRequiredFieldNames = {"flags", "uuid",
                                                                              "gno", "tag"};

Status Malformed(const EventView& event, std::string_view what) {
  return Status::Corruption(fmt::format("{} event of {} bytes is malformed: {}",
                                        EventTypeName(event.header.type), event.bytes.size(),
                                        what));
}

Status CheckGno(const EventView& event, const MysqlGtidEvent& decoded) {
  const uint64_t gno = decoded.gtid.gno;
  if (decoded.anonymous() ? gno == 0 : (gno >= 1 && gno <= kMaxMysqlGno)) return Status::Ok();
  return Malformed(
      event, decoded.anonymous()
                 ? fmt::format("transaction number {} is not 0", gno)
                 : fmt::format("transaction number {} is not within 1-{}", gno, kMaxMysqlGno));
}

Result<MysqlGtidEvent> DecodeUntagged(const EventView& event, MysqlGtidEvent decoded) {
  ByteReader r(event.Body());
  decoded.flags = r.U8();
  const Bytes uuid = r.Take(Uuid::kSize);
  decoded.gtid.gno = r.U64();
  if (!r.ok()) {
    return Malformed(event, fmt::format("its body is {} bytes, shorter than the {} of flags, "
                                        "UUID and transaction number",
                                        event.Body().size(), kUntaggedFixedLength));
  }
  decoded.gtid.uuid = Uuid::FromBytes(uuid);
  if (Status status = CheckGno(event, decoded); !status.ok()) return status;

  if (r.empty() || r.U8() != kLogicalTimestampTypecode) return decoded;
  const uint64_t last_committed = r.U64();
  const uint64_t sequence_number = r.U64();
  if (!r.ok()) return Malformed(event, "the logical clock is truncated");
  decoded.logical_clock = {int64_t(last_committed), int64_t(sequence_number)};

  if (r.remaining() < kCommitTimestampLength) return decoded;
  MysqlGtidEvent::CommitTimestamps timestamps;
  timestamps.immediate = r.U56();
  timestamps.original = timestamps.immediate;
  if (timestamps.immediate & kOriginalTimestampFollows) {
    timestamps.immediate &= ~kOriginalTimestampFollows;
    timestamps.original = r.U56();
    if (!r.ok()) return Malformed(event, "the original commit timestamp is truncated");
  }
  decoded.commit_timestamps = timestamps;

  if (r.empty()) return decoded;
  decoded.transaction_length = r.LengthEncoded();
  if (!r.ok()) return Malformed(event, "the transaction length is truncated or invalid");

  if (r.remaining() < kServerVersionLength) return decoded;
  MysqlGtidEvent::ServerVersions versions;
  versions.immediate = r.U32();
  versions.original = versions.immediate;
  if (versions.immediate & kOriginalVersionFollows) {
    versions.immediate &= ~kOriginalVersionFollows;
    versions.original = r.U32();
    if (!r.ok()) return Malformed(event, "the original server version is truncated");
  }
  decoded.server_versions = versions;

  if (r.remaining() >= kCommitGroupTicketLength) decoded.commit_group_ticket = r.U64();
  return decoded;
}

// The fields of one serialization-library message, read in id order. A field
// is present when the next id in the message is its own.
class TaggedFields {
 public:
  explicit TaggedFields(ByteReader fields) : reader_(fields) {}

  bool Next(TaggedField field) {
    if (!reader_.ok()) return false;
    ByteReader peek = reader_;
    if (peek.empty() || ReadVarlenUnsigned(peek) != field || !peek.ok()) return false;
    reader_ = peek;
    return true;
  }

  uint64_t Unsigned(uint64_t max) {
    const uint64_t value = ReadVarlenUnsigned(reader_);
    if (value > max) reader_.Fail();
    return value;
  }
  int64_t Signed() { return ReadVarlenSigned(reader_); }
  std::string_view String(size_t max_length) {
    const uint64_t length = Unsigned(max_length);
    return reader_.ok() ? reader_.TakeString(length) : std::string_view();
  }

  bool ok() const { return reader_.ok(); }

 private:
  ByteReader reader_;
};

Result<MysqlGtidEvent> DecodeTagged(const EventView& event, MysqlGtidEvent decoded) {
  const Bytes body = event.Body();
  ByteReader header(body);
  const uint64_t format_version = ReadVarlenUnsigned(header);
  const uint64_t message_size = ReadVarlenUnsigned(header);
  const uint64_t last_non_ignorable_field = ReadVarlenUnsigned(header);
  if (!header.ok() || message_size > body.size() || message_size < header.position()) {
    return Malformed(event, fmt::format("its message header is truncated or declares {} bytes "
                                        "in a body of {}",
                                        message_size, body.size()));
  }
  if (format_version != kSerializationFormatVersion) {
    return Status::Unsupported(
        fmt::format("GTID_TAGGED event uses serialization format {}; only {} is known",
                    format_version, kSerializationFormatVersion));
  }
  if (last_non_ignorable_field > kTaggedFieldCount) {
    return Status::Unsupported(fmt::format(
        "GTID_TAGGED event has a field numbered up to {} that may not be ignored; {} are known",
        last_non_ignorable_field - 1, kTaggedFieldCount));
  }
  ByteReader message(body.first(message_size));
  message.Skip(header.position());
  TaggedFields fields(message);

  const auto missing = [&event, &fields](TaggedField field) {
    return Malformed(event, fields.ok()
                                ? fmt::format("it lacks the {} field", kRequiredFieldNames[field])
                                : "a field is truncated or out of range");
  };
  if (!fields.Next(kFlagsField)) return missing(kFlagsField);
  decoded.flags = uint8_t(fields.Unsigned(std::numeric_limits<uint8_t>::max()));
  if (!fields.Next(kUuidField)) return missing(kUuidField);
  Uuid::Array uuid;
  for (uint8_t& byte : uuid) byte = uint8_t(fields.Unsigned(std::numeric_limits<uint8_t>::max()));
  decoded.gtid.uuid = Uuid(uuid);
  if (!fields.Next(kGnoField)) return missing(kGnoField);
  decoded.gtid.gno = uint64_t(fields.Signed());
  if (!fields.Next(kTagField)) return missing(kTagField);
  const std::string_view tag = fields.String(kMaxMysqlGtidTagLength);
  if (!fields.ok()) return Malformed(event, "a field is truncated or out of range");
  if (!tag.empty()) {
    auto normalized = NormalizeMysqlGtidTag(tag);
    if (!normalized.ok()) return Malformed(event, normalized.status().message());
    decoded.gtid.tag = std::move(normalized).value();
  }
  if (Status status = CheckGno(event, decoded); !status.ok()) return status;

  const bool has_last_committed = fields.Next(kLastCommittedField);
  const int64_t last_committed = has_last_committed ? fields.Signed() : 0;
  const bool has_sequence_number = fields.Next(kSequenceNumberField);
  const int64_t sequence_number = has_sequence_number ? fields.Signed() : 0;
  if (has_last_committed || has_sequence_number) {
    decoded.logical_clock = {last_committed, sequence_number};
  }
  constexpr uint64_t kAny64 = std::numeric_limits<uint64_t>::max();
  constexpr uint64_t kAny32 = std::numeric_limits<uint32_t>::max();
  if (fields.Next(kImmediateTimestampField)) {
    const uint64_t immediate = fields.Unsigned(kAny64);
    const uint64_t original =
        fields.Next(kOriginalTimestampField) ? fields.Unsigned(kAny64) : immediate;
    decoded.commit_timestamps = {immediate, original};
  }
  if (fields.Next(kTransactionLengthField)) decoded.transaction_length = fields.Unsigned(kAny64);
  if (fields.Next(kImmediateVersionField)) {
    const uint32_t immediate = uint32_t(fields.Unsigned(kAny32));
    const uint32_t original =
        fields.Next(kOriginalVersionField) ? uint32_t(fields.Unsigned(kAny32)) : immediate;
    decoded.server_versions = {immediate, original};
  }
  if (fields.Next(kCommitGroupTicketField)) decoded.commit_group_ticket = fields.Unsigned(kAny64);
  if (!fields.ok()) return Malformed(event, "a field is truncated or out of range");
  return decoded;
}

}  // namespace

Result<MysqlGtidEvent> DecodeMysqlGtidEvent(const EventView& event) {
  MysqlGtidEvent decoded;
  decoded.type = EventType(event.header.type);
  switch (decoded.type) {
    case EventType::kGtid:
    case EventType::kAnonymousGtid:
      return DecodeUntagged(event, std::move(decoded));
    case EventType::kGtidTagged:
      return DecodeTagged(event, std::move(decoded));
    default:
      return Status::InvalidArgument(
          fmt::format("event type {} is not a MySQL GTID event", EventTypeName(event.header.type)));
  }
}

Result<MysqlGtidSet> DecodePreviousGtids(const EventView& event) {
  if (event.header.type != uint8_t(EventType::kPreviousGtids)) {
    return Status::InvalidArgument(
        fmt::format("event type {} is not PREVIOUS_GTIDS", EventTypeName(event.header.type)));
  }
  auto set = MysqlGtidSet::DecodeBinary(event.Body());
  if (!set.ok()) return Malformed(event, set.status().message());
  return set;
}

}  // namespace sidecar::binlog
