// Pictures for the teaching pages (--html and --walkthrough --html): a connection's
// handshake as an SVG sequence diagram, its certificate chain (subject, issuer,
// validity at capture time, the signature check at each link) and the DNS CNAME chain
// that led to the server's address. Plain SVG inside the page: no script, no network,
// dark lines on a light background so that they print on A4.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "output/ladder.hpp"

namespace tlsdissect {

// How a certificate is described, in the pictures and on the --html page.
struct CertificateWords {
    const char* issued_by;
    const char* self_signed;
    const char* valid;
    const char* at_capture;
    const char* ok;
    const char* expired;
    const char* not_yet;
    const char* ca;
    const char* leaf;
    const char* key;
    const char* colon;  // ": ", or the full-width colon
};
const CertificateWords& certificate_words(ExplainLanguage language);

// A time in UTC, strftime `format`.
std::string utc_time(std::int64_t epoch, const char* format);

// Text for HTML and SVG: & < > " escaped.
std::string html_escape(std::string_view s);

// The ladder rows as a sequence diagram: a lifeline for the DNS resolver (when the
// lookup is known), the client and the server; one arrow per message with its frame
// number; the TCP handshake as its three segments. Times relative to `start_ns`.
std::string ladder_svg(const LadderConnection& c, std::int64_t start_ns);

// The server's certificates from the root (top) to the site's certificate (bottom);
// empty when the connection carried none.
std::string chain_svg(const LadderConnection& c);

// The answer that resolved the server's name: the name asked, each CNAME, the address;
// empty when no DNS answer is linked to the connection.
std::string dns_svg(const LadderConnection& c);

}  // namespace tlsdissect
