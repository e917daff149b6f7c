#include "binlog/mariadb_gtid.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sidecar::binlog {
namespace {

MariadbGtidPosition PositionOf(const std::string& text) {
  auto position = MariadbGtidPosition::Parse(text);
  EXPECT_TRUE(position.ok()) << text << ": " << position.status().ToString();
  return position.ok() ? position.value() : MariadbGtidPosition();
}

TEST(MariadbGtidTest, ParsesAndPrints) {
  auto gtid = MariadbGtid::Parse("0-1-100");
  ASSERT_TRUE(gtid.ok()) << gtid.status().ToString();
  EXPECT_EQ(*gtid, (MariadbGtid{0, 1, 100}));
  EXPECT_EQ(gtid->ToString(), "0-1-100");

  auto largest = MariadbGtid::Parse("4294967295-4294967295-18446744073709551615");
  ASSERT_TRUE(largest.ok());
  EXPECT_EQ(*largest, (MariadbGtid{4294967295u, 4294967295u, 18446744073709551615ull}));
  EXPECT_EQ(largest->ToString(), "4294967295-4294967295-18446744073709551615");
}

TEST(MariadbGtidTest, RejectsMalformedText) {
  for (const char* text :
       {"", "0", "0-1", "0-1-", "-1-100", "0--100", "0-1-100-2", "a-1-100", "0-1-1x", "+0-1-100",
        "0-1--5", "4294967296-1-1", "0-4294967296-1", "0-1-18446744073709551616", " 0-1-100"}) {
    auto gtid = MariadbGtid::Parse(text);
    ASSERT_FALSE(gtid.ok()) << text;
    EXPECT_EQ(gtid.status().code(), Status::Code::kInvalidArgument) << text;
    EXPECT_NE(gtid.status().message().find("is not a MariaDB GTID"), std::string::npos);
  }
}

TEST(MariadbGtidPositionTest, ParsesMultipleDomainsAndPrintsThemSorted) {
  const MariadbGtidPosition position = PositionOf("2-3-7, 0-1-100,1-2-5");
  EXPECT_EQ(position.ToString(), "0-1-100,1-2-5,2-3-7");
  ASSERT_EQ(position.gtids().size(), 3u);
  EXPECT_EQ(position.Find(1), (MariadbGtid{1, 2, 5}));
  EXPECT_EQ(position.Find(9), std::nullopt);
}

TEST(MariadbGtidPositionTest, EmptyStringIsTheEmptyPosition) {
  EXPECT_TRUE(PositionOf("").empty());
  EXPECT_TRUE(PositionOf("  ").empty());
  EXPECT_EQ(PositionOf("").ToString(), "");
}

TEST(MariadbGtidPositionTest, RejectsTwoGtidsOfOneDomain) {
  auto position = MariadbGtidPosition::Parse("0-1-100,1-1-5,0-2-50");
  ASSERT_FALSE(position.ok());
  EXPECT_EQ(position.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(position.status().message(),
            "GTID 0-1-100 and 0-2-50 conflict (duplicate domain id 0)");
}

TEST(MariadbGtidPositionTest, RejectsMalformedLists) {
  for (const char* text : {"0-1-100,", ",0-1-100", "0-1-100,,1-1-1", "0-1-100;1-1-1", "garbage"}) {
    EXPECT_FALSE(MariadbGtidPosition::Parse(text).ok()) << text;
  }
}

TEST(MariadbGtidPositionTest, ContainsComparesSequenceWithinTheDomain) {
  const MariadbGtidPosition position = PositionOf("0-1-100,1-2-5");
  EXPECT_TRUE(position.Contains({0, 1, 100}));
  EXPECT_TRUE(position.Contains({0, 1, 99}));
  EXPECT_TRUE(position.Contains({0, 7, 50}));  // server_id does not matter
  EXPECT_FALSE(position.Contains({0, 1, 101}));
  EXPECT_FALSE(position.Contains({2, 1, 1}));
}

TEST(MariadbGtidPositionTest, AddReplacesTheDomainsGtid) {
  MariadbGtidPosition position = PositionOf("0-1-100");
  position.Add({0, 2, 101});
  position.Add({5, 1, 1});
  EXPECT_EQ(position.ToString(), "0-2-101,5-1-1");
  position.Add({0, 1, 3});  // even backwards: the domain's entry becomes this GTID
  EXPECT_EQ(position.Find(0), (MariadbGtid{0, 1, 3}));
  EXPECT_EQ(position, PositionOf("5-1-1,0-1-3"));
}

TEST(MariadbGtidPositionTest, CheckNextClassifiesTheResumedStream) {
  const MariadbGtidPosition position = PositionOf("0-1-100,1-2-5");
  EXPECT_EQ(position.CheckNext({0, 1, 101}), NextCheck::kNext);
  EXPECT_EQ(position.CheckNext({0, 3, 101}), NextCheck::kNext);
  EXPECT_EQ(position.CheckNext({0, 1, 103}), NextCheck::kGap);
  EXPECT_EQ(position.CheckNext({0, 1, 100}), NextCheck::kDuplicate);
  EXPECT_EQ(position.CheckNext({0, 1, 42}), NextCheck::kDuplicate);
  EXPECT_EQ(position.CheckNext({1, 2, 6}), NextCheck::kNext);
  EXPECT_EQ(position.CheckNext({7, 1, 1}), NextCheck::kNext);
  EXPECT_EQ(position.CheckNext({7, 1, 500}), NextCheck::kNext);  // a new domain starts anywhere
  EXPECT_EQ(PositionOf("0-1-18446744073709551615").CheckNext({0, 1, 18446744073709551615ull}),
            NextCheck::kDuplicate);
}

TEST(MariadbGtidStateTest, KeepsEveryServerAndTheMostRecentPerDomain) {
  // As in a GTID_LIST event: within a domain the most recent GTID comes last.
  const std::vector<MariadbGtid> list = {{0, 2, 90}, {0, 1, 100}, {1, 5, 7}, {0, 3, 40}};
  const MariadbGtidState state = MariadbGtidState::FromList(list);
  EXPECT_FALSE(state.empty());
  EXPECT_EQ(state.ToString(), "0-1-100,0-2-90,0-3-40,1-5-7");
  EXPECT_EQ(state.ToPosition().ToString(), "0-3-40,1-5-7");
  const std::vector<MariadbGtid> written = {{0, 1, 100}, {0, 2, 90}, {0, 3, 40}, {1, 5, 7}};
  EXPECT_EQ(state.ToList(), written);
}

TEST(MariadbGtidStateTest, AddUpdatesTheServerAndMakesItMostRecent) {
  auto state = MariadbGtidState::Parse("0-1-10,0-2-20");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->ToPosition().ToString(), "0-2-20");
  state->Add({0, 1, 21});
  EXPECT_EQ(state->ToString(), "0-2-20,0-1-21");
  EXPECT_EQ(state->ToPosition().ToString(), "0-1-21");
  state->Add({3, 9, 1});
  EXPECT_EQ(state->ToString(), "0-2-20,0-1-21,3-9-1");

  auto reparsed = MariadbGtidState::Parse(state->ToString());
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(*reparsed, *state);
}

TEST(MariadbGtidStateTest, ParsesEmptyAndRejectsGarbage) {
  auto empty = MariadbGtidState::Parse("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(empty->ToPosition().empty());
  EXPECT_FALSE(MariadbGtidState::Parse("0-1-2,x").ok());
}

}  // namespace
}  // namespace sidecar::binlog
