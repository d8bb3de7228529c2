#include "filter/linear_regex.hpp"

#include <algorithm>
#include <limits>

namespace tlsdissect::filter {

namespace {

// Hostile-input limits: a pattern comes from the command line, but a filter runs on
// every packet, so compiled size and parser recursion are bounded.
constexpr std::size_t kMaxInstructions = 20'000;  // after expanding {n,m}
constexpr std::size_t kMaxNesting = 100;          // groups inside groups
constexpr unsigned kMaxRepeat = 1'000;            // the largest n or m in {n,m}
constexpr unsigned kUnbounded = std::numeric_limits<unsigned>::max();

using ByteSet = std::bitset<256>;

bool is_word_byte(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

ByteSet range_set(unsigned lo, unsigned hi) {
    ByteSet s;
    for (unsigned c = lo; c <= hi; ++c) s.set(c);
    return s;
}

ByteSet digit_set() { return range_set('0', '9'); }
ByteSet word_set() { return range_set('a', 'z') | range_set('A', 'Z') | digit_set() | range_set('_', '_'); }
ByteSet space_set() { return range_set('\t', '\r') | range_set(' ', ' '); }

ByteSet fold_case(ByteSet s) {
    for (unsigned c = 'a'; c <= 'z'; ++c) {
        if (s.test(c) || s.test(c - 32)) {
            s.set(c);
            s.set(c - 32);
        }
    }
    return s;
}

std::optional<ByteSet> posix_class(std::string_view name) {
    if (name == "alpha") return range_set('a', 'z') | range_set('A', 'Z');
    if (name == "digit") return digit_set();
    if (name == "alnum") return range_set('a', 'z') | range_set('A', 'Z') | digit_set();
    if (name == "word") return word_set();
    if (name == "space") return space_set();
    if (name == "blank") return range_set(' ', ' ') | range_set('\t', '\t');
    if (name == "upper") return range_set('A', 'Z');
    if (name == "lower") return range_set('a', 'z');
    if (name == "xdigit") return digit_set() | range_set('a', 'f') | range_set('A', 'F');
    if (name == "punct") return range_set('!', '/') | range_set(':', '@') | range_set('[', '`') | range_set('{', '~');
    if (name == "cntrl") return range_set(0, 31) | range_set(127, 127);
    if (name == "graph") return range_set('!', '~');
    if (name == "print") return range_set(' ', '~');
    if (name == "ascii") return range_set(0, 127);
    return std::nullopt;
}

struct Flags {
    bool ignore_case = true;
    bool dot_all = false;    // (?s): . matches \n too
    bool multiline = false;  // (?m): ^ and $ match at line breaks
};

struct AstNode {
    enum class Kind { Empty, Set, Assert, Concat, Alternation, Repeat } kind = Kind::Empty;
    ByteSet set;
    LinearRegex::Assertion assertion = LinearRegex::Assertion::TextStart;
    std::vector<std::size_t> children;
    unsigned min = 0, max = 0;
};

// What a parse step produced: a node, nothing (an inline flag group, a comment), or an error.
constexpr std::size_t kNoNode = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kFailed = kNoNode - 1;

}  // namespace

class RegexCompiler {
public:
    RegexCompiler(std::string_view pattern, bool ignore_case, RegexError& error)
        : pattern_(pattern), error_(error) {
        flags_.ignore_case = ignore_case;
    }

    std::optional<LinearRegex> run() {
        const std::size_t root = alternation(flags_, 0);
        if (root == kFailed) return std::nullopt;
        if (pos_ < pattern_.size()) {  // only a ')' stops the top level early
            fail("unmatched \")\"", pos_);
            return std::nullopt;
        }
        LinearRegex regex;
        regex_ = &regex;
        if (!emit(root)) return std::nullopt;
        push({LinearRegex::Op::Match});
        return regex;
    }

private:
    std::size_t fail(std::string message, std::size_t offset) {
        error_ = RegexError{std::move(message), offset};
        return kFailed;
    }

    std::size_t node(AstNode n) {
        ast_.push_back(std::move(n));
        return ast_.size() - 1;
    }

