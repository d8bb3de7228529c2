// RFC 8879 certificate compression: the Certificate message inside a
// CompressedCertificate, decompressed with zlib (1), brotli (2) or zstd (3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

// The most a CompressedCertificate may expand to. Its uncompressed_length is a uint24
// (16 MiB); a real chain is a few KiB, and a Certificate sent uncompressed is bounded
// by the handshake reassembly limit, which this matches (kMaxHandshakeMessage).
inline constexpr std::size_t kMaxDecompressedCertificate = 256 * 1024;

struct DecompressedCertificate {
    std::vector<std::uint8_t> bytes;  // exactly uncompressed_length bytes when `error` is empty
    std::string error;                // why it could not be decompressed
};

// Decompresses `compressed` with `algorithm` into at most `uncompressed_length` bytes
// (RFC 8879 section 4: a different length is an error, as is more than
// kMaxDecompressedCertificate). Never writes more than that bound.
DecompressedCertificate decompress_certificate(std::uint16_t algorithm, Bytes compressed,
                                               std::uint32_t uncompressed_length);

}  // namespace tlsdissect
