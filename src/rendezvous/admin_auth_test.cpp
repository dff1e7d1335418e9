#include "rendezvous/admin_auth.hpp"

#include <gtest/gtest.h>

#include <string>

namespace goop::rendezvous {
namespace {

web::Request with_auth(const std::string& value) {
  web::Request r;
  r.method = "GET";
  r.path = "/admin";
  if (!value.empty()) r.headers["Authorization"] = value;
  return r;
}

TEST(BasicAuthorization, ParsesUserAndPasswordWithColons) {
  auto c = parse_basic_authorization(basic_authorization("admin:pa:ss"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "admin");
  EXPECT_EQ(c->password, "pa:ss");
  auto lower = parse_basic_authorization("basic " + basic_authorization("admin:x").substr(6));
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->password, "x");
}

TEST(BasicAuthorization, RefusesOtherSchemesBadBase64NoColonAndHugeHeaders) {
  EXPECT_FALSE(parse_basic_authorization(""));
  EXPECT_FALSE(parse_basic_authorization("Bearer abc"));
  EXPECT_FALSE(parse_basic_authorization("Basic"));
  EXPECT_FALSE(parse_basic_authorization("Basic !!!not-base64!!!"));
  EXPECT_FALSE(parse_basic_authorization(basic_authorization("adminnocolon")));
  EXPECT_FALSE(parse_basic_authorization(
      basic_authorization("admin:" + std::string(kMaxAuthorizationBytes, 'a'))));
}

TEST(AdminAuth, GrantsOnlyAdminWithTheExactPassword) {
  AdminAuth auth("s3cret");
  ASSERT_TRUE(auth.enabled());
  EXPECT_EQ(auth.check(basic_authorization("admin:s3cret")), AdminAccess::kGranted);
  EXPECT_EQ(auth.check(basic_authorization("admin:s3cre")), AdminAccess::kDenied);    // a prefix
  EXPECT_EQ(auth.check(basic_authorization("admin:s3cret2")), AdminAccess::kDenied);  // longer
  EXPECT_EQ(auth.check(basic_authorization("Admin:s3cret")),
            AdminAccess::kDenied);  // user is exact
  EXPECT_EQ(auth.check(basic_authorization("root:s3cret")), AdminAccess::kDenied);
  EXPECT_EQ(auth.check(""), AdminAccess::kDenied);
}

TEST(AdminAuth, EmptyPasswordDisablesEvenForEmptyCredentials) {
  AdminAuth auth("");
  EXPECT_FALSE(auth.enabled());
  EXPECT_EQ(auth.check(basic_authorization("admin:")), AdminAccess::kDisabled);
  EXPECT_EQ(auth.check(""), AdminAccess::kDisabled);
}

TEST(AdminAuth, RefuseAnswers403Disabled401WithChallengeOrNothing) {
  auto disabled = AdminAuth("").refuse(with_auth(basic_authorization("admin:x")));
  ASSERT_TRUE(disabled);
  EXPECT_EQ(disabled->status, 403);
  EXPECT_EQ(disabled->body, "admin panel disabled\n");
  EXPECT_EQ(disabled->headers["Content-Type"], "text/plain; charset=utf-8");

  AdminAuth auth("pw");
  auto missing = auth.refuse(with_auth(""));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(missing->body, "unauthorized\n");
  EXPECT_EQ(missing->headers["WWW-Authenticate"], "Basic realm=\"Goop2 Admin\"");
  auto wrong = auth.refuse(with_auth(basic_authorization("admin:nope")));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_FALSE(auth.refuse(with_auth(basic_authorization("admin:pw"))));
}

}  // namespace
}  // namespace goop::rendezvous