    std::size_t set_node(ByteSet s, const Flags& flags) {
        return node(AstNode{AstNode::Kind::Set, flags.ignore_case ? fold_case(s) : s, {}, {}, 0, 0});
    }

    std::size_t assert_node(LinearRegex::Assertion a) {
        AstNode n;
        n.kind = AstNode::Kind::Assert;
        n.assertion = a;
        return node(std::move(n));
    }

    bool at_end() const { return pos_ >= pattern_.size(); }
    char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < pattern_.size() ? pattern_[pos_ + ahead] : '\0';
    }

    std::size_t alternation(Flags& flags, std::size_t depth) {
        std::vector<std::size_t> alternatives;
        while (true) {
            const std::size_t item = concatenation(flags, depth);
            if (item == kFailed) return kFailed;
            alternatives.push_back(item);
            if (at_end() || peek() != '|') break;
            ++pos_;
        }
        if (alternatives.size() == 1) return alternatives[0];
        AstNode n;
        n.kind = AstNode::Kind::Alternation;
        n.children = std::move(alternatives);
        return node(std::move(n));
    }

    std::size_t concatenation(Flags& flags, std::size_t depth) {
        AstNode n;
        n.kind = AstNode::Kind::Concat;
        while (!at_end() && peek() != '|' && peek() != ')') {
            const std::size_t item = quantified(flags, depth);
            if (item == kFailed) return kFailed;
            if (item != kNoNode) n.children.push_back(item);
        }
        if (n.children.size() == 1) return n.children[0];
        return node(std::move(n));
    }

    // {n}, {n,} or {n,m} at pos_: consumed when valid, else left alone (a literal '{').
    bool counted(unsigned& min, unsigned& max) {
        std::size_t i = pos_ + 1;
        auto number = [&](unsigned& out) {
            const std::size_t start = i;
            unsigned long v = 0;
            while (i < pattern_.size() && pattern_[i] >= '0' && pattern_[i] <= '9')  // saturates above the limit
                v = std::min<unsigned long>(v * 10 + static_cast<unsigned>(pattern_[i++] - '0'), kMaxRepeat + 1);
            out = static_cast<unsigned>(v);
            return i > start;
        };
        if (!number(min)) return false;
        max = min;
        if (i < pattern_.size() && pattern_[i] == ',') {
            ++i;
            max = kUnbounded;
            if (i < pattern_.size() && pattern_[i] != '}' && !number(max)) return false;
        }
        if (i >= pattern_.size() || pattern_[i] != '}') return false;
        pos_ = i + 1;
        return true;
    }

    bool quantifier_next() {
        if (at_end()) return false;
        if (peek() == '*' || peek() == '+' || peek() == '?') return true;
        if (peek() != '{') return false;
        const std::size_t saved = pos_;
        unsigned min = 0, max = 0;
        const bool valid = counted(min, max);
        pos_ = saved;
        return valid;
    }

    std::size_t quantified(Flags& flags, std::size_t depth) {
        const std::size_t atom_node = atom(flags, depth);
        if (atom_node == kFailed || !quantifier_next()) return atom_node;
        if (atom_node == kNoNode || ast_[atom_node].kind == AstNode::Kind::Assert)
            return fail("nothing to repeat", pos_);
        const std::size_t quantifier_at = pos_;
        unsigned min = 0, max = kUnbounded;
        const char q = peek();
        if (q == '*') {
            ++pos_;
        } else if (q == '+') {
            min = 1;
            ++pos_;
        } else if (q == '?') {
            max = 1;
            ++pos_;
        } else {
            counted(min, max);
            if (min > kMaxRepeat || (max != kUnbounded && max > kMaxRepeat))
                return fail("a repeat count above " + std::to_string(kMaxRepeat), quantifier_at);
            if (max < min) return fail("a repeat count {n,m} with m < n", quantifier_at);
        }
        if (!at_end() && peek() == '?') {
            ++pos_;  // lazy: the same for a yes/no match
        } else if (!at_end() && peek() == '+') {
            return fail("possessive quantifiers are not supported", pos_);
        }
        if (quantifier_next()) return fail("a quantifier cannot follow another; use a group", pos_);
        AstNode n;
        n.kind = AstNode::Kind::Repeat;
        n.children = {atom_node};
        n.min = min;
        n.max = max;
        return node(std::move(n));
    }

