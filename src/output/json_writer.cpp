#include "output/json_writer.hpp"

#include <charconv>

namespace tlsdissect {

namespace {

using json = nlohmann::ordered_json;

void append_string(std::string& out, std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
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

void append_json_string(std::string& out, std::string_view s) { append_string(out, s); }

void JsonWriter::line_break(std::size_t depth) {
    if (indent_ < 0) return;
    out_.push_back('\n');
    out_.append(static_cast<std::size_t>(indent_) * (static_cast<std::size_t>(level_) + depth), ' ');
}

// Before any value: the comma and line break of an array element (a member's value
// follows its key on the same line).
void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (open_.empty()) return;
    if (!open_.back().empty) out_.push_back(',');
    open_.back().empty = false;
    line_break(open_.size());
}

JsonWriter& JsonWriter::open(char bracket) {
    before_value();
    out_.push_back(bracket);
    open_.push_back({bracket == '{' ? '}' : ']', true});
    return *this;
}

JsonWriter& JsonWriter::end() {
    if (open_.empty()) return *this;
    const Open o = open_.back();
    open_.pop_back();
    if (!o.empty) line_break(open_.size());
    out_.push_back(o.close);
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
    if (!open_.empty()) {
        if (!open_.back().empty) out_.push_back(',');
        open_.back().empty = false;
        line_break(open_.size());
    }
    append_string(out_, k);
    out_ += indent_ >= 0 ? ": " : ":";
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::value(bool b) {
    before_value();
    out_ += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::value(double d) {
    before_value();
    out_ += json(d).dump();  // nlohmann's shortest round-trip form (and null for NaN)
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
    before_value();
    append_string(out_, s);
    return *this;
}

void JsonWriter::append_signed(std::int64_t v) { append_integer(out_, v); }
void JsonWriter::append_unsigned(std::uint64_t v) { append_integer(out_, v); }

}  // namespace tlsdissect
