#include "goop/identity/identity.hpp"

#include "base/errors.hpp"
#include "base/file_io.hpp"
#include "base/log.hpp"
#include "p2p/errors.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include <sys/stat.h>

namespace goop::identity {
namespace {

log::Logger lg("goop.identity");

std::string why_unreadable(const error_code& ec, std::size_t size) {
  if (ec == p2p::Errc::kUnsupportedKeyType) {
    return "it holds a key type other than Ed25519, which Goop2 does not support";
  }
  if (ec == p2p::Errc::kInvalidKey) {
    return fmt::format(
        "its Ed25519 key data is damaged ({} bytes in the file; a valid key file has 68)", size);
  }
  return fmt::format(
      "it is not a libp2p private key ({} bytes; a valid key file has 68 bytes starting 08 01 12 "
      "40)",
      size);
}

}  // namespace

Expected<Identity> load_or_create(const std::filesystem::path& key_file) {
  auto data = read_file(key_file, kMaxKeyFileBytes);
  if (data) {
    auto key = p2p::unmarshal_private_key(as_bytes(*data));
    if (!key) {
      return Error{
          make_error_code(Errc::kCorrupt),
          fmt::format("identity key {} cannot be used: {}. The peer will not start, so its "
                      "identity is not lost. Restore the file from a backup, or move it "
                      "away to start this peer with a new peer ID.",
                      key_file.string(), why_unreadable(key.error(), data->size()))};
    }
    struct stat st {};
    if (::stat(key_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      GOOP_LOG_WARN(lg, "identity key {} is readable by other users (mode {:o}); run: chmod 600 {}",
                    key_file.string(), st.st_mode & 0777, key_file.string());
    }
    auto peer_id = p2p::PeerId::from_public_key(key->public_key());
    return Identity{std::move(*key), std::move(peer_id), false};
  }
  if (data.error().code != make_error_code(Errc::kNotFound)) {
    return Error{data.error().code,
                 fmt::format("identity key cannot be read: {}. The peer will not start, so its "
                             "identity is not lost.",
                             data.error().message)};
  }
  auto key = p2p::Ed25519PrivateKey::generate();
  const Bytes encoded = p2p::marshal_private_key(key);
  std::error_code ec;
  if (key_file.has_parent_path() && !std::filesystem::exists(key_file.parent_path(), ec)) {
    std::filesystem::create_directories(key_file.parent_path(), ec);
    if (!ec) {
      std::filesystem::permissions(key_file.parent_path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace, ec);
    }
  }
  auto written = write_file_atomic(key_file, as_chars(encoded), 0600);
  if (!written) {
    return Error{written.error().code,
                 fmt::format("cannot create identity key: {}", written.error().message)};
  }
  auto peer_id = p2p::PeerId::from_public_key(key.public_key());
  GOOP_LOG_INFO(lg, "created a new identity {} in {}", peer_id.to_base58(), key_file.string());
  return Identity{std::move(key), std::move(peer_id), true};
}

bool ensure_nacl_keys(config::Config& c) {
  if (!c.p2p.nacl_public_key.empty() && !c.p2p.nacl_private_key.empty()) return false;
  if (sodium_init() < 0) return false;
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  crypto_box_keypair(pk, sk);
  auto b64 = [](const unsigned char* bin, std::size_t n) {
    std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bin, n, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
  };
  c.p2p.nacl_public_key = b64(pk, sizeof pk);
  c.p2p.nacl_private_key = b64(sk, sizeof sk);
  sodium_memzero(sk, sizeof sk);
  return true;
}

}  // namespace goop::identity
