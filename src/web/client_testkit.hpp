#pragma once
// Test-only helpers for the client tests of src/web (included by *_test.cpp only): run a
// coroutine to completion with a deadline (the p2p tests' run_coro), and a self-signed certificate
// made with the OpenSSL API at test time (no files checked in), written to a PEM file in a private
// temporary folder for ClientTls::ca_file.

#include "testing/run_coro.hpp"
#include "testing/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace goop::web::testkit {

// Runs `task` on `io` until it completes (testing/run_coro.hpp, header-only).
template <class... Args>
auto run(Args&&... args) {
  return goop::testing::run_coro(std::forward<Args>(args)...);
}

// A self-signed EC P-256 certificate for `san` (e.g. "DNS:localhost,IP:127.0.0.1"), valid for
// an hour, usable as its own trust anchor.
class TestCert {
 public:
  explicit TestCert(const std::string& san) {
    // EVP_EC_gen spelled out: the macro has an old-style cast.
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), static_cast<long>(++serial()));
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("goop2 test"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    add_ext(x, &ctx, NID_subject_alt_name, san);
    add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(x, &ctx, NID_subject_key_identifier, "hash");
    X509_sign(x, key, EVP_sha256());
    cert_pem_ = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, x); });
    key_pem_ = to_pem([&](BIO* b) {
      return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
    });
    X509_free(x);
    EVP_PKEY_free(key);
    ca_file_ = (dir_ / "ca.pem").string();
    std::ofstream(ca_file_) << cert_pem_;
  }
  TestCert(const TestCert&) = delete;
  TestCert& operator=(const TestCert&) = delete;

  const std::string& ca_file() const { return ca_file_; }

  // A TLS server context presenting this certificate.
  std::shared_ptr<boost::asio::ssl::context> server_context() const {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->use_certificate_chain(boost::asio::buffer(cert_pem_));
    ctx->use_private_key(boost::asio::buffer(key_pem_), ssl::context::pem);
    return ctx;
  }

 private:
  static std::atomic<int>& serial() {
    static std::atomic<int> n{0};
    return n;
  }
  static void add_ext(X509* x, X509V3_CTX* ctx, int nid, const std::string& value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
    if (ext == nullptr) throw std::runtime_error("bad test certificate extension " + value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  template <class Fn>
  static std::string to_pem(Fn write) {
    BIO* b = BIO_new(BIO_s_mem());
    write(b);
    char* data = nullptr;
    const long n = BIO_ctrl(b, BIO_CTRL_INFO, 0, &data);  // BIO_get_mem_data
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(b);
    return out;
  }

  goop::testing::TempDir dir_{"cert"};  // holds ca_file_
  std::string cert_pem_;
  std::string key_pem_;
  std::string ca_file_;
};

}  // namespace goop::web::testkit
