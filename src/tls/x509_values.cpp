// Text, OIDs and the values of single DER elements, each decoded by OpenSSL's ASN.1
// functions (the DER walker never interprets content octets itself).
#include "tls/x509_walk.hpp"

namespace tlsdissect::x509_detail {

// ---------------------------------------------------------------------------------------
// Text.

// Certificate strings end up on terminals: C0 controls, DEL and C1 controls (U+0080 to
// U+009F, which some terminals obey as escape sequences) are shown escaped.
std::string printable(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        if (b < 0x20 || b == 0x7f) {
            out += "\\x" + hex_u8(b);
        } else if (b == 0xc2 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(utf8[i + 1]) <= 0x9f) {
            out += "\\u00" + hex_u8(static_cast<unsigned char>(utf8[i + 1]));
            ++i;
        } else {
            out.push_back(static_cast<char>(b));
        }
    }
    return out;
}

// Bytes that are not valid in their string type: ASCII as is, the rest as \xNN.
std::string escaped_bytes(Bytes bytes) {
    std::string out;
    for (auto b : bytes) {
        if (b >= 0x20 && b < 0x7f)
            out.push_back(static_cast<char>(b));
        else
            out += "\\x" + hex_u8(b);
    }
    return out;
}

std::string hex_label(Bytes bytes) {
    if (bytes.size() <= kLabelBytes) return hex_string(bytes);
    return hex_string(bytes.first(kLabelBytes)) + "\xe2\x80\xa6";
}

std::string items(std::size_t n) { return std::to_string(n) + (n == 1 ? " item" : " items"); }

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

