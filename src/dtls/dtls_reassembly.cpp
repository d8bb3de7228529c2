// DTLS handshake message reassembly (see dtls_reassembly.hpp).
#include "dtls/dtls_reassembly.hpp"

#include <algorithm>

namespace tlsdissect {

namespace {

// FNV-1a: only to tell a retransmission (same bytes) from a new message that reuses a
// message_seq (a new handshake), not a security check.
std::uint64_t digest_of_bytes(Bytes b) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::uint8_t c : b) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

std::vector<std::uint8_t> with_header(std::uint8_t type, std::uint16_t seq, Bytes body) {
    const auto n = static_cast<std::uint32_t>(body.size());
    std::vector<std::uint8_t> m = {type,
                                   static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n),
                                   static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq),
                                   0, 0, 0,
                                   static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

}  // namespace

const DtlsHandshakeReassembler::Completed* DtlsHandshakeReassembler::completed(std::uint16_t seq, std::uint8_t type,
                                                                               std::uint32_t length) const {
    for (auto it = completed_.rbegin(); it != completed_.rend(); ++it)
        if (it->message_seq == seq && it->type == type && it->length == length) return &*it;
    return nullptr;
}

void DtlsHandshakeReassembler::drop_oldest() {
    auto oldest = std::min_element(pending_.begin(), pending_.end(),
                                   [](const auto& a, const auto& b) { return a.second.order < b.second.order; });
    if (oldest == pending_.end()) return;
    release(oldest->second.body.size());
    pending_.erase(oldest);
}

DtlsHandshakeReassembler::Outcome DtlsHandshakeReassembler::finish(std::uint16_t seq, Pending& p) {
    Outcome out;
    out.kind = Kind::Complete;
    out.message = with_header(p.type, seq, p.body);
    out.frames = std::move(p.frames);
    out.frame_bytes = std::move(p.frame_bytes);
    completed_.push_back({seq, p.type, p.length, digest_of_bytes(p.body), out.frames.empty() ? 0 : out.frames.back()});
    if (completed_.size() > kMaxDtlsCompletedMessages) completed_.erase(completed_.begin());
    return out;
}

DtlsHandshakeReassembler::Outcome DtlsHandshakeReassembler::add(const DtlsFragment& f) {
    Outcome out;
    const std::uint64_t end = std::uint64_t(f.fragment_offset) + f.data.size();
    if (f.length > kMaxDtlsHandshakeMessage) {
        out.kind = Kind::Rejected;
        out.problem = "handshake message of " + std::to_string(f.length) + " bytes exceeds the reassembly limit of " +
                      std::to_string(kMaxDtlsHandshakeMessage);
        return out;
    }
    if (end > f.length) {
        out.kind = Kind::Rejected;
        out.problem = "fragment ends at byte " + std::to_string(end) + ", past the message length " +
                      std::to_string(f.length);
        return out;
    }
    const bool whole = f.fragment_offset == 0 && f.data.size() == f.length;
    if (const Completed* c = completed(f.message_seq, f.type, f.length)) {
        // A whole message with other bytes under a message_seq already used is a new
        // handshake (message_seq starts again at 0, RFC 6347 section 4.2.2).
        if (!whole || digest_of_bytes(f.data) == c->digest) {
            out.kind = Kind::Retransmission;
            out.first_complete_frame = c->frame;
            return out;
        }
        completed_.clear();
        release(pending_bytes_);
        pending_.clear();
    }
    auto it = pending_.find(f.message_seq);
    if (it != pending_.end() && (it->second.type != f.type || it->second.length != f.length)) {
        out.kind = Kind::Rejected;
        out.problem = "fragment of message_seq " + std::to_string(f.message_seq) +
                      " disagrees with an earlier fragment on the message type or length";
        return out;
    }
    if (whole && it == pending_.end()) {
        Pending p;
        p.type = f.type;
        p.length = f.length;
        p.body.assign(f.data.begin(), f.data.end());
        p.frames.push_back(f.frame);
        p.frame_bytes.push_back(f.length);
        return finish(f.message_seq, p);
    }
    if (it == pending_.end()) {
        while (pending_.size() >= kMaxDtlsPendingMessages ||
               (!pending_.empty() && pending_bytes_ + f.length > kMaxDtlsPendingBytes))
            drop_oldest();
        if (pending_bytes_ + f.length > kMaxDtlsPendingBytes) {
            out.kind = Kind::Rejected;
            out.problem = "no room to reassemble a message of " + std::to_string(f.length) + " bytes";
            return out;
        }
        if (budget_ && budget_->used + f.length > budget_->limit) {
            out.kind = Kind::Rejected;
            out.problem = "the reassembly memory of all DTLS connections (" + std::to_string(budget_->limit) +
                          " bytes) is in use";
            return out;
        }
        Pending p;
        p.type = f.type;
        p.length = f.length;
        p.body.assign(f.length, 0);
        p.order = next_order_++;
        pending_bytes_ += f.length;
        if (budget_) budget_->used += f.length;
        it = pending_.emplace(f.message_seq, std::move(p)).first;
    }
    Pending& p = it->second;
    // Bytes already held stay as they are (the first copy wins); only the gaps are filled.
    const auto begin = f.fragment_offset;
    const auto stop = static_cast<std::uint32_t>(end);
    std::uint32_t at = begin;
    std::uint32_t added = 0;
    for (const auto& [b, e] : p.have) {
        if (e <= at) continue;
        if (b >= stop) break;
        if (b > at) {
            std::copy(f.data.begin() + (at - begin), f.data.begin() + (b - begin), p.body.begin() + at);
            added += b - at;
        }
        at = std::max(at, e);
        if (at >= stop) break;
    }
    if (at < stop) {
        std::copy(f.data.begin() + (at - begin), f.data.begin() + (stop - begin), p.body.begin() + at);
        added += stop - at;
    }
    if (begin < stop) {
        p.have.emplace_back(begin, stop);
        std::sort(p.have.begin(), p.have.end());
        std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
        for (const auto& r : p.have) {
            if (!merged.empty() && r.first <= merged.back().second)
                merged.back().second = std::max(merged.back().second, r.second);
            else
                merged.push_back(r);
        }
        p.have = std::move(merged);
    }
    auto known = std::find(p.frames.begin(), p.frames.end(), f.frame);
    if (known == p.frames.end()) {
        p.frames.push_back(f.frame);
        p.frame_bytes.push_back(added);
    } else {
        p.frame_bytes[static_cast<std::size_t>(known - p.frames.begin())] += added;
    }
    const bool done = f.length == 0 || (p.have.size() == 1 && p.have[0].first == 0 && p.have[0].second == f.length);
    if (!done) {
        out.kind = Kind::Partial;
        return out;
    }
    release(p.body.size());
    Pending taken = std::move(p);
    pending_.erase(it);
    return finish(f.message_seq, taken);
}

}  // namespace tlsdissect
