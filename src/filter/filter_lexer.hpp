// The display filter's tokens: words (field names, keywords and unquoted literals such
// as 443, 10.0.0.0/8, 16:03:03, ::1), quoted strings, operators and brackets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "filter/display_filter.hpp"

namespace tlsdissect::filter {

enum class TokenKind : std::uint8_t {
    End,
    Word,
    String,   // "..." with escapes, or r"..." raw; Token::value holds the contents
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    DotDot,   // a range in a set: {1..5}
    Eq,       // ==
    Ne,       // !=
    AllEq,    // ===
    AnyNe,    // !==
    Lt,
    Le,
    Gt,
    Ge,
    Tilde,    // ~, the same as matches
    AndAnd,
    OrOr,
    Bang,
    Amp,      // bitwise and: tcp.flags & 0x02
};

struct Token {
    TokenKind kind = TokenKind::End;
    std::string_view text;  // as written, quotes included
    std::size_t column = 0;
    std::string value;      // a string's contents, escapes resolved
};

// The tokens of `filter`, ending with one End token; false with `error` set when a
// character or an escape sequence is not part of the language.
bool tokenize(std::string_view filter, std::vector<Token>& tokens, FilterError& error);

// How a token reads in messages: "==", "\"tls\"", "the end of the filter".
std::string describe(const Token& token);

}  // namespace tlsdissect::filter
