#include "binlog/mysql_gtid_set.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sidecar::binlog {
namespace {

constexpr const char* kA = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
constexpr const char* kB = "4c2ba5d2-58b5-11ee-8ee4-0242ac120002";

std::string A(const std::string& rest) { return std::string(kA) + rest; }
std::string B(const std::string& rest) { return std::string(kB) + rest; }

Uuid UuidOf(const char* text) { return Uuid::Parse(text).value(); }

MysqlGtidSet SetOf(const std::string& text) {
  auto set = MysqlGtidSet::Parse(text);
  EXPECT_TRUE(set.ok()) << text << ": " << set.status().ToString();
  return set.ok() ? set.value() : MysqlGtidSet();
}

MysqlGtid GtidOf(const char* uuid, uint64_t gno, std::string tag = "") {
  return MysqlGtid{UuidOf(uuid), std::move(tag), gno};
}

// Parses `text` and returns its canonical form.
std::string Canonical(const std::string& text) { return SetOf(text).ToString(); }

void AppendLe64(uint64_t value, std::vector<uint8_t>& out) {
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(value >> (8 * i)));
}

void AppendUuid(const char* uuid, std::vector<uint8_t>& out) {
  const Uuid parsed = UuidOf(uuid);
  out.insert(out.end(), parsed.bytes().begin(), parsed.bytes().end());
}

// --- MysqlGtid -------------------------------------------------------------

TEST(MysqlGtidTest, ParsesAndPrintsUntaggedAndTagged) {
  auto untagged = MysqlGtid::Parse(A(":5"));
  ASSERT_TRUE(untagged.ok()) << untagged.status().ToString();
  EXPECT_EQ(untagged->uuid, UuidOf(kA));
  EXPECT_EQ(untagged->tag, "");
  EXPECT_EQ(untagged->gno, 5u);
  EXPECT_EQ(untagged->ToString(), A(":5"));

  auto tagged = MysqlGtid::Parse("3E11FA47-71CA-11E1-9E33-C80AA9429562:Tag_1:42");
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  EXPECT_EQ(tagged->tag, "tag_1");
  EXPECT_EQ(tagged->gno, 42u);
  EXPECT_EQ(tagged->ToString(), A(":tag_1:42"));
}

TEST(MysqlGtidTest, RejectsMalformedText) {
  for (const std::string& text : {std::string(kA), A(":"), A(":0"), A(":tag"), A(":tag:"),
                                  A(":1-2"), A(":5x"), std::string("garbage:5"), A(":1tag:5")}) {
    auto gtid = MysqlGtid::Parse(text);
    ASSERT_FALSE(gtid.ok()) << text;
    EXPECT_EQ(gtid.status().code(), Status::Code::kInvalidArgument) << text;
  }
}

TEST(MysqlGtidTagTest, NormalizesAndValidates) {
  EXPECT_EQ(NormalizeMysqlGtidTag("Alpha_9").value(), "alpha_9");
  EXPECT_EQ(NormalizeMysqlGtidTag("_").value(), "_");
  EXPECT_TRUE(NormalizeMysqlGtidTag(std::string(32, 'a')).ok());
  for (const std::string& bad : {std::string(""), std::string("9a"), std::string("a-b"),
                                 std::string("é"), std::string(33, 'a')}) {
    auto tag = NormalizeMysqlGtidTag(bad);
    EXPECT_FALSE(tag.ok()) << bad;
  }
}

// --- Text form ---------------------------------------------------------------

TEST(MysqlGtidSetTextTest, RoundTripsCanonicalText) {
  for (const std::string& text :
       {std::string(""), A(":1-5:7"), A(":1") + "," + B(":1-3"), A(":1-3:alpha:1-5:beta:3")}) {
    EXPECT_EQ(Canonical(text), text);
  }
}

TEST(MysqlGtidSetTextTest, MergesOverlappingAndAdjacentIntervals) {
  EXPECT_EQ(Canonical(A(":7:1-3:4-5")), A(":1-5:7"));
  EXPECT_EQ(Canonical(A(":1-5:3-8")), A(":1-8"));
  EXPECT_EQ(Canonical(A(":5-5")), A(":5"));
  EXPECT_EQ(Canonical(A(":10-20:1-9")), A(":1-20"));
  EXPECT_EQ(Canonical(A(":1:3:5:2:4")), A(":1-5"));
}

