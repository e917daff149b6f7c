// Expected values come from the fixtures' bytes as `mariadb-binlog --hexdump`
// shows them, and from independent facts (header timestamps, event offsets),
// never from this decoder's output. The tagged event, of which no real sample
// is at hand, is assembled byte by byte from MySQL's serialization format.
#include "binlog/mysql_gtid_event.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "binlog/format_description.h"

namespace sidecar::binlog {
namespace {

// A binlog file read whole and sliced into events by their event_size.
struct BinlogFile {
  std::vector<uint8_t> bytes;
  std::map<size_t, EventView> events;  // by offset in the file
};

BinlogFile ReadBinlog(const std::string& relative) {
  BinlogFile file;
  std::ifstream in(std::string(SIDECAR_FIXTURES_DIR) + "/binlogs/" + relative, std::ios::binary);
  file.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  EXPECT_GT(file.bytes.size(), kBinlogMagicSize) << relative;
  const Bytes all(file.bytes);
  bool checksums = false;
  for (size_t offset = kBinlogMagicSize; offset + kEventHeaderSize <= all.size();) {
    auto header = EventHeader::Parse(all.subspan(offset));
    if (!header.ok() || header->event_size > all.size() - offset) break;
    const Bytes bytes = all.subspan(offset, header->event_size);
    if (header->type == uint8_t(EventType::kFormatDescription)) {
      checksums = FormatDescription::Parse(bytes).value().EventsHaveChecksum();
    }
    file.events.emplace(offset, EventView{*header, bytes, checksums});
    offset += header->event_size;
  }
  return file;
}

MysqlGtidEvent GtidEventAt(const BinlogFile& file, size_t offset) {
  const auto it = file.events.find(offset);
  EXPECT_NE(it, file.events.end()) << "no event at " << offset;
  if (it == file.events.end()) return {};
  auto decoded = DecodeMysqlGtidEvent(it->second);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? decoded.value() : MysqlGtidEvent();
}

std::string PreviousGtidsAt(const BinlogFile& file, size_t offset) {
  auto decoded = DecodePreviousGtids(file.events.at(offset));
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? decoded->ToString() : "<error>";
}

Uuid UuidOf(const char* text) { return Uuid::Parse(text).value(); }

TEST(MysqlGtidEventFixtureTest, Mysql56EventsHaveNoLogicalClock) {
  const BinlogFile file =
      ReadBinlog("blackbeam_rust_mysql_common/binlog_56_gtid_reserved_word.000001");
  EXPECT_EQ(PreviousGtidsAt(file, 120), "");
  const std::vector<size_t> offsets = {151, 308, 458, 781, 1066, 1229};
  for (size_t i = 0; i < offsets.size(); ++i) {
    const MysqlGtidEvent event = GtidEventAt(file, offsets[i]);
    EXPECT_EQ(event.type, EventType::kGtid);
    EXPECT_FALSE(event.anonymous());
    EXPECT_EQ(event.flags, 0x01);  // 5.6's commit flag
    EXPECT_EQ(event.gtid.ToString(),
              "11111111-1111-1111-1111-111111111111:" + std::to_string(i + 1));
    EXPECT_FALSE(event.logical_clock.has_value());
    EXPECT_FALSE(event.commit_timestamps.has_value());
    EXPECT_FALSE(event.transaction_length.has_value());
  }
}

TEST(MysqlGtidEventFixtureTest, Mysql57EventsCarryTheLogicalClock) {
  const BinlogFile file = ReadBinlog("EasyPost_rust-mysql-binlog/bin-log.000001");
  EXPECT_EQ(PreviousGtidsAt(file, 123), "87cee3a4-6b31-11e7-bdfd-0d98d6698870:1-14916");

  const MysqlGtidEvent first = GtidEventAt(file, 194);
  EXPECT_EQ(first.gtid.ToString(), "87cee3a4-6b31-11e7-bdfd-0d98d6698870:14917");
  EXPECT_TRUE(first.may_have_sbr());
  ASSERT_TRUE(first.logical_clock.has_value());
  EXPECT_EQ(first.logical_clock->last_committed, 0);
  EXPECT_EQ(first.logical_clock->sequence_number, 1);
  EXPECT_FALSE(first.commit_timestamps.has_value());

  const MysqlGtidEvent second = GtidEventAt(file, 459);
  EXPECT_EQ(second.gtid.gno, 14918u);
  EXPECT_FALSE(second.may_have_sbr());
  ASSERT_TRUE(second.logical_clock.has_value());
  EXPECT_EQ(second.logical_clock->last_committed, 1);
  EXPECT_EQ(second.logical_clock->sequence_number, 2);

  EXPECT_EQ(GtidEventAt(file, 749).gtid.gno, 14919u);
}

TEST(MysqlGtidEventFixtureTest, Mysql80EventsCarryTimestampsLengthAndVersion) {
  const BinlogFile file = ReadBinlog("blackbeam_rust_mysql_common/mysql-enum-string-set.000001");
  EXPECT_EQ(PreviousGtidsAt(file, 126), "");

  const MysqlGtidEvent first = GtidEventAt(file, 157);
  EXPECT_EQ(first.gtid.ToString(), "93e95066-a2f4-11ec-9b69-9657f0ae95e2:1");
  EXPECT_EQ(first.flags, 0x01);
  ASSERT_TRUE(first.logical_clock.has_value());
  EXPECT_EQ(first.logical_clock->sequence_number, 1);
  ASSERT_TRUE(first.commit_timestamps.has_value());
  EXPECT_EQ(first.commit_timestamps->immediate, 1647193191638429u);
  EXPECT_EQ(first.commit_timestamps->original, 1647193191638429u);
  // The commit timestamp falls in the second the event header records.
  EXPECT_EQ(first.commit_timestamps->immediate / 1000000, file.events.at(157).header.timestamp);
  ASSERT_TRUE(first.server_versions.has_value());
  EXPECT_EQ(first.server_versions->immediate, 80028u);  // the FDE says 8.0.28
  EXPECT_EQ(first.server_versions->original, 80028u);
  EXPECT_FALSE(first.commit_group_ticket.has_value());

  // Each transaction runs from its GTID event to the next one (or the end of
  // the file): transaction_length must say so.
  std::vector<size_t> gtid_offsets;
  for (const auto& [offset, event] : file.events) {
    if (event.header.type == uint8_t(EventType::kGtid)) gtid_offsets.push_back(offset);
  }
  ASSERT_EQ(gtid_offsets.size(), 5u);
  gtid_offsets.push_back(file.bytes.size());
  for (size_t i = 0; i + 1 < gtid_offsets.size(); ++i) {
    const MysqlGtidEvent event = GtidEventAt(file, gtid_offsets[i]);
    EXPECT_EQ(event.gtid.gno, i + 1);
    ASSERT_TRUE(event.transaction_length.has_value());
    EXPECT_EQ(*event.transaction_length, gtid_offsets[i + 1] - gtid_offsets[i]) << i;
  }
}

TEST(MysqlGtidEventFixtureTest, AnonymousEventsHaveNoGtid) {
  const BinlogFile file =
      ReadBinlog("blackbeam_rust_mysql_common/binlog_transaction_with_anonymous_GTID.000001");
  EXPECT_EQ(PreviousGtidsAt(file, 122), "");
  const MysqlGtidEvent first = GtidEventAt(file, 153);
  EXPECT_EQ(first.type, EventType::kAnonymousGtid);
  EXPECT_TRUE(first.anonymous());
  EXPECT_TRUE(first.gtid.uuid.IsNil());
  EXPECT_EQ(first.gtid.gno, 0u);
  ASSERT_TRUE(first.logical_clock.has_value());
  EXPECT_EQ(first.logical_clock->sequence_number, 1);
  const MysqlGtidEvent second = GtidEventAt(file, 316);
  ASSERT_TRUE(second.logical_clock.has_value());
  EXPECT_EQ(second.logical_clock->last_committed, 1);
  EXPECT_EQ(second.logical_clock->sequence_number, 2);
}

TEST(MysqlGtidEventFixtureTest, RelayLogPreviousGtidsNeedNotStartAtOne) {
  const BinlogFile file = ReadBinlog("flike_kingbus/flikedev1-c8pyy-relay-bin.000284");
  EXPECT_EQ(PreviousGtidsAt(file, 123), "214eb71f-96ec-11e8-ab4f-fa163e72d4ae:11757-11788");
}

// --- Percona Server 8.4.7 events from a hex dump --------------------------------

// The events of a "[name] N bytes, type T" + hexdump-lines file, by name.
std::map<std::string, std::vector<uint8_t>> ReadHexEvents(const std::string& relative) {
  std::ifstream in(std::string(SIDECAR_FIXTURES_DIR) + "/" + relative);
  std::map<std::string, std::vector<uint8_t>> events;
  std::vector<uint8_t>* current = nullptr;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("[")) {
      current = &events[line.substr(1, line.find(']') - 1)];
    } else if (current != nullptr && !line.empty() && line[0] != '#') {
      std::istringstream words(line);
      std::string offset;
      words >> offset;
      for (std::string byte; words >> byte;)
        current->push_back(uint8_t(std::stoul(byte, nullptr, 16)));
    }
  }
  return events;
}

