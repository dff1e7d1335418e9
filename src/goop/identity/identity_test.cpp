#include "goop/identity/identity.hpp"

#include "base/errors.hpp"
#include "base/file_io.hpp"
#include "testing/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace goop::identity {
namespace {

class IdentityTest : public ::testing::Test {
 protected:
  goop::testing::TempDir tmp_{"id"};
  const std::filesystem::path dir_ = tmp_.path();
  const std::filesystem::path key_ = dir_ / "data" / "identity.key";
};

TEST_F(IdentityTest, CreatesGoFormatKeyWithSafeModesAndReloadsSamePeerId) {
  auto first = load_or_create(key_);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_TRUE(first->created);
  const std::string raw = *read_file(key_, 1000);
  ASSERT_EQ(raw.size(), 68u);
  EXPECT_EQ(raw.substr(0, 4), std::string("\x08\x01\x12\x40", 4));
  struct stat st {};
  ASSERT_EQ(::stat(key_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(key_.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  auto second = load_or_create(key_);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->peer_id, first->peer_id);
  EXPECT_TRUE(second->peer_id.to_base58().starts_with("12D3KooW"));
}

TEST_F(IdentityTest, LoadsAKeyWrittenByGoLibp2p) {
  // The libp2p spec's Ed25519 test vector, byte for byte what go-libp2p writes.
  const auto spec = *from_hex(
      "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8"
      "be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e");
  ASSERT_TRUE(write_file_atomic(key_, as_chars(spec), 0600).has_value());
  auto id = load_or_create(key_);
  ASSERT_TRUE(id.has_value()) << id.error().message;
  EXPECT_EQ(id->peer_id.to_base58(), "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq");
}

TEST_F(IdentityTest, TruncatedKeyIsRefusedAndNeverReplaced) {
  ASSERT_TRUE(load_or_create(key_).has_value());
  const std::string raw = *read_file(key_, 1000);
  const std::string truncated = raw.substr(0, 40);
  ASSERT_TRUE(write_file_atomic(key_, truncated, 0600).has_value());
  auto id = load_or_create(key_);
  ASSERT_TRUE(id.has_error());
  EXPECT_EQ(id.error().code, make_error_code(Errc::kCorrupt));
  EXPECT_NE(id.error().message.find(key_.string()), std::string::npos) << id.error().message;
  EXPECT_NE(id.error().message.find("40 bytes"), std::string::npos) << id.error().message;
  EXPECT_EQ(*read_file(key_, 1000), truncated);  // untouched
}

TEST_F(IdentityTest, EmptyAndGarbageKeysAreRefused) {
  for (const std::string& bad :
       {std::string(), std::string("hello world"), std::string(68, '\0')}) {
    ASSERT_TRUE(write_file_atomic(key_, bad, 0600).has_value());
    auto id = load_or_create(key_);
    ASSERT_TRUE(id.has_error());
    EXPECT_EQ(*read_file(key_, 1000), bad);
  }
}

TEST_F(IdentityTest, NonEd25519KeyIsRefusedWithReason) {
  // secp256k1 private key from the libp2p spec test vectors.
  const auto secp =
      *from_hex("0802122053DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB");
  ASSERT_TRUE(write_file_atomic(key_, as_chars(secp), 0600).has_value());
  auto id = load_or_create(key_);
  ASSERT_TRUE(id.has_error());
  EXPECT_NE(id.error().message.find("other than Ed25519"), std::string::npos) << id.error().message;
}

TEST(NaclKeys, GeneratedOnceAndValid) {
  config::Config c;
  EXPECT_TRUE(ensure_nacl_keys(c));
  EXPECT_EQ(c.p2p.nacl_public_key.size(), 44u);
  EXPECT_EQ(c.p2p.nacl_private_key.size(), 44u);
  EXPECT_NE(c.p2p.nacl_public_key, c.p2p.nacl_private_key);
  EXPECT_FALSE(config::validate(c).has_value());
  const auto pk = c.p2p.nacl_public_key;
  EXPECT_FALSE(ensure_nacl_keys(c));
  EXPECT_EQ(c.p2p.nacl_public_key, pk);
}

}  // namespace
}  // namespace goop::identity
