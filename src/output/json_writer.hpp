// Serialising nlohmann::ordered_json faster than its dump(): the same bytes (tested
// against dump() in tests/unit/json_writer_test.cpp), appended to a caller's string
// that is reused from record to record. Strings of plain printable ASCII, by far the most
// common, are copied as they are; anything else (escapes, UTF-8, invalid UTF-8 that
// becomes U+FFFD) and every floating-point number goes through nlohmann's own code.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace tlsdissect {

// As j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace), appended to
// `out`; indent < 0 is the compact form. `level`: how deep `j` sits in a larger
// indented document (its inner lines are indented one step more).
void append_json(std::string& out, const nlohmann::ordered_json& j, int indent = -1, int level = 0);
// The same, as a new string.
inline std::string json_text(const nlohmann::ordered_json& j, int indent = -1) {
    std::string out;
    append_json(out, j, indent);
    return out;
}

}  // namespace tlsdissect