TEST(MysqlGtidEventFixtureTest, Percona84Events) {
  const auto events =
      ReadHexEvents("protocol/Percona-Lab_percona-binlog-server/percona-8.4.7-7_events.hex.txt");
  const auto view = [&events](const char* name) {
    const std::vector<uint8_t>& bytes = events.at(name);
    return EventView{EventHeader::Parse(bytes).value(), Bytes(bytes), true};
  };
  auto previous = DecodePreviousGtids(view("previous_gtids"));
  ASSERT_TRUE(previous.ok()) << previous.status().ToString();
  EXPECT_TRUE(previous->empty());

  auto first = DecodeMysqlGtidEvent(view("first_gtid_log"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->gtid.ToString(), "b114550c-5d3d-11f1-a73a-00155df1f492:1");
  EXPECT_TRUE(first->may_have_sbr());  // a CREATE TABLE statement
  ASSERT_TRUE(first->commit_timestamps.has_value() && first->server_versions.has_value());
  EXPECT_EQ(first->commit_timestamps->immediate / 1000000, view("first_gtid_log").header.timestamp);
  EXPECT_EQ(first->server_versions->immediate, 80407u);  // 8.4.7
  // The transaction: this 77-byte event and the 126-byte query.
  EXPECT_EQ(first->transaction_length, 77u + 126u);

  auto second = DecodeMysqlGtidEvent(view("second_gtid_log"));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->gtid.gno, 2u);
  EXPECT_FALSE(second->may_have_sbr());  // row-based
  ASSERT_TRUE(second->logical_clock.has_value());
  EXPECT_EQ(second->logical_clock->last_committed, 1);
  EXPECT_EQ(second->logical_clock->sequence_number, 2);
  EXPECT_EQ(second->transaction_length, 79u + 75u + 48u + 44u + 31u);
}

