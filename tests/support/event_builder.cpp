#include "support/event_builder.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "binlog/crc32.h"
#include "support/fixture_files.h"

namespace sidecar::testing {

BodyWriter& BodyWriter::Fixed(uint64_t v, int width) {
  for (int i = 0; i < width; ++i) bytes_.push_back(uint8_t(v >> (8 * i)));
  return *this;
}

BodyWriter& BodyWriter::Str(std::string_view s) {
  bytes_.insert(bytes_.end(), s.begin(), s.end());
  return *this;
}

BodyWriter& BodyWriter::LengthEncoded(uint64_t v) {
  if (v < 0xFB) return U8(uint8_t(v));
  if (v <= 0xFFFF) return U8(0xFC).U16(uint16_t(v));
  if (v <= 0xFFFFFF) return U8(0xFD).Fixed(v, 3);
  return U8(0xFE).U64(v);
}

std::vector<uint8_t> MakeEvent(const EventSpec& spec, uint64_t position) {
  const size_t size = binlog::kEventHeaderSize + spec.body.size() + (spec.checksum ? 4 : 0);
  BodyWriter w;
  w.U32(spec.timestamp).U8(uint8_t(spec.type)).U32(spec.server_id).U32(uint32_t(size));
  w.U32(uint32_t(position + size)).U16(spec.flags);
  std::vector<uint8_t> event = w.bytes();
  event.insert(event.end(), spec.body.begin(), spec.body.end());
  if (spec.checksum) {
    event.resize(size);
    const uint32_t crc = binlog::ExpectedEventCrc(event);
    for (int i = 0; i < 4; ++i) event[size - 4 + i] = uint8_t(crc >> (8 * i));
  }
  return event;
}

binlog::EventView ViewOf(const std::vector<uint8_t>& bytes, bool has_checksum) {
  binlog::EventView view;
  view.header = *binlog::EventHeader::Parse(bytes);
  view.bytes = bytes;
  view.has_checksum = has_checksum;
  return view;
}

std::vector<uint8_t> QueryBody(std::string_view statement, std::string_view database) {
  BodyWriter w;
  w.U32(7).U32(0).U8(uint8_t(database.size())).U16(0).U16(0);  // no status variables
  w.Str(database).U8(0).Str(statement);
  return w.bytes();
}

std::vector<uint8_t> XidBody(uint64_t xid) { return BodyWriter().U64(xid).bytes(); }

std::vector<uint8_t> MariadbGtidBody(uint64_t seq_no, uint32_t domain_id, uint8_t flags) {
  BodyWriter w;
  w.U64(seq_no).U32(domain_id).U8(flags).Fixed(0, 6);
  return w.bytes();
}

BinlogFileBuilder::BinlogFileBuilder(const std::string& fde_fixture) {
  const std::vector<uint8_t> fixture = ReadFileBytes(FixturePath(fde_fixture));
  const auto header = binlog::EventHeader::Parse(Bytes(fixture).subspan(4));
  bytes_.assign(fixture.begin(), fixture.begin() + 4 + header->event_size);
}

BinlogFileBuilder& BinlogFileBuilder::Add(EventSpec spec) {
  const std::vector<uint8_t> event = MakeEvent(spec, position());
  bytes_.insert(bytes_.end(), event.begin(), event.end());
  return *this;
}

std::string BinlogFileBuilder::WriteTemp(const std::string& name) const {
  const auto path = std::filesystem::temp_directory_path() /
                    ("sidecar-test-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes_.data()), std::streamsize(bytes_.size()));
  return path.string();
}

}  // namespace sidecar::testing
