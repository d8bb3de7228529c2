#include "filter/filter_lexer.hpp"

namespace tlsdissect::filter {

namespace {

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == ':' || c == '-' || c == '/' || c == '+';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | cp >> 6));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | cp >> 12));
        out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | cp >> 18));
        out.push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

// The length of the UTF-8 sequence that starts with `lead` (1 for anything else), so
// that an error underlines a whole character.
std::size_t utf8_length(unsigned char lead) {
    if (lead >= 0xf0 && lead < 0xf8) return 4;
    if (lead >= 0xe0) return lead < 0xf0 ? 3 : 1;
    if (lead >= 0xc0) return 2;
    return 1;
}

class Lexer {
public:
    Lexer(std::string_view text, std::vector<Token>& tokens, FilterError& error)
        : text_(text), tokens_(tokens), error_(error) {}

    bool run() {
        while (true) {
            while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
            if (pos_ >= text_.size()) break;
            if (!next()) return false;
        }
        tokens_.push_back(Token{TokenKind::End, text_.substr(text_.size()), text_.size(), {}});
        return true;
    }

private:
    bool fail(std::string message, std::size_t column, std::size_t length) {
        error_ = FilterError{std::move(message), column, length ? length : 1};
        return false;
    }

    void emit(TokenKind kind, std::size_t length) {
        tokens_.push_back(Token{kind, text_.substr(pos_, length), pos_, {}});
        pos_ += length;
    }

    bool at(std::string_view s) const { return text_.substr(pos_, s.size()) == s; }

    bool next() {
        const char c = text_[pos_];
        if ((c == 'r' || c == 'R') && pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') return string(true);
        if (c == '"') return string(false);
        if (c == '.' && at("..")) {
            emit(TokenKind::DotDot, 2);
            return true;
        }
        if (is_word_char(c)) {
            std::size_t end = pos_;
            while (end < text_.size() && is_word_char(text_[end]) && text_.substr(end, 2) != "..") ++end;
            emit(TokenKind::Word, end - pos_);
            return true;
        }
        struct Operator {
            std::string_view text;
            TokenKind kind;
        };
        // Longest first, so that "===" is not read as "==" and "=".
        static constexpr Operator kOperators[] = {
            {"===", TokenKind::AllEq}, {"!==", TokenKind::AnyNe}, {"==", TokenKind::Eq},   {"!=", TokenKind::Ne},
            {"<=", TokenKind::Le},     {">=", TokenKind::Ge},     {"&&", TokenKind::AndAnd}, {"||", TokenKind::OrOr},
            {"<", TokenKind::Lt},      {">", TokenKind::Gt},      {"!", TokenKind::Bang},  {"&", TokenKind::Amp},
            {"~", TokenKind::Tilde},   {"(", TokenKind::LParen},  {")", TokenKind::RParen}, {"{", TokenKind::LBrace},
            {"}", TokenKind::RBrace},  {",", TokenKind::Comma},
        };
        for (const Operator& op : kOperators) {
            if (at(op.text)) {
                emit(op.kind, op.text.size());
                return true;
            }
        }
        if (c == '=') return fail("\"=\" is not an operator; use \"==\" to compare", pos_, 1);
        if (c == '|') return fail("\"|\" is not an operator; use \"||\" or \"or\"", pos_, 1);
        if (c == '[') return fail("field slices (field[i:j]) are not supported", pos_, 1);
        if (c == '\'') return fail("strings are written in double quotes", pos_, 1);
        const std::size_t length = utf8_length(static_cast<unsigned char>(c));
        return fail("unexpected character \"" + std::string(text_.substr(pos_, length)) + "\"", pos_, length);
    }

    bool string(bool raw) {
        const std::size_t start = pos_;
        std::size_t i = pos_ + (raw ? 2 : 1);
        std::string value;
        while (true) {
            if (i >= text_.size())
                return fail("this string has no closing quote", start, text_.size() - start);
            const char c = text_[i];
            if (c == '"') break;
            if (c != '\\') {
                value.push_back(c);
                ++i;
                continue;
            }
            if (i + 1 >= text_.size()) return fail("this string has no closing quote", start, text_.size() - start);
            if (raw) {  // kept as written; \" does not end the string
                value.append(text_.substr(i, 2));
                i += 2;
                continue;
            }
            const std::size_t escape = i;
            const char e = text_[i + 1];
            i += 2;
            switch (e) {
                case '\\': value.push_back('\\'); break;
                case '"': value.push_back('"'); break;
                case '\'': value.push_back('\''); break;
                case 'a': value.push_back('\a'); break;
                case 'b': value.push_back('\b'); break;
                case 'f': value.push_back('\f'); break;
                case 'n': value.push_back('\n'); break;
                case 'r': value.push_back('\r'); break;
                case 't': value.push_back('\t'); break;
                case 'v': value.push_back('\v'); break;
                case 'x': {
                    int v = 0, n = 0;
                    while (n < 2 && i < text_.size() && hex_value(text_[i]) >= 0) v = v * 16 + hex_value(text_[i++]), ++n;
                    if (n == 0) return fail("\\x needs one or two hex digits", escape, 2);
                    value.push_back(static_cast<char>(v));
                    break;
                }
                case 'u':
                case 'U': {
                    const int want = e == 'u' ? 4 : 8;
                    std::uint32_t cp = 0;
                    for (int n = 0; n < want; ++n, ++i) {
                        if (i >= text_.size() || hex_value(text_[i]) < 0)
                            return fail(std::string("\\") + e + " needs " + std::to_string(want) + " hex digits", escape,
                                        i - escape);
                        cp = cp * 16 + static_cast<std::uint32_t>(hex_value(text_[i]));
                    }
                    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return fail("not a Unicode code point", escape, i - escape);
                    append_utf8(value, cp);
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        int v = e - '0', n = 1;
                        while (n < 3 && i < text_.size() && text_[i] >= '0' && text_[i] <= '7') v = v * 8 + (text_[i++] - '0'), ++n;
                        if (v > 0xff) return fail("octal escape above \\377", escape, i - escape);
                        value.push_back(static_cast<char>(v));
                        break;
                    }
                    return fail("\\" + std::string(text_.substr(escape + 1, utf8_length(static_cast<unsigned char>(e)))) +
                                    " is not an escape sequence (write \\\\ for a backslash, or use a raw "
                                    "string r\"...\" for a regular expression)",
                                escape, 2);
            }
        }
        tokens_.push_back(Token{TokenKind::String, text_.substr(start, i + 1 - start), start, std::move(value)});
        pos_ = i + 1;
        return true;
    }

    std::string_view text_;
    std::vector<Token>& tokens_;
    FilterError& error_;
    std::size_t pos_ = 0;
};

}  // namespace

bool tokenize(std::string_view filter, std::vector<Token>& tokens, FilterError& error) {
    tokens.clear();
    return Lexer(filter, tokens, error).run();
}

std::string describe(const Token& token) {
    if (token.kind == TokenKind::End) return "the end of the filter";
    if (token.kind == TokenKind::String) return std::string(token.text);
    return "\"" + std::string(token.text) + "\"";
}

}  // namespace tlsdissect::filter