// --- Hand-built events -------------------------------------------------------------

// An event of `type` with `body` and no checksum.
struct BuiltEvent {
  std::vector<uint8_t> bytes;
  EventView view() const {
    return EventView{EventHeader::Parse(bytes).value(), Bytes(bytes), false};
  }
};

BuiltEvent MakeEvent(EventType type, const std::vector<uint8_t>& body) {
  const uint32_t size = uint32_t(kEventHeaderSize + body.size());
  BuiltEvent event;
  event.bytes = {0, 0, 0, 0, uint8_t(type), 1, 0, 0, 0};
  for (int i = 0; i < 4; ++i) event.bytes.push_back(uint8_t(size >> (8 * i)));
  event.bytes.insert(event.bytes.end(), {0, 0, 0, 0, 0, 0});
  event.bytes.insert(event.bytes.end(), body.begin(), body.end());
  return event;
}

// The 16 bytes of 3e11fa47-71ca-11e1-9e33-c80aa9429562, each as a varlen
// integer: b < 128 is b << 1; otherwise (b << 2 | 1) & 0xff, b >> 6.
const std::vector<uint8_t> kVarlenUuid = {0x7c, 0x22, 0xe9, 0x03, 0x8e, 0xe2, 0x29, 0x03,
                                          0x22, 0x85, 0x03, 0x79, 0x02, 0x66, 0x21, 0x03,
                                          0x14, 0xa5, 0x02, 0x84, 0x55, 0x02, 0xc4};

