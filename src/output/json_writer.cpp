#include "output/json_writer.hpp"

#include <charconv>

namespace tlsdissect {

namespace {

using json = nlohmann::ordered_json;

void append_string(std::string& out, const std::string& s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
            return;
        }
    }
    out.push_back('"');
    out += s;
    out.push_back('"');
}

template <typename Int>
void append_integer(std::string& out, Int v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_value(std::string& out, const json& j, int indent, int level) {
    switch (j.type()) {
        case json::value_t::null: out += "null"; return;
        case json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return;
        case json::value_t::number_integer: append_integer(out, j.get<std::int64_t>()); return;
        case json::value_t::number_unsigned: append_integer(out, j.get<std::uint64_t>()); return;
        case json::value_t::string: append_string(out, j.get_ref<const std::string&>()); return;
        case json::value_t::object: {
            if (j.empty()) {
                out += "{}";
                return;
            }
            out.push_back('{');
            bool first = true;
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!first) out.push_back(',');
                first = false;
                if (indent >= 0) {
                    out.push_back('\n');
                    out.append(static_cast<std::size_t>(indent * (level + 1)), ' ');
                }
                append_string(out, it.key());
                out += indent >= 0 ? ": " : ":";
                append_value(out, it.value(), indent, level + 1);
            }
            if (indent >= 0) {
                out.push_back('\n');
                out.append(static_cast<std::size_t>(indent * level), ' ');
            }
            out.push_back('}');
            return;
        }
        case json::value_t::array: {
            if (j.empty()) {
                out += "[]";
                return;
            }
            out.push_back('[');
            bool first = true;
            for (const auto& v : j) {
                if (!first) out.push_back(',');
                first = false;
                if (indent >= 0) {
                    out.push_back('\n');
                    out.append(static_cast<std::size_t>(indent * (level + 1)), ' ');
                }
                append_value(out, v, indent, level + 1);
            }
            if (indent >= 0) {
                out.push_back('\n');
                out.append(static_cast<std::size_t>(indent * level), ' ');
            }
            out.push_back(']');
            return;
        }
        default:  // floating point, binary, discarded: nlohmann's own formatting
            out += j.dump(-1, ' ', false, json::error_handler_t::replace);
            return;
    }
}

}  // namespace

void append_json(std::string& out, const json& j, int indent, int level) { append_value(out, j, indent, level); }

}  // namespace tlsdissect
