#include "protocol/client_session.h"

#include <fmt/format.h>

namespace sidecar::protocol {

ClientSession::ClientSession(std::unique_ptr<Connection> conn, size_t max_packet)
    : codec_(std::move(conn), max_packet) {}

Result<std::unique_ptr<ClientSession>> ClientSession::Connect(const ClientOptions& o) {
  const bool unix_socket = !o.unix_socket.empty();
  Result<std::unique_ptr<SocketConnection>> sock =
      unix_socket ? ConnectUnix(o.unix_socket, o.connect_timeout)
                  : ConnectTcp(o.host, o.port, o.connect_timeout);
  if (!sock.ok()) return sock.status();
  SocketConnection* raw = sock->get();
  Status s = raw->SetTimeouts(o.connect_timeout, o.connect_timeout);
  if (!s.ok()) return s;

  ClientAuthOptions auth = o.auth;
  if (auth.tls_host.empty()) auth.tls_host = o.host;
  auth.secure_transport = auth.secure_transport || unix_socket;
  std::unique_ptr<ClientSession> session(new ClientSession(std::move(sock).value(), o.max_packet));
  s = session->Start(auth);
  if (!s.ok()) return s;
  // The transport may now be TLS over `raw`; the socket timeouts apply to both.
  s = raw->SetTimeouts(o.read_timeout, o.write_timeout);
  if (!s.ok()) return s;
  return session;
}

Result<std::unique_ptr<ClientSession>> ClientSession::Handshake(std::unique_ptr<Connection> conn,
                                                                const ClientAuthOptions& auth,
                                                                size_t max_packet) {
  std::unique_ptr<ClientSession> session(new ClientSession(std::move(conn), max_packet));
  Status s = session->Start(auth);
  if (!s.ok()) return s;
  return session;
}

Status ClientSession::Start(const ClientAuthOptions& auth) {
  Result<Bytes> p = codec_.ReadPacket();
  if (!p.ok()) {
    return Status::IOError(fmt::format("waiting for the greeting: {}", p.status().message()));
  }
  if (IsErrPacket(*p)) {  // e.g. "Host is blocked", "Too many connections"
    Result<ErrPacket> err = ParseErr(*p, 0);
    if (!err.ok()) return err.status();
    return ServerError(peer(), *err, "our connection");
  }
  Result<ServerGreeting> greeting = ParseGreeting(*p);
  if (!greeting.ok()) {
    return WithContext(greeting.status(), peer());
  }
  greeting_ = std::move(greeting).value();
  Result<ClientAuthResult> result = AuthenticateClient(codec_, greeting_, auth);
  if (!result.ok()) return result.status();
  auth_ = std::move(result).value();
  return Status::Ok();
}

Status ClientSession::SendCommand(uint8_t command, Bytes payload) {
  codec_.ResetSequence();
  Buffer& out = codec_.StartPacket();
  out.push_back(command);
  out.insert(out.end(), payload.begin(), payload.end());
  return codec_.SendPacket();
}

Result<QueryResult> ClientSession::Query(std::string_view sql) {
  Status s = SendCommand(kComQuery, AsBytes(sql));
  if (!s.ok()) return s;
  Result<Bytes> p = codec_.ReadPacket();
  if (!p.ok()) return p.status();
  const uint64_t caps = capabilities();
  QueryResult result;
  if (IsErrPacket(*p)) {
    Result<ErrPacket> err = ParseErr(*p, caps);
    if (!err.ok()) return err.status();
    last_error_ = std::move(err).value();
    return ServerError(peer(), last_error_, fmt::format("'{}'", sql));
  }
  if (IsOkPacket(*p)) {
    Result<OkPacket> ok = ParseOk(*p, caps);
    if (!ok.ok()) return ok.status();
    result.ok = std::move(ok).value();
    return result;
  }
  if (!p->empty() && (*p)[0] == 0xFB) {
    return Status::Unsupported(fmt::format("'{}': {} asks for a LOCAL INFILE", sql, peer()));
  }
  Result<ResultSet> rows = ReadResultSet(codec_, *p, caps);
  if (!rows.ok()) return WithContext(rows.status(), fmt::format("'{}'", sql));
  result.rows = std::move(rows).value();
  return result;
}

Result<ResultSet> ClientSession::QueryRows(std::string_view sql) {
  Result<QueryResult> r = Query(sql);
  if (!r.ok()) return r.status();
  if (!r->rows) {
    return Status::Corruption(
        fmt::format("'{}': {} answered OK where rows were expected", sql, peer()));
  }
  return std::move(*r->rows);
}

void ClientSession::Quit() {
  const Status ignored = SendCommand(kComQuit, {});
  (void)ignored;
}

}  // namespace sidecar::protocol
