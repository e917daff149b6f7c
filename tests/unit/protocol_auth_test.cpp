#include <fmt/format.h>
#include <gtest/gtest.h>

#include "protocol/auth_scramble.h"
#include "protocol/rsa_key.h"
#include "protocol/wire_buffer.h"
#include "protocol_test_support.h"

namespace sidecar::protocol {
namespace {

using testing::FromHex;

std::string Hex(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x}", c);
  return out;
}

constexpr std::string_view kNonce = "0123456789abcdefghij";

// Expected values computed independently with Python's hashlib:
//   s1 = sha1(b"secret"); s2 = sha1(s1); x = sha1(nonce + s2); xor(s1, x)
TEST(ProtocolAuth, NativePasswordKnownVector) {
  EXPECT_EQ(Hex(NativePasswordScramble("secret", kNonce)),
            "f5cac3f3b3df2133feb57db682c71e6ed433a988");
  EXPECT_TRUE(VerifyNativePassword(
      "secret", kNonce,
      std::string(AsStringView(FromHex("f5cac3f3b3df2133feb57db682c71e6ed433a988")))));
  EXPECT_FALSE(VerifyNativePassword("secreT", kNonce, NativePasswordScramble("secret", kNonce)));
  EXPECT_EQ(NativePasswordScramble("", kNonce), "");
  EXPECT_TRUE(VerifyNativePassword("", kNonce, ""));
}

//   t1 = sha256(b"secret"); t2 = sha256(t1); y = sha256(t2 + nonce); xor(t1, y)
TEST(ProtocolAuth, CachingSha2KnownVector) {
  EXPECT_EQ(Hex(CachingSha2Scramble("secret", kNonce)),
            "7e4adda2f2d5ef09b4147518becb0cee2939376203650a8c2bb2815959364bd0");
  EXPECT_TRUE(VerifyCachingSha2("secret", kNonce, CachingSha2Scramble("secret", kNonce)));
  EXPECT_FALSE(
      VerifyCachingSha2("secret", "another-nonce-123456", CachingSha2Scramble("secret", kNonce)));
  EXPECT_FALSE(VerifyCachingSha2("secret", kNonce, "short"));
}

TEST(ProtocolAuth, RsaEncryptedPasswordRoundTrip) {
  Result<std::shared_ptr<const RsaKeyPair>> key = RsaKeyPair::Generate();
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_TRUE((*key)->public_key_pem().starts_with("-----BEGIN PUBLIC KEY-----"));
  Result<std::string> cipher = EncryptPassword((*key)->public_key_pem(), "p4ss", kNonce);
  ASSERT_TRUE(cipher.ok()) << cipher.status().ToString();
  EXPECT_EQ(cipher->size(), 256u);  // RSA-2048
  Result<std::string> clear = DecryptPassword(**key, *cipher, kNonce);
  ASSERT_TRUE(clear.ok()) << clear.status().ToString();
  EXPECT_EQ(*clear, "p4ss");
  // A different nonce unmasks garbage: no trailing NUL, or a different password.
  Result<std::string> wrong = DecryptPassword(**key, *cipher, "zzzzzzzzzzzzzzzzzzzz");
  EXPECT_TRUE(!wrong.ok() || *wrong != "p4ss");
  EXPECT_FALSE((*key)->Decrypt("not a ciphertext").ok());
}

TEST(ProtocolAuth, EncryptingWithTheCapturedMySqlKeyGivesARsa2048Block) {
  // The PEM public key MySQL 8.0.32 sent in zeek/caching_sha2_password.pcap.
  const std::string path =
      std::string(SIDECAR_FIXTURES_DIR) + "/protocol/zeek/caching_sha2_password.pcap";
  const auto stream = testing::TcpStream(testing::ReadPcapTcpSegments(path), 3306, 49352);
  const auto packets = testing::SplitPackets(stream);
  ASSERT_GE(packets.size(), 3u);
  const std::string pem(AsStringView(packets[2]).substr(1));
  Result<std::string> cipher = EncryptPassword(pem, "password", kNonce);
  ASSERT_TRUE(cipher.ok()) << cipher.status().ToString();
  EXPECT_EQ(cipher->size(), 256u);  // as long as the client's answer in the capture
  EXPECT_EQ(EncryptPassword("garbage", "x", kNonce).status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace sidecar::protocol
