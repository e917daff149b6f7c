#include "binlog/format_description.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstring>

#include "binlog/event_type.h"

namespace sidecar::binlog {
namespace {

constexpr size_t kServerVersionLength = 50;
// binlog_version + server_version + create_timestamp + common_header_length
constexpr size_t kFixedBodyLength = 2 + kServerVersionLength + 4 + 1;
constexpr size_t kChecksumTrailer = 1 + kChecksumSize;  // algorithm byte + CRC32

// "10.11.6-MariaDB-log" -> {10, 11, 6}; missing parts are 0.
std::array<int, 3> SplitVersion(const std::string& version) {
  std::array<int, 3> parts{0, 0, 0};
  const char* p = version.data();
  const char* end = p + version.size();
  for (int& part : parts) {
    auto [next, ec] = std::from_chars(p, end, part);
    if (ec != std::errc()) break;
    p = next;
    if (p == end || *p != '.') break;
    ++p;
  }
  return parts;
}

}  // namespace

const char* FlavorName(Flavor f) { return f == Flavor::kMariadb ? "mariadb" : "mysql"; }

const char* ChecksumAlgorithmName(ChecksumAlgorithm alg) {
  switch (alg) {
    case ChecksumAlgorithm::kOff:
      return "NONE";
    case ChecksumAlgorithm::kCrc32:
      return "CRC32";
    case ChecksumAlgorithm::kUndefined:
      break;
  }
  return "UNDEFINED";
}

bool VersionHasChecksumAwareFde(const std::string& server_version) {
  const auto v = SplitVersion(server_version);
  const bool mariadb = server_version.find("MariaDB") != std::string::npos;
  const std::array<int, 3> first =
      mariadb ? std::array<int, 3>{5, 3, 0} : std::array<int, 3>{5, 6, 1};
  return v >= first;
}

uint8_t FormatDescription::PostHeaderLength(uint8_t type) const {
  if (type == 0 || type > post_header_lengths.size()) return 0;
  return post_header_lengths[type - 1];
}

Result<FormatDescription> FormatDescription::Parse(Bytes event) {
  auto header = EventHeader::Parse(event);
  if (!header.ok()) return header.status();
  if (header->type != uint8_t(EventType::kFormatDescription)) {
    return Status::InvalidArgument(
        fmt::format("event type {} is not FORMAT_DESCRIPTION", header->type));
  }
  if (event.size() < kEventHeaderSize + kFixedBodyLength) {
    return Status::Corruption(
        fmt::format("FORMAT_DESCRIPTION event is {} bytes, shorter than its {}-byte fixed part",
                    event.size(), kEventHeaderSize + kFixedBodyLength));
  }
  ByteReader r(event.subspan(kEventHeaderSize));
  FormatDescription fde;
  fde.binlog_version = r.U16();
  const std::string_view raw_version = r.TakeString(kServerVersionLength);
  fde.server_version.assign(raw_version.data(), strnlen(raw_version.data(), raw_version.size()));
  fde.create_timestamp = r.U32();
  fde.common_header_length = r.U8();
  fde.flavor =
      fde.server_version.find("MariaDB") != std::string::npos ? Flavor::kMariadb : Flavor::kMysql;

  if (fde.binlog_version != 4) {
    return Status::Unsupported(
        fmt::format("binlog format version {} (only version 4 is supported)", fde.binlog_version));
  }
  if (fde.common_header_length < kEventHeaderSize) {
    return Status::Corruption(
        fmt::format("FORMAT_DESCRIPTION says the common header is {} bytes (< {})",
                    fde.common_header_length, kEventHeaderSize));
  }

  fde.fde_has_checksum = VersionHasChecksumAwareFde(fde.server_version);
  size_t table_length = r.remaining();
  if (fde.fde_has_checksum) {
    if (table_length < kChecksumTrailer) {
      return Status::Corruption("FORMAT_DESCRIPTION event too short for its checksum trailer");
    }
    table_length -= kChecksumTrailer;
  }
  const Bytes table = r.Take(table_length);
  fde.post_header_lengths.assign(table.begin(), table.end());
  // The FDE lists its own post-header length, which covers everything but the
  // checksum trailer: a check of the version-based decision above that does
  // not depend on the version string being intact.
  const size_t self_described = fde.PostHeaderLength(uint8_t(EventType::kFormatDescription));
  const size_t body_length = event.size() - kEventHeaderSize;
  const size_t expected_body = self_described + (fde.fde_has_checksum ? kChecksumTrailer : 0);
  if (self_described != 0 && body_length != expected_body) {
    return Status::Corruption(fmt::format(
        "FORMAT_DESCRIPTION body is {} bytes but describes itself as {} (server version '{}' "
        "implies {} checksum trailer)",
        body_length, expected_body, fde.server_version, fde.fde_has_checksum ? "a" : "no"));
  }
  if (fde.fde_has_checksum) {
    const uint8_t alg = r.U8();
    if (alg != uint8_t(ChecksumAlgorithm::kOff) && alg != uint8_t(ChecksumAlgorithm::kCrc32)) {
      return Status::Corruption(
          fmt::format("FORMAT_DESCRIPTION names unknown checksum algorithm {}", alg));
    }
    fde.checksum = ChecksumAlgorithm(alg);
  }
  return fde;
}

}  // namespace sidecar::binlog
