// /goop/site/1.0.0 between two Hosts on the memory transport: exact wire bytes, the index
// fallback, streaming a large file, every refusal, deadlines on both sides, and the client's
// handling of answers a Go peer (or a broken one) may send.
#include "goop/content/site_protocol.hpp"

#include "base/errors.hpp"
#include "goop/content/errors.hpp"
#include "goop/content/test_fixture.hpp"
#include "testing/wait_for.hpp"

#include <gtest/gtest.h>

#include <random>
#include <sys/stat.h>

namespace goop::content {
namespace {

namespace fs = std::filesystem;
using testkit::asio::awaitable;
using namespace std::chrono_literals;

std::string ok(std::string_view mime, std::string_view body) {
  return "OK " + std::string(mime) + " " + std::to_string(body.size()) + "\n" + std::string(body);
}

// Sink callbacks: non-coroutine lambdas call these (the coroutines own their arguments).
awaitable<Result<void>> record_head(std::shared_ptr<std::vector<SiteResponseHead>> heads,
                                    SiteResponseHead h) {
  heads->push_back(std::move(h));
  co_return Result<void>();
}
awaitable<Result<void>> record_chunk(std::shared_ptr<std::string> out, std::shared_ptr<int> chunks,
                                     BytesView c) {
  out->append(as_chars(c));
  ++*chunks;
  co_return Result<void>();
}
awaitable<Result<void>> ignore_chunk() { co_return Result<void>(); }

class SiteProtocolTest : public testkit::ContentHostTest {
 protected:
  std::shared_ptr<const SiteStats> serve(SiteOptions o = {}) {
    if (o.root.empty()) o.root = site_;
    return serve_site(server_, std::move(o));
  }
  std::string get(std::string path) {
    return raw(std::string(kSiteProtocol), "GET " + path + "\n").bytes;
  }
  Expected<FetchedSiteFile> fetch(std::string path,
                                  std::chrono::steady_clock::duration timeout = 5s) {
    return run(fetch_site_file(client_, server_.id(), std::move(path), timeout));
  }
  bool wait(std::function<bool()> pred) {
    return goop::testing::wait_for(io_, std::move(pred), 5s);
  }
};

TEST_F(SiteProtocolTest, EmptyPathAndSlashServeIndexHtml) {
  write("site/index.html", "<h1>hello</h1>");
  serve();
  EXPECT_EQ(get("/"), ok("text/html; charset=utf-8", "<h1>hello</h1>"));
  EXPECT_EQ(get("/index.html"), ok("text/html; charset=utf-8", "<h1>hello</h1>"));
  for (std::string path : {"", "/"}) {
    auto f = fetch(path);
    ASSERT_TRUE(f.has_value()) << f.error().message;
    EXPECT_EQ(f->mime, "text/html; charset=utf-8");
    EXPECT_EQ(as_chars(f->body), "<h1>hello</h1>");
  }
}

TEST_F(SiteProtocolTest, ServesNestedFilesWithTheirMimeTypes) {
  write("site/docs/guide/style.css", "body{}");
  write("site/docs/data.json", "{}");
  write("site/notes", "plain words, no extension");
  write("site/page", "<!DOCTYPE html><html></html>");
  serve();
  EXPECT_EQ(get("/docs/guide/style.css"), ok("text/css; charset=utf-8", "body{}"));
  EXPECT_EQ(get("docs//./data.json"), ok("application/json", "{}"));
  // Unknown extensions are sniffed; the MIME (with its spaces) survives the round trip.
  auto notes = fetch("/notes");
  ASSERT_TRUE(notes.has_value()) << notes.error().message;
  EXPECT_EQ(notes->mime, "text/plain; charset=utf-8");
  auto page = fetch("/page");
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_EQ(page->mime, "text/html; charset=utf-8");
  EXPECT_EQ(as_chars(page->body), "<!DOCTYPE html><html></html>");
}

TEST_F(SiteProtocolTest, StreamsALargeBinaryFileExactly) {
  std::string blob(5u << 20, '\0');
  std::mt19937 rng(42);
  for (auto& c : blob) c = static_cast<char>(rng());
  write("site/media/blob.bin", blob);
  serve();

  auto received = std::make_shared<std::string>();
  auto chunks = std::make_shared<int>(0);
  auto heads = std::make_shared<std::vector<SiteResponseHead>>();
  SiteSink sink;
  sink.on_head = [heads](const SiteResponseHead& h) { return record_head(heads, h); };
  sink.on_chunk = [received, chunks](BytesView c) { return record_chunk(received, chunks, c); };
  auto head = run(stream_site_file(client_, server_.id(), "/media/blob.bin", std::move(sink)), 30s);
  ASSERT_TRUE(head.has_value()) << head.error().message;
  EXPECT_EQ(head->size, blob.size());
  EXPECT_EQ(head->mime, "application/octet-stream");
  ASSERT_EQ(heads->size(), 1u);
  EXPECT_EQ((*heads)[0].size, blob.size());
  EXPECT_TRUE(*received == blob) << "received " << received->size() << " bytes";
  EXPECT_GE(*chunks, static_cast<int>(blob.size() / kSiteChunkSize));
}

TEST_F(SiteProtocolTest, RefusesEscapesDotfilesLuaAndTheScriptDirectory) {
  write("goop.json", "{\"secret\":true}");
  write("secret.txt", "outside the site");
  write("outside/inner.txt", "outside the site");
  write("site/index.html", "ok");
  write("site/lua/x.lua", "return 1");
  write("site/lua/.state/s.json", "{}");
  write("site/app/scripts/f.lua", "return 2");
  write("site/app/other.txt", "fine");
  write("site/.env", "TOKEN=1");
  write("site/.git/config", "[core]");
  write("site/data/.state/x", "state");
  fs::create_symlink(dir_ / "secret.txt", site_ / "out.txt");
  fs::create_symlink(dir_ / "outside", site_ / "ext");
  fs::create_symlink(site_ / "lua", site_ / "peek");
  fs::create_symlink("app/scripts/f.lua", site_ / "f.txt");
  fs::create_symlink(".git/config", site_ / "cfg.txt");
  fs::create_symlink("index.html", site_ / "alias.html");
  SiteOptions o;
  o.forbidden_prefixes = site_forbidden_prefixes_for(site_, site_ / "app" / "scripts");
  ASSERT_EQ(o.forbidden_prefixes, std::vector<std::string>{"app/scripts"});
  serve(std::move(o));

  for (std::string path : {"/../goop.json",
                           "../goop.json",
                           "/docs/../../goop.json",
                           "/../secret.txt",
                           "/out.txt",
                           "/ext/inner.txt",
                           "/lua/x.lua",
                           "/LUA/x.lua",
                           "/Lua",
                           "/lua/.state/s.json",
                           "/peek/x.lua",
                           "/app/scripts/f.lua",
                           "/App/SCRIPTS/f.lua",
                           "/f.txt",
                           "/.env",
                           "/.git/config",
                           "/cfg.txt",
                           "/data/.state/x",
                           "/a\\b",
                           "C:\\goop.json"}) {
    EXPECT_EQ(get(path), "ERR forbidden\n") << path;
  }
  // Read relative to the root: never the system's files, never decoded.
  for (std::string path :
       {"/etc/passwd", "//etc/passwd", "/%2e%2e/goop.json", "/nope.html", "/app"}) {
    EXPECT_EQ(get(path), "ERR not found\n") << path;
  }
  EXPECT_EQ(get("/app/other.txt"), ok("text/plain; charset=utf-8", "fine"));
  EXPECT_EQ(get("/alias.html"), ok("text/html; charset=utf-8", "ok"));  // a symlink inside is fine

  auto f = fetch("/lua/x.lua");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, make_error_code(Errc::kForbidden));
  EXPECT_NE(f.error().message.find(server_.id().to_base58()), std::string::npos)
      << f.error().message;
  EXPECT_NE(f.error().message.find("forbidden"), std::string::npos) << f.error().message;
  f = fetch("/missing.html");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, make_error_code(goop::Errc::kNotFound));
  EXPECT_NE(f.error().message.find("not found"), std::string::npos) << f.error().message;
}

