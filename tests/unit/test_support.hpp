// Helpers for the unit tests: dissect hand-built frames and look fields up by name.
#pragma once

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

#include "output/field_format.hpp"
#include "tlsdissect/dissect.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect::test {

inline std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> out;
    int nibble = -1;
    for (char c : hex) {
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0) continue;
        if (nibble < 0) {
            nibble = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(nibble << 4 | v));
            nibble = -1;
        }
    }
    return out;
}

// The DER of the first certificate of a PEM text, by OpenSSL; empty when there is none.
template <typename Text>
std::vector<std::uint8_t> der_of_pem(const Text& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* x = bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    unsigned char* der = nullptr;
    const int n = x ? i2d_X509(x, &der) : 0;
    X509_free(x);
    std::vector<std::uint8_t> out;
    if (n > 0) out.assign(der, der + n);
    OPENSSL_free(der);
    return out;
}

// Every value of the named field in the tree, as tshark -T fields prints it.
inline std::vector<std::string> values(const Tree& tree, std::string_view field) {
    std::vector<std::string> out;
    for (std::size_t i = 1; i < tree.size(); ++i) {
        const Node& n = tree.node(static_cast<std::int32_t>(i));
        if (n.def && n.def->filter == field) out.push_back(field_value(n));
    }
    return out;
}

inline std::string value(const Tree& tree, std::string_view field) {
    auto v = values(tree, field);
    return v.empty() ? std::string("<absent>") : v.front();
}

inline bool has(const Tree& tree, std::string_view field) { return !values(tree, field).empty(); }

// The display lines of all anomalies ([Malformed: ...], [Truncated: ...]).
inline std::vector<std::string> anomalies(const Tree& tree) {
    std::vector<std::string> out;
    for (std::size_t i = 1; i < tree.size(); ++i) {
        const Node& n = tree.node(static_cast<std::int32_t>(i));
        if (n.def && (n.def->filter == "_ws.malformed" || n.def->filter == "_ws.short")) out.push_back(display_line(n));
    }
    return out;
}

// Every node under `under`, depth first, one line each with all a printer can see of
// it: depth, field, display line, value (its alternative and tshark's text), place
// (relative to `base`, or "at N" for a generated node without one), source and flags.
// Two subtrees of the same bytes at different offsets give the same lines.
inline void subtree_lines(const Tree& t, std::int32_t under, std::size_t base, int depth,
                          std::vector<std::string>& out) {
    for (std::int32_t c = t.node(under).first_child; c != kNoNode; c = t.node(c).next_sibling) {
        const Node& n = t.node(c);
        const bool placeless = n.generated && n.offset == 0 && n.length == 0;
        std::string line = std::to_string(depth) + " " + std::string(n.def ? n.def->filter : "-") + " | " +
                           display_line(n) + " | " + std::to_string(n.value.index()) + ":" + field_value(n) + " | " +
                           (placeless ? "at 0" : "+" + std::to_string(std::int64_t(n.offset) - std::int64_t(base))) +
                           " len " + std::to_string(n.length) + " src " + std::to_string(n.source) +
                           (n.generated ? " generated" : "") + (n.hidden ? " hidden" : "");
        out.push_back(std::move(line));
        subtree_lines(t, c, base, depth + 1, out);
    }
}
inline std::vector<std::string> subtree_lines(const Tree& t, std::int32_t under, std::size_t base) {
    std::vector<std::string> out;
    subtree_lines(t, under, base, 0, out);
    return out;
}

inline CapturedPacket packet(const std::vector<std::uint8_t>& bytes, std::uint32_t link_type,
                             std::uint32_t original_length = 0, std::int64_t ts_ns = 1'000'000'000) {
    CapturedPacket p;
    p.data = Bytes(bytes);
    p.captured_length = static_cast<std::uint32_t>(bytes.size());
    p.original_length = original_length ? original_length : p.captured_length;
    p.link_type = link_type;
    p.ts_ns = ts_ns;
    return p;
}

}  // namespace tlsdissect::test
