#pragma once
// 0-RTT ("lazy") multistream-select of one protocol on a muxed stream, like go-multistream's
// lazy client: the dialer does not wait for the listener's answer before sending data.
//
// Executor rule: as for any ByteStream (one reader and one writer at a time, on the stream's
// executor; the reader and the writer may run concurrently).

#include "base/async_event.hpp"
#include "p2p/muxer/muxed_stream.hpp"
#include "p2p/negotiation/codec.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace goop::p2p::multistream {

// A MuxedStream that behaves as `inner` speaking `protocol`:
//  * the first write() sends header + proposal + its data in one write; if the first operation
//    is a read_some() or close_write(), header + proposal are sent at once, alone;
//  * the first read_some() first reads and checks the header echo and the protocol echo (under
//    the negotiation timeout), then reads data. An `na` answer makes that read and every later
//    read and write fail with Errc::kNegotiationFailed; a wrong header or answer with
//    Errc::kProtocolViolation; a silent remote with goop::Errc::kTimeout. Reset it then.
//  * a read_some or close_write cancelled while it checks the echo returns operation_aborted;
//    if the check was cut short, every later operation fails with operation_aborted too
//    (the negotiation is half read, the stream's cancellation stays): reset the stream. Other
//    cancellations are the inner stream's (a cancelled read loses nothing).
// protocol() is `protocol` from the start (optimistic). Owns `inner`; destroying the wrapper
// destroys (and so resets, unless closed) the inner stream.
class LazySelectStream final : public MuxedStream {
 public:
  LazySelectStream(std::unique_ptr<MuxedStream> inner, std::string protocol,
                   std::chrono::steady_clock::duration timeout);

  boost::asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) override;
  boost::asio::awaitable<Result<void>> write(BytesView data) override;
  boost::asio::awaitable<Result<void>> close_write() override;
  void reset() override { inner_->reset(); }
  boost::asio::any_io_executor get_executor() override { return inner_->get_executor(); }
  std::uint32_t id() const noexcept override { return inner_->id(); }

 private:
  enum class Send { kNotSent, kSending, kSent };
  // Sends header + proposal + `data` if nothing was sent yet. Returns true in `sent_now` when
  // it did. Waits if another operation is sending them.
  boost::asio::awaitable<Result<void>> send_proposal(BytesView data, bool& sent_now);

  std::unique_ptr<MuxedStream> inner_;
  std::chrono::steady_clock::duration timeout_;
  Send send_ = Send::kNotSent;
  AsyncEvent sent_;  // notified when send_ leaves kSending
  // The echo check is done once, by the first read_some() or by close_write().
  enum class Echo { kUnchecked, kChecking, kChecked };
  Echo echo_ = Echo::kUnchecked;
  AsyncEvent echo_done_;  // notified when echo_ becomes kChecked
  boost::asio::awaitable<Result<void>> ensure_echo_checked();
  std::optional<error_code> failure_;  // sticky result of the echo check
};

// Wraps `inner` in a LazySelectStream for `protocol`. If `protocol` is not a valid name
// (is_valid_protocol_name), nothing is sent and every operation fails with
// goop::Errc::kInvalidArgument.
std::unique_ptr<MuxedStream> make_lazy_select(
    std::unique_ptr<MuxedStream> inner, std::string protocol,
    std::chrono::steady_clock::duration timeout = kNegotiationTimeout);

}  // namespace goop::p2p::multistream
