// Settings, avatars and logs between real goop2 processes (issue 5): invalid settings are
// refused and nothing is written; a label change reaches the other peer at once, without a
// restart and without waiting for a heartbeat; a port change asks for a restart; an uploaded
// avatar is fetched by the other peer with its hash as ETag; the log page's snapshot and
// stream.

#include "../support/http_client.hpp"
#include "../support/peer_process.hpp"
#include "../support/remember_peer.hpp"
#include "base/bytes.hpp"
#include "base/clock.hpp"
#include "goop/content/avatar_protocol.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace goop::testing {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Long enough that only an immediate re-announcement can explain a change seen within 5 s.
constexpr int kHeartbeat = 30;
constexpr int kTtl = 90;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A PNG signature and `size` bytes in all: the viewer checks the signature, not the picture.
std::string fake_png(std::size_t size) {
  std::string s = "\x89PNG\r\n\x1a\n";
  for (std::size_t i = s.size(); i < size; ++i) s.push_back(static_cast<char>(i * 7));
  return s;
}

class Settings : public ::testing::Test {
 protected:
  PeerSettings settings(const std::string& label) {
    PeerSettings s;
    s.label = label;
    s.topic = topic_;
    s.mdns_tag = topic_;
    s.heartbeat_seconds = kHeartbeat;
    s.ttl_seconds = kTtl;
    return s;
  }
  fs::path dir(const std::string& label) const { return fs::path(tmp_.path()) / label; }
  void start_one() { ann_ = std::make_unique<PeerProcess>(dir("ann").string(), settings("ann")); }
  // ann, and ben who remembers ann; returns once each lists the other online.
  void start_two() {
    start_one();
    remember_peer(dir("ben"), *ann_);
    ben_ = std::make_unique<PeerProcess>(dir("ben").string(), settings("ben"));
    ASSERT_TRUE(wait_for(
        PeerEvents({ann_.get(), ben_.get()}),
        [&] {
          const auto a = ann_->row(ben_->id());
          const auto b = ben_->row(ann_->id());
          return a.is_object() && b.is_object() && a.at("Offline") == false &&
                 b.at("Offline") == false && b.at("Content") == "ann";
        },
        15s))
        << json::serialize(ann_->peers()) << "\n"
        << json::serialize(ben_->peers());
  }
  std::string page_headers(const PeerProcess& p) {
    if (token_.empty()) token_ = viewer_token(p.viewer());
    return viewer_page_headers(p.viewer(), token_);
  }
  HttpReply post_settings(const PeerProcess& p, const std::string& changes) {
    return http_request(p.viewer(), "POST", "/api/settings", R"({"changes":)" + changes + "}",
                        page_headers(p));
  }

  TempDir tmp_;
  std::string topic_ = unique_name("settings");
  std::unique_ptr<PeerProcess> ann_, ben_;
  std::string token_;
};

TEST_F(Settings, HeartbeatNotBelowTtlIs422WithTheFieldAndGoopJsonUnchanged) {
  start_one();
  const fs::path file = dir("ann") / "goop.json";
  const std::string before = slurp(file);
  const auto r =
      post_settings(*ann_, R"({"presence.heartbeat_seconds": 90, "profile.label": "changed"})");
  EXPECT_EQ(r.status, 422) << r.body;
  const auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o.at("field"), "presence.heartbeat_seconds");
  EXPECT_NE(o.at("error").as_string().find("must be less than presence.ttl_seconds"),
            std::string::npos);
  EXPECT_EQ(slurp(file), before);
  EXPECT_EQ(json::parse(http_get(ann_->viewer(), "/api/self").body).at("label"), "ann");
}

