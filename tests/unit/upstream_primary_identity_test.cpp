// The primary-identity rule (primary_identity.h), case by case.
#include <gtest/gtest.h>

#include "upstream/primary_identity.h"

namespace sidecar::upstream {
namespace {

using binlog::Flavor;
using Kind = PrimaryAdmission::Kind;

store::UpstreamIdentity Stored(Flavor flavor, uint32_t server_id, std::string uuid = "") {
  return {"db1", 3306, server_id, std::move(uuid), flavor};
}

PrimaryInfo Primary(Flavor flavor, uint32_t server_id, std::string uuid = "") {
  PrimaryInfo p;
  p.flavor = flavor;
  p.server_id = server_id;
  p.server_uuid = std::move(uuid);
  return p;
}

TEST(UpstreamPrimaryIdentityTest, NewStoreAcceptsAnyPrimary) {
  auto a = AdmitPrimary({}, Primary(Flavor::kMysql, 7, "u"), "db9:3306", false, false);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, Kind::kFirst);
}

TEST(UpstreamPrimaryIdentityTest, SameMariadbServerAtAnotherAddressIsAccepted) {
  auto a = AdmitPrimary(Stored(Flavor::kMariadb, 1), Primary(Flavor::kMariadb, 1), "db1-new:3307",
                        false, false);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, Kind::kSame);
}

TEST(UpstreamPrimaryIdentityTest, MysqlIsIdentifiedByServerUuidNotServerId) {
  auto same = AdmitPrimary(Stored(Flavor::kMysql, 1, "uuid-a"), Primary(Flavor::kMysql, 5, "uuid-a"),
                           "db1:3306", false, false);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->kind, Kind::kSame);
  auto other = AdmitPrimary(Stored(Flavor::kMysql, 1, "uuid-a"),
                            Primary(Flavor::kMysql, 1, "uuid-b"), "db1:3306", false, true);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("uuid-b"), std::string::npos);
  EXPECT_NE(other.status().message().find("uuid-a"), std::string::npos);
}

TEST(UpstreamPrimaryIdentityTest, AnotherServerIsRefusedWithoutGtid) {
  auto a = AdmitPrimary(Stored(Flavor::kMariadb, 1), Primary(Flavor::kMariadb, 2), "db2:3306",
                        false, true);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kInvalidArgument);
  const std::string& m = a.status().message();
  EXPECT_NE(m.find("refusing MariaDB server_id 2 (at db2:3306)"), std::string::npos) << m;
  EXPECT_NE(m.find("MariaDB server_id 1 (at db1:3306)"), std::string::npos) << m;
  EXPECT_NE(m.find("upstream.gtid = on"), std::string::npos) << m;
}

TEST(UpstreamPrimaryIdentityTest, AnotherServerWithGtidButNoStoredGtidStateIsRefused) {
  auto a = AdmitPrimary(Stored(Flavor::kMariadb, 1), Primary(Flavor::kMariadb, 2), "db2:3306",
                        true, false);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("must hold GTIDs"), std::string::npos);
}

TEST(UpstreamPrimaryIdentityTest, AnotherServerWithGtidIsAFailover) {
  auto a = AdmitPrimary(Stored(Flavor::kMariadb, 1), Primary(Flavor::kMariadb, 2), "db2:3306",
                        true, true);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, Kind::kFailover);
  EXPECT_NE(a->log_line.find("failover: MariaDB server_id 2 (at db2:3306) replaces MariaDB "
                             "server_id 1 (at db1:3306)"),
            std::string::npos)
      << a->log_line;
}

TEST(UpstreamPrimaryIdentityTest, AnotherFlavourIsRefusedEvenWithGtid) {
  auto a = AdmitPrimary(Stored(Flavor::kMariadb, 1), Primary(Flavor::kMysql, 1, "u"), "db1:3306",
                        true, true);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("another flavour"), std::string::npos);
}

}  // namespace
}  // namespace sidecar::upstream
