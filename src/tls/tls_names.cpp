// Names for TLS values: versions, GREASE (RFC 8701), and lookups in the IANA tables.
#include <algorithm>
#include <cctype>

#include "tls/tls_common.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

const std::uint8_t kHelloRetryRequestRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

std::string tls_version_name(std::uint16_t v) {
    switch (v) {
        case 0x0002: return "SSL 2.0";
        case 0x0300: return "SSL 3.0";
        case 0x0301: return "TLS 1.0";
        case 0x0302: return "TLS 1.1";
        case 0x0303: return "TLS 1.2";
        case 0x0304: return "TLS 1.3";
        case 0xfeff: return "DTLS 1.0";
        case 0xfefd: return "DTLS 1.2";
        case 0xfefc: return "DTLS 1.3";
        default: break;
    }
    if ((v >> 8) == 0x7f) return "TLS 1.3 (draft " + std::to_string(v & 0xff) + ")";
    if ((v & 0xff00) == 0x7e00) return "TLS 1.3 (Facebook draft " + std::to_string(v & 0xff) + ")";
    if (is_grease(v)) return "Reserved (GREASE)";
    return "Unknown";
}

std::string tls_version_short(std::uint16_t v) {
    switch (v) {
        case 0x0002: return "SSLv2";
        case 0x0300: return "SSLv3";
        case 0x0301: return "TLSv1";
        case 0x0302: return "TLSv1.1";
        case 0x0303: return "TLSv1.2";
        case 0x0304: return "TLSv1.3";
        case 0xfeff: return "DTLSv1.0";
        case 0xfefd: return "DTLSv1.2";
        case 0xfefc: return "DTLSv1.3";
        default: break;
    }
    if ((v >> 8) == 0x7f || (v >> 8) == 0x7e) return "TLSv1.3";
    return "TLS";
}

bool is_grease(std::uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

namespace {

std::string_view sorted_lookup(std::span<const ValueName> table, std::uint64_t value) {
    auto it = std::lower_bound(table.begin(), table.end(), value,
                               [](const ValueName& n, std::uint64_t v) { return n.value < v; });
    if (it != table.end() && it->value == value) return it->name;
    return {};
}

}  // namespace

std::string_view iana_name(std::span<const ValueName> table, std::uint64_t value, bool grease_possible) {
    if (grease_possible && value <= 0xffff && is_grease(static_cast<std::uint16_t>(value))) return "Reserved (GREASE)";
    std::string_view name = sorted_lookup(table, value);
    if (!name.empty()) return name;
    return "Unknown";
}

std::string cipher_suite_name(std::uint16_t suite) {
    std::string_view n = iana_name(kTlsCipherSuites, suite, true);
    return n == "Unknown" ? "Unknown (0x" + hex_u16(suite) + ")" : std::string(n);
}

std::string signature_scheme_name(std::uint16_t scheme) {
    std::string n(iana_name(kTlsSignatureSchemes, scheme, true));
    if (n != "Unknown") return n;
    // RFC 5246's pairs: hash md5..sha512 (1-6), signature rsa, dsa or ecdsa (1-3).
    const unsigned hash = scheme >> 8, sig = scheme & 0xff;
    if (hash < 1 || hash > 6 || sig < 1 || sig > 3) return n;
    std::string pair = concat(iana_name(kTlsHashAlgorithms, hash), " ", iana_name(kTlsSignatureAlgorithms, sig));
    for (auto& c : pair) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return pair;
}

std::string handshake_type_name(std::uint8_t type) {
    switch (type) {
        case kHelloRequest: return "Hello Request";
        case kClientHello: return "Client Hello";
        case kServerHello: return "Server Hello";
        case kHelloVerifyRequest: return "Hello Verify Request";
        case kNewSessionTicket: return "New Session Ticket";
        case kEndOfEarlyData: return "End of Early Data";
        case kEncryptedExtensions: return "Encrypted Extensions";
        case kCertificate: return "Certificate";
        case kServerKeyExchange: return "Server Key Exchange";
        case kCertificateRequest: return "Certificate Request";
        case kServerHelloDone: return "Server Hello Done";
        case kCertificateVerify: return "Certificate Verify";
        case kClientKeyExchange: return "Client Key Exchange";
        case kFinished: return "Finished";
        case kCertificateUrl: return "Certificate URL";
        case kCertificateStatus: return "Certificate Status";
        case kKeyUpdate: return "Key Update";
        case kCompressedCertificate: return "Compressed Certificate";
        case kMessageHash: return "Message Hash";
        default: return "Unknown (" + std::to_string(type) + ")";
    }
}

void TlsConnectionFacts::note_offer(ResumptionKind kind, Bytes bytes, bool psk, std::uint16_t identity) {
    if (bytes.empty() || resumption_offers.size() >= kMaxResumptionOffers) return;
    ResumptionOffer o = resumption_offer(kind, bytes);
    o.psk = psk;
    o.identity = identity;
    // A second Client Hello (after a HelloRetryRequest or a DTLS cookie) offers the same again.
    for (const ResumptionOffer& seen : resumption_offers)
        if (seen.kind == o.kind && seen.psk == o.psk && seen.identity == o.identity && seen.digest == o.digest &&
            seen.size == o.size)
            return;
    resumption_offers.push_back(o);
}

const ResumptionOffer* TlsConnectionFacts::resumed_with() const {
    if (!resumed) return nullptr;
    auto first = [&](auto&& accepted) -> const ResumptionOffer* {
        for (const ResumptionOffer& o : resumption_offers)
            if (o.source && accepted(o)) return &o;
        return nullptr;
    };
    // TLS 1.3: the identity the server selected (RFC 8446 4.2.11).
    if (tls13())
        return first([&](const ResumptionOffer& o) { return o.psk && o.identity == selected_psk_identity; });
    // TLS 1.2: a ticket, when one was offered and issued earlier (RFC 5077 3.4: the server
    // then echoes whatever session ID came with it); else the session ID the server echoed.
    if (const ResumptionOffer* t = first([](const ResumptionOffer& o) { return o.kind == ResumptionKind::Ticket && !o.psk; }))
        return t;
    return first([](const ResumptionOffer& o) { return o.kind == ResumptionKind::SessionId; });
}

std::string_view handshake_snake_name(std::uint8_t type) {
    std::string_view n = sorted_lookup(kTlsHandshakeTypes, type);
    return n.empty() ? std::string_view("unknown") : n;
}

}  // namespace tlsdissect