TEST_F(Settings, SettingsReadNeedsTheTokenAndAPortChangeAsksForARestart) {
  start_one();
  EXPECT_EQ(http_get(ann_->viewer(), "/api/settings").status, 403);
  const auto got = http_request(ann_->viewer(), "GET", "/api/settings", "", page_headers(*ann_));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body.find("nacl_private_key"), std::string::npos);
  const auto cfg = json::parse(got.body).as_object();
  EXPECT_EQ(cfg.at("config").at("profile").at("label"), "ann");
  EXPECT_EQ(cfg.at("config_path"), json::value((dir("ann") / "goop.json").string()));

  const auto r = post_settings(*ann_, R"({"p2p.listen_port": 4999, "viewer.theme": "light"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o.at("restart_needed"), json::parse(R"(["p2p.listen_port"])"));
  EXPECT_EQ(o.at("config").at("p2p").at("listen_port"), 4999);
  const std::string saved = slurp(dir("ann") / "goop.json");
  EXPECT_NE(saved.find("\"listen_port\": 4999"), std::string::npos) << saved;
  EXPECT_EQ(fs::status(dir("ann") / "goop.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(http_get(ann_->viewer(), "/api/settings/quick/get").status, 403);
  const auto quick = json::parse(
      http_request(ann_->viewer(), "GET", "/api/settings/quick/get", "", page_headers(*ann_)).body);
  EXPECT_EQ(quick.at("theme"), "light") << "applied live";
}

TEST_F(Settings, LabelChangeReachesTheOtherPeerWithoutARestart) {
  start_two();
  const auto r = post_settings(
      *ann_, R"({"profile.label": "Ann Renamed", "profile.email": "ann@example.com"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("restart_needed"), json::array());
  EXPECT_EQ(json::parse(http_get(ann_->viewer(), "/api/self").body).at("label"), "Ann Renamed");
  // Well under one heartbeat (30 s): announced at once.
  EXPECT_TRUE(wait_for(
      PeerEvents({ben_.get()}),
      [&] {
        const auto row = ben_->row(ann_->id());
        return row.is_object() && row.at("Content") == "Ann Renamed" &&
               row.at("Email") == "ann@example.com";
      },
      5s))
      << json::serialize(ben_->peers());
  const auto content = http_get(ben_->viewer(), "/api/peer/content?id=" + ann_->id());
  EXPECT_EQ(content.status, 200);
  EXPECT_EQ(content.body, R"({"content":"Ann Renamed"})");
}

TEST_F(Settings, UploadedAvatarIsServedByTheOtherPeerWithItsHash) {
  start_two();
  const std::string png = fake_png(4000);
  const std::string hash = content::avatar_hash(as_bytes(png));
  std::string headers = page_headers(*ann_);
  headers.replace(headers.find("application/json"), 16, "image/png");
  const auto nope = http_request(ann_->viewer(), "POST", "/api/avatar/upload", png,
                                 "Content-Type: image/png\r\n");
  EXPECT_EQ(nope.status, 403) << "no token";
  const auto big =
      http_request(ann_->viewer(), "POST", "/api/avatar/upload", fake_png(300 * 1024), headers);
  EXPECT_EQ(big.status, 413) << big.body;

  const auto up = http_request(ann_->viewer(), "POST", "/api/avatar/upload", png, headers);
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(json::parse(up.body).at("hash"), json::value(hash));
  EXPECT_EQ(json::parse(http_get(ann_->viewer(), "/api/self").body).at("avatar_hash"),
            json::value(hash));
  EXPECT_EQ(slurp(dir("ann") / "avatar.png"), png);

  ASSERT_TRUE(wait_for(
      PeerEvents({ben_.get()}),
      [&] {
        const auto row = ben_->row(ann_->id());
        return row.is_object() && row.at("AvatarHash") == json::value(hash);
      },
      5s))
      << json::serialize(ben_->peers());
  const auto got =
      http_request(ben_->viewer(), "GET", "/api/avatar/peer/" + ann_->id() + "?v=" + hash, "", "");
  ASSERT_EQ(got.status, 200) << got.head;
  EXPECT_EQ(got.header("Content-Type"), "image/png");
  EXPECT_EQ(got.header("ETag"), "\"" + hash + "\"");
  EXPECT_EQ(got.body, png);
  EXPECT_EQ(slurp(dir("ben") / "cache" / "avatars" / (ann_->id() + ".png")), png);
  const auto again = http_request(ben_->viewer(), "GET", "/api/avatar/peer/" + ann_->id(), "",
                                  "If-None-Match: \"" + hash + "\"\r\n");
  EXPECT_EQ(again.status, 304);

  // Removing it is announced too.
  ASSERT_EQ(
      http_request(ann_->viewer(), "POST", "/api/avatar/delete", "", page_headers(*ann_)).status,
      200);
  EXPECT_TRUE(wait_for(
      PeerEvents({ben_.get()}),
      [&] {
        const auto row = ben_->row(ann_->id());
        return row.is_object() && row.at("AvatarHash") == "";
      },
      5s));
  EXPECT_EQ(http_request(ben_->viewer(), "GET", "/api/avatar/peer/" + ann_->id(), "", "")
                .header("Content-Type"),
            "image/svg+xml");
}

TEST_F(Settings, LogSnapshotThenStreamLosesNothing) {
  start_one();
  const auto snap = http_get(ann_->viewer(), "/api/logs");
  ASSERT_EQ(snap.status, 200);
  const auto lines = json::parse(snap.body).as_array();
  ASSERT_FALSE(lines.empty());
  const auto last = lines.back().at("seq").as_int64();
  HttpStream stream(ann_->viewer(), "/api/logs/stream?after=" + std::to_string(last));
  ASSERT_TRUE(stream.read_until_contains("text/event-stream", 5000ms));
  ASSERT_EQ(post_settings(*ann_, R"({"viewer.splash": "goop2-splash3.png"})").status, 200);
  EXPECT_TRUE(stream.read_until_contains("applied now: viewer.splash", 5000ms)) << stream.text();
  EXPECT_NE(stream.text().find("event: message"), std::string::npos);
  EXPECT_NE(stream.text().find("\"logger\":\"goop.config\""), std::string::npos);
}

}  // namespace
}  // namespace goop::testing
