#include "protocol/auth_scramble.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace sidecar::protocol {

namespace {

std::string Digest(const EVP_MD* md, std::string_view a, std::string_view b = {}) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, out, &len);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Xor(std::string_view a, std::string_view b) {
  std::string out(a);
  for (size_t i = 0; i < out.size(); ++i) out[i] = char(out[i] ^ b[i % b.size()]);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string NativePasswordScramble(std::string_view password, std::string_view nonce) {
  if (password.empty()) return {};
  const std::string stage1 = Digest(EVP_sha1(), password);
  const std::string stage2 = Digest(EVP_sha1(), stage1);
  return Xor(stage1, Digest(EVP_sha1(), nonce, stage2));
}

std::string CachingSha2Scramble(std::string_view password, std::string_view nonce) {
  if (password.empty()) return {};
  const std::string stage1 = Digest(EVP_sha256(), password);
  const std::string stage2 = Digest(EVP_sha256(), stage1);
  return Xor(stage1, Digest(EVP_sha256(), stage2, nonce));
}

bool VerifyNativePassword(std::string_view password, std::string_view nonce,
                          std::string_view response) {
  return ConstantTimeEquals(NativePasswordScramble(password, nonce), response);
}

bool VerifyCachingSha2(std::string_view password, std::string_view nonce,
                       std::string_view response) {
  return ConstantTimeEquals(CachingSha2Scramble(password, nonce), response);
}

std::string XorWithNonce(std::string_view data, std::string_view nonce) {
  if (nonce.empty()) return std::string(data);
  return Xor(data, nonce);
}

}  // namespace sidecar::protocol