TEST_F(SiteProtocolTest, OnlyRegularFilesAreServed) {
  fs::create_directories(site_ / "dir.html");
  ASSERT_EQ(::mkfifo((site_ / "pipe.txt").c_str(), 0600), 0);  // opening it must not block
  serve();
  EXPECT_EQ(get("/dir.html"), "ERR not found\n");
  EXPECT_EQ(get("/pipe.txt"), "ERR not found\n");
}

TEST_F(SiteProtocolTest, MalformedRequestsAreBadRequests) {
  write("site/index.html", "ok");
  serve();
  const std::string kBad = "ERR bad request\n";
  EXPECT_EQ(raw(std::string(kSiteProtocol), "FOO\n").bytes, kBad);
  EXPECT_EQ(raw(std::string(kSiteProtocol), "get /index.html\n").bytes, kBad);
  EXPECT_EQ(raw(std::string(kSiteProtocol), "GET /a\x01z\n").bytes, kBad);
  // We cannot open sealed requests yet: answered as a Go peer without an encryptor does.
  EXPECT_EQ(raw(std::string(kSiteProtocol), "ENC:R0VUIC9pbmRleC5odG1s\n").bytes, kBad);
  // A request line over the cap.
  EXPECT_EQ(raw(std::string(kSiteProtocol), std::string(kMaxSiteRequestLine + 100, 'G')).bytes,
            kBad);
  // CRLF is accepted.
  EXPECT_EQ(raw(std::string(kSiteProtocol), "GET /index.html\r\n").bytes,
            ok("text/html; charset=utf-8", "ok"));
}

