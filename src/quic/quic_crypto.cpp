// QUIC packet protection (RFC 9001 sections 5.1-5.4, RFC 9369 section 3.3): HKDF from
// libcrypto (tls_crypto); header protection (AES-ECB or ChaCha20) and the AEAD (AES-GCM,
// ChaCha20-Poly1305) from OpenSSL's EVP interface.
#include <openssl/evp.h>

#include <cstring>

#include "quic/quic.hpp"
#include "tls/openssl_handles.hpp"
#include "tls/tls_crypto.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint32_t kVersion1 = 0x00000001;
constexpr std::uint32_t kVersion2 = 0x6b3343cf;

// RFC 9001 section 5.2, RFC 9369 section 3.3.1, draft-ietf-quic-tls-29 section 5.2.
constexpr std::uint8_t kSaltV1[] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                                    0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
constexpr std::uint8_t kSaltV2[] = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                                    0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};
constexpr std::uint8_t kSaltDraft29[] = {0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
                                         0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99};

// The 5-byte header-protection mask from a 16-byte sample (RFC 9001 sections 5.4.3-5.4.4).
bool hp_mask(const QuicKeys& keys, Bytes sample, std::uint8_t out[16]) {
    EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    int n = 0;
    if (!ctx) return false;
    if (keys.cipher == QuicCipher::Chacha20Poly1305) {
        // ChaCha20 with the sample as counter (4 bytes, little-endian) and nonce: the
        // keystream over five zero bytes.
        static const std::uint8_t kZeros[16] = {};
        return EVP_EncryptInit_ex(ctx.get(), EVP_chacha20(), nullptr, keys.hp.data(), sample.data()) == 1 &&
               EVP_EncryptUpdate(ctx.get(), out, &n, kZeros, 16) == 1 && n == 16;
    }
    const EVP_CIPHER* ecb = keys.cipher == QuicCipher::Aes256Gcm ? EVP_aes_256_ecb() : EVP_aes_128_ecb();
    return EVP_EncryptInit_ex(ctx.get(), ecb, nullptr, keys.hp.data(), nullptr) == 1 &&
           EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
           EVP_EncryptUpdate(ctx.get(), out, &n, sample.data(), 16) == 1 && n == 16;
}

bool aead_open(const QuicKeys& keys, Bytes nonce, Bytes aad, Bytes ciphertext_and_tag, std::vector<std::uint8_t>& out) {
    if (ciphertext_and_tag.size() < 16) return false;
    const Bytes ct = ciphertext_and_tag.first(ciphertext_and_tag.size() - 16);
    const Bytes tag = ciphertext_and_tag.last(16);
    const EVP_CIPHER* aead = keys.cipher == QuicCipher::Chacha20Poly1305 ? EVP_chacha20_poly1305()
                             : keys.cipher == QuicCipher::Aes256Gcm    ? EVP_aes_256_gcm()
                                                                       : EVP_aes_128_gcm();
    EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), aead, nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, keys.key.data(), nonce.data()) != 1)
        return false;
    int n = 0;
    if (EVP_DecryptUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1) return false;
    out.resize(ct.size() + 16);
    if (EVP_DecryptUpdate(ctx.get(), out.data(), &n, ct.data(), static_cast<int>(ct.size())) != 1) return false;
    std::size_t total = static_cast<std::size_t>(n);
    std::vector<std::uint8_t> t(tag.begin(), tag.end());
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, t.data()) != 1) return false;
    if (EVP_DecryptFinal_ex(ctx.get(), out.data() + total, &n) != 1) return false;
    out.resize(total + static_cast<std::size_t>(n));
    return true;
}

bool is_v2(std::uint32_t version) { return version == kVersion2; }

}  // namespace

