#include "quic/qpack.hpp"

#include <nghttp3/nghttp3.h>

namespace tlsdissect {

struct QpackDecoder::Impl {
    nghttp3_qpack_decoder* decoder = nullptr;
    std::vector<std::uint8_t> scratch;
    ~Impl() {
        if (decoder) nghttp3_qpack_decoder_del(decoder);
    }
    // The decoder queues the instructions a receiver would send back on its decoder
    // stream (acknowledgments, insert count increments); nothing is sent here, but the
    // queue is emptied so that it does not grow with the connection.
    void drain() {
        const std::size_t n = nghttp3_qpack_decoder_get_decoder_streamlen(decoder);
        if (n == 0) return;
        scratch.resize(n);
        nghttp3_buf b{};
        b.begin = b.pos = b.last = scratch.data();
        b.end = scratch.data() + scratch.size();
        nghttp3_qpack_decoder_write_decoder(decoder, &b);
    }
};

QpackDecoder::QpackDecoder() : impl_(std::make_unique<Impl>()) {
    if (nghttp3_qpack_decoder_new(&impl_->decoder, kQpackMaxTableCapacity, kQpackMaxBlockedStreams,
                                  nghttp3_mem_default()) != 0) {
        impl_->decoder = nullptr;
        failed_ = true;
    }
}

QpackDecoder::~QpackDecoder() = default;

bool QpackDecoder::read_encoder(Bytes data) {
    if (failed_) return false;
    if (data.empty()) return true;
    const nghttp3_ssize n = nghttp3_qpack_decoder_read_encoder(impl_->decoder, data.data(), data.size());
    if (n < 0 || static_cast<std::size_t>(n) != data.size()) failed_ = true;
    if (!failed_) impl_->drain();
    return !failed_;
}

std::uint64_t QpackDecoder::insert_count() const {
    return impl_->decoder ? nghttp3_qpack_decoder_get_icnt(impl_->decoder) : 0;
}

namespace {

std::string text_of(nghttp3_rcbuf* b) {
    const nghttp3_vec v = nghttp3_rcbuf_get_buf(b);
    return std::string(reinterpret_cast<const char*>(v.base), v.len);
}

// One header block's stream context, freed on every path.
struct StreamContext {
    nghttp3_qpack_stream_context* ctx = nullptr;
    ~StreamContext() {
        if (ctx) nghttp3_qpack_stream_context_del(ctx);
    }
};

}  // namespace

QpackFieldSection QpackDecoder::decode(std::int64_t stream_id, Bytes section) {
    QpackFieldSection out;
    out.insert_count = insert_count();
    if (failed_) {
        out.error = "the QPACK encoder stream could not be read";
        return out;
    }
    StreamContext sc;
    if (nghttp3_qpack_stream_context_new(&sc.ctx, stream_id, nghttp3_mem_default()) != 0) {
        out.error = "out of memory";
        return out;
    }
    const std::uint8_t* p = section.data();
    std::size_t left = section.size();
    for (;;) {
        nghttp3_qpack_nv nv{};
        std::uint8_t flags = NGHTTP3_QPACK_DECODE_FLAG_NONE;
        const nghttp3_ssize n = nghttp3_qpack_decoder_read_request(impl_->decoder, sc.ctx, &nv, &flags, p, left, 1);
        if (n < 0) {
            out.error = nghttp3_strerror(static_cast<int>(n));
            out.status = QpackFieldSection::Status::Failed;
            // A header block the decoder cannot read leaves the decoder unusable only
            // for the fatal errors; the others concern this block.
            if (n == NGHTTP3_ERR_QPACK_FATAL) failed_ = true;
            return out;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
        if (flags & NGHTTP3_QPACK_DECODE_FLAG_EMIT) {
            out.fields.emplace_back(text_of(nv.name), text_of(nv.value));
            nghttp3_rcbuf_decref(nv.name);
            nghttp3_rcbuf_decref(nv.value);
        }
        if (flags & NGHTTP3_QPACK_DECODE_FLAG_BLOCKED) {
            out.status = QpackFieldSection::Status::Blocked;
            out.required_insert_count = nghttp3_qpack_stream_context_get_ricnt(sc.ctx);
            return out;  // not waited for: the section is shown where it came
        }
        if (flags & NGHTTP3_QPACK_DECODE_FLAG_FINAL) {
            out.status = QpackFieldSection::Status::Decoded;
            out.required_insert_count = nghttp3_qpack_stream_context_get_ricnt(sc.ctx);
            impl_->drain();
            return out;
        }
        if (n == 0 && !(flags & NGHTTP3_QPACK_DECODE_FLAG_EMIT)) {  // nothing more comes of these bytes
            out.error = "field section cut short";
            return out;
        }
    }
}

}  // namespace tlsdissect
