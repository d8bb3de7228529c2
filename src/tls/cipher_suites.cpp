// Cipher-suite decomposition from the IANA name: "TLS_<kx>[_<auth>]_WITH_<cipher>_<mac>"
// (RFC 5246 appendix A.5 and its successors) or "TLS_<cipher>_<hash>" (RFC 8446 B.4).
#include "tls/cipher_suites.hpp"

#include <string_view>
#include <unordered_map>
#include <vector>

#include "tls/tls_common.hpp"

namespace tlsdissect {

namespace {

std::vector<std::string> split_tokens(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find('_', start);
        if (end == std::string_view::npos) end = s.size();
        out.emplace_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// Fills the decryption parameters from the bulk cipher's name.
void describe_encryption(CipherSuiteInfo& info) {
    const std::string& e = info.encryption;
    const bool is_aes = e.rfind("AES_", 0) == 0;
    const bool is_aria = e.rfind("ARIA_", 0) == 0;
    const bool is_camellia = e.rfind("CAMELLIA_", 0) == 0;
    int bits = 0;
    if (contains(e, "_128")) bits = 128;
    if (contains(e, "_256")) bits = 256;
    std::string family = is_aes ? "AES" : is_aria ? "ARIA" : is_camellia ? "CAMELLIA" : "";
    if (e == "NULL") {
        info.mode = CipherMode::Null;
    } else if (e == "CHACHA20_POLY1305") {
        info.mode = CipherMode::ChaCha20Poly1305;
        info.evp_cipher = "ChaCha20-Poly1305";
        info.key_bytes = 32;
        info.fixed_iv_bytes = 12;
        info.tag_bytes = 16;
    } else if (!family.empty() && bits && ends_with(e, "_GCM")) {
        info.mode = CipherMode::Gcm;
        info.evp_cipher = family + "-" + std::to_string(bits) + "-GCM";
        info.key_bytes = bits / 8;
        info.fixed_iv_bytes = 4;
        info.tag_bytes = 16;
    } else if (is_aes && bits && (ends_with(e, "_CCM") || ends_with(e, "_CCM_8"))) {
        info.mode = CipherMode::Ccm;
        info.evp_cipher = "AES-" + std::to_string(bits) + "-CCM";
        info.key_bytes = bits / 8;
        info.fixed_iv_bytes = 4;
        info.tag_bytes = ends_with(e, "_CCM_8") ? 8 : 16;
    } else if (!family.empty() && bits && ends_with(e, "_CBC")) {
        info.mode = CipherMode::Cbc;
        info.evp_cipher = family + "-" + std::to_string(bits) + "-CBC";
        info.key_bytes = bits / 8;
        info.block_bytes = 16;
    } else if (e == "3DES_EDE_CBC") {
        info.mode = CipherMode::Cbc;
        info.evp_cipher = "DES-EDE3-CBC";
        info.key_bytes = 24;
        info.block_bytes = 8;
    } else if (e == "DES_CBC") {
        info.mode = CipherMode::Cbc;
        info.evp_cipher = "DES-CBC";
        info.key_bytes = 8;
        info.block_bytes = 8;
    } else if (e == "SEED_CBC") {
        info.mode = CipherMode::Cbc;
        info.evp_cipher = "SEED-CBC";
        info.key_bytes = 16;
        info.block_bytes = 16;
    } else if (e == "IDEA_CBC") {
        info.mode = CipherMode::Cbc;
        info.evp_cipher = "IDEA-CBC";
        info.key_bytes = 16;
        info.block_bytes = 8;
    } else if (e == "RC4_128") {
        info.mode = CipherMode::Stream;
        info.evp_cipher = "RC4";
        info.key_bytes = 16;
    } else {
        info.mode = CipherMode::Unknown;  // export ciphers, GOST, SM4, ...: named, not decrypted
    }
    if (info.mode == CipherMode::Cbc) info.fixed_iv_bytes = info.block_bytes;
    info.aead = info.mode == CipherMode::Gcm || info.mode == CipherMode::Ccm ||
                info.mode == CipherMode::ChaCha20Poly1305 || contains(e, "_GCM") || contains(e, "_CCM") ||
                contains(e, "POLY1305");
}

void describe_mac(CipherSuiteInfo& info, const std::string& token) {
    if (token == "SHA") {
        info.mac_digest = "SHA1";
        info.mac_bytes = 20;
    } else if (token == "SHA256") {
        info.mac_digest = "SHA256";
        info.mac_bytes = 32;
    } else if (token == "SHA384") {
        info.mac_digest = "SHA384";
        info.mac_bytes = 48;
    } else if (token == "MD5") {
        info.mac_digest = "MD5";
        info.mac_bytes = 16;
    }
}

CipherSuiteInfo describe_uncached(std::uint16_t suite) {
    CipherSuiteInfo info;
    info.name = cipher_suite_name(suite);
    if (info.name.rfind("TLS_", 0) != 0) return info;  // unknown, GREASE, or an SSL 2.0 kind
    if (ends_with(info.name, "_SCSV")) {
        info.signalling = true;
        return info;
    }
    const std::string_view body = std::string_view(info.name).substr(4);
    const std::size_t with = body.find("_WITH_");
    if (with == std::string_view::npos) {
        // TLS 1.3: TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_CCM_8_SHA256,
        // and the integrity-only TLS_SHA256_SHA256 of RFC 9150.
        const std::size_t last = body.rfind('_');
        if (last == std::string_view::npos) return info;
        info.tls13 = true;
        info.key_exchange = "any";
        info.authentication = "any";
        info.encryption = std::string(body.substr(0, last));
        info.prf_hash = std::string(body.substr(last + 1));
        if (info.encryption == info.prf_hash) info.encryption = "NULL";
        info.mac = "AEAD";
        info.forward_secrecy = true;  // with psk_dhe_ke or a full handshake; psk_ke alone is not
        describe_encryption(info);
        if (info.mode == CipherMode::Ccm || info.mode == CipherMode::Gcm) info.fixed_iv_bytes = 12;
        if (info.encryption == "NULL") info.mac = info.prf_hash;
        info.known = true;
        return info;
    }
    const std::vector<std::string> kx = split_tokens(body.substr(0, with));
    const std::string_view right = body.substr(with + 6);
    for (const auto& t : kx)
        if (t.rfind("EXPORT", 0) == 0) info.export_grade = true;
    std::vector<std::string> parts;
    for (const auto& t : kx)
        if (t.rfind("EXPORT", 0) != 0) parts.push_back(t);
    if (parts.empty()) return info;
    if (parts[0] == "SRP") {
        info.key_exchange = "SRP";
        info.authentication = parts.size() >= 3 ? parts[2] : "SRP";
    } else if (parts.size() == 1) {
        info.key_exchange = parts[0];
        info.authentication = parts[0];
    } else {
        info.key_exchange = parts[0];
        info.authentication = parts[1];
        if (parts[1] == "PSK") info.key_exchange = parts[0] + "_PSK";
    }
    info.anonymous = info.authentication == "anon" || info.authentication == "NULL";
    info.forward_secrecy = info.key_exchange.rfind("DHE", 0) == 0 || info.key_exchange.rfind("ECDHE", 0) == 0;

    if (ends_with(right, "_CCM") || ends_with(right, "_CCM_8")) {
        info.encryption = std::string(right);
        info.mac = "AEAD";
        info.prf_hash = "SHA256";
    } else {
        const std::size_t last = right.rfind('_');
        if (last == std::string_view::npos) return info;
        info.encryption = std::string(right.substr(0, last));
        const std::string hash(right.substr(last + 1));
        describe_encryption(info);
        if (info.aead) {
            info.mac = "AEAD";
            info.prf_hash = hash;
        } else {
            info.mac = hash;
            describe_mac(info, hash);
            // RFC 5246 section 5: suites defined before TLS 1.2 use the SHA-256 PRF in TLS 1.2.
            info.prf_hash = hash == "SHA384" ? "SHA384" : hash == "SM3" ? "SM3" : "SHA256";
        }
        if (info.encryption == "NULL" && hash == "NULL") info.mac = "NULL";
        info.known = true;
        return info;
    }
    describe_encryption(info);
    info.known = true;
    return info;
}

}  // namespace

const CipherSuiteInfo& describe_cipher_suite(std::uint16_t suite) {
    // Taken apart once per suite value (the name is parsed, and every connection asks).
    static thread_local std::unordered_map<std::uint16_t, CipherSuiteInfo> known;
    auto it = known.find(suite);
    if (it == known.end()) it = known.emplace(suite, describe_uncached(suite)).first;
    return it->second;
}

bool cipher_is_weak(const CipherSuiteInfo& info) {
    if (!info.known) return false;
    const std::string& e = info.encryption;
    return info.export_grade || info.anonymous || e == "NULL" || contains(e, "RC4") || contains(e, "DES") ||
           contains(e, "RC2") || contains(e, "IDEA") || info.mac == "NULL";
}

}  // namespace tlsdissect
