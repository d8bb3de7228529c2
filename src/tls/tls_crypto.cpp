// Record-protection cryptography for decryption with key logs; every primitive comes
// from OpenSSL (EVP_KDF TLS1-PRF and HKDF, EVP_MAC HMAC, EVP ciphers).
#include "tls/tls_crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include <cstring>

#include "tls/openssl_handles.hpp"

namespace tlsdissect {

namespace {


unsigned char* mutable_bytes(Bytes b) { return const_cast<unsigned char*>(b.data()); }

void put_u64(std::uint8_t* out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) {
        out[i] = static_cast<std::uint8_t>(v);
        v >>= 8;
    }
}

// The nonce of TLS 1.3 and of ChaCha20-Poly1305 in TLS 1.2: the IV xor the padded sequence number.
std::vector<std::uint8_t> xor_nonce(const std::vector<std::uint8_t>& iv, std::uint64_t seq) {
    std::vector<std::uint8_t> nonce = iv;
    std::uint8_t s[8];
    put_u64(s, seq);
    for (std::size_t i = 0; i < 8 && i < nonce.size(); ++i) nonce[nonce.size() - 8 + i] ^= s[i];
    return nonce;
}

// One AEAD open: GCM, CCM or ChaCha20-Poly1305. False when the tag does not verify.
// RC4 and other legacy ciphers live in OpenSSL 3's legacy provider: it is loaded the
// first time a cipher is missing (with the default provider, which loading a provider
// by hand would otherwise leave out).
struct LegacyProviders {
    OSSL_PROVIDER* base = OSSL_PROVIDER_load(nullptr, "default");
    OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
    ~LegacyProviders() {
        if (legacy) OSSL_PROVIDER_unload(legacy);
        if (base) OSSL_PROVIDER_unload(base);
    }
};

EVP_CIPHER* fetch_cipher(const std::string& name) {
    if (EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr)) return c;
    static const LegacyProviders providers;
    return providers.legacy ? EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr) : nullptr;
}

bool aead_open(const EVP_CIPHER* cipher, CipherMode mode, const std::vector<std::uint8_t>& key,
               const std::vector<std::uint8_t>& nonce, Bytes aad, Bytes ciphertext, Bytes tag,
               std::vector<std::uint8_t>& out) {
    EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx || ciphertext.size() > INT32_MAX || aad.size() > INT32_MAX) return false;
    int len = 0;
    const int n = static_cast<int>(ciphertext.size());
    out.assign(ciphertext.size() + 16, 0);
    if (EVP_DecryptInit_ex2(ctx.get(), cipher, nullptr, nullptr, nullptr) != 1) return false;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1) return false;
    if (mode == CipherMode::Ccm &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()), mutable_bytes(tag)) != 1)
        return false;
    if (EVP_DecryptInit_ex2(ctx.get(), nullptr, key.data(), nonce.data(), nullptr) != 1) return false;
    if (mode == CipherMode::Ccm && EVP_DecryptUpdate(ctx.get(), nullptr, &len, nullptr, n) != 1) return false;
    if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
        return false;
    if (mode == CipherMode::Ccm) {
        // CCM checks the tag in the update call.
        if (EVP_DecryptUpdate(ctx.get(), out.data(), &len, ciphertext.data(), n) != 1) return false;
        out.resize(static_cast<std::size_t>(len));
        return true;
    }
    if (n > 0 && EVP_DecryptUpdate(ctx.get(), out.data(), &len, ciphertext.data(), n) != 1) return false;
    int total = n > 0 ? len : 0;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()), mutable_bytes(tag)) != 1)
        return false;
    if (EVP_DecryptFinal_ex(ctx.get(), out.data() + total, &len) != 1) return false;
    out.resize(static_cast<std::size_t>(total + len));
    return true;
}

class AeadDecryptor final : public RecordDecryptor {
public:
    AeadDecryptor(EvpCipherPtr cipher, const CipherSuiteInfo& suite, bool tls13, Bytes key, Bytes iv)
        : cipher_(std::move(cipher)), mode_(suite.mode), tag_(static_cast<std::size_t>(suite.tag_bytes)),
          tls13_(tls13), key_(key.begin(), key.end()), iv_(iv.begin(), iv.end()) {
        label_ = suite.evp_cipher;
    }

