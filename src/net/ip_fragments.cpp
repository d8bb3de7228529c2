#include "net/ip_fragments.hpp"

#include <algorithm>

namespace tlsdissect {

void IpFragmentReassembler::drop(std::map<FragmentKey, Pending>::iterator it) {
    buffered_bytes_ -= it->second.bytes.size();
    pending_.erase(it);
}

void IpFragmentReassembler::expire(std::int64_t now_ns) {
    for (auto it = pending_.begin(); it != pending_.end();) {
        auto next = std::next(it);
        if (now_ns - it->second.last_ts > kFragmentTimeoutNs) drop(it);
        it = next;
    }
    while (pending_.size() > kMaxPendingDatagrams || buffered_bytes_ > kMaxPendingFragmentBytes) {
        auto oldest = std::min_element(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
            return a.second.first_ts < b.second.first_ts;
        });
        if (oldest == pending_.end()) break;
        drop(oldest);
    }
}

FragmentResult IpFragmentReassembler::add(const FragmentKey& key, std::uint64_t frame,
                                          std::int64_t ts_ns, std::uint32_t offset,
                                          bool more_fragments, Bytes data) {
    FragmentResult result;
    const std::size_t end = static_cast<std::size_t>(offset) + data.size();
    if (end > kMaxDatagramBytes) {
        result.state = FragmentResult::State::Dropped;
        result.anomaly = "fragment ends at byte " + std::to_string(end) + ", beyond the largest datagram (" +
                         std::to_string(kMaxDatagramBytes) + ")";
        return result;
    }
    auto [it, inserted] = pending_.try_emplace(key);
    Pending& p = it->second;
    if (inserted) p.first_ts = ts_ns;
    p.last_ts = ts_ns;

    if (!more_fragments) {
        if (p.total >= 0 && static_cast<std::size_t>(p.total) != end) {
            result.anomaly = "two last fragments disagree on the datagram length (" +
                             std::to_string(p.total) + " and " + std::to_string(end) + " bytes)";
        } else if (p.total < 0) {
            p.total = static_cast<std::int64_t>(end);
            // Counted once, when the length becomes known; then kept up to date below.
            p.have_below_total = static_cast<std::size_t>(
                std::count(p.have.begin(), p.have.begin() + static_cast<std::ptrdiff_t>(std::min(p.have.size(), end)),
                           true));
        }
    }
    if (p.bytes.size() < end) {
        buffered_bytes_ += end - p.bytes.size();
        p.bytes.resize(end);
        p.have.resize(end);
    }
    std::size_t conflicts = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
        std::size_t at = offset + i;
        if (p.have[at]) {
            if (p.bytes[at] != data[i]) ++conflicts;  // first arrival wins
            continue;
        }
        p.bytes[at] = data[i];
        p.have[at] = true;
        if (p.total >= 0 && at < static_cast<std::size_t>(p.total)) ++p.have_below_total;
    }
    if (conflicts)
        result.anomaly = "fragment overlaps earlier data with " + std::to_string(conflicts) +
                         " different bytes; the earlier bytes are kept";
    p.pieces.push_back(FragmentPiece{frame, offset, static_cast<std::uint32_t>(data.size())});

    if (p.total >= 0 && p.have_below_total == static_cast<std::size_t>(p.total)) {
        result.state = FragmentResult::State::Complete;
        result.datagram.assign(p.bytes.begin(), p.bytes.begin() + p.total);
        result.pieces = std::move(p.pieces);
        std::stable_sort(result.pieces.begin(), result.pieces.end(),
                         [](const FragmentPiece& a, const FragmentPiece& b) { return a.offset < b.offset; });
        drop(it);
    }
    expire(ts_ns);
    return result;
}

}  // namespace tlsdissect
