// Fuzz target: TLS record decryption and key log parsing. Each record decryptor (TLS
// 1.2 AES-GCM, AES-CCM_8, ChaCha20-Poly1305, CBC MAC-then-encrypt and encrypt-then-MAC,
// TLS 1.0 CBC with chained IVs, NULL encryption with HMAC, TLS 1.3 AES-GCM) gets fuzzed
// record bodies under fixed keys, and the input is also parsed as key log text.
//
// Input: [u8 config] then records [u8 type][u16 length][body...]. config % 8 picks the
// decryptor; its keys are fixed, so what is exercised is everything before and after the
// cipher: lengths, explicit nonces, IVs, padding, MACs, the TLS 1.3 inner type.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "tls/cipher_suites.hpp"
#include "tls/keylog.hpp"
#include "tls/tls_crypto.hpp"

using namespace tlsdissect;

namespace {

std::unique_ptr<RecordDecryptor> decryptor(std::uint8_t which) {
    static const std::vector<std::uint8_t> key(32, 0x42), iv(16, 0x24), mac(48, 0x33);
    std::string error;
    auto tls12 = [&](std::uint16_t suite, std::uint16_t version, bool etm) {
        CipherSuiteInfo info = describe_cipher_suite(suite);
        return make_tls12_decryptor(info, version, Bytes(key).first(static_cast<std::size_t>(info.key_bytes)),
                                    Bytes(iv).first(static_cast<std::size_t>(info.fixed_iv_bytes)),
                                    Bytes(mac).first(static_cast<std::size_t>(info.mac_bytes)), etm, error);
    };
    switch (which % 8) {
        case 0: return tls12(0xc02f, 0x0303, false);  // ECDHE-RSA AES-128-GCM
        case 1: return tls12(0xc0ae, 0x0303, false);  // ECDHE-ECDSA AES-128-CCM_8
        case 2: return tls12(0xcca8, 0x0303, false);  // ECDHE-RSA ChaCha20-Poly1305
        case 3: return tls12(0xc027, 0x0303, false);  // ECDHE-RSA AES-128-CBC-SHA256
        case 4: return tls12(0xc027, 0x0303, true);   // ... with encrypt_then_mac
        case 5: return tls12(0xc013, 0x0301, false);  // TLS 1.0 AES-128-CBC-SHA, chained IV
        case 6: return tls12(0x0002, 0x0303, false);  // NULL-SHA
        default: {
            std::vector<std::uint8_t> secret(48, 0x55);
            return make_tls13_decryptor(describe_cipher_suite(0x1302), Bytes(secret), error);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    const std::uint8_t config = in.u8();
    auto dec = decryptor(config);
    FUZZ_CHECK(dec != nullptr);
    while (!in.empty()) {
        const std::uint8_t type = in.u8();
        const std::uint16_t length = in.u16();
        Bytes body = in.bytes(length);
        DecryptedRecord r = dec->decrypt(type, 0x0303, body);
        FUZZ_CHECK(r.ok || !r.error.empty());
        FUZZ_CHECK(r.plaintext.size() <= body.size());
    }
    // The same bytes as key log text.
    KeyLog keys;
    std::vector<std::string> warnings;
    keys.add_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", warnings);
    std::vector<std::uint8_t> random(32, 0);
    (void)keys.find(Bytes(random));
    return 0;
}
