// --shard K/N: one of N processes (or machines) sharing one capture takes the
// conversations whose endpoints hash to its share. The hash is of the two endpoints in
// a fixed order (the same both ways, the same on every build and machine), so a
// connection, its DNS transactions' flows and its records all fall in one shard.
#pragma once

#include <cstdint>

#include "core/packet_context.hpp"

namespace tlsdissect {

struct Shard {
    std::uint32_t index = 0;  // 0-based (the command line counts from 1)
    std::uint32_t count = 1;  // 1: everything

    bool all() const { return count <= 1; }
    bool keeps(const NetAddress& a, std::uint16_t a_port, const NetAddress& b, std::uint16_t b_port) const {
        return all() || hash(a, a_port, b, b_port) % count == index;
    }

    // FNV-1a (64-bit) over the lower endpoint, then the higher one: family, address
    // bytes, port (big-endian).
    static std::uint64_t hash(const NetAddress& a, std::uint16_t a_port, const NetAddress& b, std::uint16_t b_port) {
        const bool a_first = a < b || (a == b && a_port <= b_port);
        const NetAddress& lo = a_first ? a : b;
        const NetAddress& hi = a_first ? b : a;
        const std::uint16_t lo_port = a_first ? a_port : b_port;
        const std::uint16_t hi_port = a_first ? b_port : a_port;
        std::uint64_t h = 14695981039346656037ull;
        auto mix = [&h](std::uint8_t byte) {
            h ^= byte;
            h *= 1099511628211ull;
        };
        auto endpoint = [&](const NetAddress& x, std::uint16_t port) {
            mix(x.family);
            const std::size_t n = x.family == 6 ? 16 : 4;
            for (std::size_t i = 0; i < n; ++i) mix(x.bytes[i]);
            mix(static_cast<std::uint8_t>(port >> 8));
            mix(static_cast<std::uint8_t>(port & 0xff));
        };
        endpoint(lo, lo_port);
        endpoint(hi, hi_port);
        return h;
    }
};

}  // namespace tlsdissect
