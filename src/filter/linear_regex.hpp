// The regular expressions of the display filter's `matches`: a Perl-style subset
// compiled to a Pike VM, which runs in time linear in the subject and without recursion.
//
// Why not std::regex: libstdc++'s matcher recurses once per subject character and
// overflows the stack on values of about 15 KB (a loopback frame, a reassembled
// certificate), and its non-recursive mode is quadratic; both are unacceptable for
// bytes that come from an untrusted capture. Wireshark itself uses PCRE2.
//
// Supported: literals, ., [classes] with ranges, negation and [:posix:] names, \d \w \s
// \D \W \S, \xHH, \t \n \r \f \v \e \a \0oo, escaped punctuation, ^ $ \A \z \Z \b \B,
// groups ( ) (?: ) (?<name> ) (?P<name> ), alternation |, quantifiers * + ? {n} {n,}
// {n,m} and their lazy forms, inline flags (?i) (?-i) (?s) (?m) and (?i: ). Not
// supported (a compile error): back-references, look-around, atomic groups, possessive
// quantifiers, \p{..}, recursion, conditionals.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tlsdissect::filter {

struct RegexError {
    std::string message;
    std::size_t offset = 0;  // in the pattern
};

class LinearRegex {
public:
    // `ignore_case` is the starting value of the i flag (Wireshark's default is on); the
    // pattern can change it with (?i) or (?-i).
    static std::optional<LinearRegex> compile(std::string_view pattern, bool ignore_case, RegexError& error);

    // Whether the pattern matches anywhere in `subject`, read as bytes (ASCII case folding).
    bool search(std::span<const std::uint8_t> subject) const;
    bool search(std::string_view subject) const;

    enum class Op : std::uint8_t { Set, Split, Jump, Assert, Match };
    enum class Assertion : std::uint8_t { TextStart, TextEnd, TextEndOrFinalNewline, LineStart, LineEnd, WordBoundary, NotWordBoundary };
    struct Instruction {
        Op op;
        Assertion assertion = Assertion::TextStart;
        std::uint32_t x = 0;  // Set: index into sets_; Split, Jump: target
        std::uint32_t y = 0;  // Split: second target
    };

private:
    LinearRegex() = default;
    friend class RegexCompiler;
    std::vector<Instruction> program_;
    std::vector<std::bitset<256>> sets_;
};

}  // namespace tlsdissect::filter