std::optional<QuicInitialKeys> quic_initial_keys(std::uint32_t version, Bytes client_dcid, bool server) {
    Bytes salt;
    bool v2 = false;
    if (version == kVersion1) {
        salt = kSaltV1;
    } else if (version == kVersion2) {
        salt = kSaltV2;
        v2 = true;
    } else if (version >= 0xff00001d && version <= 0xff000020) {  // drafts 29-32
        salt = kSaltDraft29;
    } else {
        return std::nullopt;
    }
    auto initial = hmac_of("SHA256", salt, client_dcid);  // HKDF-Extract(salt, DCID)
    if (!initial) return std::nullopt;
    auto secret = hkdf_expand_label("SHA256", *initial, server ? "server in" : "client in", {}, 32);
    if (!secret) return std::nullopt;
    auto key = hkdf_expand_label("SHA256", *secret, v2 ? "quicv2 key" : "quic key", {}, 16);
    auto iv = hkdf_expand_label("SHA256", *secret, v2 ? "quicv2 iv" : "quic iv", {}, 12);
    auto hp = hkdf_expand_label("SHA256", *secret, v2 ? "quicv2 hp" : "quic hp", {}, 16);
    if (!key || !iv || !hp) return std::nullopt;
    return QuicKeys{QuicCipher::Aes128Gcm, std::move(*key), std::move(*iv), std::move(*hp)};
}

std::optional<QuicKeys> quic_keys_from_secret(std::uint32_t version, std::uint16_t suite, Bytes secret) {
    QuicKeys k;
    std::string hash = "SHA256";
    std::size_t key_length = 16;
    switch (suite) {
        case 0x1301: break;
        case 0x1302:
            k.cipher = QuicCipher::Aes256Gcm;
            hash = "SHA384";
            key_length = 32;
            break;
        case 0x1303:
            k.cipher = QuicCipher::Chacha20Poly1305;
            key_length = 32;
            break;
        default: return std::nullopt;  // TLS_AES_128_CCM_SHA256 is not used by QUIC stacks here
    }
    const bool v2 = is_v2(version);
    auto key = hkdf_expand_label(hash, secret, v2 ? "quicv2 key" : "quic key", {}, key_length);
    auto iv = hkdf_expand_label(hash, secret, v2 ? "quicv2 iv" : "quic iv", {}, 12);
    auto hp = hkdf_expand_label(hash, secret, v2 ? "quicv2 hp" : "quic hp", {}, key_length);
    if (!key || !iv || !hp) return std::nullopt;
    k.key = std::move(*key);
    k.iv = std::move(*iv);
    k.hp = std::move(*hp);
    return k;
}

std::optional<QuicUnprotected> quic_unprotect(const QuicInitialKeys& keys, Bytes packet, std::size_t pn_offset,
                                              std::uint64_t expected_pn, std::uint64_t& full_pn) {
    // RFC 9001 section 5.4.2: the sample starts 4 bytes after the packet number's start.
    if (packet.size() < pn_offset + 4 + 16) return std::nullopt;
    std::uint8_t mask[16];
    if (!hp_mask(keys, packet.subspan(pn_offset + 4, 16), mask)) return std::nullopt;
    QuicUnprotected u;
    const bool long_header = packet[0] & 0x80;
    u.first_byte = static_cast<std::uint8_t>(packet[0] ^ (mask[0] & (long_header ? 0x0f : 0x1f)));
    u.pn_length = (u.first_byte & 0x03) + 1u;
    std::vector<std::uint8_t> header(packet.begin(), packet.begin() + static_cast<long>(pn_offset + u.pn_length));
    header[0] = u.first_byte;
    for (std::size_t i = 0; i < u.pn_length; ++i) {
        header[pn_offset + i] = static_cast<std::uint8_t>(header[pn_offset + i] ^ mask[1 + i]);
        u.truncated_pn = u.truncated_pn << 8 | header[pn_offset + i];
    }
    // RFC 9000 appendix A.3: the packet number closest to the next expected one.
    const std::uint64_t expected = expected_pn;
    const std::uint64_t win = std::uint64_t{1} << (u.pn_length * 8);
    const std::uint64_t half = win / 2;
    std::uint64_t candidate = (expected & ~(win - 1)) | u.truncated_pn;
    if (candidate + half <= expected && candidate < (std::uint64_t{1} << 62) - win)
        candidate += win;
    else if (candidate > expected + half && candidate >= win)
        candidate -= win;
    full_pn = candidate;
    // RFC 9001 section 5.3: the nonce is the IV xor the packet number.
    std::vector<std::uint8_t> nonce = keys.iv;
    for (std::size_t i = 0; i < 8; ++i) nonce[nonce.size() - 1 - i] ^= static_cast<std::uint8_t>(candidate >> (8 * i));
    if (!aead_open(keys, nonce, header, packet.subspan(pn_offset + u.pn_length), u.plaintext))
        return std::nullopt;
    return u;
}

}  // namespace tlsdissect
