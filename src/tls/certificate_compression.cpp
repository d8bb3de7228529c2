// RFC 8879 section 4: decompressing a CompressedCertificate with zlib (RFC 1950),
// brotli (RFC 7932) or zstd (RFC 8878), each into a buffer of exactly the declared
// uncompressed_length, so hostile input cannot make the output grow past it.
#include "tls/certificate_compression.hpp"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

namespace tlsdissect {

namespace {

constexpr std::uint16_t kZlib = 1, kBrotli = 2, kZstd = 3;

// zlib: inflate into the buffer; the stream must end exactly at its end.
std::string inflate_zlib(Bytes in, std::vector<std::uint8_t>& out) {
    z_stream z{};
    if (inflateInit(&z) != Z_OK) return "zlib could not start";
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const std::size_t produced = out.size() - z.avail_out;
    inflateEnd(&z);
    if (rc == Z_STREAM_END) {
        if (produced != out.size())
            return "zlib data expands to " + std::to_string(produced) + " bytes, not the declared " +
                   std::to_string(out.size());
        return {};
    }
    if (rc == Z_BUF_ERROR && z.avail_out == 0) return "zlib data expands past the declared length";
    return "zlib data is corrupt or cut short";
}

std::string decode_brotli(Bytes in, std::vector<std::uint8_t>& out) {
    BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    if (!s) return "brotli could not start";
    std::size_t avail_in = in.size(), avail_out = out.size();
    const std::uint8_t* next_in = in.data();
    std::uint8_t* next_out = out.data();
    const BrotliDecoderResult rc = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    BrotliDecoderDestroyInstance(s);
    const std::size_t produced = out.size() - avail_out;
    if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
        if (produced != out.size())
            return "brotli data expands to " + std::to_string(produced) + " bytes, not the declared " +
                   std::to_string(out.size());
        return {};
    }
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) return "brotli data expands past the declared length";
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) return "brotli data is cut short";
    return "brotli data is corrupt";
}

std::string decode_zstd(Bytes in, std::vector<std::uint8_t>& out) {
    const std::size_t rc = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
    if (ZSTD_isError(rc)) {
        if (ZSTD_getErrorCode(rc) == ZSTD_error_dstSize_tooSmall) return "zstd data expands past the declared length";
        return std::string("zstd data is corrupt: ") + ZSTD_getErrorName(rc);
    }
    if (rc != out.size())
        return "zstd data expands to " + std::to_string(rc) + " bytes, not the declared " + std::to_string(out.size());
    return {};
}

}  // namespace

DecompressedCertificate decompress_certificate(std::uint16_t algorithm, Bytes compressed,
                                               std::uint32_t uncompressed_length) {
    DecompressedCertificate d;
    if (algorithm != kZlib && algorithm != kBrotli && algorithm != kZstd) {
        d.error = "unknown compression algorithm " + std::to_string(algorithm);
        return d;
    }
    if (uncompressed_length > kMaxDecompressedCertificate) {
        d.error = "declared uncompressed length " + std::to_string(uncompressed_length) + " exceeds the limit of " +
                  std::to_string(kMaxDecompressedCertificate);
        return d;
    }
    d.bytes.resize(uncompressed_length);
    d.error = algorithm == kZlib     ? inflate_zlib(compressed, d.bytes)
              : algorithm == kBrotli ? decode_brotli(compressed, d.bytes)
                                     : decode_zstd(compressed, d.bytes);
    if (!d.error.empty()) d.bytes.clear();
    return d;
}

}  // namespace tlsdissect
