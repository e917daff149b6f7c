#include "protocol/client_auth.h"

#include <fmt/format.h>

#include "protocol/auth_scramble.h"
#include "protocol/generic_packets.h"
#include "protocol/rsa_key.h"

namespace sidecar::protocol {

namespace {

constexpr uint64_t kClientCapabilities = kClientLongPassword | kClientLongFlag | kClientProtocol41 |
                                         kClientTransactions | kClientSecureConnection |
                                         kClientPluginAuth | kClientPluginAuthLenencData |
                                         kClientConnectAttrs | kClientDeprecateEof;

bool IsBuiltinPlugin(std::string_view plugin) {
  return plugin == kNativePasswordPlugin || plugin == kCachingSha2Plugin;
}

std::string Scramble(std::string_view plugin, std::string_view password, std::string_view nonce) {
  return plugin == kCachingSha2Plugin ? CachingSha2Scramble(password, nonce)
                                      : NativePasswordScramble(password, nonce);
}

// The authentication exchange after the HandshakeResponse, as a small state machine.
class ClientAuthExchange {
 public:
  ClientAuthExchange(PacketCodec& codec, const ClientAuthOptions& options, std::string plugin,
                     std::string nonce, bool secure)
      : codec_(codec),
        o_(options),
        plugin_(std::move(plugin)),
        nonce_(std::move(nonce)),
        secure_(secure) {}

  // Reads server packets until OK (returns its status flags) or a failure.
  Result<uint16_t> Run(uint64_t caps) {
    for (;;) {
      Result<Bytes> p = codec_.ReadPacket();
      if (!p.ok()) return Status(p.status());
      const Bytes packet = *p;
      if (IsOkPacket(packet)) {
        Result<OkPacket> ok = ParseOk(packet, caps);
        if (!ok.ok()) return ok.status();
        return ok->status_flags;
      }
      if (IsErrPacket(packet)) {
        Result<ErrPacket> err = ParseErr(packet, caps);
        if (!err.ok()) return err.status();
        return Status::InvalidArgument(fmt::format("access denied by {} for user '{}': {}",
                                                   codec_.connection().peer(), o_.user,
                                                   err->ToString()));
      }
      Status s = IsAuthSwitchRequest(packet) ? OnAuthSwitch(packet)
                 : IsAuthMoreData(packet)
                     ? OnMoreData(packet.subspan(1))
                     : Status::Corruption(fmt::format("authentication: unexpected packet of {} "
                                                      "bytes starting 0x{:02x} from {}",
                                                      packet.size(), packet.empty() ? 0 : packet[0],
                                                      codec_.connection().peer()));
      if (!s.ok()) return s;
    }
  }

  const std::string& plugin() const { return plugin_; }

 private:
  Status OnAuthSwitch(Bytes packet) {
    Result<AuthSwitchRequest> req = ParseAuthSwitchRequest(packet);
    if (!req.ok()) return req.status();
    if (!IsBuiltinPlugin(req->plugin_name)) {
      return Status::Unsupported(fmt::format(
          "{} asks for authentication plugin '{}' for user '{}'; only {} and {} are supported",
          codec_.connection().peer(), req->plugin_name, o_.user, kNativePasswordPlugin,
          kCachingSha2Plugin));
    }
    plugin_ = req->plugin_name;
    nonce_ = req->plugin_data;
    return codec_.WritePacket(AsBytes(Scramble(plugin_, o_.password, nonce_)));
  }

