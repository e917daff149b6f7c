#include "protocol/handshake_packets.h"

#include <fmt/format.h>

#include <algorithm>

#include "protocol/constants.h"

namespace sidecar::protocol {

namespace {
constexpr std::string_view kMariaDbVersionPrefix = "5.5.5-";
constexpr size_t kResponseFixedSize = 32;
}  // namespace

bool ServerGreeting::IsMariaDb() const {
  return server_version.find("MariaDB") != std::string::npos;
}

std::string ServerGreeting::DisplayVersion() const {
  if (IsMariaDb() && server_version.starts_with(kMariaDbVersionPrefix)) {
    return server_version.substr(kMariaDbVersionPrefix.size());
  }
  return server_version;
}

void BuildGreeting(Buffer& out, const ServerGreeting& g) {
  PutU8(out, g.protocol_version);
  PutNulString(out, g.server_version);
  PutU32(out, g.connection_id);
  std::string nonce = g.nonce;
  nonce.resize(kNonceSize, '\0');
  PutString(out, std::string_view(nonce).substr(0, 8));
  PutU8(out, 0);
  PutU16(out, uint16_t(g.capabilities));
  PutU8(out, g.charset);
  PutU16(out, g.status_flags);
  PutU16(out, uint16_t(g.capabilities >> 16));
  PutU8(out, uint8_t(kNonceSize + 1));
  PutZeros(out, 6);
  PutU32(out, (g.capabilities & kClientMysql) ? 0 : uint32_t(g.capabilities >> 32));
  PutNulString(out, std::string_view(nonce).substr(8));
  if (g.capabilities & kClientPluginAuth) PutNulString(out, g.auth_plugin_name);
}

Result<ServerGreeting> ParseGreeting(Bytes payload) {
  ByteReader r(payload);
  ServerGreeting g;
  g.protocol_version = r.U8();
  if (!r.ok() || g.protocol_version == kErrHeader) {
    return Status::Corruption("greeting: the server sent an error instead of a greeting");
  }
  if (g.protocol_version != 10) {
    return Status::Unsupported(
        fmt::format("greeting: protocol version {} is not 10", g.protocol_version));
  }
  g.server_version = std::string(TakeNulString(r));
  g.connection_id = r.U32();
  std::string nonce(AsStringView(r.Take(8)));
  r.Skip(1);
  uint64_t caps = r.U16();
  if (!r.ok()) {
    return Status::Corruption(fmt::format("greeting of {} bytes is truncated", payload.size()));
  }
  if (r.empty()) {  // a pre-4.1 server stops here
    return Status::Unsupported("greeting: the server does not speak protocol 4.1");
  }
  g.charset = r.U8();
  g.status_flags = r.U16();
  caps |= uint64_t(r.U16()) << 16;
  const uint8_t data_len = r.U8();
  r.Skip(6);
  const uint32_t extended = r.U32();
  if (!(caps & kClientMysql)) caps |= uint64_t(extended) << 32;
  g.capabilities = caps;
  if (caps & kClientSecureConnection) {
    const size_t part2 = std::max<size_t>(13, data_len > 8 ? data_len - 8 : 0);
    std::string_view rest = AsStringView(r.Take(part2));
    if (!rest.empty() && rest.back() == '\0') rest.remove_suffix(1);
    nonce += rest;
  }
  if (caps & kClientPluginAuth) {
    // Some servers omit the final NUL of the plugin name.
    ByteReader scan = r;
    g.auth_plugin_name = std::string(TakeNulString(scan));
    if (!scan.ok()) g.auth_plugin_name = std::string(AsStringView(r.Rest()));
  }
  if (!r.ok()) {
    return Status::Corruption(fmt::format("greeting of {} bytes is truncated (version '{}')",
                                          payload.size(), g.server_version));
  }
  g.nonce = std::move(nonce);
  return g;
}

void BuildSslRequest(Buffer& out, uint64_t caps, uint32_t max_packet_size, uint8_t charset) {
  PutU32(out, uint32_t(caps | kClientSsl));
  PutU32(out, max_packet_size);
  PutU8(out, charset);
  PutZeros(out, 19);
  PutU32(out, (caps & kClientMysql) ? 0 : uint32_t(caps >> 32));
}

bool IsSslRequest(Bytes payload) {
  return payload.size() == kResponseFixedSize && (LoadLe32(payload.data()) & kClientSsl);
}

void BuildHandshakeResponse(Buffer& out, const HandshakeResponse& r) {
  const uint64_t caps = r.capabilities;
  PutU32(out, uint32_t(caps));
  PutU32(out, r.max_packet_size);
  PutU8(out, r.charset);
  PutZeros(out, 19);
  PutU32(out, (caps & kClientMysql) ? 0 : uint32_t(caps >> 32));
  PutNulString(out, r.user);
  if (caps & kClientPluginAuthLenencData) {
    PutLengthEncodedString(out, r.auth_response);
  } else {
    PutU8(out, uint8_t(r.auth_response.size()));
    PutString(out, r.auth_response);
  }
  if (caps & kClientConnectWithDb) PutNulString(out, r.database);
  if (caps & kClientPluginAuth) PutNulString(out, r.auth_plugin_name);
  if (caps & kClientConnectAttrs) {
    Buffer attrs;
    for (const auto& [key, value] : r.connect_attrs) {
      PutLengthEncodedString(attrs, key);
      PutLengthEncodedString(attrs, value);
    }
    PutLengthEncodedInt(out, attrs.size());
    PutBytes(out, attrs);
  }
}

Result<HandshakeResponse> ParseHandshakeResponse(Bytes payload) {
  ByteReader r(payload);
  HandshakeResponse h;
  uint64_t caps = r.U32();
  h.max_packet_size = r.U32();
  h.charset = r.U8();
  r.Skip(19);
  const uint32_t extended = r.U32();
  if (!r.ok()) {
    return Status::Corruption(
        fmt::format("handshake response of {} bytes is shorter than 32", payload.size()));
  }
  if (!(caps & kClientProtocol41)) {
    return Status::Unsupported("handshake response: the client does not speak protocol 4.1");
  }
  if (!(caps & kClientMysql)) caps |= uint64_t(extended) << 32;
  h.capabilities = caps;
  if (IsSslRequest(payload)) return h;
  h.user = std::string(TakeNulString(r));
  if (caps & kClientPluginAuthLenencData) {
    h.auth_response = std::string(TakeLengthEncodedString(r));
  } else if (caps & kClientSecureConnection) {
    h.auth_response = std::string(r.TakeString(r.U8()));
  } else {
    h.auth_response = std::string(TakeNulString(r));
  }
  if (!r.ok()) {
    return Status::Corruption(fmt::format(
        "handshake response of {} bytes: user or auth response is truncated", payload.size()));
  }
  if ((caps & kClientConnectWithDb) && !r.empty()) h.database = std::string(TakeNulString(r));
  if ((caps & kClientPluginAuth) && !r.empty()) {
    h.auth_plugin_name = std::string(TakeNulString(r));
  }
  if ((caps & kClientConnectAttrs) && !r.empty()) {
    const uint64_t total = r.LengthEncoded();
    if (total > r.remaining()) r.Fail();
    ByteReader attrs(r.ok() ? r.Take(size_t(total)) : Bytes());
    while (r.ok() && attrs.ok() && !attrs.empty()) {
      std::string key(TakeLengthEncodedString(attrs));
      std::string value(TakeLengthEncodedString(attrs));
      if (attrs.ok()) h.connect_attrs.emplace_back(std::move(key), std::move(value));
    }
    if (!attrs.ok()) r.Fail();
  }
  if (!r.ok()) {
    return Status::Corruption(fmt::format(
        "handshake response of {} bytes from user '{}': database, plugin name or connect "
        "attributes are malformed",
        payload.size(), h.user));
  }
  return h;
}

void BuildAuthSwitchRequest(Buffer& out, const AuthSwitchRequest& request) {
  PutU8(out, kEofHeader);
  PutNulString(out, request.plugin_name);
  PutNulString(out, request.plugin_data);
}

bool IsAuthSwitchRequest(Bytes payload) { return !payload.empty() && payload[0] == kEofHeader; }

Result<AuthSwitchRequest> ParseAuthSwitchRequest(Bytes payload) {
  ByteReader r(payload);
  if (r.U8() != kEofHeader) return Status::Corruption("auth switch request: header is not 0xfe");
  if (r.empty()) {
    return Status::Unsupported("the server asks for the pre-4.1 password hash (old_passwords)");
  }
  AuthSwitchRequest req;
  req.plugin_name = std::string(TakeNulString(r));
  std::string_view data = AsStringView(r.Rest());
  if (!data.empty() && data.back() == '\0') data.remove_suffix(1);
  req.plugin_data = std::string(data);
  if (!r.ok()) return Status::Corruption("auth switch request: the plugin name has no NUL");
  return req;
}

void BuildAuthMoreData(Buffer& out, Bytes data) {
  PutU8(out, kAuthMoreDataHeader);
  PutBytes(out, data);
}

bool IsAuthMoreData(Bytes payload) { return !payload.empty() && payload[0] == kAuthMoreDataHeader; }

}  // namespace sidecar::protocol
