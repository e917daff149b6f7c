// [serve] ssl, ssl_cert, ssl_key and auth_plugin: defaults, values, the rules across them and
// the checks of the files (located by file, line, section and key), and their --check-config
// output, which reads back to the same configuration.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "app/check_config_command.h"
#include "app/config.h"
#include "config_test_support.h"

namespace sidecar::app {
namespace {

class ConfigServeTlsTest : public ConfigFixture {
 protected:
  ConfigServeTlsTest() {
    cert_ = WritePasswordFile("cert.pem", "-----BEGIN CERTIFICATE-----", 0644);
    key_ = WritePasswordFile("key.pem", "-----BEGIN PRIVATE KEY-----Key-Text-Secret", 0600);
  }
  std::string cert_, key_;
};

TEST_F(ConfigServeTlsTest, DefaultsAreNoTlsAndNativePassword) {
  const LoadedConfig loaded = Load(MinimalConfig());
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(Lines(loaded.errors));
  EXPECT_EQ(loaded.config.serve.ssl, ServeSslMode::kOff);
  EXPECT_TRUE(loaded.config.serve.ssl_cert.empty());
  EXPECT_TRUE(loaded.config.serve.ssl_key.empty());
  EXPECT_EQ(loaded.config.serve.auth_plugin, AuthPlugin::kNativePassword);
}

TEST_F(ConfigServeTlsTest, ValuesAreParsedCaseInsensitively) {
  const LoadedConfig loaded =
      Load(MinimalConfig() + fmt::format("[serve]\nSSL = Required\nssl_cert = {}\nssl_key = {}\n"
                                         "auth-plugin = CACHING_SHA2_PASSWORD\n",
                                         cert_, key_));
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(Lines(loaded.errors));
  EXPECT_EQ(loaded.config.serve.ssl, ServeSslMode::kRequired);
  EXPECT_EQ(loaded.config.serve.ssl_cert, cert_);
  EXPECT_EQ(loaded.config.serve.ssl_key, key_);
  EXPECT_EQ(loaded.config.serve.auth_plugin, AuthPlugin::kCachingSha2);

  const LoadedConfig on = Load(MinimalConfig() + "[serve]\nssl = on\n");  // self-signed
  ASSERT_TRUE(on.ok()) << testing::PrintToString(Lines(on.errors));
  EXPECT_EQ(on.config.serve.ssl, ServeSslMode::kOn);
}

TEST_F(ConfigServeTlsTest, BadValuesNameTheKeyAndWhatIsExpected) {
  const LoadedConfig loaded = Load(MinimalConfig() +
                                   "[serve]\n"                        // 15
                                   "ssl = preferred\n"                // 16
                                   "auth_plugin = sha256_password\n"  // 17
                                   "ssl_cert = cert.pem\n");          // 18
  const std::vector<std::string> expected = {
      "test.conf:16: [serve] ssl: 'preferred' is not a known value (one of off | on | required)",
      "test.conf:17: [serve] auth_plugin: 'sha256_password' is not a known value (one of "
      "mysql_native_password | caching_sha2_password)",
      "test.conf:18: [serve] ssl_cert: 'cert.pem' is a relative path (an absolute path)",
  };
  const std::vector<std::string> got = Lines(loaded.errors);
  EXPECT_EQ(got, expected);
}

TEST_F(ConfigServeTlsTest, CertificateAndKeyComeTogetherAndNeedTls) {
  const LoadedConfig alone =
      Load(MinimalConfig() + fmt::format("[serve]\nssl = on\nssl_key = {}\n", key_));
  EXPECT_EQ(Lines(alone.errors),
            std::vector<std::string>{
                "test.conf:17: [serve] ssl_key: given without ssl_cert (both, or neither)"});

  const LoadedConfig off =
      Load(MinimalConfig() + fmt::format("[serve]\nssl_cert = {}\nssl_key = {}\n", cert_, key_));
  EXPECT_EQ(Lines(off.errors),
            std::vector<std::string>{"test.conf:16: [serve] ssl_cert: given while ssl = off "
                                     "(ssl = on or required to serve TLS with it)"});
}

TEST_F(ConfigServeTlsTest, KeyFileMustBePrivateAndBothFilesReadable) {
  const std::string loose = WritePasswordFile("loose-key.pem", "Key-Text-Secret", 0644);
  const std::string group_writable = WritePasswordFile("gw-key.pem", "Key-Text-Secret", 0660);
  const LoadedConfig loaded = Load(
      MinimalConfig() + fmt::format("[serve]\nssl = on\nssl_cert = {0}/absent.pem\nssl_key = {1}\n",
                                    dir_.path(), loose));
  const std::vector<std::string> expected = {
      fmt::format("test.conf:17: [serve] ssl_cert: cannot open {}/absent.pem: No such file or "
                  "directory (a readable PEM certificate file)",
                  dir_.path()),
      fmt::format("test.conf:18: [serve] ssl_key: {} is accessible by others, mode 0644 (a "
                  "private key with no access for others: chmod o-rwx, e.g. 0600 or 0640)",
                  loose),
  };
  const std::vector<std::string> got = Lines(loaded.errors);
  EXPECT_EQ(got, expected);
  for (const std::string& line : got) EXPECT_EQ(line.find("Key-Text"), std::string::npos);

  const LoadedConfig gw = Load(MinimalConfig() + fmt::format("[serve]\nssl = on\nssl_cert = {}\n"
                                                             "ssl_key = {}\n",
                                                             cert_, group_writable));
  ASSERT_EQ(gw.errors.size(), 1u);
  EXPECT_NE(gw.errors[0].ToString().find("[serve] ssl_key: " + group_writable +
                                         " is group-writable, mode 0660"),
            std::string::npos)
      << gw.errors[0].ToString();

  const LoadedConfig dir = Load(MinimalConfig() + fmt::format("[serve]\nssl = on\nssl_cert = {}\n"
                                                              "ssl_key = {}\n",
                                                              dir_.path(), key_));
  ASSERT_EQ(dir.errors.size(), 1u);
  EXPECT_NE(dir.errors[0].ToString().find("is not a regular file (a PEM certificate file)"),
            std::string::npos)
      << dir.errors[0].ToString();
}

TEST_F(ConfigServeTlsTest, OverridesAreCheckedLikeTheFile) {
  const std::vector<std::string> overrides = {"serve.ssl=required", "serve.ssl_cert=" + cert_};
  const LoadedConfig loaded = Load(MinimalConfig(), overrides);
  EXPECT_EQ(Lines(loaded.errors),
            std::vector<std::string>{
                "--set: [serve] ssl_cert: given without ssl_key (both, or neither)"});
}

TEST_F(ConfigServeTlsTest, CheckConfigShowsTheKeysAndReadsBack) {
  const LoadedConfig loaded =
      Load(MinimalConfig() + fmt::format("[serve]\nssl = required\nssl_cert = {}\nssl_key = {}\n"
                                         "auth_plugin = caching_sha2_password\n",
                                         cert_, key_));
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(Lines(loaded.errors));
  const std::string text = FormatEffectiveConfig(loaded.config);
  EXPECT_NE(text.find(fmt::format("delay = 0s\nssl = required\nssl_cert = {}\nssl_key = {}\n"
                                  "auth_plugin = caching_sha2_password\n",
                                  cert_, key_)),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("Key-Text"), std::string::npos);
  const LoadedConfig again = Load(text);
  ASSERT_TRUE(again.ok()) << testing::PrintToString(Lines(again.errors));
  EXPECT_EQ(FormatEffectiveConfig(again.config), text);

  const LoadedConfig defaults = Load(MinimalConfig());
  EXPECT_NE(FormatEffectiveConfig(defaults.config)
                .find("ssl = off\nssl_cert =\nssl_key =\nauth_plugin = mysql_native_password\n"),
            std::string::npos);
}

}  // namespace
}  // namespace sidecar::app