  Status OnMoreData(Bytes data) {
    if (plugin_ != kCachingSha2Plugin) {
      return Status::Corruption(
          fmt::format("{} sent AuthMoreData to plugin {}", codec_.connection().peer(), plugin_));
    }
    if (awaiting_public_key_) {
      awaiting_public_key_ = false;
      return SendEncryptedPassword(AsStringView(data));
    }
    if (data.size() == 1 && data[0] == kCachingSha2FastAuthSuccess) return Status::Ok();
    if (data.size() != 1 || data[0] != kCachingSha2PerformFullAuth) {
      return Status::Corruption(
          fmt::format("caching_sha2_password: unexpected AuthMoreData of {} bytes from {}",
                      data.size(), codec_.connection().peer()));
    }
    if (secure_) {
      std::string clear = o_.password;
      clear.push_back('\0');
      return codec_.WritePacket(AsBytes(clear));
    }
    if (!o_.server_public_key_pem.empty()) return SendEncryptedPassword(o_.server_public_key_pem);
    awaiting_public_key_ = true;
    const uint8_t request = kCachingSha2RequestPublicKey;
    return codec_.WritePacket(Bytes(&request, 1));
  }

  Status SendEncryptedPassword(std::string_view pem) {
    Result<std::string> cipher = EncryptPassword(pem, o_.password, nonce_);
    if (!cipher.ok()) return cipher.status();
    return codec_.WritePacket(AsBytes(*cipher));
  }

  PacketCodec& codec_;
  const ClientAuthOptions& o_;
  std::string plugin_;
  std::string nonce_;
  bool secure_;
  bool awaiting_public_key_ = false;
};

}  // namespace

Result<ClientAuthResult> AuthenticateClient(PacketCodec& codec, const ServerGreeting& greeting,
                                            const ClientAuthOptions& o) {
  const std::string peer = codec.connection().peer();
  if (!(greeting.capabilities & kClientProtocol41)) {
    return Status::Unsupported(fmt::format("{} does not speak protocol 4.1", peer));
  }
  uint64_t caps = kClientCapabilities;
  if (!o.database.empty()) caps |= kClientConnectWithDb;
  const bool server_tls = (greeting.capabilities & kClientSsl) != 0;
  if (o.ssl == SslMode::kRequired && !server_tls) {
    return Status::Unsupported(fmt::format("{} does not offer TLS, and ssl = required", peer));
  }
  ClientAuthResult result;
  if (o.ssl != SslMode::kDisabled && server_tls) {
    Result<std::shared_ptr<const TlsContext>> ctx = TlsContext::ForClient(o.tls);
    if (!ctx.ok()) return ctx.status();
    caps |= kClientSsl;
    BuildSslRequest(codec.StartPacket(), caps, uint32_t(codec.max_packet()), o.charset);
    Status s = codec.SendPacket();
    if (!s.ok()) return s;
    Result<std::unique_ptr<Connection>> tls = (*ctx)->Wrap(codec.ReleaseConnection(), o.tls_host);
    if (!tls.ok()) return tls.status();
    codec.ResetConnection(std::move(tls).value());
    result.tls = true;
  }
  result.capabilities = caps & greeting.capabilities;

  // Answer with the server's default plugin if we know it, else with native (the server then
  // switches us to the user's plugin).
  std::string plugin = IsBuiltinPlugin(greeting.auth_plugin_name)
                           ? greeting.auth_plugin_name
                           : std::string(kNativePasswordPlugin);
  HandshakeResponse response;
  response.capabilities = caps;
  response.max_packet_size = uint32_t(codec.max_packet());
  response.charset = o.charset;
  response.user = o.user;
  response.auth_response = Scramble(plugin, o.password, greeting.nonce);
  response.database = o.database;
  response.auth_plugin_name = plugin;
  response.connect_attrs = o.connect_attrs;
  BuildHandshakeResponse(codec.StartPacket(), response);
  Status s = codec.SendPacket();
  if (!s.ok()) return s;

  ClientAuthExchange exchange(codec, o, plugin, greeting.nonce, result.tls || o.secure_transport);
  Result<uint16_t> status_flags = exchange.Run(result.capabilities);
  if (!status_flags.ok()) return status_flags.status();
  result.status_flags = *status_flags;
  result.auth_plugin = exchange.plugin();
  return result;
}

}  // namespace sidecar::protocol
