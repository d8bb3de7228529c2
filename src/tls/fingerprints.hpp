// TLS client and server fingerprints: JA3 / JA3S (Salesforce, 2017) and JA4 / JA4S
// (FoxIO JA4+ specification), computed from the hello lists.
#pragma once

#include <string>

#include "tls/tls_common.hpp"

namespace tlsdissect {

struct Fingerprint {
    std::string text;  // JA3 string / JA4 "raw" form is not kept; JA4 itself
    std::string hash;  // JA3: MD5 hex; JA4: empty (the text is the fingerprint)
};

// "771,4865-4866-...,0-23-...,29-23-24,0" and its MD5; GREASE values left out.
Fingerprint ja3(const HelloFacts& client_hello);
// "771,49199,65281-11-35-23" and its MD5.
Fingerprint ja3s(const HelloFacts& server_hello);
// "t13d1516h2_8daaf6152771_e5627efa2ab1"; `transport` is 't' for TCP.
std::string ja4(const HelloFacts& client_hello, bool has_sni, char transport = 't');
// "t130200_1301_a56c5b993250"
std::string ja4s(const HelloFacts& server_hello, char transport = 't');
// "a373a9f83c6b_2bab15409345_7bf9a7bf7029": JA4X of a certificate from its three raw
// lists (JA4X_r), each the hex of the DER content octets of the OIDs, comma-separated,
// in their encoded order: "550406,55040a,550403"; an empty list hashes to 12 zeros.
std::string ja4x(const std::string& issuer_oids, const std::string& subject_oids, const std::string& extension_oids);

}  // namespace tlsdissect
