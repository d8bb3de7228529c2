// Session secrets from NSS key log files (SSLKEYLOGFILE, as browsers, curl and OpenSSL
// write them) and from pcapng Decryption Secrets Blocks, looked up by the Client Hello
// random. Format: https://udn.realityripple.com/docs/Mozilla/Projects/NSS/Key_Log_Format
// ("<LABEL> <client_random hex> <secret hex>", '#' comments). NSS's older
// "RSA <first 8 bytes of the encrypted pre-master secret> <pre-master secret>" lines are
// looked up by those 8 bytes of the Client Key Exchange instead.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

struct SessionSecrets {
    std::vector<std::uint8_t> master_secret;                 // CLIENT_RANDOM (TLS 1.2 and older)
    std::vector<std::uint8_t> client_early_traffic_secret;   // CLIENT_EARLY_TRAFFIC_SECRET
    std::vector<std::uint8_t> client_handshake_traffic_secret, server_handshake_traffic_secret;
    std::vector<std::uint8_t> client_traffic_secret_0, server_traffic_secret_0;
    std::vector<std::uint8_t> exporter_secret;
};

// Malformed lines warned about one by one per key log; the rest are counted in one line.
inline constexpr std::size_t kMaxKeyLogWarnings = 5;

class KeyLog {
public:
    // Reads one key log file. Problems (unreadable file, malformed lines) are appended to
    // `warnings` as "FILE:LINE: why" (the first kMaxKeyLogWarnings, then one line counting
    // the rest); the good lines are kept. False when the file cannot be read.
    bool load_file(const std::string& path, std::vector<std::string>& warnings);
    // Key log text from any source (a Decryption Secrets Block); `origin` names it in warnings.
    void add_text(std::string_view text, const std::string& origin, std::vector<std::string>& warnings);
    const SessionSecrets* find(Bytes client_random) const;
    // The pre-master secret of an RSA key exchange whose encrypted pre-master secret
    // starts with these 8 bytes (null when unknown).
    const std::vector<std::uint8_t>* find_rsa_premaster(Bytes encrypted_premaster_prefix) const;
    bool empty() const { return sessions_.empty() && rsa_premasters_.empty(); }
    std::size_t size() const { return sessions_.size() + rsa_premasters_.size(); }

private:
    std::unordered_map<std::string, SessionSecrets> sessions_;  // key: the 32-byte client random
    std::unordered_map<std::string, std::vector<std::uint8_t>> rsa_premasters_;  // key: 8 bytes
};

}  // namespace tlsdissect
