// Serialising nlohmann::ordered_json faster than its dump(): the same bytes (tested
// against dump() in tests/unit/json_writer_test.cpp), appended to a caller's string
// that is reused from record to record. Strings of plain printable ASCII, by far the most
// common, are copied as they are; anything else (escapes, UTF-8, invalid UTF-8 that
// becomes U+FFFD) and every floating-point number goes through nlohmann's own code.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

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

// Writes JSON text straight into a string, value by value, with the bytes nlohmann's
// dump() would give for the same document (same indentation, escapes and number forms;
// tested against it), but without building a document first. Used where records are
// written at a high rate (--sessions).
//
//   JsonWriter w(out, 2);
//   w.object().member("kind", "tls").key("client").object().member("port", 443).end().end();
//
// Keys and values come in document order; end() closes the innermost object or array.
// Misuse (a value where a key is due, more end() than begins) is a programming error and
// is not checked beyond what keeps the string well-formed enough to read.
class JsonWriter {
public:
    // `indent` < 0: the compact form. `level`: how deep the first value sits in a larger
    // indented document (its inner lines are indented one step more).
    explicit JsonWriter(std::string& out, int indent = -1, int level = 0) : out_(out), indent_(indent), level_(level) {}

    JsonWriter& object() { return open('{'); }
    JsonWriter& array() { return open('['); }
    JsonWriter& end();
    JsonWriter& key(std::string_view k);
    // A key written in the program as a literal of plain ASCII: no escape check.
    template <std::size_t N>
    JsonWriter& key(const char (&k)[N]) {
        return plain_key(std::string_view(k, N - 1));
    }
    std::size_t size() const { return out_.size(); }  // bytes written so far
    int indent() const { return indent_; }
    // How deep the next value sits: a JsonWriter(out, indent(), depth()) writes it with
    // the same indentation.
    int depth() const { return level_ + static_cast<int>(open_.size()); }
    // A whole value already written as JSON text for this indentation and depth.
    JsonWriter& raw(std::string_view json_text) {
        before_value();
        out_ += json_text;
        return *this;
    }

    JsonWriter& null();
    JsonWriter& value(std::nullptr_t) { return null(); }
    JsonWriter& value(bool b);
    JsonWriter& value(double d);
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    template <typename Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>, int> = 0>
    JsonWriter& value(Int v) {
        before_value();
        if constexpr (std::is_signed_v<Int>)
            append_signed(static_cast<std::int64_t>(v));
        else
            append_unsigned(static_cast<std::uint64_t>(v));
        return *this;
    }
    template <typename T>
    JsonWriter& value(const std::optional<T>& v) {
        return v ? value(*v) : null();
    }
    template <typename T>
    JsonWriter& value(const std::vector<T>& list) {
        if constexpr (std::is_unsigned_v<T> && !std::is_same_v<T, bool>) {
            before_value();
            if (list.empty()) {
                out_ += "[]";
                return *this;
            }
            // Numbers, one per line (or comma-separated): the separator and the digits of
            // each in one append.
            out_.push_back('[');
            for (std::size_t i = 0; i < list.size(); ++i) append_element(i == 0, static_cast<std::uint64_t>(list[i]));
            line_break(open_.size());
            out_.push_back(']');
            return *this;
        } else {
            array();
            for (const auto& v : list) value(v);
            return end();
        }
    }

    template <std::size_t N, typename T>
    JsonWriter& member(const char (&k)[N], const T& v) {
        key(k);
        return value(v);
    }
    // A member whose value `make()` gives when `present`, null otherwise (`make` is not
    // called then, so it may read what exists only when present).
    template <std::size_t N, typename Make>
    JsonWriter& member_if(const char (&k)[N], bool present, Make&& make) {
        key(k);
        return present ? value(make()) : null();
    }
    // A string member that is null when the string is empty.
    template <std::size_t N>
    JsonWriter& member_or_null(const char (&k)[N], std::string_view s) {
        key(k);
        return s.empty() ? null() : value(s);
    }

private:
    JsonWriter& open(char bracket);
    JsonWriter& plain_key(std::string_view k);
    void append_element(bool first, std::uint64_t v);  // in an array of unsigned numbers
    void before_value();
    void line_break(std::size_t depth);
    void append_signed(std::int64_t v);
    void append_unsigned(std::uint64_t v);

    struct Open {
        char close;
        bool empty;
    };
    std::string& out_;
    int indent_;
    int level_;
    bool after_key_ = false;
    std::vector<Open> open_;
};

// A JSON string literal for `s` as nlohmann's dump() with error_handler_t::replace
// writes it (invalid UTF-8 becomes U+FFFD), appended to `out`.
void append_json_string(std::string& out, std::string_view s);

}  // namespace tlsdissect
