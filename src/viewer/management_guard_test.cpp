#include "viewer/management_guard.hpp"

#include <gtest/gtest.h>

namespace goop::viewer {
namespace {

web::Request post(std::string origin, std::string cookie, std::string header,
                  std::string type = "application/json") {
  web::Request r;
  r.method = "POST";
  r.path = "/api/peers/favorite";
  r.body = "{}";
  if (!origin.empty()) r.headers.emplace("Origin", origin);
  if (!cookie.empty()) r.headers.emplace("Cookie", cookie);
  if (!header.empty()) r.headers.emplace(kTokenHeader, header);
  if (!type.empty()) r.headers.emplace("Content-Type", type);
  return r;
}

class ManagementGuardTest : public ::testing::Test {
 protected:
  std::string token_ = new_session_token();
  web::Guard guard_ =
      management_guard(token_, 8080, {"http://127.0.0.1:8080", "http://localhost:8080"});
  std::string cookie_ = "theme=dark; goop_token_8080=" + token_;
};

TEST_F(ManagementGuardTest, TokensAre64HexAndDistinct) {
  EXPECT_EQ(token_.size(), 64u);
  EXPECT_NE(token_, new_session_token());
  EXPECT_EQ(token_.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST_F(ManagementGuardTest, AcceptsTheViewersOwnPage) {
  EXPECT_FALSE(guard_(post("http://127.0.0.1:8080", cookie_, token_)).has_value());
  EXPECT_FALSE(
      guard_(post("http://localhost:8080", cookie_, token_, "application/json; charset=utf-8"))
          .has_value());
}

TEST_F(ManagementGuardTest, RefusesOtherOriginsMissingTokensAndNonJson) {
  auto status = [&](web::Request r) {
    auto refused = guard_(r);
    return refused ? refused->status : 200;
  };
  EXPECT_EQ(status(post("http://k51qzi5uqu5d.localhost:8080", cookie_, token_)), 403)
      << "a peer site";
  EXPECT_EQ(status(post("", cookie_, token_)), 403);
  EXPECT_EQ(status(post("null", cookie_, token_)), 403);
  EXPECT_EQ(status(post("http://127.0.0.1:8080", "", token_)), 403) << "no cookie";
  EXPECT_EQ(status(post("http://127.0.0.1:8080", cookie_, "")), 403) << "no header";
  EXPECT_EQ(status(post("http://127.0.0.1:8080", cookie_, new_session_token())), 403)
      << "wrong header";
  EXPECT_EQ(status(post("http://127.0.0.1:8080", "goop_token_8080=x", token_)), 403)
      << "wrong cookie";
  EXPECT_EQ(status(post("http://127.0.0.1:8080", cookie_, token_, "text/plain")), 415);
  EXPECT_EQ(status(post("http://127.0.0.1:8080", cookie_, token_, "")), 415);
}

TEST_F(ManagementGuardTest, ReadsAndNonApiPathsPass) {
  web::Request get;
  get.method = "GET";
  get.path = "/api/peers";
  EXPECT_FALSE(guard_(get).has_value());
  web::Request page = post("", "", "");
  page.path = "/settings";
  EXPECT_FALSE(guard_(page).has_value());
}

TEST_F(ManagementGuardTest, SettingsReadNeedsTheTokenHeader) {
  web::Request get;
  get.method = "GET";
  get.path = "/api/settings";
  auto refused = guard_(get);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("X-Goop-Token"), std::string::npos);
  get.headers.emplace("Cookie", cookie_);
  EXPECT_TRUE(guard_(get).has_value()) << "the cookie alone is not enough";
  get.headers.emplace(kTokenHeader, token_);
  EXPECT_FALSE(guard_(get).has_value());
  get.path = "/api/settings/quick/get";  // hands out the verification token
  EXPECT_FALSE(guard_(get).has_value());
  get.headers.clear();
  EXPECT_TRUE(guard_(get).has_value());
}

TEST_F(ManagementGuardTest, PngBodiesOnlyForTheAvatarUpload) {
  web::Request up = post("http://127.0.0.1:8080", cookie_, token_, "image/png");
  up.path = "/api/avatar/upload";
  EXPECT_FALSE(guard_(up).has_value());
  up.path = "/api/settings";
  auto refused = guard_(up);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 415);
  web::Request other = post("http://127.0.0.1:8080", cookie_, token_, "image/jpeg");
  other.path = "/api/avatar/upload";
  refused = guard_(other);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 415);
  EXPECT_NE(refused->body.find("image/png"), std::string::npos);
  web::Request no_token = post("http://127.0.0.1:8080", cookie_, "", "image/png");
  no_token.path = "/api/avatar/upload";
  refused = guard_(no_token);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
}

TEST(TokenCookie, IsStrictAndHttpOnly) {
  EXPECT_EQ(token_cookie("abc", 8080), "goop_token_8080=abc; Path=/; HttpOnly; SameSite=Strict");
}

TEST_F(ManagementGuardTest, AnotherViewersCookieIsNotOurs) {
  web::Request req;
  req.method = "POST";
  req.path = "/api/peers/favorite";
  req.headers.emplace("Origin", "http://127.0.0.1:8080");
  req.headers.emplace("Cookie", "goop_token_8081=" + token_);
  req.headers.emplace(kTokenHeader, token_);
  auto refused = guard_(req);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
}

}  // namespace
}  // namespace goop::viewer
