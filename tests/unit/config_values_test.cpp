// Value syntaxes of the configuration: sizes, durations, switches, ports,
// server ids, hosts, bind addresses, paths, start positions, enums.
#include "app/config_values.h"

#include <gtest/gtest.h>

#include <array>

namespace sidecar::app {
namespace {

using std::chrono::milliseconds;

// The error message of a failed parse; "" when it succeeded.
template <typename T>
std::string ErrorOf(const Result<T>& r) {
  return r.ok() ? "" : r.status().message();
}

TEST(ConfigValuesTest, Sizes) {
  EXPECT_EQ(*ParseSize("0"), 0u);
  EXPECT_EQ(*ParseSize("1024"), 1024u);
  EXPECT_EQ(*ParseSize("1K"), 1024u);
  EXPECT_EQ(*ParseSize("512M"), 512u << 20);
  EXPECT_EQ(*ParseSize("50G"), uint64_t{50} << 30);
  EXPECT_EQ(*ParseSize("50g"), uint64_t{50} << 30);
  EXPECT_EQ(*ParseSize("2t"), uint64_t{2} << 40);
  EXPECT_EQ(*ParseSize("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(*ParseSize("16777215T"), uint64_t{16777215} << 40);
}

TEST(ConfigValuesTest, SizeErrors) {
  EXPECT_EQ(ErrorOf(ParseSize("")).rfind("empty (a size", 0), 0u);
  EXPECT_NE(ErrorOf(ParseSize("-1G")).find("'-1G' is negative (a size"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseSize("50X")).find("'50X' has an unknown unit 'X'"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseSize("50GB")).find("unknown unit 'GB'"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseSize("1.5G")).find("not a whole number"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseSize("G")).find("not a whole number"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseSize("50 G")).find("unknown unit ' G'"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseSize("16777216T")).find("too large"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseSize("18446744073709551616")).find("too large"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseSize("99999999999999999999999G")).find("too large"), std::string::npos);
}

TEST(ConfigValuesTest, FormatSizeUsesTheLargestExactUnitAndReadsBack) {
  EXPECT_EQ(FormatSize(0), "0");
  EXPECT_EQ(FormatSize(1536), "1536");
  EXPECT_EQ(FormatSize(uint64_t{50} << 30), "50G");
  EXPECT_EQ(FormatSize(uint64_t{1536} << 20), "1536M");
  for (uint64_t bytes : {uint64_t{0}, uint64_t{1}, uint64_t{1} << 40, UINT64_MAX}) {
    EXPECT_EQ(*ParseSize(FormatSize(bytes)), bytes);
  }
}

TEST(ConfigValuesTest, Durations) {
  EXPECT_EQ(*ParseDuration("0s"), milliseconds(0));
  EXPECT_EQ(*ParseDuration("0ms"), milliseconds(0));
  EXPECT_EQ(*ParseDuration("5ms"), milliseconds(5));
  EXPECT_EQ(*ParseDuration("1s"), milliseconds(1000));
  EXPECT_EQ(*ParseDuration("1S"), milliseconds(1000));
  EXPECT_EQ(*ParseDuration("2m"), milliseconds(120'000));
  EXPECT_EQ(*ParseDuration("1h"), milliseconds(3'600'000));
  EXPECT_EQ(*ParseDuration("7D"), milliseconds(7 * 86'400'000LL));
  EXPECT_EQ(*ParseDuration("1500MS"), milliseconds(1500));
}

TEST(ConfigValuesTest, DurationErrors) {
  EXPECT_EQ(ErrorOf(ParseDuration("")).rfind("empty (a duration", 0), 0u);
  EXPECT_NE(ErrorOf(ParseDuration("5")).find("'5' has no unit"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseDuration("0")).find("has no unit"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseDuration("1.5s")).find("not a whole number"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseDuration("-1s")).find("negative"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseDuration("3w")).find("unknown unit 'w'"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseDuration("1sec")).find("unknown unit 'sec'"), std::string::npos);
  EXPECT_TRUE(ParseDuration("36500d").ok());
  EXPECT_NE(ErrorOf(ParseDuration("36501d")).find("too large"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseDuration("3153600000001ms")).find("too large"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseDuration("99999999999999999999s")).find("too large"), std::string::npos);
}

TEST(ConfigValuesTest, FormatDurationUsesTheLargestExactUnitAndReadsBack) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(5)), "5ms");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(FormatDuration(milliseconds(1000)), "1s");
  EXPECT_EQ(FormatDuration(milliseconds(3'600'000)), "1h");
  EXPECT_EQ(FormatDuration(milliseconds(86'400'000)), "1d");
  for (long long ms : {0LL, 1LL, 61'000LL, 90'000'000LL}) {
    EXPECT_EQ(*ParseDuration(FormatDuration(milliseconds(ms))), milliseconds(ms));
  }
}

TEST(ConfigValuesTest, Switches) {
  for (const char* on : {"on", "ON", "true", "yes", "1"}) EXPECT_TRUE(*ParseSwitch(on)) << on;
  for (const char* off : {"off", "Off", "false", "no", "0"}) EXPECT_FALSE(*ParseSwitch(off)) << off;
  EXPECT_EQ(ErrorOf(ParseSwitch("maybe")), "'maybe' is not on or off (on or off)");
  EXPECT_EQ(ErrorOf(ParseSwitch("")), "empty (on or off)");
}

TEST(ConfigValuesTest, Ports) {
  EXPECT_EQ(*ParsePort("1"), 1);
  EXPECT_EQ(*ParsePort("3306"), 3306);
  EXPECT_EQ(*ParsePort("65535"), 65535);
  EXPECT_EQ(ErrorOf(ParsePort("0")), "'0' is out of range (a port number, 1..65535)");
  EXPECT_EQ(ErrorOf(ParsePort("65536")), "'65536' is out of range (a port number, 1..65535)");
  EXPECT_NE(ErrorOf(ParsePort("99999999999999999999")).find("out of range"), std::string::npos);
  EXPECT_EQ(ErrorOf(ParsePort("-1")), "'-1' is not a number (a port number, 1..65535)");
  EXPECT_EQ(ErrorOf(ParsePort("33o6")), "'33o6' is not a number (a port number, 1..65535)");
  EXPECT_EQ(ErrorOf(ParsePort("")), "empty (a port number, 1..65535)");
}

TEST(ConfigValuesTest, ServerIds) {
  EXPECT_EQ(*ParseServerId("1"), 1u);
  EXPECT_EQ(*ParseServerId("4294967295"), 4294967295u);
  EXPECT_NE(ErrorOf(ParseServerId("0")).find("'0' is out of range (1..4294967295"),
            std::string::npos);
  EXPECT_NE(ErrorOf(ParseServerId("4294967296")).find("out of range"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseServerId("x1")).find("not a number"), std::string::npos);
}

TEST(ConfigValuesTest, Hosts) {
  for (const char* host : {"10.0.0.5", "::1", "fe80::1", "db-1.example.com", "primary", "my_db"}) {
    EXPECT_EQ(*ParseHost(host), host);
  }
  for (const char* bad : {"", "a b", "-db", "db-", "db..x", "db/1", "[::1]"}) {
    EXPECT_NE(ErrorOf(ParseHost(bad)).find("(a host name, or an IPv4 or IPv6 address)"),
              std::string::npos)
        << bad;
  }
}

TEST(ConfigValuesTest, BindAddressesAndLoopback) {
  for (const char* bind : {"127.0.0.1", "0.0.0.0", "::1", "::", "10.1.2.3", "localhost"}) {
    EXPECT_EQ(*ParseBindAddress(bind), bind);
  }
  EXPECT_NE(ErrorOf(ParseBindAddress("db.example.com")).find("not an address to listen on"),
            std::string::npos);
  EXPECT_FALSE(ParseBindAddress("").ok());
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackAddress("::1"));
  EXPECT_TRUE(IsLoopbackAddress("localhost"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackAddress("::"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.1"));
}

TEST(ConfigValuesTest, AbsolutePaths) {
  EXPECT_EQ(*ParseAbsolutePath("/var/lib/x"), "/var/lib/x");
  EXPECT_EQ(ErrorOf(ParseAbsolutePath("var/lib")),
            "'var/lib' is a relative path (an absolute path)");
  EXPECT_EQ(ErrorOf(ParseAbsolutePath("")), "empty (an absolute path)");
}

TEST(ConfigValuesTest, StartPositions) {
  using Kind = StartPosition::Kind;
  EXPECT_EQ(ParseStart("auto")->kind, Kind::kAuto);
  EXPECT_EQ(ParseStart("EARLIEST")->kind, Kind::kEarliest);
  EXPECT_EQ(ParseStart("current")->kind, Kind::kCurrent);

  const auto file = ParseStart("mysql-bin.000042:4");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->kind, Kind::kFilePosition);
  EXPECT_EQ(file->file, "mysql-bin.000042");
  EXPECT_EQ(file->position, 4u);
  EXPECT_EQ(file->ToString(), "mysql-bin.000042:4");
  EXPECT_EQ(ParseStart("host:with:colons-bin.1234567:12345")->file, "host:with:colons-bin.1234567");

  const auto mariadb = ParseStart("gtid:0-1-100, 1-2-5");
  ASSERT_TRUE(mariadb.ok());
  EXPECT_EQ(mariadb->kind, Kind::kGtid);
  EXPECT_EQ(mariadb->gtid_flavor, binlog::Flavor::kMariadb);
  EXPECT_EQ(mariadb->ToString(), "gtid:0-1-100,1-2-5");

  const auto mysql = ParseStart("GTID:3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5");
  ASSERT_TRUE(mysql.ok());
  EXPECT_EQ(mysql->gtid_flavor, binlog::Flavor::kMysql);
  EXPECT_EQ(mysql->ToString(), "gtid:3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
  EXPECT_EQ(*ParseStart(mysql->ToString()), *mysql);
}

TEST(ConfigValuesTest, StartPositionErrors) {
  EXPECT_NE(ErrorOf(ParseStart("mysql-bin.000042:3"))
                .find("bad position (FILE:POS with POS a number >= 4"),
            std::string::npos);
  EXPECT_NE(ErrorOf(ParseStart("mysql-bin.000042:")).find("bad position"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseStart("mysql-bin.000042:x")).find("bad position"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseStart("mysql-bin.000042:99999999999999999999")).find("bad position"),
            std::string::npos);
  EXPECT_NE(ErrorOf(ParseStart("mysql-bin:4")).find("is not a start position (auto, earliest"),
            std::string::npos);
  EXPECT_NE(ErrorOf(ParseStart("dir/mysql-bin.000001:4")).find("not a start position"),
            std::string::npos);
  EXPECT_NE(ErrorOf(ParseStart("latest")).find("not a start position"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseStart("gtid:")).find("empty GTID set"), std::string::npos);
  EXPECT_NE(ErrorOf(ParseStart("gtid:0-1")).find("neither a MariaDB GTID position nor a MySQL"),
            std::string::npos);
  EXPECT_NE(ErrorOf(ParseStart("gtid:0-1-1,0-2-2")).find("neither"), std::string::npos);
  EXPECT_EQ(ErrorOf(ParseStart("")).rfind("empty (auto, earliest", 0), 0u);
}

enum class Color { kRed, kGreen };
constexpr std::array<EnumName<Color>, 2> kColors = {
    {{"red", Color::kRed}, {"green", Color::kGreen}}};

TEST(ConfigValuesTest, Enums) {
  EXPECT_EQ(*ParseEnum("GREEN", kColors), Color::kGreen);
  EXPECT_EQ(FormatEnum(Color::kRed, kColors), "red");
  EXPECT_EQ(ErrorOf(ParseEnum("blue", kColors)),
            "'blue' is not a known value (one of red | green)");
  EXPECT_EQ(ErrorOf(ParseEnum("", kColors)), "empty (one of red | green)");
}

}  // namespace
}  // namespace sidecar::app