    DecryptedRecord decrypt(std::uint8_t type, std::uint16_t version, Bytes fragment) override {
        DecryptedRecord r;
        const std::uint64_t seq = seq_++;
        std::vector<std::uint8_t> nonce;
        Bytes body = fragment;
        if (tls13_ || mode_ == CipherMode::ChaCha20Poly1305) {
            nonce = xor_nonce(iv_, seq);
        } else {
            // TLS 1.2 GCM and CCM (RFC 5288 section 3, RFC 6655 section 3): 4 implicit bytes
            // from the key block, 8 explicit bytes in front of the ciphertext.
            if (body.size() < 8) {
                r.error = "record shorter than its explicit nonce";
                return r;
            }
            nonce = iv_;
            nonce.insert(nonce.end(), body.begin(), body.begin() + 8);
            body = body.subspan(8);
        }
        if (body.size() < tag_) {
            r.error = "record shorter than its authentication tag";
            return r;
        }
        Bytes ciphertext = body.first(body.size() - tag_);
        Bytes tag = body.subspan(body.size() - tag_);
        std::uint8_t aad[13];
        std::size_t aad_len = 0;
        if (tls13_) {
            // RFC 8446 section 5.2: the additional data is the record header.
            aad[0] = type;
            aad[1] = static_cast<std::uint8_t>(version >> 8);
            aad[2] = static_cast<std::uint8_t>(version);
            aad[3] = static_cast<std::uint8_t>(fragment.size() >> 8);
            aad[4] = static_cast<std::uint8_t>(fragment.size());
            aad_len = 5;
        } else {
            // RFC 5246 section 6.2.3.3: seq_num + type + version + plaintext length.
            put_u64(aad, seq);
            aad[8] = type;
            aad[9] = static_cast<std::uint8_t>(version >> 8);
            aad[10] = static_cast<std::uint8_t>(version);
            aad[11] = static_cast<std::uint8_t>(ciphertext.size() >> 8);
            aad[12] = static_cast<std::uint8_t>(ciphertext.size());
            aad_len = 13;
        }
        if (!aead_open(cipher_.get(), mode_, key_, nonce, Bytes(aad, aad_len), ciphertext, tag, r.plaintext)) {
            r.plaintext.clear();
            r.error = "authentication tag mismatch (wrong key, or the record was altered)";
            return r;
        }
        r.content_type = type;
        if (tls13_) {
            // TLSInnerPlaintext: content, the real type, then zero padding.
            while (!r.plaintext.empty() && r.plaintext.back() == 0) r.plaintext.pop_back();
            if (r.plaintext.empty()) {
                r.error = "decrypted record has no inner content type";
                return r;
            }
            r.content_type = r.plaintext.back();
            r.plaintext.pop_back();
        }
        r.ok = true;
        return r;
    }

private:
    EvpCipherPtr cipher_;
    CipherMode mode_;
    std::size_t tag_;
    bool tls13_;
    std::vector<std::uint8_t> key_, iv_;
};

// CBC and stream ciphers with HMAC: MAC-then-encrypt (RFC 5246 6.2.3.1-2) or
// encrypt-then-MAC (RFC 7366).
class MacCipherDecryptor final : public RecordDecryptor {
public:
    MacCipherDecryptor(EvpCipherPtr cipher, const CipherSuiteInfo& suite, std::uint16_t version, Bytes key,
                       Bytes iv, Bytes mac_key, bool etm)
        : cipher_(std::move(cipher)), mode_(suite.mode), block_(static_cast<std::size_t>(suite.block_bytes)),
          mac_len_(static_cast<std::size_t>(suite.mac_bytes)), digest_(suite.mac_digest), version_(version),
          etm_(etm && suite.mode == CipherMode::Cbc), key_(key.begin(), key.end()), iv_(iv.begin(), iv.end()),
          mac_key_(mac_key.begin(), mac_key.end()) {
        label_ = suite.evp_cipher + " + HMAC-" + suite.mac_digest + (etm_ ? " (encrypt-then-MAC)" : "");
        if (mode_ == CipherMode::Stream || mode_ == CipherMode::Null) {
            stream_.reset(EVP_CIPHER_CTX_new());
            if (stream_ && mode_ == CipherMode::Stream &&
                EVP_DecryptInit_ex2(stream_.get(), cipher_.get(), key_.data(), nullptr, nullptr) != 1)
                stream_.reset();
        }
    }

