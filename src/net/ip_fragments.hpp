// IPv4 and IPv6 fragment reassembly (RFC 791 section 3.2, RFC 8200 section 4.5).
//
// Fragments are buffered per (source, destination, protocol, identification) until
// the datagram is whole. Overlaps keep the bytes that arrived first; an overlap whose
// bytes differ is reported on the fragment that brought them, never silently
// trusted. Buffers are bounded and time out (capture time), oldest first.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/packet_context.hpp"

namespace tlsdissect {

// Limits: a datagram cannot exceed 65535 bytes in IPv4; IPv6 fragments likewise
// carry a 16-bit payload length. Pending datagrams are dropped oldest first beyond
// these counts, or when no fragment arrived for kFragmentTimeoutNs.
inline constexpr std::size_t kMaxDatagramBytes = 65535;
inline constexpr std::size_t kMaxPendingDatagrams = 4096;
inline constexpr std::size_t kMaxPendingFragmentBytes = 32u << 20;
inline constexpr std::int64_t kFragmentTimeoutNs = 60'000'000'000;

struct FragmentKey {
    NetAddress src, dst;
    std::uint32_t id = 0;
    std::uint8_t protocol = 0;
    friend auto operator<=>(const FragmentKey&, const FragmentKey&) = default;
};

struct FragmentPiece {
    std::uint64_t frame = 0;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
};

struct FragmentResult {
    enum class State : std::uint8_t { Incomplete, Complete, Dropped };
    State state = State::Incomplete;
    std::string anomaly;                 // overlap with different data, too large, ...
    std::vector<std::uint8_t> datagram;  // when Complete
    std::vector<FragmentPiece> pieces;   // when Complete, in offset order
};

class IpFragmentReassembler {
public:
    FragmentResult add(const FragmentKey& key, std::uint64_t frame, std::int64_t ts_ns,
                       std::uint32_t offset, bool more_fragments, Bytes data);
    std::size_t pending() const { return pending_.size(); }
    std::size_t buffered_bytes() const { return buffered_bytes_; }

private:
    struct Pending {
        std::vector<std::uint8_t> bytes;
        std::vector<bool> have;
        std::vector<FragmentPiece> pieces;
        std::int64_t first_ts = 0;
        std::int64_t last_ts = 0;
        std::int64_t total = -1;  // known once the last fragment arrived
        // Bytes of [0, total) received, so that completeness is known without a scan.
        std::size_t have_below_total = 0;
    };
    void expire(std::int64_t now_ns);
    void drop(std::map<FragmentKey, Pending>::iterator it);

    std::map<FragmentKey, Pending> pending_;
    std::size_t buffered_bytes_ = 0;
};

}  // namespace tlsdissect