TEST(MysqlGtidSetTextTest, SortsUuidsAndMergesRepeatedOnes) {
  EXPECT_EQ(Canonical(B(":1") + "," + A(":2")), A(":2") + "," + B(":1"));
  EXPECT_EQ(Canonical(A(":1-2") + "," + B(":1") + "," + A(":3")), A(":1-3") + "," + B(":1"));
  EXPECT_EQ(Canonical("3E11FA47-71CA-11E1-9E33-C80AA9429562:1"), A(":1"));
}

TEST(MysqlGtidSetTextTest, ToleratesWhitespaceAndEmptyEntriesAsMysqlDoes) {
  // @@gtid_executed separates uuids with ",\n".
  EXPECT_EQ(Canonical(A(":1-5") + ",\n" + B(":1-3")), A(":1-5") + "," + B(":1-3"));
  EXPECT_EQ(Canonical(std::string("  ") + kA + " : 1 - 5 : 7 ,  " + B(":2 ")),
            A(":1-5:7") + "," + B(":2"));
  EXPECT_EQ(Canonical(",," + A(":1") + ",,"), A(":1"));
  EXPECT_EQ(Canonical(" \n "), "");
  // A uuid or tag with no interval adds nothing.
  EXPECT_EQ(Canonical(std::string(kA) + "," + B(":alpha")), "");
}

TEST(MysqlGtidSetTextTest, TagsApplyToTheIntervalsAfterThem) {
  const MysqlGtidSet set = SetOf(A(":1-2:tag_a:1-5:TAG_B:3"));
  EXPECT_EQ(set.ToString(), A(":1-2:tag_a:1-5:tag_b:3"));
  EXPECT_TRUE(set.Contains(GtidOf(kA, 2)));
  EXPECT_FALSE(set.Contains(GtidOf(kA, 3)));
  EXPECT_TRUE(set.Contains(GtidOf(kA, 5, "tag_a")));
  EXPECT_TRUE(set.Contains(GtidOf(kA, 3, "tag_b")));
  EXPECT_FALSE(set.Contains(GtidOf(kA, 1, "tag_b")));
  // Untagged intervals print first, then tags in ascending order.
  EXPECT_EQ(Canonical(A(":zeta:1:alpha:2:3")), A(":alpha:2-3:zeta:1"));
  EXPECT_EQ(Canonical(A(":beta:1") + "," + A(":4")), A(":4:beta:1"));
}

TEST(MysqlGtidSetTextTest, RejectsMalformedTextWithAClearMessage) {
  const std::vector<std::string> bad = {
      "3e11fa47-71ca-11e1-9e33-c80aa942956:1",  // short uuid
      "3e11fa4771ca11e19e33c80aa9429562:1",     // undashed: MySQL sets accept only the dashed form
      A(":5-3"),
      A(":"),
      A(":0"),
      A(":0-5"),
      A(":9223372036854775807"),  // GNO_END, one past the largest
      A(":99999999999999999999999"),
      A(":01"),
      A(":1-"),
      A(":-1"),
      A("::1"),
      A(":1x"),
      A(":1;") + B(":2"),
      A(":1,garbage"),
      A(":") + std::string(33, 't') + ":1",
      A(":9tag:1"),
      "garbage",
  };
  for (const std::string& text : bad) {
    auto set = MysqlGtidSet::Parse(text);
    ASSERT_FALSE(set.ok()) << text;
    EXPECT_EQ(set.status().code(), Status::Code::kInvalidArgument) << text;
    EXPECT_NE(set.status().message().find("at character"), std::string::npos)
        << set.status().message();
  }
  EXPECT_NE(MysqlGtidSet::Parse(A(":5-3")).status().message().find("ends before it starts"),
            std::string::npos);
  EXPECT_NE(MysqlGtidSet::Parse(A(":0")).status().message().find("start at 1"), std::string::npos);
  EXPECT_TRUE(MysqlGtidSet::Parse(A(":9223372036854775806")).ok());
}

// --- Membership, union, continuity --------------------------------------------

TEST(MysqlGtidSetTest, ContainsRespectsGaps) {
  MysqlGtidSet set = SetOf(A(":1-3:5-7"));
  EXPECT_TRUE(set.Contains(GtidOf(kA, 1)));
  EXPECT_TRUE(set.Contains(GtidOf(kA, 6)));
  EXPECT_FALSE(set.Contains(GtidOf(kA, 4)));
  EXPECT_FALSE(set.Contains(GtidOf(kA, 8)));
  EXPECT_FALSE(set.Contains(GtidOf(kB, 1)));
  EXPECT_FALSE(set.Contains(GtidOf(kA, 1, "tag")));

  set.Add(GtidOf(kA, 4));
  EXPECT_EQ(set.ToString(), A(":1-7"));
  EXPECT_TRUE(set.Contains(GtidOf(kA, 4)));
}

