// Fuzz target: MySQL packet framing (PacketCodec::ReadPacket) over hostile bytes.
//
// Input: byte 0 picks the largest payload accepted (1..128 bytes) and the read-ahead mode,
// byte 1 how many bytes the connection hands over per read (1..256); the rest is the stream,
// read packet by packet until the first error. Asserts every payload read is within the limit
// and is exactly the bytes its header framed, that the sequence id advanced by one per packet,
// and that writing the payloads with another codec and reading them back gives them again.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/memory_connection.h"
#include "protocol/packet_codec.h"

namespace sidecar::protocol {
namespace {

std::unique_ptr<PacketCodec> Codec(Bytes input, size_t max_read, size_t max_packet,
                                   std::vector<uint8_t>* written) {
  return std::make_unique<PacketCodec>(
      std::make_unique<fuzz::MemoryConnection>(input, max_read, written), max_packet);
}

// Reads packets until the first error; checks each against the framing of `stream`.
std::vector<std::vector<uint8_t>> ReadAll(PacketCodec& codec, Bytes stream) {
  std::vector<std::vector<uint8_t>> payloads;
  size_t offset = 0;
  for (;;) {
    auto payload = codec.ReadPacket();
    if (!payload.ok()) return payloads;
    FUZZ_CHECK(payload->size() <= codec.max_packet());
    FUZZ_CHECK(offset + 4 + payload->size() <= stream.size());
    const size_t framed = stream[offset] | stream[offset + 1] << 8 | stream[offset + 2] << 16;
    FUZZ_CHECK(framed == payload->size());
    FUZZ_CHECK(std::equal(payload->begin(), payload->end(), stream.begin() + offset + 4));
    offset += 4 + payload->size();
    payloads.emplace_back(payload->begin(), payload->end());
    FUZZ_CHECK(codec.sequence() == uint8_t(payloads.size()));
  }
}

}  // namespace
}  // namespace sidecar::protocol

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sidecar::protocol;
  if (size < 2) return 0;
  const size_t max_packet = (data[0] >> 1) + 1;
  const size_t max_read = data[1] + 1;
  const sidecar::Bytes stream(data + 2, size - 2);
  std::vector<uint8_t> unused;
  auto reader = Codec(stream, max_read, max_packet, &unused);
  reader->set_read_ahead(data[0] & 1);
  const auto payloads = ReadAll(*reader, stream);

  std::vector<uint8_t> written;
  auto writer = Codec({}, max_read, max_packet, &written);
  for (const auto& payload : payloads) FUZZ_CHECK(writer->WritePacket(payload).ok());
  auto again = Codec(written, max_read, max_packet, &unused);
  FUZZ_CHECK(ReadAll(*again, written) == payloads);
  return 0;
}
