// --html FILE: one self-contained page (inline CSS and JavaScript, no network) for a
// class: the packet list, a collapsible field tree with the --explain notes, a hex pane
// that highlights the bytes of the selected field (in the frame or in a reassembled
// buffer), each TLS connection's ladder, and the chain of trust as the certificates
// state it. Large type for a projector; a print stylesheet.
#pragma once

#include <memory>
#include <string>

#include "explain/explain.hpp"
#include "output/printers.hpp"

namespace tlsdissect {

// At most this many packets go into the page (their trees and bytes are kept in memory
// until the end); the rest are counted.
inline constexpr std::size_t kMaxHtmlPackets = 20'000;

std::unique_ptr<PacketPrinter> make_html_printer(const std::string& path, ExplainLanguage language);

}  // namespace tlsdissect
