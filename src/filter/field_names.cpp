#include "filter/field_names.hpp"

#include <algorithm>
#include <vector>

namespace tlsdissect {

namespace {

constexpr FieldName kFieldNames[] = {
#include "field_names.inc"
};

// A suggestion is at most this many edits away, and one edit per eight characters of
// the name (but always one): "ip.scr" suggests "ip.src", "tls.handshake.tpye" suggests
// "tls.handshake.type", and a field tlsdissect lacks ("tls.handshake.ja3") is not
// answered with an unrelated one ("tls.handshake.data", three edits away).
constexpr std::size_t kMaxSuggestionDistance = 2;

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
// two neighbouring characters each cost one.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = b.size();
    std::vector<std::size_t> before(n + 1), previous(n + 1), current(n + 1);
    for (std::size_t j = 0; j <= n; ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= n; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                current[j] = std::min(current[j], before[j - 2] + 1);
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[n];
}

}  // namespace

std::span<const FieldName> field_names() { return kFieldNames; }

std::span<const FieldName> find_field_name(std::string_view name) {
    // std::equal_range, not std::ranges::equal_range: clang 14 (the fuzz build) cannot
    // compile libstdc++ 12's ranges.
    struct ByName {
        bool operator()(const FieldName& a, std::string_view b) const { return a.name < b; }
        bool operator()(std::string_view a, const FieldName& b) const { return a < b.name; }
    };
    auto found = std::equal_range(std::begin(kFieldNames), std::end(kFieldNames), name, ByName{});
    return {found.first, found.second};
}

std::string_view closest_field_name(std::string_view name) {
    const std::size_t limit = std::clamp<std::size_t>(name.size() / 8, 1, kMaxSuggestionDistance);
    std::string_view best;
    std::size_t best_distance = limit + 1;
    for (const FieldName& f : kFieldNames) {
        const std::size_t length_gap = f.name.size() > name.size() ? f.name.size() - name.size()
                                                                    : name.size() - f.name.size();
        if (length_gap >= best_distance || f.name == best) continue;
        const std::size_t d = edit_distance(name, f.name);
        if (d < best_distance) {
            best = f.name;
            best_distance = d;
        }
    }
    return best;
}

std::string_view type_description(FieldType type) {
    switch (type) {
        case FieldType::None: return "field without a value";
        case FieldType::Protocol: return "protocol";
        case FieldType::UInt: return "unsigned integer";
        case FieldType::Int: return "signed integer";
        case FieldType::Bool: return "boolean";
        case FieldType::Double: return "floating-point number";
        case FieldType::Bytes: return "byte sequence";
        case FieldType::String: return "character string";
        case FieldType::IPv4: return "IPv4 address";
        case FieldType::IPv6: return "IPv6 address";
        case FieldType::Ether: return "Ethernet address";
        case FieldType::AbsTime: return "date and time";
        case FieldType::RelTime: return "time offset";
        case FieldType::FrameNum: return "frame number";
        case FieldType::Expert: return "expert note";
    }
    return "field";
}

}  // namespace tlsdissect