std::string iso_time(const std::tm& tm) {
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::int64_t epoch_seconds(std::tm tm) { return static_cast<std::int64_t>(timegm(&tm)); }

// ---------------------------------------------------------------------------------------
// Values of single elements, decoded by OpenSSL.


// ASN.1 value names begin with a lowercase letter: "OCSP" -> "ocsp", "CA" -> "ca".
std::string asn1_identifier(std::string_view sn) {
    std::string out(sn);
    const bool all_upper = std::none_of(out.begin(), out.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (all_upper) {
        std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
    } else if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') {
        out[0] = static_cast<char>(out[0] - 'A' + 'a');
    }
    return out;
}

std::string dotted_oid(const ASN1_OBJECT* obj) {
    const int n = OBJ_obj2txt(nullptr, 0, obj, 1);
    if (n <= 0) return {};
    std::string out(static_cast<std::size_t>(n) + 1, '\0');
    OBJ_obj2txt(out.data(), n + 1, obj, 1);
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// OpenSSL's name for an OID, written the way RFC 5280's ASN.1 modules (and Wireshark)
// name the arcs X.509 uses most: id-at-commonName, id-ce-keyUsage, id-pe-authorityInfoAccess,
// id-kp-serverAuth, id-ad-ocsp. Elsewhere OpenSSL's long name (sha256WithRSAEncryption).
std::string oid_name(int nid, std::string_view dotted) {
    if (nid == NID_undef) return {};
    const char* sn = OBJ_nid2sn(nid);
    const char* ln = OBJ_nid2ln(nid);
    struct Arc {
        std::string_view prefix, module;
        bool long_name;
    };
    static constexpr Arc kArcs[] = {
        {"2.5.4.", "id-at-", true},          {"2.5.29.", "id-ce-", false},
        {"1.3.6.1.5.5.7.1.", "id-pe-", false}, {"1.3.6.1.5.5.7.2.", "id-qt-", false},
        {"1.3.6.1.5.5.7.3.", "id-kp-", false}, {"1.3.6.1.5.5.7.48.", "id-ad-", false},
    };
    for (const auto& arc : kArcs) {
        if (!dotted.starts_with(arc.prefix)) continue;
        const char* name = arc.long_name ? ln : sn;
        if (!name) break;
        std::string_view n(name);
        if (n.starts_with("id-")) return std::string(n);
        return std::string(arc.module) + asn1_identifier(n);
    }
    if (ln) return ln;
    return sn ? sn : "";
}

Oid describe_oid(const ASN1_OBJECT* obj) {
    Oid o;
    o.dotted = dotted_oid(obj);
    o.nid = OBJ_obj2nid(obj);
    o.name = oid_name(o.nid, o.dotted);
    return o;
}

std::optional<Oid> decode_oid_uncached(Bytes content);

// OIDs decoded, remembered by their content octets: a certificate holds a few dozen,
// nearly all of them the same in every certificate (about a third of the time spent
// walking a certificate went to OpenSSL's OID text). Bounded: emptied when full.
constexpr std::size_t kDecodedOidEntries = 4096;

// The content octets of an OBJECT IDENTIFIER (universal or implicitly tagged).
std::optional<Oid> decode_oid(Bytes content) {
    static thread_local BoundedCache<std::optional<Oid>, kDecodedOidEntries> memo;
    const std::string_view key(reinterpret_cast<const char*>(content.data()), content.size());
    return memo.get_or_make(key, [&] { return decode_oid_uncached(content); });
}

// OpenSSL 3.0 decodes OIDs only with their universal header, so the content gets one.
std::optional<Oid> decode_oid_uncached(Bytes content) {
    if (content.empty() || content.size() > 0xffffff) return std::nullopt;
    std::vector<std::uint8_t> der{static_cast<std::uint8_t>(tag::kOid)};
    if (content.size() < 0x80) {
        der.push_back(static_cast<std::uint8_t>(content.size()));
    } else {
        const std::size_t n = content.size();
        const std::uint8_t octets = n > 0xffff ? 3 : n > 0xff ? 2 : 1;
        der.push_back(static_cast<std::uint8_t>(0x80 | octets));
        for (int i = octets - 1; i >= 0; --i) der.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    }
    der.insert(der.end(), content.begin(), content.end());
    const unsigned char* p = der.data();
    Asn1ObjectPtr obj(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(der.size())));
    if (!obj) return std::nullopt;
    Oid o = describe_oid(obj.get());
    if (o.dotted.empty()) return std::nullopt;
    return o;
}


// Content octets of a string of ASN.1 type `type` (V_ASN1_UTF8STRING, V_ASN1_BMPSTRING,
// ...), as UTF-8 for display. Invalid encodings come back escaped and flagged.
DecodedString decode_string(int type, Bytes content) {
    DecodedString out;
    Asn1StringPtr s(ASN1_STRING_type_new(type));
    unsigned char* utf8 = nullptr;
    int n = -1;
    if (s && content.size() <= INT_MAX &&
        ASN1_STRING_set(s.get(), content.data(), static_cast<int>(content.size())) == 1)
        n = ASN1_STRING_to_UTF8(&utf8, s.get());
    if (n < 0) {
        out.text = escaped_bytes(content);
        out.valid = false;
        return out;
    }
    OpensslBytesPtr hold(utf8);
    out.text = printable(std::string_view(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n)));
    return out;
}

std::optional<std::tm> decode_time(const Element& e) {
    const unsigned char* p = e.encoding.data();
    Asn1TimePtr t(d2i_ASN1_TIME(nullptr, &p, static_cast<long>(e.encoding.size())));
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t.get(), &tm) != 1) return std::nullopt;
    return tm;
}

std::optional<std::uint64_t> decode_unsigned(const Element& e) {
    const unsigned char* p = e.encoding.data();
    Asn1IntegerPtr i(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(e.encoding.size())));
    std::uint64_t v = 0;
    if (!i || ASN1_INTEGER_get_uint64(&v, i.get()) != 1) return std::nullopt;
    return v;
}

bool valid_integer(const Element& e) {
    const unsigned char* p = e.encoding.data();
    Asn1IntegerPtr i(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(e.encoding.size())));
    return i != nullptr;
}

std::optional<bool> decode_boolean(const Element& e) {
    const unsigned char* p = e.encoding.data();
    Asn1TypePtr t(d2i_ASN1_TYPE(nullptr, &p, static_cast<long>(e.encoding.size())));
    if (!t || ASN1_TYPE_get(t.get()) != V_ASN1_BOOLEAN) return std::nullopt;
    return t->value.boolean != 0;
}

Asn1BitStringPtr decode_bit_string(const Element& e) {
    const unsigned char* p = e.encoding.data();
    return Asn1BitStringPtr(d2i_ASN1_BIT_STRING(nullptr, &p, static_cast<long>(e.encoding.size())));
}

}  // namespace tlsdissect::x509_detail
