// JA4H (FoxIO JA4+, technical_details/JA4H.md and the reference implementations in
// python/ja4h.py and rust/ja4/src/http.rs): an HTTP client fingerprint from one request's
// method, version, header names in order, cookies and Accept-Language.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlsdissect {

struct HttpRequestHead {
    std::string method;   // "GET"
    std::string version;  // "10", "11", "20" or "30" (HTTP/1.0, 1.1, 2, 3)
    // Header fields in the order they were sent, names as sent (HTTP/2 and HTTP/3 pseudo
    // headers included; JA4H leaves them out).
    std::vector<std::pair<std::string, std::string>> fields;
};

// "ge11cr13enus_88d2d584d47f_0f2659b474bf_161698816dab":
//   a: the method's first two letters, lowercase; the version; 'c' when a Cookie header
//      was sent (else 'n'); 'r' when a Referer header was (else 'n'); the number of header
//      names that are not Cookie, Referer or pseudo headers (two digits, at most 99); the
//      first Accept-Language tag without '-', lowercase, four characters padded with '0';
//   b: SHA-256 (first 12 hex digits) of those header names, comma-separated, in order;
//   c: of the cookie names, sorted; d: of the cookies ("name=value"), sorted by name.
// An empty list is 12 zeros. `raw` (if given) gets JA4H_r, the text before hashing.
std::string ja4h(const HttpRequestHead& request, std::string* raw = nullptr);

// "HTTP/1.1" -> "11"; empty when it is not HTTP/1.0 or 1.1.
std::string ja4h_version(std::string_view http1_version);

}  // namespace tlsdissect