struct Field {
  uint8_t id;
  std::vector<uint8_t> value;
};

// A GTID_TAGGED body: format version 1, message size, last non-ignorable id,
// then (id << 1, value) per field. Sizes stay below 128: one varlen byte each.
std::vector<uint8_t> TaggedBody(const std::vector<Field>& fields, uint8_t last_non_ignorable = 0,
                                uint8_t version = 1) {
  std::vector<uint8_t> encoded_fields;
  for (const Field& field : fields) {
    encoded_fields.push_back(uint8_t(field.id << 1));
    encoded_fields.insert(encoded_fields.end(), field.value.begin(), field.value.end());
  }
  const size_t size = 3 + encoded_fields.size();
  EXPECT_LT(size, 128u);
  std::vector<uint8_t> body = {uint8_t(version << 1), uint8_t(size << 1),
                               uint8_t(last_non_ignorable << 1)};
  body.insert(body.end(), encoded_fields.begin(), encoded_fields.end());
  return body;
}

std::vector<Field> FullTaggedFields() {
  return {
      {0, {0x02}},                                            // flags 1
      {1, kVarlenUuid},                                       // uuid
      {2, {0xa8}},                                            // gno 42 (signed: 84)
      {3, {0x0a, 'A', 'l', 'p', 'h', 'a'}},                   // tag, length 5
      {4, {0x28}},                                            // last_committed 10
      {5, {0x2c}},                                            // sequence_number 11
      {6, {0x7f, 0x00, 0x40, 0x1e, 0x18, 0x24, 0x0a, 0x06}},  // 1700000000000000
      {7, {0x7f, 0xc0, 0xfd, 0x0e, 0x18, 0x24, 0x0a, 0x06}},  // 1699999999000000
      {8, {0xb1, 0x04}},                                      // transaction_length 300
      {9, {0xa3, 0xff, 0x0a}},                                // immediate_server_version 90100
      {10, {0x83, 0xd0, 0x09}},                               // original_server_version 80400
      {11, {0x0a}},                                           // commit_group_ticket 5
  };
}

TEST(MysqlGtidTaggedEventTest, DecodesEveryField) {
  const BuiltEvent event = MakeEvent(EventType::kGtidTagged, TaggedBody(FullTaggedFields()));
  auto decoded = DecodeMysqlGtidEvent(event.view());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->type, EventType::kGtidTagged);
  EXPECT_EQ(decoded->flags, 1);
  EXPECT_EQ(decoded->gtid.uuid, UuidOf("3e11fa47-71ca-11e1-9e33-c80aa9429562"));
  EXPECT_EQ(decoded->gtid.tag, "alpha");
  EXPECT_EQ(decoded->gtid.ToString(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:alpha:42");
  ASSERT_TRUE(decoded->logical_clock && decoded->commit_timestamps && decoded->server_versions);
  EXPECT_EQ(decoded->logical_clock->last_committed, 10);
  EXPECT_EQ(decoded->logical_clock->sequence_number, 11);
  EXPECT_EQ(decoded->commit_timestamps->immediate, 1700000000000000u);
  EXPECT_EQ(decoded->commit_timestamps->original, 1699999999000000u);
  EXPECT_EQ(decoded->transaction_length, 300u);
  EXPECT_EQ(decoded->server_versions->immediate, 90100u);
  EXPECT_EQ(decoded->server_versions->original, 80400u);
  EXPECT_EQ(decoded->commit_group_ticket, 5u);
}

TEST(MysqlGtidTaggedEventTest, AbsentOriginalsEqualTheImmediateValues) {
  std::vector<Field> fields = FullTaggedFields();
  std::erase_if(fields, [](const Field& f) { return f.id == 7 || f.id == 10 || f.id == 11; });
  auto decoded = DecodeMysqlGtidEvent(MakeEvent(EventType::kGtidTagged, TaggedBody(fields)).view());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->commit_timestamps->original, 1700000000000000u);
  EXPECT_EQ(decoded->server_versions->original, 90100u);
  EXPECT_FALSE(decoded->commit_group_ticket.has_value());
}

