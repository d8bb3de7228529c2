// The display-filter compiler and matcher.
//
// Grammar, lowest precedence first (keywords are case-insensitive):
//
//   filter     := [ or ]                          an empty filter matches everything
//   or         := and { ("or" | "||") and }
//   and        := not { ("and" | "&&") not }
//   not        := ("not" | "!") not | primary
//   primary    := "(" or ")" | test
//   test       := FIELD                           presence
//               | FIELD relation value            == != === !== < <= > >=, eq ne all_eq
//                                                 any_ne lt le gt ge, any_eq all_ne
//               | FIELD "contains" value
//               | FIELD ("matches" | "~") STRING
//               | FIELD ["not"] "in" set
//               | FIELD "&" NUMBER                some bit of the mask is set
//   value      := WORD | STRING | FIELD           a literal, or another field
//   set        := "{" element { [","] element } "}"
//   element    := value [ ".." value ]            also lo-hi for numbers
//
// A literal is read as the type of the field on the other side (field_names.hpp), for
// each type that name is declared with; at match time the reading for the node's own
// type is used.
#include "filter/display_filter.hpp"

#include <algorithm>
#include <compare>
#include <initializer_list>
#include <limits>
#include <utility>
#include <variant>
#include <vector>

#include "filter/field_names.hpp"
#include "filter/filter_lexer.hpp"
#include "filter/filter_literals.hpp"
#include "filter/linear_regex.hpp"

namespace tlsdissect {

namespace filter {

namespace {

// Parentheses and "not"s nested deeper than this are refused rather than risking the
// stack in the recursive parser and matcher.
constexpr std::size_t kMaxNesting = 200;

enum class Relation : std::uint8_t { Eq, Ne, AllEq, AnyNe, Lt, Le, Gt, Ge };

// A name from a field's value-name table ("client_hello"), compared at match time with
// the name of the node's value, ignoring case.
struct NamedValue {
    std::string name;
};

using LiteralValue = std::variant<std::uint64_t, std::int64_t, bool, double, std::string, Ipv4Network, Ipv6Network,
                                  MacAddress, NamedValue>;

// A literal read as one of the types its field is declared with.
struct Literal {
    FieldType type;
    LiteralValue value;
};
using Readings = std::vector<Literal>;

struct SetElement {
    Readings low;
    Readings high;  // empty unless a range
};

}  // namespace

struct Expr {
    enum class Kind : std::uint8_t {
        All,
        And,
        Or,
        Not,
        Exists,
        Compare,
        CompareFields,
        In,
        Contains,
        ContainsField,
        Matches,
        BitAnd,
    };
    Kind kind = Kind::All;
    Relation relation = Relation::Eq;
    std::size_t left = 0, right = 0;  // And, Or, Not
    std::string field;
    std::string other_field;  // CompareFields, ContainsField
    Readings values;          // Compare, Contains
    std::vector<SetElement> set;
    std::optional<LinearRegex> regex;
    std::uint64_t mask = 0;
};

struct Program {
    std::vector<Expr> exprs;
    std::size_t root = 0;
};

namespace {

// ---------------------------------------------------------------------------------------
// Matching

// A node's value as the matcher compares it. Strings, byte strings and protocols are
// all byte sequences; a protocol's bytes run from its start to the end of its data
// source, as Wireshark's protocol values do.
using View = std::variant<std::monostate, std::uint64_t, std::int64_t, bool, double, Bytes, Ipv4Address, Ipv6Address,
                          MacAddress>;
using Ordering = std::optional<std::partial_ordering>;

Bytes bytes_of(std::string_view s) {
    return Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

View view_of(const Tree& tree, const Node& n) {
    return std::visit(
        [&](const auto& v) -> View {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                if (n.def->type != FieldType::Protocol || n.length == 0) return std::monostate{};
                const Bytes source = tree.source_bytes(n.source);
                if (n.offset >= source.size()) return Bytes{};
                return source.subspan(n.offset);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return bytes_of(v);
            } else if constexpr (std::is_same_v<T, ByteString>) {
                return Bytes(v.data);
            } else {
                return v;
            }
        },
        n.value);
}

View view_of(const LiteralValue& value) {
    return std::visit(
        [](const auto& v) -> View {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>)
                return bytes_of(v);
            else if constexpr (std::is_same_v<T, Ipv4Network> || std::is_same_v<T, Ipv6Network>)
                return v.address;
            else if constexpr (std::is_same_v<T, NamedValue>)
                return std::monostate{};
            else
                return v;
        },
        value);
}

// Integers, booleans and floating-point numbers compare with each other by value.
struct Number {
    enum class Kind { Unsigned, Signed, Real } kind;
    std::uint64_t u = 0;
    std::int64_t i = 0;
    double d = 0;
    double real() const { return kind == Kind::Unsigned ? static_cast<double>(u) : kind == Kind::Signed ? static_cast<double>(i) : d; }
};

std::optional<Number> number_of(const View& v) {
    if (auto u = std::get_if<std::uint64_t>(&v)) return Number{Number::Kind::Unsigned, *u};
    if (auto i = std::get_if<std::int64_t>(&v)) return Number{Number::Kind::Signed, 0, *i};
    if (auto b = std::get_if<bool>(&v)) return Number{Number::Kind::Unsigned, *b ? 1u : 0u};
    if (auto d = std::get_if<double>(&v)) return Number{Number::Kind::Real, 0, 0, *d};
    return std::nullopt;
}

template <typename A, typename B>
std::partial_ordering compare_integers(A a, B b) {
    if (std::cmp_less(a, b)) return std::partial_ordering::less;
    if (std::cmp_greater(a, b)) return std::partial_ordering::greater;
    return std::partial_ordering::equivalent;
}

std::partial_ordering compare_numbers(const Number& a, const Number& b) {
    using K = Number::Kind;
    if (a.kind == K::Real || b.kind == K::Real) return a.real() <=> b.real();
    if (a.kind == K::Unsigned) return b.kind == K::Unsigned ? compare_integers(a.u, b.u) : compare_integers(a.u, b.i);
    return b.kind == K::Unsigned ? compare_integers(a.i, b.u) : compare_integers(a.i, b.i);
}

Ordering compare_views(const View& a, const View& b) {
    if (auto x = number_of(a)) {
        if (auto y = number_of(b)) return compare_numbers(*x, *y);
        return std::nullopt;
    }
    if (a.index() != b.index()) return std::nullopt;
    if (auto x = std::get_if<Bytes>(&a)) {
        const Bytes& y = std::get<Bytes>(b);
        return std::lexicographical_compare_three_way(x->begin(), x->end(), y.begin(), y.end());
    }
    if (auto x = std::get_if<Ipv4Address>(&a)) return *x <=> std::get<Ipv4Address>(b);
    if (auto x = std::get_if<Ipv6Address>(&a)) return *x <=> std::get<Ipv6Address>(b);
    if (auto x = std::get_if<MacAddress>(&a)) return x->b <=> std::get<MacAddress>(b).b;
    return std::nullopt;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; };
        return lower(x) == lower(y);
    });
}

