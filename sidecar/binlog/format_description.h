// FORMAT_DESCRIPTION_EVENT (15): the first event of every v4 binlog. It names
// the server, fixes the length of each event type's post-header, and says
// whether the events that follow end in a CRC32.
//
// Body layout:
//   binlog_version 2 | server_version 50 (NUL-padded) | create_timestamp 4 |
//   common_header_length 1 | post_header_length[N] 1 each |
//   checksum_alg 1 | crc32 4          <- only from MySQL 5.6.1 / MariaDB 5.3 on
//
// From those versions on the FDE itself always ends in a CRC32, even when its
// checksum_alg byte says the following events carry none. The post-header
// length the FDE lists for its own type equals its body without that trailer,
// which Parse() checks, so a damaged version string cannot switch CRC
// verification off unnoticed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "binlog/event_header.h"

namespace sidecar::binlog {

enum class Flavor : uint8_t { kMysql, kMariadb };

enum class ChecksumAlgorithm : uint8_t { kOff = 0, kCrc32 = 1, kUndefined = 255 };

const char* FlavorName(Flavor f);
const char* ChecksumAlgorithmName(ChecksumAlgorithm alg);

struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;
  uint32_t create_timestamp = 0;
  uint8_t common_header_length = kEventHeaderSize;
  std::vector<uint8_t> post_header_lengths;  // [type - 1]
  // Checksum of the events that follow this FDE (kUndefined before 5.6.1).
  ChecksumAlgorithm checksum = ChecksumAlgorithm::kUndefined;
  // Whether this FDE itself ends in a CRC32.
  bool fde_has_checksum = false;
  Flavor flavor = Flavor::kMysql;

  // Length of `type`'s post-header, or 0 for a type this FDE does not list.
  uint8_t PostHeaderLength(uint8_t type) const;
  bool EventsHaveChecksum() const { return checksum == ChecksumAlgorithm::kCrc32; }

  // Decodes a whole FORMAT_DESCRIPTION event (header included).
  static Result<FormatDescription> Parse(Bytes event);
};

// True when a server of this version writes a checksum-aware FDE
// (MySQL >= 5.6.1, MariaDB >= 5.3.0).
bool VersionHasChecksumAwareFde(const std::string& server_version);

}  // namespace sidecar::binlog