TEST(MysqlGtidTaggedEventTest, SkipsIgnorableFieldsOfNewerVersions) {
  std::vector<Field> fields = FullTaggedFields();
  fields.push_back({12, {0x01, 0x02}});  // an unknown two-byte varlen
  auto decoded = DecodeMysqlGtidEvent(MakeEvent(EventType::kGtidTagged, TaggedBody(fields)).view());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->gtid.gno, 42u);

  auto must_not_ignore =
      DecodeMysqlGtidEvent(MakeEvent(EventType::kGtidTagged, TaggedBody(fields, 13)).view());
  ASSERT_FALSE(must_not_ignore.ok());
  EXPECT_EQ(must_not_ignore.status().code(), Status::Code::kUnsupported);

  auto newer_format = DecodeMysqlGtidEvent(
      MakeEvent(EventType::kGtidTagged, TaggedBody(FullTaggedFields(), 0, 2)).view());
  ASSERT_FALSE(newer_format.ok());
  EXPECT_EQ(newer_format.status().code(), Status::Code::kUnsupported);
}

void ExpectMalformed(const BuiltEvent& event, const char* why) {
  auto decoded = DecodeMysqlGtidEvent(event.view());
  ASSERT_FALSE(decoded.ok()) << why;
  EXPECT_EQ(decoded.status().code(), Status::Code::kCorruption) << why;
  EXPECT_NE(decoded.status().message().find("is malformed"), std::string::npos)
      << decoded.status().message();
}

TEST(MysqlGtidTaggedEventTest, RejectsMalformedBodies) {
  const std::vector<uint8_t> full = TaggedBody(FullTaggedFields());
  ExpectMalformed(MakeEvent(EventType::kGtidTagged, {}), "empty body");
  ExpectMalformed(
      MakeEvent(EventType::kGtidTagged, std::vector<uint8_t>(full.begin(), full.end() - 1)),
      "message size larger than the body");

  std::vector<Field> fields = FullTaggedFields();
  fields.erase(fields.begin() + 1);
  ExpectMalformed(MakeEvent(EventType::kGtidTagged, TaggedBody(fields)), "no uuid field");

  fields = FullTaggedFields();
  fields[1].value.resize(10);
  ExpectMalformed(MakeEvent(EventType::kGtidTagged, TaggedBody({fields[0], fields[1]})),
                  "truncated uuid");

  fields = FullTaggedFields();
  fields[2].value = {0x00};
  ExpectMalformed(MakeEvent(EventType::kGtidTagged, TaggedBody(fields)), "gno 0");
  fields[2].value = {0x02};
  ExpectMalformed(MakeEvent(EventType::kGtidTagged, TaggedBody(fields)), "gno -1");

  fields = FullTaggedFields();
  fields[3].value = {0x06, '9', 'a', 'b'};
  ExpectMalformed(MakeEvent(EventType::kGtidTagged, TaggedBody(fields)), "tag starts with a digit");
  fields[3].value = {0x0a, 'a', 'b'};
  ExpectMalformed(
      MakeEvent(EventType::kGtidTagged, TaggedBody({fields[0], fields[1], fields[2], fields[3]})),
      "tag longer than the message");

  fields = FullTaggedFields();
  fields[1].value[3] = 0x04;  // 0xe9 0x04: a uuid "byte" of 0x13a, out of a byte's range
  ExpectMalformed(MakeEvent(EventType::kGtidTagged, TaggedBody(fields)), "uuid byte above 255");
}

// --- Hand-built untagged events ------------------------------------------------------

std::vector<uint8_t> UntaggedBody(uint8_t flags, uint64_t gno) {
  std::vector<uint8_t> body = {flags};
  body.insert(body.end(), 16, 0xab);
  for (int i = 0; i < 8; ++i) body.push_back(uint8_t(gno >> (8 * i)));
  return body;
}

void AppendLe(uint64_t value, int size, std::vector<uint8_t>& out) {
  for (int i = 0; i < size; ++i) out.push_back(uint8_t(value >> (8 * i)));
}

