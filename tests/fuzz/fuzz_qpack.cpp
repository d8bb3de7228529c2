// Fuzz target: QPACK (RFC 9204) as the HTTP/3 dissector uses it: one direction's
// encoder stream fed in pieces, and field sections decoded against the dynamic table
// it built, in any order (a section may come before the entries it needs).
//
// Input: records [u8 kind] [u16 length] [bytes]: kind bit 0 set, a piece of the
// encoder stream; clear, a HEADERS frame's field section on stream 4*i.
#include <cstdint>

#include "fuzz_support.hpp"
#include "quic/qpack.hpp"

using namespace tlsdissect;

namespace {
constexpr int kMaxRecords = 256;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    QpackDecoder decoder;
    std::size_t fields = 0;
    for (int i = 0; i < kMaxRecords && !in.empty(); ++i) {
        const bool encoder = in.u8() & 1;
        const Bytes b = in.bytes(in.u16());
        if (encoder) {
            (void)decoder.read_encoder(b);
            continue;
        }
        const QpackFieldSection fs = decoder.decode(4 * i, b);
        for (const auto& [name, value] : fs.fields) fields += name.size() + value.size();
        if (fs.status == QpackFieldSection::Status::Decoded && fs.required_insert_count > decoder.insert_count())
            __builtin_trap();  // decoded with entries the table does not have
    }
    return fields == SIZE_MAX;
}
