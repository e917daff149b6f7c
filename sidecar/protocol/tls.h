// TLS for the MySQL protocol (OpenSSL): a context for the client or the server side, and the
// upgrade of a connected socket to a TLS Connection after the SSLRequest.
//
// A TlsContext is immutable after creation and may be shared by many connections and threads.
// The Connection that Wrap returns owns the inner one; it is not thread-safe at all (OpenSSL
// does not allow a read and a write on one session at the same time).
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "protocol/connection.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace sidecar::protocol {

struct TlsClientOptions {
  std::string ca_file;           // verify the server against these CAs (empty: no verification)
  bool verify_hostname = false;  // also check the certificate names the host we connect to
  std::string cert_file;         // a client certificate, if the server asks for one
  std::string key_file;
};

class TlsContext {
 public:
  static Result<std::shared_ptr<const TlsContext>> ForClient(const TlsClientOptions& options);
  // With empty paths, a self-signed certificate and key are generated in memory (what MySQL
  // does with auto_generate_certs).
  static Result<std::shared_ptr<const TlsContext>> ForServer(const std::string& cert_file,
                                                             const std::string& key_file);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Runs the TLS handshake over `inner` (any Connection); on success the returned
  // Connection owns `inner`. `host` is the name sent as SNI and checked when verify_hostname.
  Result<std::unique_ptr<Connection>> Wrap(std::unique_ptr<Connection> inner,
                                           const std::string& host) const;

 private:
  TlsContext(SSL_CTX* ctx, bool server, bool verify_hostname);
  SSL_CTX* ctx_;
  bool server_;
  bool verify_hostname_;
};

}  // namespace sidecar::protocol
