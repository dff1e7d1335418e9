#pragma once
// The Noise XX handshake state machine for Noise_XX_25519_ChaChaPoly_SHA256 (Noise spec §5.2
// SymmetricState, §5.3 HandshakeState, §7.5 pattern XX), with no I/O:
//
//   -> e
//   <- e, ee, s, es
//   -> s, se
//
// The caller moves bytes between write_message() on one side and read_message() on the other;
// libp2p framing and payload semantics live in noise.cpp. Every function is pure computation
// over its inputs, so the state machine is unit-tested with fixed keys and fuzzed directly.
//
// Invariants:
//  1. Messages alternate: initiator writes 1 and 3, responder writes 2. Calling the wrong
//     function for the current step is refused with Errc::kProtocolViolation.
//  2. After any error the state is failed and every later call returns kProtocolViolation
//     (Noise §5.3: an error aborts the handshake).
//  3. split() is available only after message 3 has been processed.
//
// Not thread-safe; one handshake belongs to one connection.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/security/noise/cipher_state.hpp"
#include "p2p/security/noise/primitives.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace goop::p2p::noise {

inline constexpr std::string_view kProtocolName = "Noise_XX_25519_ChaChaPoly_SHA256";
// Largest Noise message (libp2p noise spec: Wire Format).
inline constexpr std::size_t kMaxMessageSize = 65535;

enum class Role { kInitiator, kResponder };

class HandshakeState {
 public:
  // `s` is our static Noise key. `e` fixes the ephemeral key (test vectors only); without it a
  // fresh one is generated when the pattern needs it. `prologue` is empty for libp2p.
  HandshakeState(Role role, X25519KeyPair s, std::optional<X25519KeyPair> e = std::nullopt,
                 BytesView prologue = {});

  // Produces our next handshake message carrying `payload` (encrypted once a key exists).
  // Errors: kProtocolViolation if it is not our turn or the state failed; goop::Errc::kTooLarge if
  // the message would exceed kMaxMessageSize (the state is then failed).
  Result<Bytes> write_message(BytesView payload);

  // Consumes the remote's next handshake message and returns its payload. Errors:
  // kProtocolViolation for the wrong turn, a short message or a bad tag; goop::Errc::kTooLarge
  // above kMaxMessageSize; kInvalidKey for a low-order remote key.
  Result<Bytes> read_message(BytesView message);

  Role role() const noexcept { return role_; }
  bool is_complete() const noexcept { return step_ == 3 && !failed_; }
  // True if the next call must be write_message.
  bool is_my_turn() const noexcept;
  // The remote's static Noise key, once message 2 (initiator) or 3 (responder) was read.
  const std::optional<DhPublic>& remote_static() const noexcept { return rs_; }
  const DhPublic& local_static() const noexcept { return s_.public_key(); }
  // h: the transcript hash (channel binding); final after completion.
  const Hash& handshake_hash() const noexcept { return h_; }

  struct TransportKeys {
    CipherState send;
    CipherState recv;
  };
  // Noise Split(): the two transport CipherStates, oriented for this side. Errors:
  // kProtocolViolation if the handshake is not complete.
  Result<TransportKeys> split() const;

 private:
  void mix_hash(BytesView data);
  void mix_key(const Hash& ikm);
  Result<void> mix_dh(const X25519KeyPair& local, const DhPublic& remote);
  Result<void> encrypt_and_hash(BytesView plaintext, Bytes& out);
  Result<Bytes> decrypt_and_hash(BytesView ciphertext);
  const X25519KeyPair& ephemeral();
  Result<Bytes> write_step(BytesView payload);
  Result<Bytes> read_step(BytesView message);

  Role role_;
  int step_ = 0;  // messages processed so far (0..3)
  bool failed_ = false;
  X25519KeyPair s_;
  std::optional<X25519KeyPair> e_;
  std::optional<DhPublic> re_;
  std::optional<DhPublic> rs_;
  Hash ck_{};
  Hash h_{};
  CipherState cipher_;
};

}  // namespace goop::p2p::noise
