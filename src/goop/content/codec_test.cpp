// The pure parts of /goop/site/1.0.0 and /goop/avatar/1.0.0: request lines, path resolution,
// response header lines (spec/net.md §4.2 "Client parsing", §4.4) and MIME types.
#include "goop/content/codec.hpp"

#include "base/errors.hpp"
#include "goop/content/errors.hpp"
#include "goop/content/mime.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace goop::content {
namespace {

const std::vector<std::string> kNoPrefixes;

Result<std::string> resolve(std::string_view path,
                            const std::vector<std::string>& prefixes = kNoPrefixes) {
  return resolve_site_path(path, prefixes);
}

TEST(SiteCodec, RequestLineGivesTheTrimmedPathAndDefaultsToIndex) {
  EXPECT_EQ(parse_site_request_line("GET /a/b.html").value(), "/a/b.html");
  EXPECT_EQ(parse_site_request_line("  GET /x.css \r").value(), "/x.css");
  EXPECT_EQ(parse_site_request_line("GET /").value(), "/index.html");
  EXPECT_EQ(parse_site_request_line("GET  / ").value(), "/index.html");
  EXPECT_EQ(parse_site_request_line("GET a b").value(), "a b");  // spaces belong to the path
}

TEST(SiteCodec, RequestLineWithoutGetIsABadRequest) {
  for (std::string_view line :
       {"", "FOO", "GET", "GET ", "get /x", "POST /x", "GET\t/x", "ENC:abcd"}) {
    auto r = parse_site_request_line(line);
    ASSERT_FALSE(r.has_value()) << line;
    EXPECT_EQ(r.error(), make_error_code(Errc::kBadRequest)) << line;
  }
}

TEST(SiteCodec, PathsAreCleanedRelativeToTheRoot) {
  EXPECT_EQ(resolve("/index.html").value(), "index.html");
  EXPECT_EQ(resolve("/a//b/./c.txt").value(), "a/b/c.txt");
  EXPECT_EQ(resolve("docs/x.md").value(), "docs/x.md");
  // Absolute paths never leave the root: they are read relative to it.
  EXPECT_EQ(resolve("/etc/passwd").value(), "etc/passwd");
  EXPECT_EQ(resolve("//etc/passwd").value(), "etc/passwd");
  // No percent-decoding (as the Go peer): "%2e%2e" is a file name, not "..".
  EXPECT_EQ(resolve("/%2e%2e/goop.json").value(), "%2e%2e/goop.json");
  // Only the top-level lua directory is protected, and only as a whole segment.
  EXPECT_EQ(resolve("/luadoc.html").value(), "luadoc.html");
  EXPECT_EQ(resolve("/lua.txt").value(), "lua.txt");
  EXPECT_EQ(resolve("/docs/lua/x.html").value(), "docs/lua/x.html");
}

TEST(SiteCodec, CleanPathsResolveToThemselves) {
  for (std::string_view p : {"/a//b/./c.txt", "/x y/z", "/%2e%2e/q", "/index.html"}) {
    const std::string once = resolve(p).value();
    EXPECT_EQ(resolve(once).value(), once) << p;
  }
}

TEST(SiteCodec, EscapesDotfilesBackslashesAndLuaAreForbidden) {
  const std::vector<std::string> prefixes = {"app/scripts", "./tools/", "../outside", ""};
  for (std::string_view p : {"/../goop.json",
                             "../goop.json",
                             "/docs/../../goop.json",
                             "/a/..",
                             "/..",
                             "/a/../b",
                             "/.env",
                             "/.git/config",
                             "/data/.state/x.json",
                             "/a/.hidden/b",
                             "/...",
                             "/a\\b",
                             "\\index.html",
                             "C:\\Windows\\win.ini",
                             "/lua",
                             "/lua/",
                             "/lua/x.lua",
                             "/LUA/x.lua",
                             "/Lua/functions/f.lua",
                             "lua/.state/s",
                             "/app/scripts",
                             "/APP/Scripts/f.lua",
                             "/app//scripts/./f.lua",
                             "/tools/x.sh",
                             "/",
                             "",
                             "//",
                             "/./."}) {
    auto r = resolve(p, prefixes);
    ASSERT_FALSE(r.has_value()) << p << " -> " << r.value();
    EXPECT_EQ(r.error(), make_error_code(Errc::kForbidden)) << p;
  }
  // Prefixes that cannot be inside the site are ignored, not matched against everything.
  EXPECT_EQ(resolve("/outside/x", prefixes).value(), "outside/x");
  EXPECT_EQ(resolve("/app/other.txt", prefixes).value(), "app/other.txt");
  EXPECT_EQ(resolve("/app/scriptsx/a", prefixes).value(), "app/scriptsx/a");
}

TEST(SiteCodec, ControlCharactersInAPathAreABadRequest) {
  for (std::string_view p : {std::string_view("/a\0b", 4), std::string_view("/a\nb"),
                             std::string_view("/a\rb"), std::string_view("/a\x7f")}) {
    auto r = resolve(p);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(Errc::kBadRequest));
  }
}