TEST(MysqlGtidSetTest, AddingTransactionsInOrderKeepsOneInterval) {
  MysqlGtidSet set;
  EXPECT_TRUE(set.empty());
  for (uint64_t gno = 1; gno <= 1000; ++gno) set.Add(GtidOf(kA, gno));
  set.Add(GtidOf(kA, 500));  // already there
  EXPECT_FALSE(set.empty());
  EXPECT_EQ(set.ToString(), A(":1-1000"));
  EXPECT_EQ(set.HighestGno(UuidOf(kA), ""), 1000u);
  EXPECT_EQ(set.HighestGno(UuidOf(kB), ""), 0u);
}

TEST(MysqlGtidSetTest, AddIntervalMergesAnywhere) {
  MysqlGtidSet set;
  ASSERT_TRUE(set.AddInterval(UuidOf(kA), "", 10, 12).ok());
  ASSERT_TRUE(set.AddInterval(UuidOf(kA), "", 1, 2).ok());
  ASSERT_TRUE(set.AddInterval(UuidOf(kA), "", 5, 6).ok());
  EXPECT_EQ(set.ToString(), A(":1-2:5-6:10-12"));
  ASSERT_TRUE(set.AddInterval(UuidOf(kA), "", 3, 4).ok());
  EXPECT_EQ(set.ToString(), A(":1-6:10-12"));
  ASSERT_TRUE(set.AddInterval(UuidOf(kA), "", 7, 9).ok());
  EXPECT_EQ(set.ToString(), A(":1-12"));
  ASSERT_TRUE(set.AddInterval(UuidOf(kA), "Beta", 2, 3).ok());
  EXPECT_EQ(set.ToString(), A(":1-12:beta:2-3"));
}

TEST(MysqlGtidSetTest, AddIntervalRejectsBadRangesAndTags) {
  MysqlGtidSet set;
  EXPECT_FALSE(set.AddInterval(UuidOf(kA), "", 0, 3).ok());
  EXPECT_FALSE(set.AddInterval(UuidOf(kA), "", 5, 3).ok());
  EXPECT_FALSE(set.AddInterval(UuidOf(kA), "", 1, kMaxMysqlGno + 1).ok());
  EXPECT_FALSE(set.AddInterval(UuidOf(kA), "bad-tag", 1, 2).ok());
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.AddInterval(UuidOf(kA), "", kMaxMysqlGno, kMaxMysqlGno).ok());
}

TEST(MysqlGtidSetTest, UnionAndSuperset) {
  MysqlGtidSet set = SetOf(A(":1-3:7") + "," + B(":1-2"));
  const MysqlGtidSet other = SetOf(A(":4-5:alpha:1") + "," + B(":3"));
  EXPECT_FALSE(set.Contains(other));
  set.Add(other);
  EXPECT_EQ(set.ToString(), A(":1-5:7:alpha:1") + "," + B(":1-3"));
  EXPECT_TRUE(set.Contains(other));
  EXPECT_TRUE(set.Contains(set));
  EXPECT_TRUE(set.Contains(MysqlGtidSet()));
  EXPECT_FALSE(MysqlGtidSet().Contains(set));
  EXPECT_FALSE(SetOf(A(":1-3:5-7")).Contains(SetOf(A(":1-7"))));
  EXPECT_TRUE(SetOf(A(":1-3:5-7")).Contains(SetOf(A(":2:6-7"))));
  EXPECT_FALSE(SetOf(A(":1-3")).Contains(SetOf(A(":alpha:1"))));
}

TEST(MysqlGtidSetTest, EqualityIsSetEquality) {
  EXPECT_EQ(SetOf(A(":1-3:4")), SetOf(A(":1-4")));
  EXPECT_NE(SetOf(A(":1-3")), SetOf(A(":1-4")));
  EXPECT_NE(SetOf(A(":1")), SetOf(A(":x:1")));
}

