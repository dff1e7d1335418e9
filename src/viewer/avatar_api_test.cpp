// Avatar and peer-content routes on a real HttpServer, with the p2p fetches replaced by
// functions the test controls.
#include "viewer/avatar_api.hpp"

#include "base/errors.hpp"
#include "goop/content/avatar_protocol.hpp"
#include "p2p/testing/random_peer.hpp"
#include "testing/temp_dir.hpp"
#include "viewer/test_server.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <set>

namespace goop::viewer {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;

std::string fake_png(std::size_t size, char fill = 'x') {
  std::string s = "\x89PNG\r\n\x1a\n";
  s.resize(std::max(size, s.size()), fill);
  return s;
}

TEST(InitialsSvg, FollowsTheSpec) {
  EXPECT_EQ(initials_of("Ann Bee Cee"), "AB");
  EXPECT_EQ(initials_of("  goop  "), "GO");
  EXPECT_EQ(initials_of("x"), "X");
  EXPECT_EQ(initials_of(""), "?");
  EXPECT_EQ(initials_of(" \t "), "?");
  EXPECT_EQ(initials_of("élan vital"), "éV") << "whole UTF-8 characters";
  const std::string svg = initials_svg("Ann Bee", "ann@example.com");
  EXPECT_TRUE(
      svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"256\" height=\"256\""));
  EXPECT_NE(svg.find("rx=\"128\""), std::string::npos);
  EXPECT_NE(svg.find("font-size=\"100\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#fff\">AB</text>"), std::string::npos);
  EXPECT_EQ(svg, initials_svg("Ann Bee", "ann@example.com")) << "deterministic";
  // The colour depends on label + email: over many names all 14 palette colours show up.
  std::set<std::string> colours;
  for (int i = 0; i < 400; ++i) {
    const std::string s = initials_svg(fmt::format("peer {}", i), "");
    const auto at = s.find("fill=\"#") + 6;
    colours.insert(s.substr(at, 7));
  }
  EXPECT_EQ(colours.size(), 14u);
  EXPECT_NE(initials_svg("<b>", "").find("&lt;B"), std::string::npos) << "escaped";
}

class AvatarApiTest : public testkit::ServerFixture {
 protected:
  void SetUp() override {
    start_server();
    register_avatar_api(*server_,
                        AvatarApi{self_id_, dir_,
                                  [this] {
                                    return SelfRow{self_id_, "Me Myself", "me@example.com", ""};
                                  },
                                  table_, [this](p2p::PeerId peer) { return fetch(peer); },
                                  [this](p2p::PeerId peer) { return fetch_label(peer); },
                                  [this](const std::string& hash) { changes_.push_back(hash); }});
  }
  asio::awaitable<Expected<std::optional<Bytes>>> fetch(p2p::PeerId peer) {
    ++fetches_;
    if (remote_.empty())
      co_return Error(make_error_code(Errc::kTimeout),
                      "cannot fetch the avatar of peer " + peer.to_base58());
    co_return std::optional<Bytes>(Bytes(remote_.begin(), remote_.end()));
  }
  asio::awaitable<Expected<std::string>> fetch_label(p2p::PeerId peer) {
    if (peer.to_base58() != remote_id_)
      co_return Error(make_error_code(Errc::kTimeout), "no answer from that peer");
    co_return std::string("Remote Label");
  }
  void announce(const std::string& hash) {
    presence::PeerIdentity who;
    who.content = "Remote Rita";
    who.avatar_hash = hash;
    table_.upsert(remote_id_, who, {}, true);
  }

  goop::testing::TempDir tmp_{"avatar-api"};
  const fs::path dir_ = tmp_.path();
  std::string self_id_ = p2p::testing::random_peer_id();
  std::string remote_id_ = p2p::testing::random_peer_id();
  presence::PeerTable table_{SystemClock::instance()};
  std::string remote_;  // what the remote peer serves; empty: the fetch fails
  int fetches_ = 0;
  std::vector<std::string> changes_;
};

TEST_F(AvatarApiTest, UploadServeAndDeleteOurOwn) {
  auto r = call("GET", "/api/avatar");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "image/svg+xml");
  EXPECT_NE(r.body.find(">MM</text>"), std::string::npos);

  const std::string png = fake_png(1000);
  r = call("POST", "/api/avatar/upload", png, "image/png");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string hash = content::avatar_hash(as_bytes(png));
  EXPECT_EQ(json::parse(r.body), json::parse(fmt::format(R"({{"ok":true,"hash":"{}"}})", hash)));
  EXPECT_EQ(changes_, std::vector<std::string>{hash});
  EXPECT_EQ(own_avatar_hash(dir_), hash);

  r = call("GET", "/api/avatar");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "image/png");
  EXPECT_EQ(r.header("Cache-Control"), "no-cache");
  EXPECT_EQ(r.header("ETag"), "\"" + hash + "\"");
  EXPECT_EQ(r.body, png);
  // Our own ID under /api/avatar/peer/ is the same picture.
  r = call("GET", "/api/avatar/peer/" + self_id_);
  EXPECT_EQ(r.body, png);

  r = call("POST", "/api/avatar/delete");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ok":true})");
  EXPECT_EQ(changes_.back(), "");
  EXPECT_EQ(own_avatar_hash(dir_), "");
  EXPECT_EQ(call("GET", "/api/avatar").header("Content-Type"), "image/svg+xml");
}