TEST(SiteCodec, OkHeaderSplitsMimeAtTheLastSpace) {
  auto h = parse_site_response_head("OK text/html; charset=utf-8 1234");
  ASSERT_TRUE(h.has_value()) << h.error().message;
  EXPECT_EQ(h->mime, "text/html; charset=utf-8");
  EXPECT_EQ(h->size, 1234u);
  h = parse_site_response_head("OK image/png 0\r");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->mime, "image/png");
  EXPECT_EQ(h->size, 0u);
  h = parse_site_response_head("OK a/b +7 ");  // trimmed; a sign is accepted, as by Go's Atoi
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->size, 7u);
  h = parse_site_response_head("OK a/b 52428800");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->size, kMaxSiteFileSize);
}

TEST(SiteCodec, ErrHeaderBecomesAnErrorWithTheMessage) {
  struct Case {
    std::string_view line;
    error_code code;
    std::string_view message;
  };
  const Case cases[] = {
      {"ERR not found", make_error_code(goop::Errc::kNotFound), "not found"},
      {"ERR forbidden", make_error_code(Errc::kForbidden), "forbidden"},
      {"ERR bad request\r", make_error_code(Errc::kBadRequest), "bad request"},
      {"ERR site disabled", make_error_code(Errc::kRefused), "site disabled"},
      {"ERR say \"hi\"\x01", make_error_code(Errc::kRefused), "say \\\"hi\\\"\\x01"},
  };
  for (const auto& c : cases) {
    auto h = parse_site_response_head(c.line);
    ASSERT_FALSE(h.has_value()) << c.line;
    EXPECT_EQ(h.error().code, c.code) << c.line;
    EXPECT_EQ(h.error().message, c.message) << c.line;
  }
}

TEST(SiteCodec, EokIsRefusedAsNotSupportedYet) {
  auto h = parse_site_response_head("EOK text/html 100");
  ASSERT_FALSE(h.has_value());
  EXPECT_EQ(h.error().code, make_error_code(Errc::kEncryptedUnsupported));
  EXPECT_NE(h.error().message.find("not supported yet"), std::string::npos);
}

TEST(SiteCodec, MalformedHeadersAreBadResponses) {
  for (std::string_view line :
       {"", "OK", "OK ", "OK 5", "OKtext/html 5", "OK  5", "HTTP/1.1 200 OK", "ERR", "NONE",
        "OK text/html", "OK text/html abc", "OK text/html 1x", "OK text/html -", "OK a\x01z 5"}) {
    auto h = parse_site_response_head(line);
    ASSERT_FALSE(h.has_value()) << line;
    EXPECT_EQ(h.error().code, make_error_code(Errc::kBadResponse)) << line;
    EXPECT_EQ(h.error().message.rfind("bad response: \"", 0), 0u) << h.error().message;
  }
  EXPECT_EQ(parse_site_response_head("HTTP/1.1 200 OK").error().message,
            "bad response: \"HTTP/1.1 200 OK\"");
}

TEST(SiteCodec, NegativeAndTooLargeSizesAreRefused) {
  for (std::string_view line :
       {"OK text/html -5", "OK text/html 52428801", "OK text/html 99999999999999999999999999",
        "OK x -0000000000000000000001"}) {
    auto h = parse_site_response_head(line);
    ASSERT_FALSE(h.has_value()) << line;
    EXPECT_EQ(h.error().code, make_error_code(goop::Errc::kTooLarge)) << line;
    EXPECT_EQ(h.error().message.rfind("refusing size ", 0), 0u) << h.error().message;
  }
  EXPECT_EQ(parse_site_response_head("OK t 11", 10).error().code,
            make_error_code(goop::Errc::kTooLarge));
}