    DecryptedRecord decrypt(std::uint8_t type, std::uint16_t version, Bytes fragment) override {
        DecryptedRecord r;
        r.content_type = type;
        const std::uint64_t seq = seq_++;
        auto mac_input = [&](Bytes content) {
            std::vector<std::uint8_t> m(13);
            put_u64(m.data(), seq);
            m[8] = type;
            m[9] = static_cast<std::uint8_t>(version >> 8);
            m[10] = static_cast<std::uint8_t>(version);
            m[11] = static_cast<std::uint8_t>(content.size() >> 8);
            m[12] = static_cast<std::uint8_t>(content.size());
            m.insert(m.end(), content.begin(), content.end());
            return m;
        };
        Bytes body = fragment;
        if (etm_) {
            if (body.size() < mac_len_) {
                r.error = "record shorter than its MAC";
                return r;
            }
            Bytes sent = body.subspan(body.size() - mac_len_);
            body = body.first(body.size() - mac_len_);
            auto mac = hmac_of(digest_, mac_key_, mac_input(body));
            if (!mac || !std::equal(mac->begin(), mac->end(), sent.begin(), sent.end())) {
                r.error = "MAC mismatch (wrong key, or the record was altered)";
                return r;
            }
        }
        std::vector<std::uint8_t> plain;
        if (mode_ == CipherMode::Cbc) {
            Bytes iv = iv_;
            // TLS 1.1 and later carry the IV in front of each record (RFC 4346 section 6.2.3.2).
            if (version_ >= 0x0302) {
                if (body.size() < block_) {
                    r.error = "record shorter than its IV";
                    return r;
                }
                iv = body.first(block_);
                body = body.subspan(block_);
            }
            if (body.empty() || body.size() % block_ != 0) {
                r.error = "ciphertext is not a whole number of blocks";
                return r;
            }
            EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
            int len = 0;
            plain.assign(body.size() + block_, 0);
            if (!ctx || EVP_DecryptInit_ex2(ctx.get(), cipher_.get(), key_.data(), iv.data(), nullptr) != 1 ||
                EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
                EVP_DecryptUpdate(ctx.get(), plain.data(), &len, body.data(), static_cast<int>(body.size())) != 1) {
                r.error = "the cipher failed";
                return r;
            }
            plain.resize(static_cast<std::size_t>(len));
            if (version_ < 0x0302) next_iv_.assign(body.end() - static_cast<long>(block_), body.end());
            const std::size_t pad = plain.back();
            bool pad_ok = pad + 1 <= plain.size();
            for (std::size_t i = 0; pad_ok && i < pad; ++i) pad_ok = plain[plain.size() - 2 - i] == pad;
            if (version_ < 0x0302) iv_ = next_iv_;
            if (!pad_ok) {
                r.error = "bad CBC padding (wrong key, or the record was altered)";
                return r;
            }
            plain.resize(plain.size() - pad - 1);
        } else if (mode_ == CipherMode::Stream) {
            int len = 0;
            plain.assign(body.size(), 0);
            if (!stream_ || (body.size() && EVP_DecryptUpdate(stream_.get(), plain.data(), &len, body.data(),
                                                              static_cast<int>(body.size())) != 1)) {
                r.error = "the cipher failed";
                return r;
            }
        } else {
            plain.assign(body.begin(), body.end());  // NULL encryption
        }
        if (!etm_) {
            if (plain.size() < mac_len_) {
                r.error = "record shorter than its MAC (wrong key?)";
                return r;
            }
            Bytes content(plain.data(), plain.size() - mac_len_);
            Bytes sent(plain.data() + content.size(), mac_len_);
            auto mac = hmac_of(digest_, mac_key_, mac_input(content));
            if (!mac || !std::equal(mac->begin(), mac->end(), sent.begin(), sent.end())) {
                r.error = "MAC mismatch (wrong key, or the record was altered)";
                return r;
            }
            plain.resize(content.size());
        }
        r.plaintext = std::move(plain);
        r.ok = true;
        return r;
    }

private:
    EvpCipherPtr cipher_;
    EvpCipherCtxPtr stream_;
    CipherMode mode_;
    std::size_t block_, mac_len_;
    std::string digest_;
    std::uint16_t version_;
    bool etm_;
    std::vector<std::uint8_t> key_, iv_, next_iv_, mac_key_;
};

std::optional<Secret> run_kdf(const char* name, OSSL_PARAM* params, std::size_t length) {
    EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, name, nullptr));
    if (!kdf) return std::nullopt;
    EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
    if (!ctx) return std::nullopt;
    Secret out(length);
    if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) return std::nullopt;
    return out;
}

}  // namespace

std::size_t digest_length(const std::string& hash) {
    EvpMdPtr md(EVP_MD_fetch(nullptr, hash.c_str(), nullptr));
    return md ? static_cast<std::size_t>(EVP_MD_get_size(md.get())) : 0;
}

std::optional<Secret> tls_prf(std::uint16_t version, const std::string& prf_hash, Bytes secret, std::string_view label,
                              Bytes seed, std::size_t length) {
    std::string digest = version >= 0x0303 ? prf_hash : "MD5-SHA1";
    std::vector<std::uint8_t> full_seed(label.begin(), label.end());
    full_seed.insert(full_seed.end(), seed.begin(), seed.end());
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, mutable_bytes(secret), secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, full_seed.data(), full_seed.size()),
        OSSL_PARAM_construct_end(),
    };
    return run_kdf("TLS1-PRF", params, length);
}

