#include "p2p/security/noise/payload.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/protobuf.hpp"

namespace goop::p2p::noise {
namespace {

enum : std::uint32_t {
  kFieldIdentityKey = 1,
  kFieldIdentitySig = 2,
  kFieldExtensions = 4,
  kFieldCerthashes = 1,
  kFieldMuxers = 2,
};

Bytes static_key_message(const DhPublic& static_key) {
  Bytes msg(as_bytes(kStaticKeySignaturePrefix).begin(), as_bytes(kStaticKeySignaturePrefix).end());
  msg.insert(msg.end(), static_key.begin(), static_key.end());
  return msg;
}

Result<void> decode_extensions(BytesView in, NoiseExtensions& ext) {
  pb::Reader r(in);
  for (;;) {
    GOOP_TRY(auto field, r.next());
    if (!field) return {};
    if (field->number != kFieldCerthashes && field->number != kFieldMuxers) continue;
    if (field->type != pb::WireType::kLen) return make_error_code(Errc::kInvalidEncoding);
    if (field->bytes.size() > kMaxExtensionEntrySize) return make_error_code(goop::Errc::kTooLarge);
    if (field->number == kFieldCerthashes) {
      if (ext.webtransport_certhashes.size() >= kMaxExtensionEntries) {
        return make_error_code(goop::Errc::kTooLarge);
      }
      ext.webtransport_certhashes.emplace_back(field->bytes.begin(), field->bytes.end());
    } else {
      if (ext.stream_muxers.size() >= kMaxExtensionEntries)
        return make_error_code(goop::Errc::kTooLarge);
      ext.stream_muxers.emplace_back(field->str());
    }
  }
}

}  // namespace

Bytes encode_payload(const HandshakePayload& p) {
  pb::Writer w;
  if (!p.identity_key.empty()) w.bytes(kFieldIdentityKey, p.identity_key);
  if (!p.identity_sig.empty()) w.bytes(kFieldIdentitySig, p.identity_sig);
  if (p.extensions) {
    pb::Writer ext;
    for (const Bytes& h : p.extensions->webtransport_certhashes) ext.bytes(kFieldCerthashes, h);
    for (const std::string& m : p.extensions->stream_muxers) ext.string(kFieldMuxers, m);
    w.bytes(kFieldExtensions, ext.out());
  }
  return w.take();
}

Result<HandshakePayload> decode_payload(BytesView in) {
  if (in.size() > kMaxPayloadSize) return make_error_code(goop::Errc::kTooLarge);
  HandshakePayload p;
  pb::Reader r(in);
  for (;;) {
    GOOP_TRY(auto field, r.next());
    if (!field) return p;
    const std::uint32_t n = field->number;
    if (n != kFieldIdentityKey && n != kFieldIdentitySig && n != kFieldExtensions) continue;
    if (field->type != pb::WireType::kLen) return make_error_code(Errc::kInvalidEncoding);
    const BytesView b = field->bytes;
    if (n == kFieldIdentityKey) {
      if (b.size() > kMaxKeyMessage) return make_error_code(goop::Errc::kTooLarge);
      p.identity_key.assign(b.begin(), b.end());
    } else if (n == kFieldIdentitySig) {
      if (b.size() > kMaxSignatureSize) return make_error_code(goop::Errc::kTooLarge);
      p.identity_sig.assign(b.begin(), b.end());
    } else {
      if (!p.extensions) p.extensions.emplace();
      GOOP_TRY_VOID(decode_extensions(b, *p.extensions));
    }
  }
}

HandshakePayload make_payload(const Ed25519PrivateKey& identity, const DhPublic& static_key,
                              const std::vector<std::string>& muxers) {
  HandshakePayload p;
  p.identity_key = marshal_public_key(identity.public_key());
  const Signature sig = identity.sign(static_key_message(static_key));
  p.identity_sig.assign(sig.begin(), sig.end());
  if (!muxers.empty()) p.extensions = NoiseExtensions{{}, muxers};
  return p;
}

Result<PeerId> verify_payload(const HandshakePayload& p, const DhPublic& remote_static) {
  GOOP_TRY(Ed25519PublicKey key, unmarshal_public_key(p.identity_key));
  if (p.identity_sig.size() != kEd25519SignatureSize ||
      !key.verify(static_key_message(remote_static), p.identity_sig)) {
    return make_error_code(Errc::kInvalidSignature);
  }
  return PeerId::from_public_key(key);
}

}  // namespace goop::p2p::noise
