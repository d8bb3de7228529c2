// JA4H from a request head. Where the two reference implementations differ, this
// follows the Python one (python/ja4h.py): pseudo headers are not counted (the Rust one
// counts tshark's HTTP/2 pseudo headers), header names are compared without regard to
// case, cookies are split at ';' and sorted by name.
#include "http/ja4h.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "tlsdissect/field.hpp"

namespace tlsdissect {

namespace {

std::string sha256_12(const std::string& text) {
    if (text.empty()) return "000000000000";
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(text.data(), text.size(), out, &n, EVP_sha256(), nullptr) != 1 || n < 6) return {};
    return hex_string(Bytes(out, 6));
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// "en-US,en;q=0.9" -> "enus"; "da, en-GB;q=0.8" -> "da00".
std::string language(std::string_view accept_language) {
    std::string tag;
    for (char c : trimmed(accept_language)) {
        if (c == ',' || c == ';') break;
        if (c != '-') tag += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    tag = std::string(trimmed(tag)).substr(0, 4);
    tag.append(4 - tag.size(), '0');
    return tag;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) {
        if (!out.empty()) out += ',';
        out += i;
    }
    return out;
}

}  // namespace

std::string ja4h_version(std::string_view v) {
    if (v == "HTTP/1.1") return "11";
    if (v == "HTTP/1.0") return "10";
    return {};
}

std::string ja4h(const HttpRequestHead& request, std::string* raw) {
    bool cookie = false, referer = false, has_language = false;
    std::string accept_language;
    std::vector<std::string> names;
    std::vector<std::pair<std::string, std::string>> cookies;  // name, "name=value"
    for (const auto& [name, value] : request.fields) {
        const std::string n = lower(name);
        if (n.empty() || n.front() == ':') continue;
        if (n == "accept-language" && !has_language) has_language = true, accept_language = value;
        if (n == "referer") {
            referer = true;
            continue;
        }
        if (n.rfind("cookie", 0) == 0) {
            if (n != "cookie") continue;
            cookie = true;
            std::string_view rest = value;
            while (!rest.empty()) {
                const std::size_t semi = rest.find(';');
                const std::string_view pair = trimmed(rest.substr(0, semi));
                if (!pair.empty()) cookies.emplace_back(std::string(trimmed(pair.substr(0, pair.find('=')))), pair);
                rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
            }
            continue;
        }
        names.push_back(name);
    }
    std::stable_sort(cookies.begin(), cookies.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> cookie_names, cookie_pairs;
    for (auto& [n, p] : cookies) cookie_names.push_back(n), cookie_pairs.push_back(p);

    const std::size_t count = std::min<std::size_t>(names.size(), 99);
    std::string a = lower(request.method).substr(0, 2) + request.version + (cookie ? 'c' : 'n') +
                    (referer ? 'r' : 'n') + (count < 10 ? "0" : "") + std::to_string(count) +
                    (has_language ? language(accept_language) : "0000");
    const std::string header_list = joined(names), cookie_name_list = joined(cookie_names),
                      cookie_list = joined(cookie_pairs);
    if (raw) *raw = a + "_" + header_list + "_" + cookie_name_list + "_" + cookie_list;
    return a + "_" + sha256_12(header_list) + "_" + sha256_12(cookie_name_list) + "_" + sha256_12(cookie_list);
}

}  // namespace tlsdissect
