// Password scrambles of the two built-in authentication plugins, for the client (compute the
// response to a nonce) and the server (verify a response, knowing the cleartext password).
//
//   mysql_native_password:  SHA1(pw) XOR SHA1(nonce || SHA1(SHA1(pw)))                20 bytes
//   caching_sha2_password:  SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) || nonce)        32 bytes
//
// An empty password has an empty response in both plugins. Digests come from OpenSSL's EVP.
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sidecar::protocol {

inline constexpr std::string_view kNativePasswordPlugin = "mysql_native_password";
inline constexpr std::string_view kCachingSha2Plugin = "caching_sha2_password";

// caching_sha2_password's AuthMoreData status bytes and its public-key request.
inline constexpr uint8_t kCachingSha2RequestPublicKey = 0x02;
inline constexpr uint8_t kCachingSha2FastAuthSuccess = 0x03;
inline constexpr uint8_t kCachingSha2PerformFullAuth = 0x04;

std::string NativePasswordScramble(std::string_view password, std::string_view nonce);
std::string CachingSha2Scramble(std::string_view password, std::string_view nonce);

// Constant-time comparisons of a client's response with the expected scramble.
bool VerifyNativePassword(std::string_view password, std::string_view nonce,
                          std::string_view response);
bool VerifyCachingSha2(std::string_view password, std::string_view nonce,
                       std::string_view response);

// password XOR nonce (the nonce repeated), as caching_sha2_password encrypts it; the same
// function undoes it.
std::string XorWithNonce(std::string_view data, std::string_view nonce);

}  // namespace sidecar::protocol
