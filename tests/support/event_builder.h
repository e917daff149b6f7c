// Test support: building binlog events and files byte by byte, with correct
// lengths, positions and CRC32s unless a test asks for them to be wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_reader.h"
#include "binlog/event_header.h"
#include "binlog/event_type.h"

namespace sidecar::testing {

// Little-endian appenders for building event bodies.
class BodyWriter {
 public:
  BodyWriter& U8(uint8_t v) { return Fixed(v, 1); }
  BodyWriter& U16(uint16_t v) { return Fixed(v, 2); }
  BodyWriter& U32(uint32_t v) { return Fixed(v, 4); }
  BodyWriter& U64(uint64_t v) { return Fixed(v, 8); }
  BodyWriter& Fixed(uint64_t v, int width);
  BodyWriter& Str(std::string_view s);
  BodyWriter& LengthEncoded(uint64_t v);
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

struct EventSpec {
  binlog::EventType type = binlog::EventType::kQuery;
  std::vector<uint8_t> body;
  uint32_t timestamp = 1700000000;
  uint32_t server_id = 1;
  uint16_t flags = 0;
  bool checksum = true;
};

// A whole event: header + body + CRC32 (when spec.checksum), whose
// next_position is `position` + its size.
std::vector<uint8_t> MakeEvent(const EventSpec& spec, uint64_t position);

// Views `bytes` (a whole event) as the reader would. The view (and whatever a
// decoder returns from it) borrows `bytes`, so temporaries are refused.
binlog::EventView ViewOf(const std::vector<uint8_t>& bytes, bool has_checksum = true);
binlog::EventView ViewOf(std::vector<uint8_t>&& bytes, bool has_checksum = true) = delete;

// Bodies of common events.
std::vector<uint8_t> QueryBody(std::string_view statement, std::string_view database = "test");
std::vector<uint8_t> XidBody(uint64_t xid);
// A MariaDB GTID body without commit id or XID (zero-padded to 19 bytes).
std::vector<uint8_t> MariadbGtidBody(uint64_t seq_no, uint32_t domain_id, uint8_t flags);

// A binlog file under construction: magic, the FORMAT_DESCRIPTION event of
// a real server (copied from a fixture), then appended events with positions
// that follow one another.
class BinlogFileBuilder {
 public:
  // `fde_fixture`: a fixture file whose first event is the FDE to use.
  explicit BinlogFileBuilder(const std::string& fde_fixture);
  BinlogFileBuilder& Add(EventSpec spec);
  // Offset at which the next event will start.
  uint64_t position() const { return bytes_.size(); }
  std::vector<uint8_t>& bytes() { return bytes_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  // Writes the file to a fresh temp path and returns it.
  std::string WriteTemp(const std::string& name) const;

 private:
  std::vector<uint8_t> bytes_;
};

// MariaDB 10.5 and MySQL 8.0 fixtures to take an FDE from.
inline constexpr const char* kMariadbFdeFixture =
    "binlogs/blackbeam_rust_mysql_common/mariadb-bin.000001";
inline constexpr const char* kMysql8FdeFixture =
    "binlogs/blackbeam_rust_mysql_common/mysql-enum-string-set.000001";

}  // namespace sidecar::testing
