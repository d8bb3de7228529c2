// Resumption across connections: session IDs and tickets by their bytes (resumption.hpp).
#include "tls/resumption.hpp"

#include "tlsdissect/text.hpp"

namespace tlsdissect {

ResumptionOffer resumption_offer(ResumptionKind kind, Bytes bytes) {
    ResumptionOffer o;
    o.kind = kind;
    o.digest = fnv1a_64(bytes);
    o.size = bytes.size();
    return o;
}

void ResumptionIndex::issued(ResumptionKind kind, Bytes bytes, ResumptionSource source) {
    if (bytes.empty()) return;
    if (keys_.size() >= kMaxResumptionKeys) keys_.clear();
    const ResumptionOffer o = resumption_offer(kind, bytes);
    keys_.try_emplace(Key{kind, o.digest, o.size}, std::move(source));
}

const ResumptionSource* ResumptionIndex::find(const ResumptionOffer& offer) const {
    auto it = keys_.find(Key{offer.kind, offer.digest, offer.size});
    return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace tlsdissect