    std::size_t atom(Flags& flags, std::size_t depth) {
        const char c = peek();
        switch (c) {
            case '(': return group(flags, depth);
            case '[': return char_class(flags);
            case '.':
                ++pos_;
                return set_node(flags.dot_all ? ~ByteSet{} : ~range_set('\n', '\n'), Flags{false, false, false});
            case '^':
                ++pos_;
                return assert_node(flags.multiline ? LinearRegex::Assertion::LineStart : LinearRegex::Assertion::TextStart);
            case '$':
                ++pos_;
                return assert_node(flags.multiline ? LinearRegex::Assertion::LineEnd
                                                   : LinearRegex::Assertion::TextEndOrFinalNewline);
            case '\\': return escape(flags);
            case '*':
            case '+':
            case '?': return fail("nothing to repeat", pos_);
            case '{':
                if (quantifier_next()) return fail("nothing to repeat", pos_);
                break;
            default: break;
        }
        ++pos_;
        return set_node(range_set(static_cast<unsigned char>(c), static_cast<unsigned char>(c)), flags);
    }

    // A byte escape that means the same inside and outside a class (\t, \x41, \0, \.);
    // pos_ is after the backslash. Fails for letters it does not know.
    std::optional<unsigned> byte_escape(std::size_t backslash) {
        const char e = peek();
        ++pos_;
        switch (e) {
            case 't': return '\t';
            case 'n': return '\n';
            case 'r': return '\r';
            case 'f': return '\f';
            case 'v': return '\v';
            case 'a': return '\a';
            case 'e': return 0x1b;
            case 'c': {
                if (at_end()) break;
                const char x = peek();
                ++pos_;
                return (static_cast<unsigned char>(x >= 'a' && x <= 'z' ? x - 32 : x)) ^ 0x40u;
            }
            case 'x': {
                unsigned v = 0;
                if (peek() == '{') {
                    std::size_t i = pos_ + 1, n = 0;
                    while (i < pattern_.size() && hex_value(pattern_[i]) >= 0 && n < 8) v = v * 16 + static_cast<unsigned>(hex_value(pattern_[i++])), ++n;
                    if (n == 0 || i >= pattern_.size() || pattern_[i] != '}') {
                        fail("\\x{...} needs hex digits and a closing brace", backslash);
                        return std::nullopt;
                    }
                    if (v > 0xff) {
                        fail("only bytes (\\x00 to \\xff) can be matched", backslash);
                        return std::nullopt;
                    }
                    pos_ = i + 1;
                    return v;
                }
                for (int n = 0; n < 2 && hex_value(peek()) >= 0; ++n, ++pos_) v = v * 16 + static_cast<unsigned>(hex_value(peek()));
                return v;
            }
            case '0': {
                unsigned v = 0;
                for (int n = 0; n < 2 && peek() >= '0' && peek() <= '7'; ++n, ++pos_) v = v * 8 + static_cast<unsigned>(peek() - '0');
                return v;
            }
            default:
                if (e != '\0' && !is_alnum(e)) return static_cast<unsigned char>(e);
                break;
        }
        if (e >= '1' && e <= '9')
            fail("back-references are not supported", backslash);
        else if (e == '\0')
            fail("a backslash at the end of the pattern", backslash);
        else
            fail(std::string("\\") + e + " is not supported", backslash);
        return std::nullopt;
    }

    // \d \w \s and their negations; pos_ is at the letter.
    std::optional<ByteSet> class_escape() {
        switch (peek()) {
            case 'd': return digit_set();
            case 'D': return ~digit_set();
            case 'w': return word_set();
            case 'W': return ~word_set();
            case 's': return space_set();
            case 'S': return ~space_set();
            case 'h': return range_set(' ', ' ') | range_set('\t', '\t');
            case 'H': return ~(range_set(' ', ' ') | range_set('\t', '\t'));
            default: return std::nullopt;
        }
    }

