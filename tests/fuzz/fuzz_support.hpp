// Shared by the libFuzzer targets: the engine state a PacketContext needs, a small
// cursor over the fuzzer's input for the targets whose input is a sequence of
// operations, and a renderer that turns every node into text the way the printers do
// (so formatting code runs on whatever the dissectors produced).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/packet_context.hpp"
#include "engine/protocols.hpp"
#include "output/field_format.hpp"
#include "output/printers.hpp"
#include "transport/conversations.hpp"
#include "transport/tcp_reassembler.hpp"

namespace tlsdissect::fuzz {

// A failed invariant: abort, so libFuzzer keeps the input as a crash.
#define FUZZ_CHECK(cond)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                    \
        }                                                                                    \
    } while (0)

// Per-capture state and every protocol registered, for targets that call a layer or an
// application directly with a PacketContext.
struct Engine {
    Engine() { register_all_protocols(tables); }
    PacketContext context(Tree* tree, PacketColumns* columns, std::uint64_t frame_number, std::int64_t ts_ns) {
        FrameInfo info;
        info.number = frame_number;
        info.ts_ns = ts_ns;
        NodeRef root = tree ? tree->root() : NodeRef{};
        return PacketContext(info, root, columns, state, &tables);
    }
    DissectorTables tables;
    CaptureState state;
};

// Reads the fuzzer's input as a stream of small integers and byte strings; past the
// end every read yields zeros / empty, so any input decodes to something.
class InputCursor {
public:
    InputCursor(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const { return pos_ >= size_; }
    std::size_t remaining() const { return pos_ < size_ ? size_ - pos_ : 0; }
    std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
    std::uint8_t peek() const { return pos_ < size_ ? data_[pos_] : 0; }
    std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(u16()) << 16 | u16(); }
    // Up to n bytes (fewer at the end of the input).
    Bytes bytes(std::size_t n) {
        const std::size_t k = n < remaining() ? n : remaining();
        Bytes out(data_ + pos_, k);
        pos_ += k;
        return out;
    }
    Bytes rest() { return bytes(remaining()); }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

// Every line the tree printer would show and every value `-e` would print, plus the
// hex dump of all data sources. The result is only measured, so the work is not
// optimised away.
inline std::size_t render(const Tree& tree) {
    std::size_t total = 0;
    for (std::size_t i = 1; i < tree.size(); ++i) {
        const Node& n = tree.node(static_cast<std::int32_t>(i));
        FUZZ_CHECK(n.def != nullptr);
        // Offsets refer to the frame or to a data source the tree holds.
        FUZZ_CHECK(n.source == 0 || n.source <= tree.extra_sources.size());
        total += display_line(n).size();
        total += field_value(n).size();
    }
    std::string hex;
    append_hex_dump(hex, tree);
    return total + hex.size();
}

// Output that goes nowhere, for the printers.
inline std::FILE* null_output() {
    static std::FILE* f = std::fopen("/dev/null", "w");
    return f;
}

}  // namespace tlsdissect::fuzz
