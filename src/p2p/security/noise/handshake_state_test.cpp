#include "p2p/security/noise/handshake_state.hpp"

#include "p2p/errors.hpp"

#include <gtest/gtest.h>

namespace goop::p2p::noise {
namespace {

X25519KeyPair key(std::uint8_t seed) {
  std::array<std::uint8_t, kDhLen> priv{};
  priv.fill(seed);
  return X25519KeyPair::from_private(priv);
}

struct Pair {
  HandshakeState init{Role::kInitiator, key(1), key(2)};
  HandshakeState resp{Role::kResponder, key(3), key(4)};
};

// Runs the three messages and returns the payloads each side received.
void run_xx(Pair& p) {
  auto m1 = p.init.write_message({});
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->size(), 32u);
  auto r1 = p.resp.read_message(*m1);
  ASSERT_TRUE(r1);
  EXPECT_TRUE(r1->empty());

  auto m2 = p.resp.write_message(as_bytes("responder payload"));
  ASSERT_TRUE(m2);
  EXPECT_EQ(m2->size(), 32u + 48u + 17u + 16u);
  auto r2 = p.init.read_message(*m2);
  ASSERT_TRUE(r2);
  EXPECT_EQ(as_chars(*r2), "responder payload");

  auto m3 = p.init.write_message(as_bytes("initiator payload"));
  ASSERT_TRUE(m3);
  EXPECT_EQ(m3->size(), 48u + 17u + 16u);
  auto r3 = p.resp.read_message(*m3);
  ASSERT_TRUE(r3);
  EXPECT_EQ(as_chars(*r3), "initiator payload");
}

TEST(NoiseHandshakeState, XxCompletesWithMatchingTranscriptAndKeys) {
  Pair p;
  run_xx(p);
  ASSERT_TRUE(p.init.is_complete());
  ASSERT_TRUE(p.resp.is_complete());
  EXPECT_EQ(p.init.handshake_hash(), p.resp.handshake_hash());
  EXPECT_EQ(*p.init.remote_static(), key(3).public_key());
  EXPECT_EQ(*p.resp.remote_static(), key(1).public_key());

  auto ki = p.init.split().value();
  auto kr = p.resp.split().value();
  Bytes ct(5 + kTagLen);
  ASSERT_TRUE(ki.send.encrypt_with_ad({}, as_bytes("hello"), ct.data()));
  Bytes pt(5);
  ASSERT_TRUE(kr.recv.decrypt_with_ad({}, ct, pt.data()));
  EXPECT_EQ(as_chars(pt), "hello");
  ASSERT_TRUE(kr.send.encrypt_with_ad({}, as_bytes("world"), ct.data()));
  ASSERT_TRUE(ki.recv.decrypt_with_ad({}, ct, pt.data()));
  EXPECT_EQ(as_chars(pt), "world");
  // Each direction has its own key: the initiator cannot open its own message.
  ASSERT_TRUE(ki.send.encrypt_with_ad({}, as_bytes("again"), ct.data()));
  EXPECT_EQ(ki.recv.decrypt_with_ad({}, ct, pt.data()).error(),
            make_error_code(Errc::kProtocolViolation));
}

TEST(NoiseHandshakeState, DeterministicWithFixedKeys) {
  Pair a, b;
  run_xx(a);
  run_xx(b);
  EXPECT_EQ(a.init.handshake_hash(), b.init.handshake_hash());
}

TEST(NoiseHandshakeState, RefusesOutOfTurnCalls) {
  Pair p;
  EXPECT_EQ(p.resp.write_message({}).error(), make_error_code(Errc::kProtocolViolation));
  EXPECT_EQ(p.init.read_message(Bytes(32)).error(), make_error_code(Errc::kProtocolViolation));
  EXPECT_FALSE(p.init.split());
  run_xx(p);
  EXPECT_EQ(p.init.write_message({}).error(), make_error_code(Errc::kProtocolViolation));
  EXPECT_EQ(p.resp.read_message(Bytes(80)).error(), make_error_code(Errc::kProtocolViolation));
}

TEST(NoiseHandshakeState, EveryTamperedByteOfMessage2IsRejected) {
  for (std::size_t i = 32; i < 32 + 48 + 16; ++i) {  // encrypted static key and payload tag
    Pair p;
    auto m1 = p.init.write_message({}).value();
    ASSERT_TRUE(p.resp.read_message(m1));
    auto m2 = p.resp.write_message({}).value();
    m2[i] ^= 0x01;
    EXPECT_EQ(p.init.read_message(m2).error(), make_error_code(Errc::kProtocolViolation)) << i;
    // A failed state stays failed.
    EXPECT_FALSE(p.init.write_message({}));
    EXPECT_FALSE(p.init.is_complete());
  }
}

TEST(NoiseHandshakeState, TamperedEphemeralBreaksMessage2) {
  Pair p;
  auto m1 = p.init.write_message({}).value();
  ASSERT_TRUE(p.resp.read_message(m1));
  auto m2 = p.resp.write_message({}).value();
  m2[0] ^= 0x40;
  EXPECT_FALSE(p.init.read_message(m2));
}

TEST(NoiseHandshakeState, ShortAndOversizedMessagesRejected) {
  {
    Pair p;
    EXPECT_EQ(p.resp.read_message(Bytes(31)).error(), make_error_code(Errc::kProtocolViolation));
  }
  {
    Pair p;
    EXPECT_EQ(p.resp.read_message(Bytes(kMaxMessageSize + 1)).error(),
              make_error_code(goop::Errc::kTooLarge));
  }
  {
    Pair p;
    ASSERT_TRUE(p.resp.read_message(p.init.write_message({}).value()));
    EXPECT_EQ(p.resp.write_message(Bytes(kMaxMessageSize)).error(),
              make_error_code(goop::Errc::kTooLarge));
    Pair q;
    ASSERT_TRUE(q.resp.read_message(q.init.write_message({}).value()));
    auto m2 = q.resp.write_message(Bytes(kMaxMessageSize - 96)).value();
    EXPECT_EQ(m2.size(), kMaxMessageSize);
    EXPECT_TRUE(q.init.read_message(m2));
  }
  {
    Pair p;
    ASSERT_TRUE(p.resp.read_message(p.init.write_message({}).value()));
    auto m2 = p.resp.write_message({}).value();
    m2.resize(m2.size() - 1);
    EXPECT_EQ(p.init.read_message(m2).error(), make_error_code(Errc::kProtocolViolation));
  }
}

TEST(NoiseCipherState, RefusesNonceMax) {
  CipherState c(Key{});
  Bytes out(kTagLen);
  c.set_nonce_for_testing(kMaxNonce - 1);
  EXPECT_TRUE(c.encrypt_with_ad({}, {}, out.data()));
  EXPECT_EQ(c.nonce(), kMaxNonce);
  EXPECT_EQ(c.encrypt_with_ad({}, {}, out.data()).error(), make_error_code(Errc::kResourceLimit));
  EXPECT_EQ(c.decrypt_with_ad({}, out, out.data()).error(), make_error_code(Errc::kResourceLimit));
}

TEST(NoiseCipherState, NonceIsLittleEndianAfterFourZeroBytes) {
  const Key k{};
  CipherState c(k);
  c.set_nonce_for_testing(0x0102030405060708ull);
  Bytes a(3 + kTagLen);
  ASSERT_TRUE(c.encrypt_with_ad(as_bytes("ad"), as_bytes("abc"), a.data()));
  ChaChaPoly raw(k);
  const Nonce n{0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
  Bytes b(3 + kTagLen);
  raw.seal(n, as_bytes("ad"), as_bytes("abc"), b.data());
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace goop::p2p::noise