    std::size_t escape(Flags& flags) {
        const std::size_t backslash = pos_++;
        if (auto s = class_escape()) {
            ++pos_;
            return set_node(*s, Flags{false, false, false});
        }
        switch (peek()) {
            case 'b': ++pos_; return assert_node(LinearRegex::Assertion::WordBoundary);
            case 'B': ++pos_; return assert_node(LinearRegex::Assertion::NotWordBoundary);
            case 'A': ++pos_; return assert_node(LinearRegex::Assertion::TextStart);
            case 'z': ++pos_; return assert_node(LinearRegex::Assertion::TextEnd);
            case 'Z': ++pos_; return assert_node(LinearRegex::Assertion::TextEndOrFinalNewline);
            case 'Q': {  // \Q...\E: everything literal
                ++pos_;
                const std::size_t end = pattern_.find("\\E", pos_);
                const std::string_view quoted = pattern_.substr(pos_, end == std::string_view::npos ? end : end - pos_);
                pos_ = end == std::string_view::npos ? pattern_.size() : end + 2;
                AstNode n;
                n.kind = AstNode::Kind::Concat;
                for (char q : quoted)
                    n.children.push_back(set_node(range_set(static_cast<unsigned char>(q), static_cast<unsigned char>(q)), flags));
                return node(std::move(n));
            }
            default: break;
        }
        auto byte = byte_escape(backslash);
        if (!byte) return kFailed;
        return set_node(range_set(*byte, *byte), flags);
    }

    std::size_t char_class(const Flags& flags) {
        const std::size_t open = pos_++;
        bool negate = false;
        if (peek() == '^') {
            negate = true;
            ++pos_;
        }
        ByteSet s;
        bool first = true;
        while (true) {
            if (at_end()) return fail("missing \"]\"", open);
            if (peek() == ']' && !first) {
                ++pos_;
                break;
            }
            first = false;
            if (peek() == '[' && peek(1) == ':') {
                const std::size_t close = pattern_.find(":]", pos_ + 2);
                if (close != std::string_view::npos) {
                    std::string_view name = pattern_.substr(pos_ + 2, close - pos_ - 2);
                    const bool not_in = !name.empty() && name[0] == '^';
                    if (not_in) name.remove_prefix(1);
                    auto named = posix_class(name);
                    if (!named) return fail("unknown class [:" + std::string(name) + ":]", pos_);
                    s |= not_in ? ~*named : *named;
                    pos_ = close + 2;
                    continue;
                }
            }
            // One member: a set escape, or a byte that may start a range.
            unsigned lo = 0;
            const std::size_t member = pos_;
            if (peek() == '\\') {
                ++pos_;
                if (auto escaped = class_escape()) {
                    ++pos_;
                    s |= *escaped;
                    continue;
                }
                if (peek() == 'b') {
                    ++pos_;
                    lo = '\b';
                } else {
                    auto byte = byte_escape(member);
                    if (!byte) return kFailed;
                    lo = *byte;
                }
            } else {
                lo = static_cast<unsigned char>(peek());
                ++pos_;
            }
            unsigned hi = lo;
            if (peek() == '-' && pos_ + 1 < pattern_.size() && peek(1) != ']') {
                ++pos_;
                if (peek() == '\\') {
                    ++pos_;
                    if (class_escape()) return fail("a range cannot end with a class such as \\d", member);
                    auto byte = byte_escape(pos_ - 1);
                    if (!byte) return kFailed;
                    hi = *byte;
                } else {
                    hi = static_cast<unsigned char>(peek());
                    ++pos_;
                }
                if (hi < lo) return fail("a range out of order", member);
            }
            s |= range_set(lo, hi);
        }
        if (flags.ignore_case) s = fold_case(s);
        return set_node(negate ? ~s : s, Flags{false, false, false});
    }