// The reading of a literal for this node's type (the first one when the node's type is
// not among them, as for a field the name table does not know).
const Literal& reading_for(const Readings& readings, const Node& n) {
    for (const Literal& l : readings)
        if (l.type == n.def->type) return l;
    return readings.front();
}

Ordering compare_literal(const View& v, const Literal& literal, const Node& n) {
    if (auto named = std::get_if<NamedValue>(&literal.value)) {
        std::optional<std::uint64_t> value;
        if (auto u = std::get_if<std::uint64_t>(&v)) value = *u;
        if (auto i = std::get_if<std::int64_t>(&v)) value = static_cast<std::uint64_t>(*i);
        if (value && equal_ignoring_case(name_of(n.def->names, *value), named->name))
            return std::partial_ordering::equivalent;
        return std::nullopt;
    }
    if (auto net = std::get_if<Ipv4Network>(&literal.value); net && net->prefix < 32) {
        auto a = std::get_if<Ipv4Address>(&v);
        if (a && same_network(a->b, net->address.b, net->prefix)) return std::partial_ordering::equivalent;
        return std::nullopt;
    }
    if (auto net = std::get_if<Ipv6Network>(&literal.value); net && net->prefix < 128) {
        auto a = std::get_if<Ipv6Address>(&v);
        if (a && same_network(a->b, net->address.b, net->prefix)) return std::partial_ordering::equivalent;
        return std::nullopt;
    }
    return compare_views(v, view_of(literal.value));
}

bool holds(Relation r, Ordering o) {
    if (!o) return r == Relation::Ne || r == Relation::AnyNe;
    switch (r) {
        case Relation::Eq:
        case Relation::AllEq: return *o == 0;
        case Relation::Ne:
        case Relation::AnyNe: return *o != 0;
        case Relation::Lt: return *o < 0;
        case Relation::Le: return *o <= 0;
        case Relation::Gt: return *o > 0;
        case Relation::Ge: return *o >= 0;
    }
    return false;
}

