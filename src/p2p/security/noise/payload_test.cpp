#include "p2p/security/noise/payload.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/protobuf.hpp"

#include <gtest/gtest.h>

namespace goop::p2p::noise {
namespace {

TEST(NoisePayload, EncodesFieldsInOrderAndRoundTrips) {
  HandshakePayload p;
  p.identity_key = {1, 2};
  p.identity_sig = {3};
  p.extensions = NoiseExtensions{{{9, 9}}, {"/yamux/1.0.0"}};
  const Bytes enc = encode_payload(p);
  EXPECT_EQ(to_hex(enc),
            "0a020102"                        // identity_key
            "120103"                          // identity_sig
            "2212"                            // extensions, 18 bytes
            "0a020909"                        //   webtransport_certhashes
            "120c2f79616d75782f312e302e30");  //   stream_muxers "/yamux/1.0.0"
  EXPECT_EQ(decode_payload(enc).value(), p);
}

TEST(NoisePayload, EmptyFieldsAndNoExtensionsAreOmitted) {
  EXPECT_TRUE(encode_payload(HandshakePayload{}).empty());
  auto d = decode_payload({}).value();
  EXPECT_TRUE(d.identity_key.empty());
  EXPECT_FALSE(d.extensions.has_value());
}

TEST(NoisePayload, SkipsUnknownFieldsAndMergesExtensions) {
  pb::Writer w;
  w.varint(3, 7);
  w.bytes(99, as_bytes("junk"));
  pb::Writer e1, e2;
  e1.string(2, "/a");
  e2.string(2, "/b");
  e2.varint(5, 1);
  w.bytes(4, e1.out());
  w.bytes(4, e2.out());
  auto d = decode_payload(w.out()).value();
  ASSERT_TRUE(d.extensions);
  EXPECT_EQ(d.extensions->stream_muxers, (std::vector<std::string>{"/a", "/b"}));
}

TEST(NoisePayload, RejectsWrongWireTypeAndTruncation) {
  pb::Writer w;
  w.varint(1, 5);
  EXPECT_EQ(decode_payload(w.out()).error(), make_error_code(Errc::kInvalidEncoding));
  const Bytes truncated = {0x0a, 0x05, 0x01};
  EXPECT_FALSE(decode_payload(truncated));
}

TEST(NoisePayload, EnforcesCaps) {
  EXPECT_EQ(decode_payload(Bytes(kMaxPayloadSize + 1)).error(),
            make_error_code(goop::Errc::kTooLarge));
  {
    pb::Writer w;
    w.bytes(1, Bytes(kMaxKeyMessage + 1));
    EXPECT_EQ(decode_payload(w.out()).error(), make_error_code(goop::Errc::kTooLarge));
  }
  {
    pb::Writer w;
    w.bytes(2, Bytes(kMaxSignatureSize + 1));
    EXPECT_EQ(decode_payload(w.out()).error(), make_error_code(goop::Errc::kTooLarge));
  }
  {
    pb::Writer e;
    for (std::size_t i = 0; i <= kMaxExtensionEntries; ++i) e.string(2, "/m");
    pb::Writer w;
    w.bytes(4, e.out());
    EXPECT_EQ(decode_payload(w.out()).error(), make_error_code(goop::Errc::kTooLarge));
  }
  {
    pb::Writer e;
    e.bytes(1, Bytes(kMaxExtensionEntrySize + 1));
    pb::Writer w;
    w.bytes(4, e.out());
    EXPECT_EQ(decode_payload(w.out()).error(), make_error_code(goop::Errc::kTooLarge));
  }
}

TEST(NoisePayload, SignatureBindsIdentityToStaticKey) {
  auto id = Ed25519PrivateKey::generate();
  auto s = X25519KeyPair::generate();
  auto p = make_payload(id, s.public_key(), {"/yamux/1.0.0"});
  EXPECT_EQ(p.identity_key, marshal_public_key(id.public_key()));
  ASSERT_TRUE(p.extensions);
  EXPECT_EQ(p.extensions->stream_muxers, std::vector<std::string>{"/yamux/1.0.0"});
  EXPECT_EQ(verify_payload(p, s.public_key()).value(), PeerId::from_public_key(id.public_key()));

  // The signature covers "noise-libp2p-static-key:" || static key, checked independently.
  Bytes msg(as_bytes(kStaticKeySignaturePrefix).begin(), as_bytes(kStaticKeySignaturePrefix).end());
  msg.insert(msg.end(), s.public_key().begin(), s.public_key().end());
  EXPECT_TRUE(id.public_key().verify(msg, p.identity_sig));

  auto other = X25519KeyPair::generate();
  EXPECT_EQ(verify_payload(p, other.public_key()).error(),
            make_error_code(Errc::kInvalidSignature));
  auto bad = p;
  bad.identity_sig.pop_back();
  EXPECT_EQ(verify_payload(bad, s.public_key()).error(), make_error_code(Errc::kInvalidSignature));
  EXPECT_FALSE(make_payload(id, s.public_key(), {}).extensions.has_value());
}

TEST(NoisePayload, NonEd25519IdentityIsUnsupported) {
  auto s = X25519KeyPair::generate();
  HandshakePayload p;
  pb::Writer key;
  key.varint(1, 2);  // secp256k1
  key.bytes(2, Bytes(33, 2));
  p.identity_key = key.take();
  p.identity_sig = Bytes(64, 0);
  EXPECT_EQ(verify_payload(p, s.public_key()).error(), make_error_code(Errc::kUnsupportedKeyType));
}

}  // namespace
}  // namespace goop::p2p::noise
