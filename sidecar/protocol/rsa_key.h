// RSA for caching_sha2_password's full authentication without TLS: the client encrypts
// (password + NUL) XOR nonce with the server's public key (RSA-OAEP, SHA-1); the server
// decrypts with its private key.
//
// RsaKeyPair holds an OpenSSL key; it is immutable after Generate() and safe to share between
// threads. The free functions are stateless.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace sidecar::protocol {

class RsaKeyPair {
 public:
  // A fresh in-memory key pair (the server generates one at start).
  static Result<std::shared_ptr<const RsaKeyPair>> Generate(int bits = 2048);
  ~RsaKeyPair();
  RsaKeyPair(const RsaKeyPair&) = delete;
  RsaKeyPair& operator=(const RsaKeyPair&) = delete;

  // "-----BEGIN PUBLIC KEY-----..." (SubjectPublicKeyInfo), what the server sends on request.
  const std::string& public_key_pem() const { return public_pem_; }
  Result<std::string> Decrypt(std::string_view ciphertext) const;

 private:
  RsaKeyPair(EVP_PKEY* key, std::string public_pem);
  EVP_PKEY* key_;
  std::string public_pem_;
};

// The client's encrypted password: RSA-OAEP(public_key_pem, (password + NUL) XOR nonce).
Result<std::string> EncryptPassword(std::string_view public_key_pem, std::string_view password,
                                    std::string_view nonce);
// The server's side: the cleartext password (without its NUL) from the client's ciphertext.
Result<std::string> DecryptPassword(const RsaKeyPair& key, std::string_view ciphertext,
                                    std::string_view nonce);

}  // namespace sidecar::protocol