TEST(AvatarCodec, HeaderLines) {
  auto none = parse_avatar_head("NONE\r");
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
  auto ok = parse_avatar_head("OK 1234");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(**ok, 1234u);
  EXPECT_EQ(**parse_avatar_head("OK 524288"), kMaxFetchedAvatarSize);
  EXPECT_EQ(parse_avatar_head("OK 524289").error().code, make_error_code(goop::Errc::kTooLarge));
  EXPECT_EQ(parse_avatar_head("OK -1").error().code, make_error_code(goop::Errc::kTooLarge));
  EXPECT_EQ(parse_avatar_head("EOK 10").error().code, make_error_code(Errc::kEncryptedUnsupported));
  for (std::string_view line : {"", "OK", "OK x", "none", "ERR not found", "OK 1 2"}) {
    EXPECT_EQ(parse_avatar_head(line).error().code, make_error_code(Errc::kBadResponse)) << line;
  }
  EXPECT_EQ(parse_avatar_head("what").error().message, "unexpected response: \"what\"");
}

TEST(SiteCodec, EscapeRemoteText) {
  EXPECT_EQ(escape_remote_text("plain text"), "plain text");
  EXPECT_EQ(escape_remote_text("a\"b\\c\nd\x1b\xff"), "a\\\"b\\\\c\\nd\\x1b\\xff");
}

TEST(SiteMime, ExtensionTable) {
  EXPECT_EQ(mime_type_for_name("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type_for_name("docs/a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type_for_name("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type_for_name("mod.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type_for_name("d.json"), "application/json");
  EXPECT_EQ(mime_type_for_name("p.PNG"), "image/png");
  EXPECT_EQ(mime_type_for_name("p.jpeg"), "image/jpeg");
  EXPECT_EQ(mime_type_for_name("p.jpg"), "image/jpeg");
  EXPECT_EQ(mime_type_for_name("i.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type_for_name("m.wasm"), "application/wasm");
  EXPECT_EQ(mime_type_for_name("f.woff2"), "font/woff2");
  EXPECT_EQ(mime_type_for_name("README.md"), "text/markdown; charset=utf-8");
  EXPECT_EQ(mime_type_for_name("notes.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(mime_type_for_name("v.webm"), "video/webm");
  EXPECT_EQ(mime_type_for_name("noext"), "");
  EXPECT_EQ(mime_type_for_name("dir.d/noext"), "");
  EXPECT_EQ(mime_type_for_name("trailing."), "");
  EXPECT_EQ(mime_type_for_name("x.unknownext"), "");
}

TEST(SiteMime, SniffsUnknownExtensions) {
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  EXPECT_EQ(sniff_mime_type(as_bytes(png)), "image/png");
  EXPECT_EQ(sniff_mime_type(as_bytes("\n  <!DOCTYPE html><html></html>")),
            "text/html; charset=utf-8");
  EXPECT_EQ(sniff_mime_type(as_bytes("<p>hi</p>")), "text/html; charset=utf-8");
  EXPECT_EQ(sniff_mime_type(as_bytes("<?xml version=\"1.0\"?><a/>")), "text/xml; charset=utf-8");
  EXPECT_EQ(sniff_mime_type(as_bytes("%PDF-1.7")), "application/pdf");
  EXPECT_EQ(sniff_mime_type(as_bytes("GIF89a....")), "image/gif");
  EXPECT_EQ(sniff_mime_type(as_bytes("just some words\n")), "text/plain; charset=utf-8");
  EXPECT_EQ(sniff_mime_type(as_bytes("")), "text/plain; charset=utf-8");
  EXPECT_EQ(sniff_mime_type(as_bytes("RIFF")), "text/plain; charset=utf-8");  // short: no throw
  EXPECT_EQ(sniff_mime_type(as_bytes("RIFF\x01\x02\x03\x04WEBPVP8 ")), "image/webp");
  const std::string binary("ab\0cd", 5);
  EXPECT_EQ(sniff_mime_type(as_bytes(binary)), "application/octet-stream");
  EXPECT_EQ(site_mime_type("page.html", as_bytes(binary)), "text/html; charset=utf-8");
  EXPECT_EQ(site_mime_type("blob", as_bytes(binary)), "application/octet-stream");
}

}  // namespace
}  // namespace goop::content