TEST(MysqlGtidEventTest, DecodesOriginalTimestampAndVersionWhenTheTopBitSaysSo) {
  std::vector<uint8_t> body = UntaggedBody(0, 7);
  body.push_back(2);
  AppendLe(3, 8, body);
  AppendLe(4, 8, body);
  AppendLe((uint64_t{1} << 55) | 2000, 7, body);  // immediate, original follows
  AppendLe(1000, 7, body);                        // original
  body.insert(body.end(), {0xfc, 0x2c, 0x01});    // transaction_length 300
  AppendLe((uint64_t{1} << 31) | 80040, 4, body);
  AppendLe(50730, 4, body);
  AppendLe(99, 8, body);  // commit_group_ticket
  auto decoded = DecodeMysqlGtidEvent(MakeEvent(EventType::kGtid, body).view());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->gtid.ToString(), "abababab-abab-abab-abab-abababababab:7");
  EXPECT_EQ(decoded->logical_clock->last_committed, 3);
  EXPECT_EQ(decoded->commit_timestamps->immediate, 2000u);
  EXPECT_EQ(decoded->commit_timestamps->original, 1000u);
  EXPECT_EQ(decoded->transaction_length, 300u);
  EXPECT_EQ(decoded->server_versions->immediate, 80040u);
  EXPECT_EQ(decoded->server_versions->original, 50730u);
  EXPECT_EQ(decoded->commit_group_ticket, 99u);
}

TEST(MysqlGtidEventTest, OldLogicalClockTypecodeEndsTheBody) {
  std::vector<uint8_t> body = UntaggedBody(1, 7);
  body.push_back(1);  // MySQL 5.7.4 and older
  AppendLe(3, 8, body);
  auto decoded = DecodeMysqlGtidEvent(MakeEvent(EventType::kGtid, body).view());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_FALSE(decoded->logical_clock.has_value());
}

TEST(MysqlGtidEventTest, RejectsMalformedBodies) {
  ExpectMalformed(MakeEvent(EventType::kGtid, std::vector<uint8_t>(24, 1)), "24-byte body");
  ExpectMalformed(MakeEvent(EventType::kGtid, UntaggedBody(1, 0)), "gno 0");
  ExpectMalformed(MakeEvent(EventType::kGtid, UntaggedBody(1, uint64_t{1} << 63)), "gno >= 2^63");
  ExpectMalformed(MakeEvent(EventType::kAnonymousGtid, UntaggedBody(1, 5)), "anonymous gno 5");

  std::vector<uint8_t> short_clock = UntaggedBody(1, 7);
  short_clock.push_back(2);
  AppendLe(3, 8, short_clock);
  ExpectMalformed(MakeEvent(EventType::kGtid, short_clock), "truncated logical clock");

  std::vector<uint8_t> no_original = UntaggedBody(1, 7);
  no_original.push_back(2);
  AppendLe(3, 8, no_original);
  AppendLe(4, 8, no_original);
  AppendLe(uint64_t{1} << 55, 7, no_original);
  ExpectMalformed(MakeEvent(EventType::kGtid, no_original), "original timestamp announced, absent");
}

TEST(MysqlGtidEventTest, RejectsOtherEventTypes) {
  auto decoded = DecodeMysqlGtidEvent(MakeEvent(EventType::kXid, UntaggedBody(1, 1)).view());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), Status::Code::kInvalidArgument);
  auto previous = DecodePreviousGtids(MakeEvent(EventType::kGtid, UntaggedBody(1, 1)).view());
  ASSERT_FALSE(previous.ok());
  EXPECT_EQ(previous.status().code(), Status::Code::kInvalidArgument);
}

TEST(MysqlGtidEventTest, MalformedPreviousGtidsIsCorruption) {
  std::vector<uint8_t> body(8, 0);
  body[0] = 3;  // three uuids announced, none present
  auto decoded = DecodePreviousGtids(MakeEvent(EventType::kPreviousGtids, body).view());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), Status::Code::kCorruption);
  EXPECT_NE(decoded.status().message().find("declares 3 UUIDs"), std::string::npos)
      << decoded.status().message();
}

}  // namespace
}  // namespace sidecar::binlog