TEST(MysqlGtidSetTest, CheckNextClassifiesTheResumedStream) {
  const MysqlGtidSet set = SetOf(A(":1-3:5-7:alpha:1-2"));
  EXPECT_EQ(set.CheckNext(GtidOf(kA, 8)), NextCheck::kNext);
  EXPECT_EQ(set.CheckNext(GtidOf(kA, 6)), NextCheck::kDuplicate);
  EXPECT_EQ(set.CheckNext(GtidOf(kA, 1)), NextCheck::kDuplicate);
  EXPECT_EQ(set.CheckNext(GtidOf(kA, 4)), NextCheck::kGap);  // fills a hole: not the next one
  EXPECT_EQ(set.CheckNext(GtidOf(kA, 9)), NextCheck::kGap);
  EXPECT_EQ(set.CheckNext(GtidOf(kA, 3, "alpha")), NextCheck::kNext);
  EXPECT_EQ(set.CheckNext(GtidOf(kA, 1, "beta")), NextCheck::kNext);
  EXPECT_EQ(set.CheckNext(GtidOf(kB, 1)), NextCheck::kNext);
  EXPECT_EQ(set.CheckNext(GtidOf(kB, 2)), NextCheck::kGap);
  EXPECT_STREQ(NextCheckName(NextCheck::kGap), "gap");
}

// --- Binary form (PREVIOUS_GTIDS body) -----------------------------------------

TEST(MysqlGtidSetBinaryTest, EncodesUntaggedFormat) {
  std::vector<uint8_t> expected;
  AppendLe64(2, expected);  // n_sids
  AppendUuid(kA, expected);
  AppendLe64(2, expected);  // n_intervals
  AppendLe64(1, expected);
  AppendLe64(6, expected);  // 1-5, end exclusive
  AppendLe64(7, expected);
  AppendLe64(8, expected);  // 7
  AppendUuid(kB, expected);
  AppendLe64(1, expected);
  AppendLe64(3, expected);
  AppendLe64(4, expected);  // 3
  const MysqlGtidSet set = SetOf(B(":3") + "," + A(":1-5:7"));
  EXPECT_EQ(set.EncodeBinary(), expected);

  auto decoded = MysqlGtidSet::DecodeBinary(expected);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
}

TEST(MysqlGtidSetBinaryTest, EncodesTaggedFormat) {
  // Tagged format: byte 7 = 1, n_sids in bits 8..55, byte 0 = 1; each entry has
  // a varlen tag length (length << 1 for lengths below 128) before n_intervals.
  std::vector<uint8_t> expected = {0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
  AppendUuid(kA, expected);
  expected.push_back(0x00);  // untagged
  AppendLe64(1, expected);
  AppendLe64(1, expected);
  AppendLe64(3, expected);  // 1-2
  AppendUuid(kA, expected);
  expected.insert(expected.end(), {0x06, 't', 'a', 'g'});
  AppendLe64(1, expected);
  AppendLe64(3, expected);
  AppendLe64(4, expected);  // 3
  const MysqlGtidSet set = SetOf(A(":1-2:TAG:3"));
  EXPECT_EQ(set.EncodeBinary(), expected);

  auto decoded = MysqlGtidSet::DecodeBinary(expected);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->ToString(), A(":1-2:tag:3"));
}

TEST(MysqlGtidSetBinaryTest, EmptySetIsEightZeroBytes) {
  const std::vector<uint8_t> empty(8, 0);
  EXPECT_EQ(MysqlGtidSet().EncodeBinary(), empty);
  auto decoded = MysqlGtidSet::DecodeBinary(empty);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->empty());
}

TEST(MysqlGtidSetBinaryTest, RoundTripsLargeNumbers) {
  const MysqlGtidSet set =
      SetOf(A(":1-3:9223372036854775806:x:100000000000") + "," + B(":4294967296-4294967300"));
  auto decoded = MysqlGtidSet::DecodeBinary(set.EncodeBinary());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
}

std::vector<uint8_t> OneUuidOneInterval(uint64_t start, uint64_t end) {
  std::vector<uint8_t> bytes;
  AppendLe64(1, bytes);
  AppendUuid(kA, bytes);
  AppendLe64(1, bytes);
  AppendLe64(start, bytes);
  AppendLe64(end, bytes);
  return bytes;
}

void ExpectCorruption(const std::vector<uint8_t>& bytes, const char* why) {
  auto decoded = MysqlGtidSet::DecodeBinary(bytes);
  ASSERT_FALSE(decoded.ok()) << why;
  EXPECT_EQ(decoded.status().code(), Status::Code::kCorruption) << why;
  EXPECT_NE(decoded.status().message().find("encoded GTID set is malformed"), std::string::npos)
      << decoded.status().message();
}