TEST_F(SiteProtocolTest, SealedRequestsGoThroughTheOpenerSeam) {
  write("site/index.html", "ok");
  SiteOptions o;
  auto callers = std::make_shared<std::vector<std::string>>();
  o.open_request = [callers](const p2p::PeerId& from,
                             std::string_view b64) -> std::optional<std::string> {
    callers->push_back(from.to_base58());
    if (b64 == "sealed-get-index") return std::string("GET /index.html");
    return std::nullopt;
  };
  serve(std::move(o));
  EXPECT_EQ(raw(std::string(kSiteProtocol), "ENC:sealed-get-index\n").bytes,
            ok("text/html; charset=utf-8", "ok"));
  EXPECT_EQ(raw(std::string(kSiteProtocol), "ENC:garbage\n").bytes, "ERR bad request\n");
  EXPECT_EQ(*callers,
            (std::vector<std::string>{client_.id().to_base58(), client_.id().to_base58()}));
}

TEST_F(SiteProtocolTest, AChangedFileIsSeenByTheNextRequest) {
  write("site/live.txt", "version one");
  serve();
  auto first = fetch("/live.txt");
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(as_chars(first->body), "version one");
  write("site/live.txt", "v2");
  auto second = fetch("/live.txt");
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(as_chars(second->body), "v2");
}

TEST_F(SiteProtocolTest, FilesOverTheSizeCapAreRefused) {
  write("site/big.bin", std::string(2000, 'x'));
  SiteOptions o;
  o.max_file_size = 1000;
  serve(std::move(o));
  EXPECT_EQ(get("/big.bin"), "ERR file too large\n");
  auto f = fetch("/big.bin");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, make_error_code(Errc::kRefused));
}

TEST_F(SiteProtocolTest, ClientSizeCapRefusesBeforeReadingTheBody) {
  write("site/big.txt", std::string(3000, 'x'));
  serve();
  auto f = run(fetch_site_file(client_, server_.id(), "/big.txt", 5s, /*max_size=*/1000));
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, make_error_code(goop::Errc::kTooLarge));
  EXPECT_NE(f.error().message.find("3000 bytes"), std::string::npos) << f.error().message;
}

TEST_F(SiteProtocolTest, ResponderDropsAClientThatNeverSendsALine) {
  SiteOptions o;
  o.request_timeout = 300ms;
  auto stats = serve(std::move(o));
  const auto start = std::chrono::steady_clock::now();
  // Opens the stream (the proposal goes out with the first read) and sends nothing.
  auto reply = raw(std::string(kSiteProtocol), "", /*close_after_request=*/false);
  EXPECT_TRUE(reply.bytes.empty());
  EXPECT_EQ(reply.error, make_error_code(p2p::Errc::kStreamReset)) << reply.error.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(wait([&] { return stats->active == 0 && stats->dropped == 1; }));
}

TEST_F(SiteProtocolTest, AnswersBusyBeyondTheConcurrencyCap) {
  write("site/index.html", "ok");
  SiteOptions o;
  o.max_concurrent = 1;
  o.request_timeout = 3s;
  auto stats = serve(std::move(o));
  // One stalled client holds the only slot.
  auto holder = std::make_shared<testkit::RawReply>();
  auto done = std::make_shared<bool>(false);
  testkit::asio::co_spawn(
      io_, testkit::raw_exchange(client_, server_.id(), std::string(kSiteProtocol), "", false),
      [holder, done](std::exception_ptr, testkit::RawReply r) {
        *holder = std::move(r);
        *done = true;
      });
  ASSERT_TRUE(wait([&] { return stats->active == 1; }));
  auto f = fetch("/");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, make_error_code(Errc::kRefused));
  EXPECT_NE(f.error().message.find("busy"), std::string::npos) << f.error().message;
  ASSERT_TRUE(wait([&] { return *done && stats->active == 0; }));
  EXPECT_TRUE(fetch("/").has_value());
}

