// --walkthrough en|zh: the article a teacher hands out, written from one connection of
// the capture: the DNS lookup (CNAME chain, the answer that gave the address), the TCP
// three-way handshake, every TLS message in order with the values of this capture and
// what they mean, the encrypted application data, the close. Each step quotes the part
// of the packet tree it talks about, with its frame number. Markdown on standard output,
// or an HTML page with pictures (sequence diagram, certificate chain, CNAME chain).
//
// The values come from the same field tree the other printers show (the differential
// tests compare it with tshark); the connection-level facts (ladder rows, chain
// verdicts, the DNS link) from the ladder model.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "explain/explain.hpp"
#include "output/printers.hpp"

namespace tlsdissect {

struct WalkthroughOptions {
    ExplainLanguage language = ExplainLanguage::En;
    std::string html_path;     // empty: Markdown on `out`
    std::string sni;           // choose the first connection with this SNI
    std::int64_t stream = -1;  // ... or this tcp.stream (udp.stream for DTLS and QUIC)
    std::uint64_t frame = 0;   // ... or the connection this frame belongs to
    bool audit = false;        // --audit: a section with the connection's findings
};

// At most this many frames are kept (their tree lines) until the end of the capture.
inline constexpr std::size_t kMaxWalkthroughFrames = 20'000;

std::unique_ptr<PacketPrinter> make_walkthrough_printer(std::FILE* out, WalkthroughOptions options);

// The article's sentences: `key` in `language`, each {name} replaced by its value.
std::string walkthrough_text(std::string_view key, ExplainLanguage language,
                             std::initializer_list<std::pair<std::string_view, std::string>> values = {});
// Every key (for the test that both languages have the same placeholders).
std::vector<std::string_view> walkthrough_text_keys();

}  // namespace tlsdissect