TEST(MysqlGtidSetBinaryTest, RejectsMalformedEncodings) {
  ExpectCorruption({}, "empty");
  ExpectCorruption({1, 0, 0}, "shorter than the count");

  std::vector<uint8_t> huge_sids = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
  ExpectCorruption(huge_sids, "2^56 - 1 uuids in 0 bytes");
  std::vector<uint8_t> huge_tagged = {0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  ExpectCorruption(huge_tagged, "2^48 - 1 tagged uuids in 0 bytes");
  ExpectCorruption({0, 0, 0, 0, 0, 0, 0, 0x02}, "unknown format 2");

  std::vector<uint8_t> huge_intervals;
  AppendLe64(1, huge_intervals);
  AppendUuid(kA, huge_intervals);
  AppendLe64(uint64_t{1} << 60, huge_intervals);
  ExpectCorruption(huge_intervals, "2^60 intervals in 0 bytes");

  std::vector<uint8_t> truncated = OneUuidOneInterval(1, 6);
  truncated.pop_back();
  ExpectCorruption(truncated, "truncated interval");
  ExpectCorruption(std::vector<uint8_t>(truncated.begin(), truncated.begin() + 20),
                   "truncated uuid");

  ExpectCorruption(OneUuidOneInterval(5, 5), "end == start");
  ExpectCorruption(OneUuidOneInterval(6, 5), "end < start");
  ExpectCorruption(OneUuidOneInterval(0, 5), "gno 0");
  ExpectCorruption(OneUuidOneInterval(1, uint64_t{1} << 63), "end past GNO_END");

  std::vector<uint8_t> trailing = OneUuidOneInterval(1, 6);
  trailing.push_back(0);
  ExpectCorruption(trailing, "trailing byte");

  std::vector<uint8_t> touching;
  AppendLe64(1, touching);
  AppendUuid(kA, touching);
  AppendLe64(2, touching);
  for (uint64_t bound : {1, 3, 3, 5}) AppendLe64(bound, touching);
  ExpectCorruption(touching, "second interval starts where the first ends");

  std::vector<uint8_t> bad_tag = {0x01, 0x01, 0, 0, 0, 0, 0, 0x01};
  AppendUuid(kA, bad_tag);
  bad_tag.insert(bad_tag.end(), {0x06, '9', 'a', 'b'});
  AppendLe64(1, bad_tag);
  AppendLe64(1, bad_tag);
  AppendLe64(2, bad_tag);
  ExpectCorruption(bad_tag, "tag starting with a digit");

  std::vector<uint8_t> long_tag = {0x01, 0x01, 0, 0, 0, 0, 0, 0x01};
  AppendUuid(kA, long_tag);
  long_tag.push_back(uint8_t(33 << 1));
  long_tag.insert(long_tag.end(), 33, 'a');
  AppendLe64(1, long_tag);
  AppendLe64(1, long_tag);
  AppendLe64(2, long_tag);
  ExpectCorruption(long_tag, "33-character tag");

  // Two tagged UUIDs are at least 50 bytes, but the first one's tag leaves only 5 bytes for the
  // second (found by the gtid_set fuzzer: regressions/gtid_set/tag-leaves-uuid-truncated).
  std::vector<uint8_t> tag_eats_uuid = {0x01, 0x02, 0, 0, 0, 0, 0, 0x01};
  AppendUuid(kA, tag_eats_uuid);
  tag_eats_uuid.push_back(uint8_t(20 << 1));
  tag_eats_uuid.insert(tag_eats_uuid.end(), 20, 'a');
  AppendLe64(0, tag_eats_uuid);
  tag_eats_uuid.insert(tag_eats_uuid.end(), 5, 0xcc);
  ExpectCorruption(tag_eats_uuid, "second UUID truncated after a long tag");
  const std::string why = MysqlGtidSet::DecodeBinary(tag_eats_uuid).status().message();
  EXPECT_NE(why.find("UUID 2 of 2 is truncated"), std::string::npos) << why;
}

TEST(MysqlGtidSetBinaryTest, AcceptsWhatMysqlAccepts) {
  // A uuid listed without intervals adds nothing.
  std::vector<uint8_t> no_intervals;
  AppendLe64(1, no_intervals);
  AppendUuid(kA, no_intervals);
  AppendLe64(0, no_intervals);
  auto decoded = MysqlGtidSet::DecodeBinary(no_intervals);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->empty());

  // A uuid listed twice is the union of its entries.
  std::vector<uint8_t> repeated;
  AppendLe64(2, repeated);
  for (uint64_t start : {5, 1}) {
    AppendUuid(kA, repeated);
    AppendLe64(1, repeated);
    AppendLe64(start, repeated);
    AppendLe64(start + 2, repeated);
  }
  decoded = MysqlGtidSet::DecodeBinary(repeated);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->ToString(), A(":1-2:5-6"));
}

}  // namespace
}  // namespace sidecar::binlog
