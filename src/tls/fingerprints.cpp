#include "tls/fingerprints.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/bounded_cache.hpp"
#include "tls/openssl_handles.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

// The digests, fetched from the provider once: EVP_sha256() and EVP_md5() make
// EVP_Digest look the implementation up again on every call (OpenSSL 3), which cost
// more than hashing a fingerprint string.
const EVP_MD* fetched(const char* name) {
    return EVP_MD_fetch(nullptr, name, nullptr);  // kept for the life of the process
}
const EVP_MD* sha256_md() {
    static const EVP_MD* md = fetched("SHA256");
    return md;
}
const EVP_MD* md5_md() {
    static const EVP_MD* md = fetched("MD5");
    return md;
}

std::string digest_hex_uncached(const EVP_MD* md, const std::string& text);

// Fingerprint strings repeat: every connection from the same client software (and
// every JA4 of a browser that shuffles its extensions) hashes the same text. The
// digests are remembered per text, a bounded number of them (the memo is emptied when
// full).
constexpr std::size_t kFingerprintMemoEntries = 4096;

std::string digest_hex(const EVP_MD* md, const std::string& text) {
    static thread_local BoundedCache<std::string, kFingerprintMemoEntries> memo[2];  // SHA-256, MD5
    return memo[md == sha256_md() ? 0 : 1].get_or_make(text, [&] { return digest_hex_uncached(md, text); });
}

std::string digest_hex_uncached(const EVP_MD* md, const std::string& text) {
    // One context per thread, reused: EVP_Digest would allocate and free one per call.
    static thread_local EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!md || !ctx) return {};
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 || EVP_DigestUpdate(ctx.get(), text.data(), text.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out, &len) != 1)
        return {};
    return hex_string(Bytes(out, len));
}

template <typename T>
std::string joined_decimal(const std::vector<T>& values, bool skip_grease) {
    std::string out;
    for (auto v : values) {
        if (skip_grease && is_grease(static_cast<std::uint16_t>(v))) continue;
        if (!out.empty()) out += '-';
        out += std::to_string(v);
    }
    return out;
}

std::vector<std::uint16_t> without_grease(const std::vector<std::uint16_t>& values) {
    std::vector<std::uint16_t> out;
    for (auto v : values)
        if (!is_grease(v)) out.push_back(v);
    return out;
}

std::string joined_hex(const std::vector<std::uint16_t>& values) {
    std::string out;
    for (auto v : values) {
        if (!out.empty()) out += ',';
        out += hex_u16(v);
    }
    return out;
}

std::string sha256_12(const std::string& text) {
    if (text.empty()) return "000000000000";
    return digest_hex(sha256_md(), text).substr(0, 12);
}

std::string two_digits(std::size_t n) {
    n = std::min<std::size_t>(n, 99);
    return (n < 10 ? "0" : "") + std::to_string(n);
}

// JA4 section "TLS version": the highest supported_versions value, else the hello's.
std::string ja4_version(std::uint16_t v) {
    switch (v) {
        case 0x0304: return "13";
        case 0x0303: return "12";
        case 0x0302: return "11";
        case 0x0301: return "10";
        case 0x0300: return "s3";
        case 0x0002: return "s2";
        case 0xfeff: return "d1";
        case 0xfefd: return "d2";
        case 0xfefc: return "d3";
        default: return (v >> 8) == 0x7f ? "13" : "00";
    }
}

// JA4 section "ALPN": first and last character of the first value; when either is
// not an ASCII letter or digit, the first and last hex digit of the value's bytes.
std::string ja4_alpn(const std::vector<std::string>& alpn) {
    if (alpn.empty() || alpn[0].empty()) return "00";
    const std::string& a = alpn[0];
    const auto first = static_cast<unsigned char>(a.front()), last = static_cast<unsigned char>(a.back());
    if (std::isalnum(first) && std::isalnum(last) && first < 0x80 && last < 0x80)
        return std::string{static_cast<char>(first), static_cast<char>(last)};
    const std::string hex = hex_string(Bytes(reinterpret_cast<const std::uint8_t*>(a.data()), a.size()));
    return std::string{hex.front(), hex.back()};
}

// What a fingerprint is computed from, as the bytes of a memo key: a tag, the scalars,
// then each list with its length. Every connection from the same client software has
// the same hello lists, so the fingerprints are remembered per key, not per connection.
constexpr std::size_t kHelloMemoEntries = 1024;

template <typename T>
void append_raw(std::string& key, const T& value) {
    key.append(reinterpret_cast<const char*>(&value), sizeof value);
}
template <typename T>
void append_list(std::string& key, const std::vector<T>& values) {
    append_raw(key, static_cast<std::uint32_t>(values.size()));
    key.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}
void append_first_alpn(std::string& key, const std::vector<std::string>& alpn) {
    const std::string_view first = alpn.empty() ? std::string_view() : std::string_view(alpn[0]);
    append_raw(key, static_cast<std::uint32_t>(first.size()));
    key.append(first);
}
std::string& memo_key(char tag) {
    static thread_local std::string key;
    key.assign(1, tag);
    return key;
}

