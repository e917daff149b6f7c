#include "protocol/rsa_key.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "protocol/auth_scramble.h"

namespace sidecar::protocol {

namespace {

std::string OpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

// Runs EVP_PKEY_encrypt or EVP_PKEY_decrypt with OAEP padding.
template <typename Init, typename Op>
Result<std::string> RsaOaep(EVP_PKEY* key, std::string_view in, Init init, Op op,
                            std::string_view what) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new(key, nullptr));
  size_t len = 0;
  const auto* src = reinterpret_cast<const unsigned char*>(in.data());
  if (!ctx || init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
      op(ctx.get(), nullptr, &len, src, in.size()) <= 0) {
    return Status::InvalidArgument(fmt::format("RSA {}: {}", what, OpenSslError()));
  }
  std::string out(len, '\0');
  if (op(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, src, in.size()) <= 0) {
    return Status::InvalidArgument(fmt::format("RSA {}: {}", what, OpenSslError()));
  }
  out.resize(len);
  return out;
}

}  // namespace

RsaKeyPair::RsaKeyPair(EVP_PKEY* key, std::string public_pem)
    : key_(key), public_pem_(std::move(public_pem)) {}

RsaKeyPair::~RsaKeyPair() { EVP_PKEY_free(key_); }

Result<std::shared_ptr<const RsaKeyPair>> RsaKeyPair::Generate(int bits) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!key || !bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) {
    return Status::IOError(fmt::format("generating an RSA key pair: {}", OpenSslError()));
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, size_t(len));
  return std::shared_ptr<const RsaKeyPair>(new RsaKeyPair(key.release(), std::move(pem)));
}

Result<std::string> RsaKeyPair::Decrypt(std::string_view ciphertext) const {
  return RsaOaep(key_, ciphertext, EVP_PKEY_decrypt_init, EVP_PKEY_decrypt, "decryption");
}

Result<std::string> EncryptPassword(std::string_view public_key_pem, std::string_view password,
                                    std::string_view nonce) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(public_key_pem.data(), int(public_key_pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    return Status::Corruption(
        fmt::format("the server's RSA public key is not a PEM public key: {}", OpenSslError()));
  }
  std::string plain(password);
  plain.push_back('\0');
  return RsaOaep(key.get(), XorWithNonce(plain, nonce), EVP_PKEY_encrypt_init, EVP_PKEY_encrypt,
                 "encryption of the password");
}

Result<std::string> DecryptPassword(const RsaKeyPair& key, std::string_view ciphertext,
                                    std::string_view nonce) {
  Result<std::string> plain = key.Decrypt(ciphertext);
  if (!plain.ok()) return plain.status();
  std::string password = XorWithNonce(*plain, nonce);
  if (password.empty() || password.back() != '\0') {
    return Status::InvalidArgument("the decrypted password does not end with NUL");
  }
  password.pop_back();
  return password;
}

}  // namespace sidecar::protocol
