// How a node's value reads: in the tree ("Type: IPv4 (0x0800)") and as tshark's
// `-T fields` prints it ("0x0800").
#pragma once

#include <string>
#include <string_view>

#include "tlsdissect/field.hpp"

namespace tlsdissect {

// The whole line the tree shows for a node, without indentation; generated and
// expert nodes come in [brackets].
std::string display_line(const Node& node);
// The same line appended to `out`, without a temporary string (the tree's hot path).
void append_display_line(std::string& out, const Node& node);
class TextWriter;
void append_display_line(TextWriter& out, const Node& node);
// The value alone, as `tshark -T fields -e NAME` prints it.
std::string field_value(const Node& node);
// The same value appended to `out`, without a temporary string.
void append_field_value(std::string& out, const Node& node);

// Appends `text` for a terminal, the way tshark 4.0 shows strings from a packet: control
// characters escaped (\a \b \t \n \v \f \r by name, the others in octal: ESC is
// \033, DEL \177), C1 controls as \u0080..\u009f, invalid UTF-8 as U+FFFD. A server
// name or a DNS name can then never move the cursor, clear the screen or recolour the
// terminal. For the tree and the summary line; JSON escapes by itself, -e prints raw.
void append_terminal_text(std::string& out, std::string_view text);
// True when every byte of `text` is printable ASCII (0x20..0x7e).
bool printable_ascii(std::string_view text);

}  // namespace tlsdissect