bool contains_bytes(Bytes haystack, Bytes needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

class TreeMatcher {
public:
    TreeMatcher(const Program& program, const Tree& tree) : program_(program), tree_(tree) {}

    bool eval(std::size_t id) const {
        const Expr& e = program_.exprs[id];
        switch (e.kind) {
            case Expr::Kind::All: return true;
            case Expr::Kind::And: return eval(e.left) && eval(e.right);
            case Expr::Kind::Or: return eval(e.left) || eval(e.right);
            case Expr::Kind::Not: return !eval(e.left);
            case Expr::Kind::Exists: return any(e.field, [](const Node&) { return true; });
            case Expr::Kind::Compare: return compare(e);
            case Expr::Kind::CompareFields: return compare_fields(e);
            case Expr::Kind::In:
                return any(e.field, [&](const Node& n) {
                    const View v = view_of(tree_, n);
                    return std::any_of(e.set.begin(), e.set.end(), [&](const SetElement& element) {
                        const Ordering low = compare_literal(v, reading_for(element.low, n), n);
                        if (element.high.empty()) return holds(Relation::Eq, low);
                        return holds(Relation::Ge, low) &&
                               holds(Relation::Le, compare_literal(v, reading_for(element.high, n), n));
                    });
                });
            case Expr::Kind::Contains:
                return any(e.field, [&](const Node& n) {
                    const View v = view_of(tree_, n);
                    auto haystack = std::get_if<Bytes>(&v);
                    auto needle = std::get_if<std::string>(&reading_for(e.values, n).value);
                    return haystack && needle && contains_bytes(*haystack, bytes_of(*needle));
                });
            case Expr::Kind::ContainsField:
                return any(e.field, [&](const Node& a) {
                    const View va = view_of(tree_, a);
                    auto haystack = std::get_if<Bytes>(&va);
                    return haystack && any(e.other_field, [&](const Node& b) {
                               const View vb = view_of(tree_, b);
                               auto needle = std::get_if<Bytes>(&vb);
                               return needle && contains_bytes(*haystack, *needle);
                           });
                });
            case Expr::Kind::Matches:
                return any(e.field, [&](const Node& n) {
                    const View v = view_of(tree_, n);
                    auto subject = std::get_if<Bytes>(&v);
                    return subject && e.regex->search(*subject);
                });
            case Expr::Kind::BitAnd:
                return any(e.field, [&](const Node& n) {
                    if (auto u = std::get_if<std::uint64_t>(&n.value)) return (*u & e.mask) != 0;
                    if (auto i = std::get_if<std::int64_t>(&n.value)) return (static_cast<std::uint64_t>(*i) & e.mask) != 0;
                    if (auto b = std::get_if<bool>(&n.value)) return *b && (e.mask & 1) != 0;
                    return false;
                });
        }
        return false;
    }

private:
    // Whether some occurrence of `field` satisfies `test`; a linear scan of the packet's
    // nodes, hidden ones included.
    template <typename Test>
    bool any(const std::string& field, Test&& test) const {
        for (std::size_t i = 1; i < tree_.size(); ++i) {
            const Node& n = tree_.node(static_cast<std::int32_t>(i));
            if (n.def && n.def->filter == field && test(n)) return true;
        }
        return false;
    }

    bool present(const std::string& field) const {
        return any(field, [](const Node&) { return true; });
    }

    bool compare(const Expr& e) const {
        auto is = [&](Relation r) {
            return [&, r](const Node& n) { return holds(r, compare_literal(view_of(tree_, n), reading_for(e.values, n), n)); };
        };
        switch (e.relation) {
            case Relation::Ne: return present(e.field) && !any(e.field, is(Relation::Eq));
            case Relation::AllEq: return present(e.field) && !any(e.field, is(Relation::AnyNe));
            default: return any(e.field, is(e.relation));
        }
    }

    bool compare_fields(const Expr& e) const {
        auto some_pair = [&](Relation r) {
            return any(e.field, [&](const Node& a) {
                const View va = view_of(tree_, a);
                return any(e.other_field, [&](const Node& b) { return holds(r, compare_views(va, view_of(tree_, b))); });
            });
        };
        switch (e.relation) {
            case Relation::Ne: return present(e.field) && present(e.other_field) && !some_pair(Relation::Eq);
            case Relation::AllEq: return present(e.field) && present(e.other_field) && !some_pair(Relation::AnyNe);
            default: return some_pair(e.relation);
        }
    }

    const Program& program_;
    const Tree& tree_;
};

// ---------------------------------------------------------------------------------------
// Compiling

bool is_keyword(const Token& t, std::string_view keyword) {
    return t.kind == TokenKind::Word && equal_ignoring_case(t.text, keyword);
}

std::optional<Relation> relation_of(const Token& t) {
    switch (t.kind) {
        case TokenKind::Eq: return Relation::Eq;
        case TokenKind::Ne: return Relation::Ne;
        case TokenKind::AllEq: return Relation::AllEq;
        case TokenKind::AnyNe: return Relation::AnyNe;
        case TokenKind::Lt: return Relation::Lt;
        case TokenKind::Le: return Relation::Le;
        case TokenKind::Gt: return Relation::Gt;
        case TokenKind::Ge: return Relation::Ge;
        case TokenKind::Word: break;
        default: return std::nullopt;
    }
    struct Word {
        std::string_view text;
        Relation relation;
    };
    static constexpr Word kWords[] = {
        {"eq", Relation::Eq},     {"any_eq", Relation::Eq}, {"ne", Relation::Ne}, {"all_ne", Relation::Ne},
        {"all_eq", Relation::AllEq}, {"any_ne", Relation::AnyNe}, {"lt", Relation::Lt}, {"le", Relation::Le},
        {"gt", Relation::Gt},     {"ge", Relation::Ge},
    };
    for (const Word& w : kWords)
        if (equal_ignoring_case(t.text, w.text)) return w.relation;
    return std::nullopt;
}

bool is_ordering(Relation r) { return r == Relation::Lt || r == Relation::Le || r == Relation::Gt || r == Relation::Ge; }

bool has_type(std::span<const FieldName> entries, std::initializer_list<FieldType> types) {
    return std::any_of(entries.begin(), entries.end(), [&](const FieldName& f) {
        return std::find(types.begin(), types.end(), f.type) != types.end();
    });
}

// Which types can be compared with each other: numbers, times, byte sequences
// (strings, bytes, protocols), and each address family.
int type_class(FieldType t) {
    switch (t) {
        case FieldType::UInt:
        case FieldType::Int:
        case FieldType::Bool:
        case FieldType::Double:
        case FieldType::FrameNum: return 1;
        case FieldType::AbsTime:
        case FieldType::RelTime: return 2;
        case FieldType::String:
        case FieldType::Bytes:
        case FieldType::Protocol: return 3;
        case FieldType::IPv4: return 4;
        case FieldType::IPv6: return 5;
        case FieldType::Ether: return 6;
        default: return 0;
    }
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string with_article(std::string_view noun) {
    const bool vowel = !noun.empty() && std::string_view("aeiouAEIOU").find(noun[0]) != std::string_view::npos;
    return std::string(vowel ? "an " : "a ") + std::string(noun);
}

class FilterCompiler {
public:
    FilterCompiler(const std::vector<Token>& tokens, Program& program, FilterError& error)
        : tokens_(tokens), program_(program), error_(error) {}

    bool run() {
        if (peek().kind == TokenKind::End) {
            program_.root = add(Expr{});
            return true;
        }
        const std::size_t root = parse_or(0);
        if (root == kFailed) return false;
        const Token& t = peek();
        if (t.kind == TokenKind::RParen) return fail("\")\" without a matching \"(\"", t);
        if (t.kind != TokenKind::End) return fail("expected \"and\", \"or\" or the end of the filter, found " + describe(t), t);
        program_.root = root;
        return true;
    }

private:
    static constexpr std::size_t kFailed = std::numeric_limits<std::size_t>::max();

    const Token& peek(std::size_t ahead = 0) const {
        return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
    }
    const Token& take() {
        const Token& t = peek();
        if (pos_ + 1 < tokens_.size()) ++pos_;
        return t;
    }

    bool fail(std::string message, const Token& at) {
        error_ = FilterError{std::move(message), at.column, std::max<std::size_t>(1, at.text.size())};
        return false;
    }
    std::size_t failed(std::string message, const Token& at) {
        fail(std::move(message), at);
        return kFailed;
    }

    std::size_t add(Expr e) {
        program_.exprs.push_back(std::move(e));
        return program_.exprs.size() - 1;
    }
    std::size_t add_pair(Expr::Kind kind, std::size_t left, std::size_t right) {
        Expr e;
        e.kind = kind;
        e.left = left;
        e.right = right;
        return add(std::move(e));
    }

    std::size_t parse_or(std::size_t depth) {
        std::size_t left = parse_and(depth);
        while (left != kFailed && (peek().kind == TokenKind::OrOr || is_keyword(peek(), "or"))) {
            take();
            const std::size_t right = parse_and(depth);
            if (right == kFailed) return kFailed;
            left = add_pair(Expr::Kind::Or, left, right);
        }
        return left;
    }

    std::size_t parse_and(std::size_t depth) {
        std::size_t left = parse_not(depth);
        while (left != kFailed && (peek().kind == TokenKind::AndAnd || is_keyword(peek(), "and"))) {
            take();
            const std::size_t right = parse_not(depth);
            if (right == kFailed) return kFailed;
            left = add_pair(Expr::Kind::And, left, right);
        }
        return left;
    }

    std::size_t parse_not(std::size_t depth) {
        if (depth > kMaxNesting) return failed("the filter nests too deeply", peek());
        if (peek().kind == TokenKind::Bang || is_keyword(peek(), "not")) {
            take();
            const std::size_t operand = parse_not(depth + 1);
            if (operand == kFailed) return kFailed;
            return add_pair(Expr::Kind::Not, operand, 0);
        }
        return parse_primary(depth);
    }

    std::size_t parse_primary(std::size_t depth) {
        const Token& t = peek();
        if (t.kind == TokenKind::LParen) {
            take();
            const std::size_t inner = parse_or(depth + 1);
            if (inner == kFailed) return kFailed;
            const Token& close = peek();
            if (close.kind == TokenKind::End) return failed("this \"(\" has no matching \")\"", t);
            if (close.kind != TokenKind::RParen)
                return failed("expected \"and\", \"or\" or \")\", found " + describe(close), close);
            take();
            return inner;
        }
        if (t.kind == TokenKind::Word && !is_keyword(t, "and") && !is_keyword(t, "or")) return parse_test();
        if (t.kind == TokenKind::End) return failed("the filter ends where a field name was expected", t);
        return failed("expected a field name, \"not\" or \"(\", found " + describe(t), t);
    }

    // A field name on the left of a test: it must be declared.
    std::span<const FieldName> known_field(const Token& t) {
        auto entries = find_field_name(t.text);
        if (!entries.empty()) return entries;
        const bool looks_like_literal = !t.text.empty() && ((t.text[0] >= '0' && t.text[0] <= '9') || t.text[0] == ':' ||
                                                             t.text[0] == '-');
        if (looks_like_literal) {
            fail("expected a field name, found " + describe(t) + " (the field goes on the left: tcp.port == 443)", t);
            return {};
        }
        std::string message = "unknown field " + quoted(t.text);
        const std::string_view suggestion = closest_field_name(t.text);
        if (!suggestion.empty()) message += " (did you mean " + quoted(suggestion) + "?)";
        fail(std::move(message), t);
        return {};
    }

    std::size_t parse_test() {
        const Token& field = take();
        const auto entries = known_field(field);
        if (entries.empty()) return kFailed;
        Expr e;
        e.field = std::string(field.text);
        const Token& op = peek();
        if (auto relation = relation_of(op)) {
            take();
            e.relation = *relation;
            return value_test(std::move(e), entries, field, op, Expr::Kind::Compare);
        }
        if (is_keyword(op, "contains")) {
            take();
            return value_test(std::move(e), entries, field, op, Expr::Kind::Contains);
        }
        if (is_keyword(op, "matches") || op.kind == TokenKind::Tilde) {
            take();
            return matches_test(std::move(e), entries, field);
        }
        if (is_keyword(op, "in")) {
            take();
            return set_test(std::move(e), entries, field);
        }
        if (is_keyword(op, "not") && is_keyword(peek(1), "in")) {
            take();
            take();
            const std::size_t in = set_test(std::move(e), entries, field);
            if (in == kFailed) return kFailed;
            return add_pair(Expr::Kind::Not, in, 0);
        }
        if (op.kind == TokenKind::Amp) {
            take();
            return bit_test(std::move(e), entries, field);
        }
        e.kind = Expr::Kind::Exists;
        return add(std::move(e));
    }

    // The value after a relation or "contains": another field, or a literal.
    std::size_t value_test(Expr e, std::span<const FieldName> entries, const Token& field, const Token& op,
                           Expr::Kind kind) {
        const Token& value = take();
        if (value.kind != TokenKind::Word && value.kind != TokenKind::String)
            return failed("expected a value after " + describe(op) + ", found " + describe(value), value);
        const bool contains = kind == Expr::Kind::Contains;
        if (contains && !has_type(entries, {FieldType::String, FieldType::Bytes, FieldType::Protocol}))
            return failed("\"contains\" needs a string, bytes or protocol field; " + std::string(field.text) + " is " +
                              with_article(type_description(entries.front().type)),
                          op);
        if (value.kind == TokenKind::Word) {
            auto other = find_field_name(value.text);
            if (!other.empty()) return field_pair(std::move(e), entries, field, other, value, contains);
        }
        e.kind = kind;
        if (!read_literal(value, field, entries, contains, e.values)) return kFailed;
        if (!contains && is_ordering(e.relation) && !orderable(e.values, value)) return kFailed;
        return add(std::move(e));
    }

    std::size_t field_pair(Expr e, std::span<const FieldName> entries, const Token& field,
                           std::span<const FieldName> other, const Token& other_token, bool contains) {
        bool compatible = false;
        for (const FieldName& a : entries)
            for (const FieldName& b : other)
                compatible = compatible || (type_class(a.type) != 0 && type_class(a.type) == type_class(b.type) &&
                                            (!contains || type_class(a.type) == 3));
        if (!compatible)
            return failed(std::string(contains ? "cannot look for " : "cannot compare ") + std::string(field.text) + " (" +
                              std::string(type_description(entries.front().type)) + ")" + (contains ? " in " : " with ") +
                              std::string(other_token.text) + " (" + std::string(type_description(other.front().type)) + ")",
                          other_token);
        e.kind = contains ? Expr::Kind::ContainsField : Expr::Kind::CompareFields;
        e.other_field = std::string(other_token.text);
        return add(std::move(e));
    }

    std::size_t matches_test(Expr e, std::span<const FieldName> entries, const Token& field) {
        const Token& pattern = take();
        if (!has_type(entries, {FieldType::String, FieldType::Bytes, FieldType::Protocol}))
            return failed("\"matches\" needs a string, bytes or protocol field; " + std::string(field.text) + " is " +
                              with_article(type_description(entries.front().type)),
                          field);
        if (pattern.kind != TokenKind::String)
            return failed("a regular expression is written as a quoted string, found " + describe(pattern), pattern);
        RegexError regex_error;
        // Wireshark's matches ignores case unless the pattern says (?-i).
        e.regex = LinearRegex::compile(pattern.value, true, regex_error);
        if (!e.regex)
            return failed("bad regular expression: " + regex_error.message + " (at character " +
                              std::to_string(regex_error.offset + 1) + " of the pattern)",
                          pattern);
        e.kind = Expr::Kind::Matches;
        return add(std::move(e));
    }

    std::size_t set_test(Expr e, std::span<const FieldName> entries, const Token& field) {
        const Token& open = take();
        if (open.kind != TokenKind::LBrace) return failed("expected \"{\" after \"in\", found " + describe(open), open);
        e.kind = Expr::Kind::In;
        while (true) {
            const Token& t = peek();
            if (t.kind == TokenKind::RBrace) {
                if (e.set.empty()) return failed("an empty set", t);
                take();
                break;
            }
            if (t.kind == TokenKind::End) return failed("this \"{\" has no matching \"}\"", open);
            if (!e.set.empty() && t.kind == TokenKind::Comma) {
                take();
                if (peek().kind != TokenKind::Word && peek().kind != TokenKind::String)
                    return failed("expected a value after \",\", found " + describe(peek()), peek());
                continue;
            }
            if (t.kind != TokenKind::Word && t.kind != TokenKind::String)
                return failed("expected a value or \"}\" in the set, found " + describe(t), t);
            take();
            SetElement element;
            if (peek().kind == TokenKind::DotDot) {
                take();
                const Token& high = take();
                if (high.kind != TokenKind::Word && high.kind != TokenKind::String)
                    return failed("expected the end of the range after \"..\", found " + describe(high), high);
                if (!range(t, t.text, high, high.text, field, entries, element)) return kFailed;
            } else if (const std::size_t dash = numeric_range_dash(t, entries); dash != std::string_view::npos) {
                if (!range(t, t.text.substr(0, dash), t, t.text.substr(dash + 1), field, entries, element)) return kFailed;
            } else if (!read_literal(t, field, entries, false, element.low)) {
                return kFailed;
            }
            e.set.push_back(std::move(element));
        }
        return add(std::move(e));
    }

    // "10-20" in a set of numbers is a range, as in tshark 3; where its dash is.
    static std::size_t numeric_range_dash(const Token& t, std::span<const FieldName> entries) {
        if (t.kind != TokenKind::Word) return std::string_view::npos;
        for (const FieldName& f : entries)
            if (f.type != FieldType::UInt && f.type != FieldType::Int && f.type != FieldType::FrameNum &&
                f.type != FieldType::Double && f.type != FieldType::RelTime)
                return std::string_view::npos;
        const std::size_t dash = t.text.find('-', 1);
        if (dash == std::string_view::npos || dash + 1 >= t.text.size()) return std::string_view::npos;
        const char before = t.text[dash - 1];
        if (before == 'e' || before == 'E') return std::string_view::npos;  // 1e-5
        return dash;
    }

    bool range(const Token& low_token, std::string_view low, const Token& high_token, std::string_view high,
               const Token& field, std::span<const FieldName> entries, SetElement& element) {
        Token low_part = low_token, high_part = high_token;
        if (low_part.kind == TokenKind::Word) low_part.text = low;
        if (high_part.kind == TokenKind::Word) {
            high_part.column += static_cast<std::size_t>(high.data() - high_token.text.data());
            high_part.text = high;
        }
        return read_literal(low_part, field, entries, false, element.low) && orderable(element.low, low_part) &&
               read_literal(high_part, field, entries, false, element.high) && orderable(element.high, high_part);
    }

    std::size_t bit_test(Expr e, std::span<const FieldName> entries, const Token& field) {
        const Token& mask = take();
        if (!has_type(entries, {FieldType::UInt, FieldType::Int, FieldType::Bool, FieldType::FrameNum}))
            return failed("\"&\" needs an integer field; " + std::string(field.text) + " is " +
                              with_article(type_description(entries.front().type)),
                          field);
        auto value = mask.kind == TokenKind::Word ? parse_unsigned(mask.text) : std::nullopt;
        if (!value) return failed("expected an integer mask after \"&\", found " + describe(mask), mask);
        e.kind = Expr::Kind::BitAnd;
        e.mask = *value;
        return add(std::move(e));
    }

    // Networks and value names only test equality.
    bool orderable(const Readings& readings, const Token& at) {
        for (const Literal& l : readings) {
            const auto* v4 = std::get_if<Ipv4Network>(&l.value);
            const auto* v6 = std::get_if<Ipv6Network>(&l.value);
            if ((v4 && v4->prefix < 32) || (v6 && v6->prefix < 128))
                return fail("a network (address/prefix) can only be tested with ==, != or in", at);
            if (std::holds_alternative<NamedValue>(l.value))
                return fail("a value name can only be tested with ==, != or in; use its number", at);
        }
        return true;
    }

    // Reads `t` as each type the field is declared with; fails when no reading works.
    bool read_literal(const Token& t, const Token& field, std::span<const FieldName> entries, bool for_contains,
                      Readings& out) {
        std::string why;
        for (const FieldName& f : entries) {
            if (std::any_of(out.begin(), out.end(), [&](const Literal& l) { return l.type == f.type; })) continue;
            if (for_contains && f.type != FieldType::String && f.type != FieldType::Bytes && f.type != FieldType::Protocol)
                continue;
            std::string reason;
            if (auto value = read_as(f, t, field.text, reason))
                out.push_back(Literal{f.type, std::move(*value)});
            else if (why.empty())
                why = std::move(reason);
        }
        if (!out.empty()) return true;
        if (t.kind == TokenKind::Word) {
            const std::string_view suggestion = closest_field_name(t.text);
            if (!suggestion.empty())
                why += " (did you mean the field " + quoted(suggestion) + "?)";
        }
        return fail(std::move(why), t);
    }

    static std::optional<LiteralValue> read_as(const FieldName& f, const Token& t, std::string_view field,
                                               std::string& why) {
        const bool word = t.kind == TokenKind::Word;
        const std::string_view text = word ? t.text : std::string_view(t.value);
        const std::string type = std::string(type_description(f.type));
        auto not_valid = [&] {
            why = describe(t) + " is not " + with_article("valid " + type) + " for " + std::string(field);
            return std::nullopt;
        };
        switch (f.type) {
            case FieldType::UInt:
            case FieldType::FrameNum:
            case FieldType::Int: {
                if (word) {
                    if (f.type == FieldType::Int) {
                        if (auto v = parse_signed(text)) return LiteralValue{*v};
                    } else if (auto v = parse_unsigned(text)) {
                        return LiteralValue{*v};
                    }
                }
                const bool name_like = !text.empty() && !(text[0] >= '0' && text[0] <= '9') && text[0] != '-';
                if (f.has_value_names && (name_like || !word)) return LiteralValue{NamedValue{std::string(text)}};
                if (!word) {
                    why = std::string(field) + " is " + with_article(type) + "; " + describe(t) +
                          " is a string (write numbers without quotes)";
                    return std::nullopt;
                }
                return not_valid();
            }
            case FieldType::Bool:
                if (auto v = word ? parse_bool(text) : std::nullopt) return LiteralValue{*v};
                why = describe(t) + " is not a boolean for " + std::string(field) + " (use 1, 0, true or false)";
                return std::nullopt;
            case FieldType::Double:
                if (auto v = word ? parse_double(text) : std::nullopt) return LiteralValue{*v};
                return not_valid();
            case FieldType::RelTime:
                if (auto v = word ? parse_seconds(text) : std::nullopt) return LiteralValue{std::int64_t{*v}};
                why = describe(t) + " is not a time in seconds for " + std::string(field);
                return std::nullopt;
            case FieldType::AbsTime:
                if (auto v = parse_utc_time(text)) return LiteralValue{std::int64_t{*v}};
                if (auto v = word ? parse_seconds(text) : std::nullopt) return LiteralValue{std::int64_t{*v}};
                why = describe(t) + " is not a date and time for " + std::string(field) +
                      " (write \"2026-11-27 04:55:43.4\" in UTC, or seconds since 1970)";
                return std::nullopt;
            case FieldType::Bytes:
            case FieldType::Protocol:
                if (!word) return LiteralValue{std::string(text)};
                if (auto v = parse_byte_string(text)) return LiteralValue{std::string(v->begin(), v->end())};
                why = describe(t) + " is not a byte string for " + std::string(field) +
                      " (write hex bytes as 16:03:01 or 160301, or text in quotes)";
                return std::nullopt;
            case FieldType::String: return LiteralValue{std::string(text)};
            case FieldType::IPv4:
                if (auto v = parse_ipv4_network(text)) return LiteralValue{*v};
                why = describe(t) + " is not an IPv4 address or network for " + std::string(field) +
                      " (write 192.0.2.1 or 192.0.2.0/24)";
                return std::nullopt;
            case FieldType::IPv6:
                if (auto v = parse_ipv6_network(text)) return LiteralValue{*v};
                why = describe(t) + " is not an IPv6 address or network for " + std::string(field) +
                      " (write 2001:db8::1 or 2001:db8::/32)";
                return std::nullopt;
            case FieldType::Ether:
                if (auto v = parse_mac(text)) return LiteralValue{*v};
                why = describe(t) + " is not an Ethernet address for " + std::string(field) +
                      " (write 00:1a:2b:3c:4d:5e)";
                return std::nullopt;
            case FieldType::None:
            case FieldType::Expert:
                why = std::string(field) + " has no value to compare; test it alone, as in \"" + std::string(field) + "\"";
                return std::nullopt;
        }
        return not_valid();
    }

    const std::vector<Token>& tokens_;
    Program& program_;
    FilterError& error_;
    std::size_t pos_ = 0;
};

// The display width of text[0, end): one column per UTF-8 character.
std::size_t columns(std::string_view text, std::size_t end) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < std::min(end, text.size()); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) ++n;
    return n;
}

}  // namespace

}  // namespace filter

