// Helpers for the TLS unit tests: dissect one handshake message, cut it, change it.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "tls/tls_common.hpp"

namespace tlsdissect::test {

struct TlsHarness {
    CaptureState state;
    Tree tree;
    TlsConnectionFacts facts;
    std::string info;

    // One handshake message (its 4-byte header included) of which the capture kept the
    // first `cut` bytes; `side` 0 is the client.
    void handshake(const std::vector<std::uint8_t>& message, int side, std::size_t cut = SIZE_MAX) {
        dissect(Bytes(message), side, cut, 0);
    }
    // The handshake message inside a record (after the 5-byte record header).
    void message(const std::vector<std::uint8_t>& record, std::size_t cut = SIZE_MAX, int side = 0) {
        dissect(Bytes(record).subspan(5), side, cut, 5);
    }

private:
    void dissect(Bytes body, int side, std::size_t cut, std::size_t base) {
        tree.clear();
        info.clear();
        PacketContext ctx(FrameInfo{}, tree.root(), nullptr, state);
        ByteReader r(body.first(std::min(cut, body.size())), body.size(), base);
        dissect_handshake_message(r, tree.root(), side, facts, ctx, info);
    }
};

// Every proper prefix of `message` (the wire had it all, the capture kept the prefix)
// dissects without a crash, and each anomaly it gives is [Truncated] or [Malformed], the
// first one [Truncated]. `setup` puts the connection state the message needs (negotiated
// version, suite) in place. Returns the cuts that gave no anomaly at all, as ranges
// ("4-51,60"): those within a field that is shown with the bytes there are (verify data,
// padding, a key exchange, an unparsed extension) or read only if present, where the
// dissector does not say yet that the capture was cut.
inline std::string every_prefix_anomalies(const std::vector<std::uint8_t>& message, int side,
                                          const std::function<void(TlsConnectionFacts&)>& setup = {}) {
    std::string silent;
    std::size_t run_start = SIZE_MAX;
    auto close_run = [&](std::size_t end) {
        if (run_start == SIZE_MAX) return;
        if (!silent.empty()) silent += ",";
        silent += std::to_string(run_start);
        if (end - 1 > run_start) silent += "-" + std::to_string(end - 1);
        run_start = SIZE_MAX;
    };
    for (std::size_t n = 0; n < message.size(); ++n) {
        TlsHarness h;
        if (setup) setup(h.facts);
        h.handshake(message, side, n);
        INFO("captured " << n << " of " << message.size() << " bytes");
        const auto a = anomalies(h.tree);
        if (a.empty()) {
            if (run_start == SIZE_MAX) run_start = n;
            continue;
        }
        close_run(n);
        CHECK(a[0].rfind("[Truncated: ", 0) == 0);
        for (const auto& line : a) {
            INFO(line);
            CHECK((line.rfind("[Truncated: ", 0) == 0 || line.rfind("[Malformed: ", 0) == 0));
        }
    }
    close_run(message.size());
    return silent;
}

// Sets a handshake message's uint24 length to what follows its header.
inline void fix_handshake_length(std::vector<std::uint8_t>& message) {
    const std::size_t length = message.size() - 4;
    message.at(1) = static_cast<std::uint8_t>(length >> 16);
    message.at(2) = static_cast<std::uint8_t>(length >> 8);
    message.at(3) = static_cast<std::uint8_t>(length);
}

// `message` with `extra` bytes appended and its length grown to match.
inline std::vector<std::uint8_t> with_trailing_bytes(std::vector<std::uint8_t> message, std::size_t extra) {
    message.insert(message.end(), extra, 0xee);
    fix_handshake_length(message);
    return message;
}

// The one anomaly of a tree ("" when there are none, or several: the check fails on it).
inline std::string only_anomaly(const Tree& tree) {
    const auto a = anomalies(tree);
    INFO(a.size() << " anomalies");
    CHECK(a.size() == 1);
    return a.size() == 1 ? a[0] : std::string();
}

inline void put_u16(std::vector<std::uint8_t>& v, std::size_t at, std::uint16_t value) {
    v.at(at) = static_cast<std::uint8_t>(value >> 8);
    v.at(at + 1) = static_cast<std::uint8_t>(value);
}

// Where `hex` (a field's bytes) first occurs in `message`; fails the test when absent.
inline std::size_t find_bytes(const std::vector<std::uint8_t>& message, const std::string& hex) {
    const auto needle = from_hex(hex);
    auto it = std::search(message.begin(), message.end(), needle.begin(), needle.end());
    REQUIRE(it != message.end());
    return static_cast<std::size_t>(it - message.begin());
}

// The display lines of every node of a field, as the tree shows them.
inline std::vector<std::string> lines(const Tree& tree, std::string_view field) {
    std::vector<std::string> out;
    for (std::size_t i = 1; i < tree.size(); ++i) {
        const Node& n = tree.node(static_cast<std::int32_t>(i));
        if (n.def && n.def->filter == field) out.push_back(display_line(n));
    }
    return out;
}

}  // namespace tlsdissect::test