    std::size_t group(Flags& flags, std::size_t depth) {
        const std::size_t open = pos_++;
        if (depth >= kMaxNesting) return fail("groups nested too deeply", open);
        Flags inner = flags;
        if (peek() == '?') {
            ++pos_;
            const char k = peek();
            if (k == '#') {
                const std::size_t close = pattern_.find(')', pos_);
                if (close == std::string_view::npos) return fail("missing \")\"", open);
                pos_ = close + 1;
                return kNoNode;
            }
            if (k == '=' || k == '!' || (k == '<' && (peek(1) == '=' || peek(1) == '!')))
                return fail("look-around assertions are not supported", open);
            if (k == '>') return fail("atomic groups are not supported", open);
            if (k == '(') return fail("conditional groups are not supported", open);
            if (k == 'R' || k == '&' || (k >= '0' && k <= '9') || (k == 'P' && (peek(1) == '=' || peek(1) == '>')))
                return fail("recursion and back-references are not supported", open);
            if (k == ':' || k == '|') {
                ++pos_;
            } else if (k == '<' || k == '\'' || (k == 'P' && peek(1) == '<')) {
                const char close = k == '\'' ? '\'' : '>';
                const std::size_t end = pattern_.find(close, pos_ + (k == 'P' ? 2 : 1));
                if (end == std::string_view::npos) return fail("a group name without its end", open);
                pos_ = end + 1;
            } else {
                bool on = true;
                const std::size_t flags_at = pos_;
                while (!at_end() && peek() != ')' && peek() != ':') {
                    switch (peek()) {
                        case '-': on = false; break;
                        case 'i': inner.ignore_case = on; break;
                        case 's': inner.dot_all = on; break;
                        case 'm': inner.multiline = on; break;
                        default: return fail(std::string("the group flag \"") + peek() + "\" is not supported", pos_);
                    }
                    ++pos_;
                }
                if (at_end()) return fail("missing \")\"", open);
                if (pos_ == flags_at) return fail("an empty flag group", open);
                if (peek() == ')') {  // (?i): for the rest of the enclosing group
                    ++pos_;
                    flags = inner;
                    return kNoNode;
                }
                ++pos_;  // (?i:...)
            }
        }
        const std::size_t body = alternation(inner, depth + 1);
        if (body == kFailed) return kFailed;
        if (at_end() || peek() != ')') return fail("missing \")\"", open);
        ++pos_;
        return body;
    }

    void push(LinearRegex::Instruction i) { regex_->program_.push_back(i); }
    std::uint32_t here() const { return static_cast<std::uint32_t>(regex_->program_.size()); }

    bool too_large() {
        if (regex_->program_.size() <= kMaxInstructions) return false;
        fail("the regular expression is too large", 0);
        return true;
    }

    bool emit(std::size_t id) {
        if (too_large()) return false;
        const AstNode& n = ast_[id];
        using Op = LinearRegex::Op;
        switch (n.kind) {
            case AstNode::Kind::Empty: return true;
            case AstNode::Kind::Set:
                regex_->sets_.push_back(n.set);
                push({Op::Set, {}, static_cast<std::uint32_t>(regex_->sets_.size() - 1)});
                return true;
            case AstNode::Kind::Assert: push({Op::Assert, n.assertion}); return true;
            case AstNode::Kind::Concat:
                for (std::size_t child : n.children)
                    if (!emit(child)) return false;
                return true;
            case AstNode::Kind::Alternation: {
                std::vector<std::uint32_t> jumps;
                for (std::size_t i = 0; i < n.children.size(); ++i) {
                    std::uint32_t split = 0;
                    const bool last = i + 1 == n.children.size();
                    if (!last) {
                        split = here();
                        push({Op::Split, {}, split + 1, 0});
                    }
                    if (!emit(n.children[i])) return false;
                    if (!last) {
                        jumps.push_back(here());
                        push({Op::Jump});
                        regex_->program_[split].y = here();
                    }
                }
                for (std::uint32_t j : jumps) regex_->program_[j].x = here();
                return true;
            }
            case AstNode::Kind::Repeat: {
                const std::size_t child = n.children[0];
                for (unsigned i = 0; i < n.min; ++i)
                    if (!emit(child)) return false;
                if (n.max == kUnbounded) {
                    const std::uint32_t loop = here();
                    push({Op::Split, {}, loop + 1, 0});
                    if (!emit(child)) return false;
                    push({Op::Jump, {}, loop});
                    regex_->program_[loop].y = here();
                    return true;
                }
                std::vector<std::uint32_t> splits;
                for (unsigned i = n.min; i < n.max; ++i) {
                    splits.push_back(here());
                    push({Op::Split, {}, here() + 1, 0});
                    if (!emit(child)) return false;
                }
                for (std::uint32_t s : splits) regex_->program_[s].y = here();
                return true;
            }
        }
        return false;
    }

