#include "http/hpack.hpp"

#include <nghttp2/nghttp2.h>

namespace tlsdissect {

struct HpackDecoder::Impl {
    nghttp2_hd_inflater* inflater = nullptr;
    ~Impl() {
        if (inflater) nghttp2_hd_inflate_del(inflater);
    }
};

HpackDecoder::HpackDecoder() : impl_(std::make_unique<Impl>()) {
    if (nghttp2_hd_inflate_new(&impl_->inflater) != 0 ||
        nghttp2_hd_inflate_change_table_size(impl_->inflater, kHpackMaxTableSize) != 0)
        failed_ = true;
}

HpackDecoder::~HpackDecoder() = default;

bool HpackDecoder::decode(Bytes block, std::vector<std::pair<std::string, std::string>>& fields, std::string& error) {
    if (failed_) {
        error = "an earlier header block of this direction could not be decoded";
        return false;
    }
    const std::uint8_t* in = block.data();
    std::size_t left = block.size();
    for (;;) {
        nghttp2_nv nv{};
        int flags = 0;
        const ssize_t n = nghttp2_hd_inflate_hd2(impl_->inflater, &nv, &flags, in, left, 1);
        if (n < 0) {
            failed_ = true;
            error = nghttp2_strerror(static_cast<int>(n));
            return false;
        }
        in += n;
        left -= static_cast<std::size_t>(n);
        if (flags & NGHTTP2_HD_INFLATE_EMIT)
            fields.emplace_back(std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                                std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen));
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(impl_->inflater);
            return true;
        }
        if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && left == 0) {
            failed_ = true;
            error = "the header block ends in the middle of a field";
            return false;
        }
    }
}

}  // namespace tlsdissect
