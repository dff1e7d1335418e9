#pragma once
// multistream-select 1.0 message codec (multiformats/multistream-select README; libp2p specs
// connections/README.md "Protocol Negotiation"). Pure functions over bytes, no I/O.
//
// Every message is uvarint(len(text) + 1) || text || '\n'. The `ls` answer is one message whose
// text is the concatenation of uvarint(len(p) + 1) || p || '\n' for every protocol p, so on the
// wire: uvarint(total) || [uvarint(len) p '\n']* || '\n' (js @libp2p/multistream-select
// handle.js and go-multistream agree on this framing).

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace goop::p2p::multistream {

inline constexpr std::string_view kProtocolId = "/multistream/1.0.0";
inline constexpr std::string_view kNa = "na";
inline constexpr std::string_view kLs = "ls";

// Largest message payload (text + '\n') we read or write: js and go MAX_PROTOCOL_LENGTH.
inline constexpr std::size_t kMaxMessageSize = 1024;
// Longest protocol name, so that name + '\n' fits in kMaxMessageSize.
inline constexpr std::size_t kMaxProtocolLength = kMaxMessageSize - 1;
// Largest `ls` answer payload we accept.
inline constexpr std::size_t kMaxLsResponseSize = 64 * 1024;
// Deadline of a whole negotiation (every read of select_one/handle/list_protocols and the
// lazy stream's echo check).
inline constexpr std::chrono::seconds kNegotiationTimeout{10};
// How many messages (proposals, `ls`) a listener answers before giving up on a dialer.
inline constexpr std::size_t kMaxProposals = 32;

// Whether `name` may be proposed or offered: 1..kMaxProtocolLength bytes, no '\n', and not one
// of the reserved words "na", "ls" or the multistream header itself.
bool is_valid_protocol_name(std::string_view name) noexcept;

// Appends one framed message (uvarint length, text, '\n') to `out`.
void append_message(Bytes& out, std::string_view text);
Bytes encode_message(std::string_view text);

// The text of a message payload (what follows the length prefix): it must end in '\n', which
// is removed. Errors: Errc::kInvalidEncoding if the payload is empty or lacks the '\n'. (Size
// caps are the reader's job: see decode_message and read_message.)
Result<std::string> decode_message_payload(BytesView payload);

struct DecodedMessage {
  std::string text;
  std::size_t size;  // bytes consumed from the input, prefix included
};
// Decodes the first framed message of `in`. Errors: Errc::kTruncated if `in` ends inside it
// (more bytes may complete it), goop::Errc::kTooLarge if its length exceeds `max_size`,
// Errc::kInvalidEncoding for a bad varint or a payload without the trailing '\n'.
Result<DecodedMessage> decode_message(BytesView in, std::size_t max_size = kMaxMessageSize);

// The complete framed `ls` answer listing `protocols`.
Bytes encode_ls_response(const std::vector<std::string>& protocols);
// The protocol list from the text of an `ls` answer (decode_message_payload's result, i.e. the
// entries without the message's final '\n'). Errors: Errc::kInvalidEncoding if an entry is
// malformed (bad varint, overrunning length, no trailing '\n').
Result<std::vector<std::string>> decode_ls_response(std::string_view text);

// A one-element protocol list. (Write `co_await select_one(s, protocol_list(p))`, not
// `{std::string(p)}`: GCC 12 miscompiles braced lists inside co_await arguments.)
inline std::vector<std::string> protocol_list(std::string_view protocol) {
  return {std::string(protocol)};
}

}  // namespace goop::p2p::multistream
