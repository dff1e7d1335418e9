// /goop/avatar/1.0.0 between two Hosts on the memory transport, and the avatar hash.
#include "goop/content/avatar_protocol.hpp"

#include "base/errors.hpp"
#include "goop/content/codec.hpp"
#include "goop/content/errors.hpp"
#include "goop/content/test_fixture.hpp"

#include <gtest/gtest.h>

namespace goop::content {
namespace {

using namespace std::chrono_literals;

class AvatarProtocolTest : public testkit::ContentHostTest {
 protected:
  void SetUp() override {
    ContentHostTest::SetUp();
    serve_avatar(server_, dir_ / "avatar.png");
  }
  Expected<std::optional<Bytes>> fetch(std::chrono::steady_clock::duration timeout = 5s) {
    return run(fetch_avatar(client_, server_.id(), timeout));
  }
  std::string raw_answer() { return raw(std::string(kAvatarProtocol), "").bytes; }
};

TEST_F(AvatarProtocolTest, NoAvatarIsNoneAndNotAnError) {
  EXPECT_EQ(raw_answer(), "NONE\n");
  auto a = fetch();
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_FALSE(a->has_value());
}

TEST_F(AvatarProtocolTest, AvatarRoundTripsAndIsReadAfresh) {
  std::string png(1234, '\0');
  for (std::size_t i = 0; i < png.size(); ++i) png[i] = static_cast<char>(i * 7);
  write("avatar.png", png);
  EXPECT_EQ(raw_answer(), "OK 1234\n" + png);
  auto a = fetch();
  ASSERT_TRUE(a.has_value()) << a.error().message;
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ(as_chars(**a), png);
  EXPECT_EQ(avatar_hash(**a), avatar_hash(as_bytes(png)));

  write("avatar.png", "new");
  a = fetch();
  ASSERT_TRUE(a.has_value() && a->has_value());
  EXPECT_EQ(as_chars(**a), "new");
  std::filesystem::remove(dir_ / "avatar.png");
  EXPECT_EQ(raw_answer(), "NONE\n");
}

TEST_F(AvatarProtocolTest, AvatarOverTheUploadLimitIsNotServed) {
  write("avatar.png", std::string(kMaxServedAvatarSize + 1, 'x'));
  EXPECT_EQ(raw_answer(), "NONE\n");
  write("avatar.png", std::string(kMaxServedAvatarSize, 'x'));
  auto a = fetch();
  ASSERT_TRUE(a.has_value() && a->has_value());
  EXPECT_EQ((*a)->size(), kMaxServedAvatarSize);
}

TEST_F(AvatarProtocolTest, ClientRefusesOversizedEncryptedAndMalformedAnswers) {
  struct Case {
    std::string reply;
    error_code code;
    std::string_view text;
  };
  const Case cases[] = {
      {"OK 524289\n", make_error_code(goop::Errc::kTooLarge), "refusing size 524289"},
      {"EOK 8\nc2VhbGVk", make_error_code(Errc::kEncryptedUnsupported), "not supported yet"},
      {"HELLO\n", make_error_code(Errc::kBadResponse), "unexpected response: \"HELLO\""},
      {"OK 10\nabc", make_error_code(p2p::Errc::kEndOfStream), "after 3 of 10 bytes"},
  };
  for (const auto& c : cases) {
    script(std::string(kAvatarProtocol), c.reply, /*read_request=*/false, /*stall=*/false);
    auto a = fetch();
    ASSERT_FALSE(a.has_value()) << c.reply;
    EXPECT_EQ(a.error().code, c.code) << a.error().message;
    EXPECT_NE(a.error().message.find(c.text), std::string::npos) << a.error().message;
    EXPECT_NE(a.error().message.find(server_.id().to_base58()), std::string::npos)
        << a.error().message;
  }
}

TEST_F(AvatarProtocolTest, ClientGivesUpOnAStalledPeer) {
  script(std::string(kAvatarProtocol), "OK 100\nabc", false, /*stall=*/true);
  const auto start = std::chrono::steady_clock::now();
  auto a = fetch(300ms);
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code, make_error_code(goop::Errc::kTimeout)) << a.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(AvatarProtocolTest, PeerWithoutTheProtocolIsAnError) {
  server_.remove_stream_handler(std::string(kAvatarProtocol));
  auto a = fetch();
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code, make_error_code(p2p::Errc::kNegotiationFailed)) << a.error().message;
}

TEST(AvatarHash, FirstEightBytesOfSha256AsLowerHex) {
  // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2)
  EXPECT_EQ(avatar_hash(as_bytes("abc")), "ba7816bf8f01cfea");
  // SHA-256("") = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  EXPECT_EQ(avatar_hash(as_bytes("")), "e3b0c44298fc1c14");
}

}  // namespace
}  // namespace goop::content
