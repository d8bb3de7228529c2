// Display filters: a subset of Wireshark's display-filter language, compiled once and
// matched against each packet's field tree.
//
//   tls.handshake.type == 1
//   ip.addr == 10.0.0.0/8 and not (tcp.port in {80, 443, 8000..8080} || dns)
//   tls.handshake.extensions_server_name matches r"\.example\.(com|org)$"
//
// Field names are the dissectors' FieldDef filter names (field_names.hpp); an unknown
// name is an error. A literal is read as the type of the field it is compared with. As
// in Wireshark 4, a test is true when ANY occurrence of the field in the packet passes
// it, a missing field fails every comparison, and `a != b` means "present and no
// occurrence equals b". display_filter.cpp has the grammar; `tools/gen_field_names.py
// --list src` prints every field name with its type.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tlsdissect/field.hpp"

namespace tlsdissect {

// Why a filter does not compile, and where: `column` is the byte offset in the filter
// text of the first character at fault, `length` how many characters to underline.
struct FilterError {
    std::string message;
    std::size_t column = 0;
    std::size_t length = 1;
};

// "bad <what>: " and the message, then the text with the fault underlined, each line
// ending in '\n' (the command line puts "tlsdissect: " in front):
//
//   bad filter: unknown field "tls.handshake.tpye" (did you mean "tls.handshake.type"?)
//     tls.handshake.tpye == 1
//     ^~~~~~~~~~~~~~~~~~
std::string filter_error_display(std::string_view text, const FilterError& error, std::string_view what = "filter");

namespace filter {
struct Program;
}

class DisplayFilter {
public:
    // Compiles `text`; on failure returns nothing and fills `error`. Never throws. An
    // empty (or all-blank) filter matches every packet, as tshark's -Y "" does.
    static std::optional<DisplayFilter> compile(std::string_view text, FilterError& error);

    // Whether the packet whose fields are `tree` passes. Hidden nodes count.
    bool matches(const Tree& tree) const;

    // The filter as written.
    const std::string& text() const { return text_; }

    DisplayFilter(DisplayFilter&&) noexcept;
    DisplayFilter& operator=(DisplayFilter&&) noexcept;
    ~DisplayFilter();

private:
    DisplayFilter(std::string text, std::unique_ptr<filter::Program> program);
    std::string text_;
    std::unique_ptr<filter::Program> program_;
};

}  // namespace tlsdissect
