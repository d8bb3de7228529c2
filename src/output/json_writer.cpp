#include "output/json_writer.hpp"

#include "tlsdissect/text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace tlsdissect {

namespace {

using json = nlohmann::ordered_json;

// Bytes that a JSON string cannot hold as they are (controls, '"', '\\') or that need
// UTF-8 checking (everything from 0x7f up).
constexpr std::array<bool, 256> kNotPlain = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[static_cast<std::size_t>(c)] = c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
    return t;
}();

bool plain(std::string_view s) {
    for (unsigned char c : s)
        if (kNotPlain[c]) return false;
    return true;
}

// True when nlohmann writes `s` as it is: no control byte, quote or backslash, and
// well-formed UTF-8 (it passes UTF-8 through and replaces invalid bytes).
bool written_as_is(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = p[i];
        if (!kNotPlain[c] || c == 0x7f) {
            ++i;
            continue;
        }
        if (c < 0x80) return false;  // a control, '"' or '\\'
        const std::size_t len = utf8_sequence_length(p + i, s.size() - i);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

void append_string(std::string& out, std::string_view s) {
    if (!written_as_is(s)) {
        out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
        return;
    }
    const std::size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* p = out.data() + at;
    *p = '"';
    std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
}

// nlohmann's shortest round-trip form of a double (Grisu2, what its dump() writes), and
// null for NaN and the infinities, as its dump() writes them.
void append_double(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    std::array<char, 64> text;
    const char* end = nlohmann::detail::to_chars(text.data(), text.data() + text.size(), d);
    out.append(text.data(), static_cast<std::size_t>(end - text.data()));
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
        case json::value_t::number_float: append_double(out, j.get<double>()); return;
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
        default:  // binary, discarded: nlohmann's own formatting
            out += j.dump(-1, ' ', false, json::error_handler_t::replace);
            return;
    }
}

}  // namespace

void append_json(std::string& out, const json& j, int indent, int level) { append_value(out, j, indent, level); }

void append_json_string(std::string& out, std::string_view s) { append_string(out, s); }

void JsonWriter::line_break(std::size_t depth) {
    if (indent_ < 0) return;
    static constexpr char kSpaces[] = "\n                                                                ";
    std::size_t n = static_cast<std::size_t>(indent_) * (static_cast<std::size_t>(level_) + depth);
    if (n < sizeof kSpaces - 1) {
        out_.append(kSpaces, n + 1);  // the line break and the indentation in one append
        return;
    }
    out_.push_back('\n');
    out_.append(n, ' ');
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

JsonWriter& JsonWriter::plain_key(std::string_view k) {
    if (!open_.empty()) {
        if (!open_.back().empty) out_.push_back(',');
        open_.back().empty = false;
        line_break(open_.size());
    }
    const std::size_t at = out_.size();
    const std::size_t sep = indent_ >= 0 ? 2 : 1;
    out_.resize(at + k.size() + 2 + sep);
    char* p = out_.data() + at;
    *p = '"';
    std::memcpy(p + 1, k.data(), k.size());
    p[k.size() + 1] = '"';
    p[k.size() + 2] = ':';
    if (sep == 2) p[k.size() + 3] = ' ';
    after_key_ = true;
    return *this;
}

void JsonWriter::append_element(bool first, std::uint64_t v) {
    // ",\n" and the indentation of the array's elements, then the digits.
    char buf[96];
    std::size_t n = 0;
    if (!first) buf[n++] = ',';
    if (indent_ >= 0) {
        const std::size_t spaces = static_cast<std::size_t>(indent_) * (static_cast<std::size_t>(level_) + open_.size() + 1);
        if (spaces + 24 > sizeof buf) {  // deep indentation: the general path
            out_.append(buf, n);
            line_break(open_.size() + 1);
            append_integer(out_, v);
            return;
        }
        buf[n++] = '\n';
        std::memset(buf + n, ' ', spaces);
        n += spaces;
    }
    auto r = std::to_chars(buf + n, buf + sizeof buf, v);
    out_.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

JsonWriter& JsonWriter::key(std::string_view k) {
    if (plain(k)) return plain_key(k);  // nearly always: the program's own key names
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
    append_double(out_, d);
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
