// Resumption across connections: what a server issued to resume with later — a TLS 1.2
// session ID (RFC 5246 7.4.1.3), a session ticket (RFC 5077 3.3, RFC 8446 4.6.1) — kept
// per capture by its bytes with the connection and frame that issued it, so that a later
// connection offering it back (Client Hello session ID, session_ticket extension, TLS 1.3
// pre_shared_key identity, RFC 8446 4.2.11) is linked to that frame as it is dissected.
// The issuing connection must come first in the capture, which it does on the wire.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

// A PSK identity is a ticket: RFC 8446 4.6.1 makes NewSessionTicket.ticket the identity.
enum class ResumptionKind : std::uint8_t { SessionId, Ticket };

// Where a session ID or ticket was issued.
struct ResumptionSource {
    std::string_view transport = "tcp";  // "tcp", "dtls", "quic"
    std::uint32_t stream = 0;            // tcp.stream or udp.stream
    std::uint64_t frame = 0;             // the Server Hello or New Session Ticket
    std::string uid;                     // the issuing connection's --sessions uid
};

// Something a Client Hello offered to resume with, and where it was issued (when an
// earlier connection of the capture issued it).
struct ResumptionOffer {
    ResumptionKind kind = ResumptionKind::SessionId;
    bool psk = false;            // a TLS 1.3 pre_shared_key identity (else the session_ticket extension)
    std::uint16_t identity = 0;  // its index among the PSK identities
    std::uint64_t digest = 0;    // of the bytes offered
    std::size_t size = 0;
    std::optional<ResumptionSource> source;
};

// Offers kept per connection (a Client Hello may list several PSK identities).
inline constexpr std::size_t kMaxResumptionOffers = 8;
// Session IDs and tickets remembered per capture; past it they are forgotten all at once
// (a resumption in a capture comes soon after its issue, and memory stays bounded).
inline constexpr std::size_t kMaxResumptionKeys = 65'536;

// A session ID or ticket by its bytes: the 64-bit FNV-1a digest and the length (a digest
// is enough to recognise the same bytes again; it cannot prove they are the same).
ResumptionOffer resumption_offer(ResumptionKind kind, Bytes bytes);

class ResumptionIndex {
public:
    // A server issued `bytes` at `source` (the first issue of the same bytes is kept).
    void issued(ResumptionKind kind, Bytes bytes, ResumptionSource source);
    // Where the bytes of `offer` were issued, if an earlier connection issued them.
    const ResumptionSource* find(const ResumptionOffer& offer) const;
    std::size_t size() const { return keys_.size(); }

private:
    struct Key {
        ResumptionKind kind;
        std::uint64_t digest;
        std::size_t size;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const { return std::size_t(k.digest ^ (k.size << 1) ^ std::size_t(k.kind)); }
    };
    std::unordered_map<Key, ResumptionSource, KeyHash> keys_;
};

}  // namespace tlsdissect
