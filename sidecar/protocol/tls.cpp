#include "protocol/tls.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace sidecar::protocol {

namespace {

std::string OpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "the peer closed the connection or the socket timed out";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

// OpenSSL reads and writes through the inner Connection (a BIO of our own): no SIGPIPE (the
// socket writes use MSG_NOSIGNAL), the inner timeouts apply, and its error messages survive.
int BioWrite(BIO* bio, const char* data, size_t len, size_t* written) {
  auto* conn = static_cast<Connection*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (!conn->WriteAll(Bytes(reinterpret_cast<const uint8_t*>(data), len)).ok()) return 0;
  *written = len;
  return 1;
}

int BioRead(BIO* bio, char* data, size_t len, size_t* read) {
  auto* conn = static_cast<Connection*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  Result<size_t> n = conn->ReadSome(reinterpret_cast<uint8_t*>(data), len);
  if (!n.ok()) return 0;
  *read = *n;
  return 1;
}

long BioCtrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

BIO_METHOD* ConnectionBioMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sidecar");
    BIO_meth_set_write_ex(m, BioWrite);
    BIO_meth_set_read_ex(m, BioRead);
    BIO_meth_set_ctrl(m, BioCtrl);
    return m;
  }();
  return method;
}

class TlsConnection : public Connection {
 public:
  TlsConnection(std::unique_ptr<Connection> inner, SSL* ssl)
      : inner_(std::move(inner)), ssl_(ssl) {}
  ~TlsConnection() override { SSL_free(ssl_); }

  Result<size_t> ReadSome(uint8_t* buf, size_t max) override {
    size_t n = 0;
    if (SSL_read_ex(ssl_, buf, max, &n) == 1) return n;
    if (SSL_get_error(ssl_, 0) == SSL_ERROR_ZERO_RETURN) {
      return Status::IOError(fmt::format("TLS connection closed by {}", peer()));
    }
    return Status::IOError(fmt::format("TLS read from {}: {}", peer(), OpenSslError()));
  }

  Status WriteAll(Bytes data) override {
    size_t done = 0;
    while (done < data.size()) {
      size_t n = 0;
      if (SSL_write_ex(ssl_, data.data() + done, data.size() - done, &n) != 1) {
        return Status::IOError(fmt::format("TLS write to {}: {}", peer(), OpenSslError()));
      }
      done += n;
    }
    return Status::Ok();
  }

  const std::string& peer() const override { return inner_->peer(); }
  int fd() const override { return inner_->fd(); }

 private:
  std::unique_ptr<Connection> inner_;
  SSL* ssl_;
};

// A self-signed certificate for `key`, valid for ten years from now.
X509* SelfSignedCertificate(EVP_PKEY* key) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("binlog-sidecar"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  if (X509_sign(cert, key, EVP_sha256()) == 0) {
    X509_free(cert);
    return nullptr;
  }
  return cert;
}

Status UseGeneratedCertificate(SSL_CTX* ctx) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  X509* cert = key ? SelfSignedCertificate(key) : nullptr;
  const bool ok =
      cert && SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!ok) {
    return Status::IOError(
        fmt::format("generating a self-signed TLS certificate: {}", OpenSslError()));
  }
  return Status::Ok();
}

}  // namespace

TlsContext::TlsContext(SSL_CTX* ctx, bool server, bool verify_hostname)
    : ctx_(ctx), server_(server), verify_hostname_(verify_hostname) {}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

Result<std::shared_ptr<const TlsContext>> TlsContext::ForClient(const TlsClientOptions& o) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return Status::IOError(fmt::format("TLS: {}", OpenSslError()));
  std::shared_ptr<const TlsContext> result(new TlsContext(ctx, false, o.verify_hostname));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (!o.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, o.ca_file.c_str(), nullptr) != 1) {
      return Status::InvalidArgument(
          fmt::format("TLS: cannot load CA file '{}': {}", o.ca_file, OpenSslError()));
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  if (!o.cert_file.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1)) {
    return Status::InvalidArgument(
        fmt::format("TLS: cannot load client certificate '{}' / key "
                    "'{}': {}",
                    o.cert_file, o.key_file, OpenSslError()));
  }
  return result;
}

Result<std::shared_ptr<const TlsContext>> TlsContext::ForServer(const std::string& cert_file,
                                                                const std::string& key_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Status::IOError(fmt::format("TLS: {}", OpenSslError()));
  std::shared_ptr<const TlsContext> result(new TlsContext(ctx, true, false));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (cert_file.empty() && key_file.empty()) {
    Status s = UseGeneratedCertificate(ctx);
    if (!s.ok()) return s;
  } else if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1 ||
             SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
             SSL_CTX_check_private_key(ctx) != 1) {
    return Status::InvalidArgument(fmt::format("TLS: cannot load certificate '{}' / key '{}': {}",
                                               cert_file, key_file, OpenSslError()));
  }
  return result;
}

Result<std::unique_ptr<Connection>> TlsContext::Wrap(std::unique_ptr<Connection> inner,
                                                     const std::string& host) const {
  SSL* ssl = SSL_new(ctx_);
  BIO* bio = BIO_new(ConnectionBioMethod());
  if (ssl == nullptr || bio == nullptr) {
    SSL_free(ssl);
    BIO_free(bio);
    return Status::IOError(fmt::format("TLS with {}: {}", inner->peer(), OpenSslError()));
  }
  BIO_set_data(bio, inner.get());
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl, bio, bio);
  if (!server_) {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    if (verify_hostname_) SSL_set1_host(ssl, host.c_str());
  }
  const std::string peer = inner->peer();
  auto conn = std::make_unique<TlsConnection>(std::move(inner), ssl);
  const int rc = server_ ? SSL_accept(ssl) : SSL_connect(ssl);
  if (rc != 1) {
    std::string why = OpenSslError();
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) why += fmt::format(" ({})", X509_verify_cert_error_string(verify));
    return Status::IOError(fmt::format("TLS handshake with {} failed: {}", peer, why));
  }
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace sidecar::protocol