    std::string_view pattern_;
    RegexError& error_;
    Flags flags_;
    std::size_t pos_ = 0;
    std::vector<AstNode> ast_;
    LinearRegex* regex_ = nullptr;
};

std::optional<LinearRegex> LinearRegex::compile(std::string_view pattern, bool ignore_case, RegexError& error) {
    return RegexCompiler(pattern, ignore_case, error).run();
}

namespace {

// The threads of one step: a sparse set of program counters (Briggs and Torczon), so
// that clearing is O(1) and each instruction is visited at most once per step.
struct ThreadList {
    explicit ThreadList(std::size_t n) : dense(n), sparse(n) {}
    bool contains(std::uint32_t pc) const { return sparse[pc] < size && dense[sparse[pc]] == pc; }
    void insert(std::uint32_t pc) {
        sparse[pc] = size;
        dense[size++] = pc;
    }
    std::vector<std::uint32_t> dense, sparse;
    std::uint32_t size = 0;
};

}  // namespace

bool LinearRegex::search(std::span<const std::uint8_t> s) const {
    const std::size_t n = s.size();
    ThreadList current(program_.size()), next(program_.size());
    std::vector<std::uint32_t> stack;

    auto holds = [&](Assertion a, std::size_t pos) {
        switch (a) {
            case Assertion::TextStart: return pos == 0;
            case Assertion::TextEnd: return pos == n;
            case Assertion::TextEndOrFinalNewline: return pos == n || (pos + 1 == n && s[pos] == '\n');
            case Assertion::LineStart: return pos == 0 || s[pos - 1] == '\n';
            case Assertion::LineEnd: return pos == n || s[pos] == '\n';
            case Assertion::WordBoundary:
            case Assertion::NotWordBoundary: {
                const bool before = pos > 0 && is_word_byte(s[pos - 1]);
                const bool after = pos < n && is_word_byte(s[pos]);
                return (before != after) == (a == Assertion::WordBoundary);
            }
        }
        return false;
    };
    // Follows jumps, splits and assertions from `pc` without consuming a byte; true when
    // that reaches Match.
    auto add = [&](ThreadList& list, std::uint32_t pc, std::size_t pos) {
        stack.push_back(pc);
        while (!stack.empty()) {
            const std::uint32_t at = stack.back();
            stack.pop_back();
            if (list.contains(at)) continue;
            list.insert(at);
            const Instruction& i = program_[at];
            switch (i.op) {
                case Op::Match: stack.clear(); return true;
                case Op::Jump: stack.push_back(i.x); break;
                case Op::Split:
                    stack.push_back(i.y);
                    stack.push_back(i.x);
                    break;
                case Op::Assert:
                    if (holds(i.assertion, pos)) stack.push_back(at + 1);
                    break;
                case Op::Set: break;
            }
        }
        return false;
    };

    for (std::size_t pos = 0;; ++pos) {
        if (add(current, 0, pos)) return true;
        if (pos == n) return false;
        next.size = 0;
        for (std::uint32_t t = 0; t < current.size; ++t) {
            const Instruction& i = program_[current.dense[t]];
            if (i.op == Op::Set && sets_[i.x].test(s[pos]) && add(next, current.dense[t] + 1, pos + 1)) return true;
        }
        std::swap(current, next);
    }
}

bool LinearRegex::search(std::string_view subject) const {
    return search(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(subject.data()), subject.size()));
}

}  // namespace tlsdissect::filter
