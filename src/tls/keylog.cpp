// NSS key log parsing: one secret per line, keyed by the Client Hello random.
#include "tls/keylog.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tlsdissect {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool decode_hex(std::string_view s, std::vector<std::uint8_t>& out) {
    if (s.size() % 2 != 0) return false;
    out.clear();
    out.reserve(s.size() / 2);
    for (std::size_t i = 0; i < s.size(); i += 2) {
        const int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return true;
}

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
        if (j > i) out.push_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

}  // namespace

bool KeyLog::load_file(const std::string& path, std::vector<std::string>& warnings) {
    // A directory opens as a stream on Linux and reads as nothing: refuse it by name.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        warnings.push_back(path + ": cannot read the key log file: it is a directory");
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        warnings.push_back(path + ": cannot read the key log file: " + std::strerror(errno));
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        warnings.push_back(path + ": cannot read the key log file: " + std::strerror(errno));
        return false;
    }
    add_text(text.str(), path, warnings);
    return true;
}

void KeyLog::add_text(std::string_view text, const std::string& origin, std::vector<std::string>& warnings) {
    std::size_t line_no = 0;
    std::size_t skipped = 0;  // lines skipped beyond the first kMaxKeyLogWarnings, counted
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto w = words(line);
        if (w.empty() || w[0][0] == '#') continue;
        auto warn = [&](const std::string& why) {
            if (++skipped <= kMaxKeyLogWarnings)
                warnings.push_back(origin + ":" + std::to_string(line_no) + ": " + why + ", line skipped");
        };
        if (w.size() != 3) {
            warn("expected 3 fields (label, client random, secret), found " + std::to_string(w.size()));
            continue;
        }
        std::vector<std::uint8_t> random, secret;
        if (w[0] == "RSA") {
            std::vector<std::uint8_t> prefix;
            if (!decode_hex(w[1], prefix) || prefix.size() != 8) {
                warn("an RSA line starts with 8 bytes (16 hex digits) of the encrypted pre-master secret");
                continue;
            }
            // RFC 5246 section 7.4.7.1: client_version (2 bytes) and 46 random bytes.
            if (!decode_hex(w[2], secret) || secret.size() != 48) {
                warn("an RSA line's pre-master secret is 48 bytes (96 hex digits)");
                continue;
            }
            rsa_premasters_[std::string(prefix.begin(), prefix.end())] = std::move(secret);
            continue;
        }
        if (!decode_hex(w[1], random) || random.size() != 32) {
            warn("the client random is not 64 hex digits");
            continue;
        }
        if (!decode_hex(w[2], secret) || secret.empty() || secret.size() > 64) {
            warn("the secret is not hex of 1 to 64 bytes");
            continue;
        }
        SessionSecrets& s = sessions_[std::string(random.begin(), random.end())];
        const std::string_view label = w[0];
        if (label == "CLIENT_RANDOM") {
            if (secret.size() != 48) {
                warn("a CLIENT_RANDOM master secret is 48 bytes, this one has " + std::to_string(secret.size()));
                continue;
            }
            s.master_secret = std::move(secret);
        } else if (label == "CLIENT_EARLY_TRAFFIC_SECRET") {
            s.client_early_traffic_secret = std::move(secret);
        } else if (label == "CLIENT_HANDSHAKE_TRAFFIC_SECRET") {
            s.client_handshake_traffic_secret = std::move(secret);
        } else if (label == "SERVER_HANDSHAKE_TRAFFIC_SECRET") {
            s.server_handshake_traffic_secret = std::move(secret);
        } else if (label == "CLIENT_TRAFFIC_SECRET_0") {
            s.client_traffic_secret_0 = std::move(secret);
        } else if (label == "SERVER_TRAFFIC_SECRET_0") {
            s.server_traffic_secret_0 = std::move(secret);
        } else if (label == "EXPORTER_SECRET") {
            s.exporter_secret = std::move(secret);
        } else if (label == "EARLY_EXPORTER_SECRET" || label == "CLIENT_TRAFFIC_SECRET_N" ||
                   label == "SERVER_TRAFFIC_SECRET_N") {
            // Not needed: OpenSSL logs the secrets after a KeyUpdate as *_N; they are
            // derived here from the KeyUpdate messages themselves (RFC 8446 section 7.2).
        } else {
            warn("unknown label '" + std::string(label) + "'");
        }
    }
    if (skipped > kMaxKeyLogWarnings)
        warnings.push_back(origin + ": " + std::to_string(skipped - kMaxKeyLogWarnings) +
                           " more lines that are not key log lines were skipped");
}

const SessionSecrets* KeyLog::find(Bytes client_random) const {
    if (client_random.size() != 32) return nullptr;
    auto it = sessions_.find(std::string(client_random.begin(), client_random.end()));
    return it == sessions_.end() ? nullptr : &it->second;
}

const std::vector<std::uint8_t>* KeyLog::find_rsa_premaster(Bytes prefix) const {
    if (prefix.size() < 8) return nullptr;
    auto it = rsa_premasters_.find(std::string(prefix.begin(), prefix.begin() + 8));
    return it == rsa_premasters_.end() ? nullptr : &it->second;
}

}  // namespace tlsdissect