std::optional<DisplayFilter> DisplayFilter::compile(std::string_view text, FilterError& error) {
    std::vector<filter::Token> tokens;
    if (!filter::tokenize(text, tokens, error)) return std::nullopt;
    auto program = std::make_unique<filter::Program>();
    if (!filter::FilterCompiler(tokens, *program, error).run()) return std::nullopt;
    return DisplayFilter(std::string(text), std::move(program));
}

bool DisplayFilter::matches(const Tree& tree) const {
    return filter::TreeMatcher(*program_, tree).eval(program_->root);
}

DisplayFilter::DisplayFilter(std::string text, std::unique_ptr<filter::Program> program)
    : text_(std::move(text)), program_(std::move(program)) {}
DisplayFilter::DisplayFilter(DisplayFilter&&) noexcept = default;
DisplayFilter& DisplayFilter::operator=(DisplayFilter&&) noexcept = default;
DisplayFilter::~DisplayFilter() = default;

std::string filter_error_display(std::string_view filter, const FilterError& error, std::string_view what) {
    std::string shown(filter);
    for (char& c : shown)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';  // tabs and newlines would shift the caret
    const std::size_t column = std::min(error.column, filter.size());
    const std::size_t start = filter::columns(filter, column);
    const std::size_t width = filter::columns(filter, column + error.length) - start;
    std::string out = "bad " + std::string(what) + ": " + error.message + "\n  " + shown + "\n  " + std::string(start, ' ') + "^";
    if (width > 1) out += std::string(width - 1, '~');
    return out + "\n";
}

}  // namespace tlsdissect