TEST_F(AvatarApiTest, UploadRefusals) {
  auto r = call("POST", "/api/avatar/upload", fake_png(1000), "image/png", /*as_page=*/false);
  EXPECT_EQ(r.status, 403);
  r = call("POST", "/api/avatar/upload", fake_png(300 * 1024), "image/png");
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("at most 256 KiB"), std::string::npos) << r.body;
  r = call("POST", "/api/avatar/upload", "GIF89a....", "image/png");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("not a PNG image"), std::string::npos);
  r = call("POST", "/api/avatar/upload", fake_png(100), "image/jpeg");
  EXPECT_EQ(r.status, 415);
  EXPECT_TRUE(changes_.empty());
  EXPECT_FALSE(fs::exists(dir_ / "avatar.png"));
  // Exactly the limit is fine.
  EXPECT_EQ(call("POST", "/api/avatar/upload", fake_png(kMaxAvatarBytes), "image/png").status, 200);
}

TEST_F(AvatarApiTest, RemoteAvatarIsFetchedOnceThenCachedWithItsHash) {
  remote_ = fake_png(2000, 'r');
  const std::string hash = content::avatar_hash(as_bytes(remote_));
  announce(hash);
  auto r = call("GET", "/api/avatar/peer/" + remote_id_ + "?v=" + hash);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, remote_);
  EXPECT_EQ(r.header("ETag"), "\"" + hash + "\"");
  EXPECT_EQ(r.header("Cache-Control"), "public, max-age=86400");
  EXPECT_EQ(fetches_, 1);
  EXPECT_TRUE(fs::exists(dir_ / "cache" / "avatars" / (remote_id_ + ".png")));

  r = call("GET", "/api/avatar/peer/" + remote_id_);
  EXPECT_EQ(r.body, remote_);
  EXPECT_EQ(fetches_, 1) << "served from the disk cache";

  r = call("GET", "/api/avatar/peer/" + remote_id_, "", "", true,
           "If-None-Match: \"" + hash + "\"\r\n");
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());

  // A new avatar announced: the cache no longer matches, so it is fetched again.
  remote_ = fake_png(2000, 's');
  const std::string hash2 = content::avatar_hash(as_bytes(remote_));
  announce(hash2);
  r = call("GET", "/api/avatar/peer/" + remote_id_);
  EXPECT_EQ(r.body, remote_);
  EXPECT_EQ(r.header("ETag"), "\"" + hash2 + "\"");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(AvatarApiTest, RemoteFallbacks) {
  // Known, announces an avatar, the fetch fails, nothing cached: the initials.
  announce("0123456789abcdef");
  auto r = call("GET", "/api/avatar/peer/" + remote_id_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "image/svg+xml");
  EXPECT_NE(r.body.find(">RR</text>"), std::string::npos);
  // Something cached under an old hash: better than the initials, briefly.
  remote_ = fake_png(500, 'o');
  announce(content::avatar_hash(as_bytes(remote_)));
  ASSERT_EQ(call("GET", "/api/avatar/peer/" + remote_id_).status, 200);
  remote_.clear();
  announce("fedcba9876543210");
  r = call("GET", "/api/avatar/peer/" + remote_id_);
  EXPECT_EQ(r.header("Content-Type"), "image/png");
  EXPECT_EQ(r.header("Cache-Control"), "public, max-age=60");
  forget_cached_avatar(dir_, remote_id_);
  EXPECT_FALSE(fs::exists(dir_ / "cache" / "avatars" / (remote_id_ + ".png")));
  EXPECT_FALSE(fs::exists(dir_ / "cache" / "avatars" / (remote_id_ + ".hash")));
  EXPECT_EQ(call("GET", "/api/avatar/peer/" + remote_id_).header("Content-Type"), "image/svg+xml");
  forget_cached_avatar(dir_, "../../goop.json");  // not a peer ID: nothing happens
  // A known peer that announces no avatar has none.
  announce("");
  EXPECT_EQ(call("GET", "/api/avatar/peer/" + remote_id_).header("Content-Type"), "image/svg+xml");
  // Unknown peer: initials of its ID; not a peer ID: 400.
  r = call("GET", "/api/avatar/peer/" + p2p::testing::random_peer_id());
  EXPECT_EQ(r.header("Content-Type"), "image/svg+xml");
  EXPECT_NE(r.body.find(">12</text>"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/avatar/peer/..%2F..%2Fgoop.json").status, 400);
  EXPECT_EQ(call("GET", "/api/avatar/peer/").status, 400);
}

TEST_F(AvatarApiTest, PeerContentIsFetchedLive) {
  auto r = call("GET", "/api/peer/content?id=" + remote_id_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"content":"Remote Label"})");
  r = call("GET", "/api/peer/content?id=" + self_id_);
  EXPECT_EQ(r.body, R"({"content":"Me Myself"})");
  r = call("GET", "/api/peer/content?id=" + p2p::testing::random_peer_id());
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(json::parse(r.body).at("error"), "no answer from that peer");
  EXPECT_EQ(call("GET", "/api/peer/content").status, 400);
  EXPECT_EQ(call("GET", "/api/peer/content?id=nope").status, 400);
}

}  // namespace
}  // namespace goop::viewer
