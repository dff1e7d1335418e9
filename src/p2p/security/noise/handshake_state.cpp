#include "p2p/security/noise/handshake_state.hpp"

#include "p2p/errors.hpp"

#include <algorithm>
#include <cstring>

namespace goop::p2p::noise {
namespace {

constexpr std::size_t kEncryptedKeyLen = kDhLen + kTagLen;

DhPublic take_key(BytesView b) {
  DhPublic k{};
  std::memcpy(k.data(), b.data(), kDhLen);
  return k;
}

}  // namespace

HandshakeState::HandshakeState(Role role, X25519KeyPair s, std::optional<X25519KeyPair> e,
                               BytesView prologue)
    : role_(role), s_(std::move(s)), e_(std::move(e)) {
  // InitializeSymmetric: the name is exactly HASHLEN bytes, so h = name (no hashing).
  static_assert(kProtocolName.size() == kHashLen);
  std::memcpy(h_.data(), kProtocolName.data(), kHashLen);
  ck_ = h_;
  mix_hash(prologue);
}

bool HandshakeState::is_my_turn() const noexcept {
  if (failed_ || step_ >= 3) return false;
  const bool initiator_writes = step_ % 2 == 0;
  return initiator_writes == (role_ == Role::kInitiator);
}

void HandshakeState::mix_hash(BytesView data) { h_ = sha256(h_, data); }

void HandshakeState::mix_key(const Hash& ikm) {
  auto [ck, k] = hkdf2(ck_, ikm);
  ck_ = ck;
  cipher_ = CipherState(k);
}

Result<void> HandshakeState::mix_dh(const X25519KeyPair& local, const DhPublic& remote) {
  GOOP_TRY(Hash shared, local.dh(remote));
  mix_key(shared);
  return {};
}

Result<void> HandshakeState::encrypt_and_hash(BytesView plaintext, Bytes& out) {
  const std::size_t at = out.size();
  out.resize(at + plaintext.size() + (cipher_.has_key() ? kTagLen : 0));
  GOOP_TRY_VOID(cipher_.encrypt_with_ad(h_, plaintext, out.data() + at));
  mix_hash(BytesView(out).subspan(at));
  return {};
}

Result<Bytes> HandshakeState::decrypt_and_hash(BytesView ciphertext) {
  const std::size_t overhead = cipher_.has_key() ? kTagLen : 0;
  if (ciphertext.size() < overhead) return make_error_code(Errc::kProtocolViolation);
  Bytes plain(ciphertext.size() - overhead);
  GOOP_TRY_VOID(cipher_.decrypt_with_ad(h_, ciphertext, plain.data()));
  mix_hash(ciphertext);
  return plain;
}

const X25519KeyPair& HandshakeState::ephemeral() {
  if (!e_) e_ = X25519KeyPair::generate();
  return *e_;
}

Result<Bytes> HandshakeState::write_message(BytesView payload) {
  if (!is_my_turn()) return make_error_code(Errc::kProtocolViolation);
  auto r = write_step(payload);
  if (!r) {
    failed_ = true;
    return r.error();
  }
  ++step_;
  return r;
}

Result<Bytes> HandshakeState::read_message(BytesView message) {
  if (failed_ || step_ >= 3 || is_my_turn()) return make_error_code(Errc::kProtocolViolation);
  auto r = read_step(message);
  if (!r) {
    failed_ = true;
    return r.error();
  }
  ++step_;
  return r;
}

Result<Bytes> HandshakeState::write_step(BytesView payload) {
  constexpr std::size_t kOverhead[3] = {kDhLen, kDhLen + kEncryptedKeyLen + kTagLen,
                                        kEncryptedKeyLen + kTagLen};
  const auto step = static_cast<std::size_t>(step_);
  if (payload.size() > kMaxMessageSize - kOverhead[step])
    return make_error_code(goop::Errc::kTooLarge);
  Bytes out;
  out.reserve(kOverhead[step] + payload.size());
  switch (step_) {
    case 0: {  // -> e
      const DhPublic& e = ephemeral().public_key();
      out.insert(out.end(), e.begin(), e.end());
      mix_hash(e);
      break;
    }
    case 1: {  // <- e, ee, s, es
      const DhPublic& e = ephemeral().public_key();
      out.insert(out.end(), e.begin(), e.end());
      mix_hash(e);
      GOOP_TRY_VOID(mix_dh(*e_, *re_));
      GOOP_TRY_VOID(encrypt_and_hash(s_.public_key(), out));
      GOOP_TRY_VOID(mix_dh(s_, *re_));
      break;
    }
    default: {  // -> s, se
      GOOP_TRY_VOID(encrypt_and_hash(s_.public_key(), out));
      GOOP_TRY_VOID(mix_dh(s_, *re_));
      break;
    }
  }
  GOOP_TRY_VOID(encrypt_and_hash(payload, out));
  return out;
}

Result<Bytes> HandshakeState::read_step(BytesView message) {
  if (message.size() > kMaxMessageSize) return make_error_code(goop::Errc::kTooLarge);
  switch (step_) {
    case 0: {  // -> e
      if (message.size() < kDhLen) return make_error_code(Errc::kProtocolViolation);
      re_ = take_key(message);
      mix_hash(*re_);
      return decrypt_and_hash(message.subspan(kDhLen));
    }
    case 1: {  // <- e, ee, s, es
      if (message.size() < kDhLen + kEncryptedKeyLen + kTagLen) {
        return make_error_code(Errc::kProtocolViolation);
      }
      re_ = take_key(message);
      mix_hash(*re_);
      GOOP_TRY_VOID(mix_dh(*e_, *re_));
      GOOP_TRY(Bytes rs, decrypt_and_hash(message.subspan(kDhLen, kEncryptedKeyLen)));
      rs_ = take_key(rs);
      GOOP_TRY_VOID(mix_dh(*e_, *rs_));
      return decrypt_and_hash(message.subspan(kDhLen + kEncryptedKeyLen));
    }
    default: {  // -> s, se
      if (message.size() < kEncryptedKeyLen + kTagLen) {
        return make_error_code(Errc::kProtocolViolation);
      }
      GOOP_TRY(Bytes rs, decrypt_and_hash(message.subspan(0, kEncryptedKeyLen)));
      rs_ = take_key(rs);
      GOOP_TRY_VOID(mix_dh(*e_, *rs_));
      return decrypt_and_hash(message.subspan(kEncryptedKeyLen));
    }
  }
}

Result<HandshakeState::TransportKeys> HandshakeState::split() const {
  if (!is_complete()) return make_error_code(Errc::kProtocolViolation);
  auto [k1, k2] = hkdf2(ck_, {});
  if (role_ == Role::kInitiator) return TransportKeys{CipherState(k1), CipherState(k2)};
  return TransportKeys{CipherState(k2), CipherState(k1)};
}

}  // namespace goop::p2p::noise