Fingerprint ja3_uncached(const HelloFacts& h) {
    Fingerprint f;
    f.text = std::to_string(h.version) + "," + joined_decimal(h.cipher_suites, true) + "," +
             joined_decimal(h.extensions, true) + "," + joined_decimal(h.supported_groups, true) + "," +
             joined_decimal(h.ec_point_formats, false);
    f.hash = digest_hex(md5_md(), f.text);
    return f;
}

Fingerprint ja3s_uncached(const HelloFacts& h) {
    Fingerprint f;
    f.text = std::to_string(h.version) + "," + joined_decimal(h.cipher_suites, false) + "," +
             joined_decimal(h.extensions, false);
    f.hash = digest_hex(md5_md(), f.text);
    return f;
}

std::string ja4_uncached(const HelloFacts& h, bool has_sni, char transport) {
    std::uint16_t version = h.version;
    for (auto v : without_grease(h.supported_versions)) version = std::max(version, v);
    const auto ciphers = without_grease(h.cipher_suites);
    const auto extensions = without_grease(h.extensions);
    std::string a = std::string(1, transport) + ja4_version(version) + (has_sni ? "d" : "i") +
                    two_digits(ciphers.size()) + two_digits(extensions.size()) + ja4_alpn(h.alpn);
    auto sorted_ciphers = ciphers;
    std::sort(sorted_ciphers.begin(), sorted_ciphers.end());
    std::vector<std::uint16_t> sorted_ext;
    for (auto e : extensions)
        if (e != 0x0000 && e != 0x0010) sorted_ext.push_back(e);  // SNI and ALPN are in part a
    std::sort(sorted_ext.begin(), sorted_ext.end());
    std::string c_text = joined_hex(sorted_ext);
    const auto sigs = without_grease(h.signature_algorithms);
    if (!sigs.empty()) c_text += "_" + joined_hex(sigs);
    const std::string b = sorted_ciphers.empty() ? "000000000000" : sha256_12(joined_hex(sorted_ciphers));
    const std::string c = sorted_ext.empty() ? "000000000000" : sha256_12(c_text);
    return a + "_" + b + "_" + c;
}

std::string ja4s_uncached(const HelloFacts& h, char transport) {
    std::uint16_t version = h.supported_versions.empty() ? h.version : h.supported_versions.front();
    const std::string a = std::string(1, transport) + ja4_version(version) + two_digits(h.extensions.size()) +
                          ja4_alpn(h.alpn);
    const std::string b = h.cipher_suites.empty() ? "0000" : hex_u16(h.cipher_suites.front());
    const std::string c = h.extensions.empty() ? "000000000000" : sha256_12(joined_hex(h.extensions));
    return a + "_" + b + "_" + c;
}

}  // namespace

Fingerprint ja3(const HelloFacts& h) {
    std::string& key = memo_key('3');
    append_raw(key, h.version);
    append_list(key, h.cipher_suites);
    append_list(key, h.extensions);
    append_list(key, h.supported_groups);
    append_list(key, h.ec_point_formats);
    static thread_local BoundedCache<Fingerprint, kHelloMemoEntries> memo;
    return memo.get_or_make(key, [&] { return ja3_uncached(h); });
}

Fingerprint ja3s(const HelloFacts& h) {
    std::string& key = memo_key('S');
    append_raw(key, h.version);
    append_list(key, h.cipher_suites);
    append_list(key, h.extensions);
    static thread_local BoundedCache<Fingerprint, kHelloMemoEntries> memo;
    return memo.get_or_make(key, [&] { return ja3s_uncached(h); });
}

std::string ja4(const HelloFacts& h, bool has_sni, char transport) {
    std::string& key = memo_key('4');
    key.push_back(transport);
    key.push_back(has_sni ? 'd' : 'i');
    append_raw(key, h.version);
    append_list(key, h.supported_versions);
    append_list(key, h.cipher_suites);
    append_list(key, h.extensions);
    append_list(key, h.signature_algorithms);
    append_first_alpn(key, h.alpn);
    static thread_local BoundedCache<std::string, kHelloMemoEntries> memo;
    return memo.get_or_make(key, [&] { return ja4_uncached(h, has_sni, transport); });
}

std::string ja4s(const HelloFacts& h, char transport) {
    std::string& key = memo_key('s');
    key.push_back(transport);
    append_raw(key, h.version);
    append_list(key, h.supported_versions);
    append_list(key, h.cipher_suites);
    append_list(key, h.extensions);
    append_first_alpn(key, h.alpn);
    static thread_local BoundedCache<std::string, kHelloMemoEntries> memo;
    return memo.get_or_make(key, [&] { return ja4s_uncached(h, transport); });
}

std::string ja4x(const std::string& issuer_oids, const std::string& subject_oids, const std::string& extension_oids) {
    return sha256_12(issuer_oids) + "_" + sha256_12(subject_oids) + "_" + sha256_12(extension_oids);
}

}  // namespace tlsdissect
