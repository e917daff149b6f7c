// protocol_probe: a small CLI over sidecar_protocol for the integration tests.
//
//   protocol_probe client HOST PORT USER PASSWORD SQL...
//       Logs in (ssl preferred) and runs each SQL; prints result rows tab-separated (NULL as
//       "NULL") or "OK <affected rows>". Exit 1 with the error on stderr.
//   protocol_probe serve PORT USER PASSWORD PLUGIN [full]
//       Listens on 127.0.0.1:PORT; every client goes through AcceptClient (PLUGIN for USER,
//       "full" forces caching_sha2 full authentication with an in-memory RSA key), then gets the
//       trivial query loop (SELECT 1). Prints "listening" when ready; runs until killed.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "protocol/client_session.h"
#include "protocol/server_handshake.h"
#include "protocol_test_support.h"

namespace sidecar::protocol {
namespace {

int Client(int argc, char** argv) {
  ClientOptions o;
  o.host = argv[2];
  o.port = uint16_t(std::stoi(argv[3]));
  o.auth.user = argv[4];
  o.auth.password = argv[5];
  Result<std::unique_ptr<ClientSession>> s = ClientSession::Connect(o);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
    return 1;
  }
  std::printf("# server %s, plugin %s, tls %d\n", (*s)->greeting().server_version.c_str(),
              (*s)->auth().auth_plugin.c_str(), int((*s)->auth().tls));
  for (int i = 6; i < argc; ++i) {
    Result<QueryResult> r = (*s)->Query(argv[i]);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
    if (!r->rows) {
      std::printf("OK %llu\n", static_cast<unsigned long long>(r->ok.affected_rows));
      continue;
    }
    for (const Row& row : r->rows->rows) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) line += '\t';
        line += row[c] ? *row[c] : "NULL";
      }
      std::printf("%s\n", line.c_str());
    }
  }
  (*s)->Quit();
  return 0;
}

int Serve(int argc, char** argv) {
  const uint16_t port = uint16_t(std::stoi(argv[2]));
  const std::string user = argv[3], password = argv[4], plugin = argv[5];
  ServerAuthConfig config;
  config.server_version = "5.5.5-10.11.0-MariaDB-protocol-probe";
  config.auth_plugin = plugin == "caching_sha2" ? std::string(kCachingSha2Plugin)
                                                : std::string(kNativePasswordPlugin);
  config.password_of = [&](std::string_view u) -> std::optional<std::string> {
    if (u == user) return password;
    return std::nullopt;
  };
  config.caching_sha2_full_auth = argc > 6 && std::string(argv[6]) == "full";
  Result<std::shared_ptr<const RsaKeyPair>> key = RsaKeyPair::Generate();
  if (!key.ok()) {
    std::fprintf(stderr, "%s\n", key.status().ToString().c_str());
    return 1;
  }
  config.rsa_key = *key;

  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 16)) {
    std::perror("bind/listen");
    return 1;
  }
  std::printf("listening\n");
  std::fflush(stdout);
  std::atomic<uint32_t> next_id{1};
  for (;;) {
    const int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    std::thread([c, &config, &next_id] {
      PacketCodec codec(std::make_unique<SocketConnection>(c, "127.0.0.1:client"));
      Result<AcceptedClient> a = AcceptClient(codec, config, next_id++);
      if (!a.ok()) {
        std::fprintf(stderr, "handshake: %s\n", a.status().ToString().c_str());
        return;
      }
      std::fprintf(stderr, "accepted user '%s' plugin %s\n", a->user.c_str(),
                   a->auth_plugin.c_str());
      Status s = testing::ServeTrivialQueries(codec, a->capabilities);
      if (!s.ok()) std::fprintf(stderr, "session: %s\n", s.ToString().c_str());
    }).detach();
  }
}

}  // namespace
}  // namespace sidecar::protocol

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "client" && argc >= 6) return sidecar::protocol::Client(argc, argv);
  if (mode == "serve" && argc >= 6) return sidecar::protocol::Serve(argc, argv);
  std::fprintf(stderr,
               "usage: protocol_probe client HOST PORT USER PASSWORD SQL...\n"
               "       protocol_probe serve PORT USER PASSWORD native|caching_sha2 [full]\n");
  return 2;
}