// RFC 8446 section 7.1:
//   struct { uint16 length = Length; opaque label<7..255> = "tls13 " + Label;
//            opaque context<0..255> = Context; } HkdfLabel;
std::optional<Secret> hkdf_expand_label(const std::string& hash, Bytes secret, std::string_view label, Bytes context,
                                        std::size_t length) {
    const std::string full_label = "tls13 " + std::string(label);
    if (full_label.size() > 255 || context.size() > 255 || length > 0xffff) return std::nullopt;
    std::vector<std::uint8_t> info;
    info.push_back(static_cast<std::uint8_t>(length >> 8));
    info.push_back(static_cast<std::uint8_t>(length));
    info.push_back(static_cast<std::uint8_t>(full_label.size()));
    info.insert(info.end(), full_label.begin(), full_label.end());
    info.push_back(static_cast<std::uint8_t>(context.size()));
    info.insert(info.end(), context.begin(), context.end());
    std::string digest = hash;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mutable_bytes(secret), secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
        OSSL_PARAM_construct_end(),
    };
    return run_kdf("HKDF", params, length);
}

std::optional<Secret> digest_of(const std::string& hash, Bytes data) {
    EvpMdPtr md(EVP_MD_fetch(nullptr, hash.c_str(), nullptr));
    if (!md) return std::nullopt;
    Secret out(static_cast<std::size_t>(EVP_MD_get_size(md.get())));
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, md.get(), nullptr) != 1) return std::nullopt;
    out.resize(len);
    return out;
}

std::optional<Secret> hmac_of(const std::string& hash, Bytes key, Bytes data) {
    EvpMacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) return std::nullopt;
    EvpMacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
    std::string digest = hash;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_end(),
    };
    static const unsigned char kEmpty = 0;
    if (!ctx || EVP_MAC_init(ctx.get(), key.empty() ? &kEmpty : key.data(), key.size(), params) != 1 ||
        EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1)
        return std::nullopt;
    Secret out(EVP_MAX_MD_SIZE);
    std::size_t len = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) return std::nullopt;
    out.resize(len);
    return out;
}

std::unique_ptr<RecordDecryptor> make_tls12_decryptor(const CipherSuiteInfo& suite, std::uint16_t version, Bytes key,
                                                      Bytes iv, Bytes mac_key, bool encrypt_then_mac, std::string& error) {
    if (version < 0x0301) {
        error = "SSL 3.0 records are not decrypted (its MAC differs from TLS's)";
        return nullptr;
    }
    if (suite.mode == CipherMode::Unknown || (suite.mode != CipherMode::Null && suite.evp_cipher.empty())) {
        error = "records of " + suite.name + " are not decrypted";
        return nullptr;
    }
    EvpCipherPtr cipher;
    if (suite.mode != CipherMode::Null) {
        cipher.reset(fetch_cipher(suite.evp_cipher));
        if (!cipher) {
            error = "OpenSSL does not provide " + suite.evp_cipher + " here";
            return nullptr;
        }
    }
    switch (suite.mode) {
        case CipherMode::Gcm:
        case CipherMode::Ccm:
        case CipherMode::ChaCha20Poly1305:
            return std::make_unique<AeadDecryptor>(std::move(cipher), suite, false, key, iv);
        case CipherMode::Cbc:
        case CipherMode::Stream:
        case CipherMode::Null:
            return std::make_unique<MacCipherDecryptor>(std::move(cipher), suite, version, key, iv, mac_key,
                                                        encrypt_then_mac);
        case CipherMode::Unknown: break;
    }
    error = "records of " + suite.name + " are not decrypted";
    return nullptr;
}

std::unique_ptr<RecordDecryptor> make_tls13_decryptor(const CipherSuiteInfo& suite, Bytes traffic_secret,
                                                      std::string& error) {
    if (suite.mode != CipherMode::Gcm && suite.mode != CipherMode::Ccm && suite.mode != CipherMode::ChaCha20Poly1305) {
        error = "records of " + suite.name + " are not decrypted";
        return nullptr;
    }
    EvpCipherPtr cipher(fetch_cipher(suite.evp_cipher));
    if (!cipher) {
        error = "OpenSSL does not provide " + suite.evp_cipher + " here";
        return nullptr;
    }
    auto key = hkdf_expand_label(suite.prf_hash, traffic_secret, "key", {}, static_cast<std::size_t>(suite.key_bytes));
    auto iv = hkdf_expand_label(suite.prf_hash, traffic_secret, "iv", {}, 12);
    if (!key || !iv) {
        error = "cannot derive the traffic keys (hash " + suite.prf_hash + ")";
        return nullptr;
    }
    return std::make_unique<AeadDecryptor>(std::move(cipher), suite, true, *key, *iv);
}

}  // namespace tlsdissect
