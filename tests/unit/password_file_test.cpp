// Password files: existence, type, permissions, content; and that a Secret
// cannot be printed.
#include "app/password_file.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <ostream>

#include "temp_dir.h"

namespace sidecar::app {
namespace {

template <typename T>
concept Streamable = requires(std::ostream& out, const T& value) {
  out << value;
};

static_assert(!fmt::is_formattable<Secret>::value, "a Secret must not be formattable");
static_assert(!Streamable<Secret>, "a Secret must not be printable with <<");

class PasswordFileTest : public ::testing::Test {
 protected:
  std::string Write(std::string_view content, mode_t mode, std::string_view name = "pw") {
    const std::string path = dir_.Join(name);
    std::ofstream(path, std::ios::binary) << content;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  std::string ErrorFor(std::string_view content, mode_t mode) {
    const auto r = ReadPasswordFile(Write(content, mode));
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.status().message();
  }

  TempDir dir_;
};

TEST_F(PasswordFileTest, OwnerOnlyFileIsReadWithOneTrailingNewlineRemoved) {
  const auto r = ReadPasswordFile(Write("s3cret\n", 0600));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->reveal(), "s3cret");
  EXPECT_EQ(ReadPasswordFile(Write("no newline", 0400))->reveal(), "no newline");
  EXPECT_EQ(ReadPasswordFile(Write("crlf\r\n", 0600))->reveal(), "crlf");
  EXPECT_EQ(ReadPasswordFile(Write("  spaces kept  \n", 0600))->reveal(), "  spaces kept  ");
}

TEST_F(PasswordFileTest, GroupReadableIsAccepted) {
  EXPECT_EQ(ReadPasswordFile(Write("pw", 0640))->reveal(), "pw");
}

TEST_F(PasswordFileTest, WorldAccessibleIsRefused) {
  for (mode_t mode : {0644, 0604, 0602, 0601, 0666}) {
    const std::string message = ErrorFor("TopSecretPw\n", mode);
    EXPECT_NE(message.find(fmt::format("accessible by others, mode {:04o}", mode)),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("chmod o-rwx"), std::string::npos);
    EXPECT_EQ(message.find("TopSecretPw"), std::string::npos);
  }
}

TEST_F(PasswordFileTest, GroupWritableIsRefused) {
  EXPECT_NE(ErrorFor("pw", 0660).find("group-writable, mode 0660"), std::string::npos);
  EXPECT_NE(ErrorFor("pw", 0620).find("group-writable"), std::string::npos);
}

TEST_F(PasswordFileTest, MissingFileIsAnIoError) {
  const auto r = ReadPasswordFile(dir_.Join("absent"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
  EXPECT_NE(r.status().message().find("cannot open " + dir_.Join("absent") +
                                      ": No such file or directory"),
            std::string::npos);
}

TEST_F(PasswordFileTest, DirectoryIsRefused) {
  const auto r = ReadPasswordFile(dir_.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is not a regular file"), std::string::npos);
}

TEST_F(PasswordFileTest, SymlinkToAGoodFileIsFollowed) {
  const std::string target = Write("linked\n", 0600);
  const std::string link = dir_.Join("link");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_EQ(ReadPasswordFile(link)->reveal(), "linked");
}

TEST_F(PasswordFileTest, ContentErrors) {
  EXPECT_NE(ErrorFor("", 0600).find("is empty"), std::string::npos);
  EXPECT_NE(ErrorFor("\n", 0600).find("is empty"), std::string::npos);
  EXPECT_NE(ErrorFor("one\ntwo\n", 0600).find("more than one line"), std::string::npos);
  EXPECT_NE(ErrorFor("pw\n\n", 0600).find("more than one line"), std::string::npos);
  const std::string big = ErrorFor(std::string(4097, 'x'), 0600);
  EXPECT_NE(big.find("4097 bytes long"), std::string::npos);
  EXPECT_EQ(ReadPasswordFile(Write(std::string(4096, 'y'), 0600))->reveal().size(), 4096u);
}

TEST(SecretTest, RevealsOnlyOnRequestAndCopiesAndMoves) {
  Secret a(std::string("pw"));
  Secret b = a;
  EXPECT_EQ(b.reveal(), "pw");
  Secret c = std::move(a);
  EXPECT_EQ(c.reveal(), "pw");
  EXPECT_TRUE(a.empty());  // NOLINT: moved-from is wiped and empty by contract
  b = Secret();
  EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace sidecar::app