TEST_F(SiteProtocolTest, ClientGivesUpOnAPeerThatNeverAnswers) {
  script(std::string(kSiteProtocol), "", /*read_request=*/true, /*stall=*/true);
  const auto start = std::chrono::steady_clock::now();
  auto f = fetch("/index.html", 300ms);
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, make_error_code(goop::Errc::kTimeout));
  EXPECT_NE(f.error().message.find(server_.id().to_base58()), std::string::npos)
      << f.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(SiteProtocolTest, StreamingClientHasAnIdleDeadlineOnTheBody) {
  script(std::string(kSiteProtocol), "OK text/plain 100\n0123456789", true, /*stall=*/true);
  SiteSink sink;
  sink.on_chunk = [](BytesView) { return ignore_chunk(); };
  SiteFetchTimeouts t;
  t.body_read = 300ms;
  auto head = run(stream_site_file(client_, server_.id(), "/x", std::move(sink), t));
  ASSERT_FALSE(head.has_value());
  EXPECT_EQ(head.error().code, make_error_code(goop::Errc::kTimeout));
  EXPECT_NE(head.error().message.find("after 10 of 100 bytes"), std::string::npos)
      << head.error().message;
}

TEST_F(SiteProtocolTest, ClientRefusesUnusableAnswers) {
  struct Case {
    std::string reply;
    error_code code;
    std::string_view text;
  };
  const Case cases[] = {
      {"EOK text/html 8\nc2VhbGVk", make_error_code(Errc::kEncryptedUnsupported),
       "not supported yet"},
      {"HTTP/1.1 200 OK\n", make_error_code(Errc::kBadResponse),
       "bad response: \"HTTP/1.1 200 OK\""},
      {"OK text/html -5\n", make_error_code(goop::Errc::kTooLarge), "refusing size -5"},
      {"OK text/html 52428801\n", make_error_code(goop::Errc::kTooLarge), "refusing size 52428801"},
      {"OK text/html 100\nshort", make_error_code(p2p::Errc::kEndOfStream), "after 5 of 100 bytes"},
      {"ERR site disabled\n", make_error_code(Errc::kRefused), "site disabled"},
      {std::string(kMaxSiteHeaderLine + 10, 'O'), make_error_code(goop::Errc::kTooLarge),
       "longer than"},
      {"OK text/html 5", make_error_code(p2p::Errc::kEndOfStream), "ended before the answer"},
  };
  for (const auto& c : cases) {
    script(std::string(kSiteProtocol), c.reply, true, false);
    auto f = fetch("/x");
    ASSERT_FALSE(f.has_value()) << c.reply;
    EXPECT_EQ(f.error().code, c.code) << c.reply << ": " << f.error().message;
    EXPECT_NE(f.error().message.find(c.text), std::string::npos) << f.error().message;
    EXPECT_NE(f.error().message.find(server_.id().to_base58()), std::string::npos)
        << f.error().message;
  }
}

TEST_F(SiteProtocolTest, PeerWithoutTheProtocolIsANegotiationFailure) {
  auto f = fetch("/");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, make_error_code(p2p::Errc::kNegotiationFailed)) << f.error().message;
  EXPECT_NE(f.error().message.find("does not serve /goop/site/1.0.0"), std::string::npos)
      << f.error().message;
}

TEST_F(SiteProtocolTest, ClientRefusesPathsThatWouldBreakTheRequestLine) {
  auto f = fetch("/a\nGET /b");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, make_error_code(goop::Errc::kInvalidArgument));
}

TEST(SiteForbiddenPrefixes, OnlyDirectoriesInsideTheSite) {
  const fs::path root = fs::temp_directory_path() / "goop-site-prefix-test";
  fs::remove_all(root);
  fs::create_directories(root / "site" / "real");
  fs::create_symlink(root / "site" / "real", root / "site" / "link");
  EXPECT_EQ(site_forbidden_prefixes_for(root / "site", root / "site" / "lua"),
            std::vector<std::string>{"lua"});
  EXPECT_EQ(site_forbidden_prefixes_for(root / "site", root / "site" / "a" / ".." / "b" / ""),
            std::vector<std::string>{"b"});
  EXPECT_EQ(site_forbidden_prefixes_for(root / "site", root / "site" / "link"),
            (std::vector<std::string>{"link", "real"}));
  EXPECT_TRUE(site_forbidden_prefixes_for(root / "site", root / "scripts").empty());
  EXPECT_TRUE(site_forbidden_prefixes_for(root / "site", root / "site").empty());
  fs::remove_all(root);
}

}  // namespace
}  // namespace goop::content
