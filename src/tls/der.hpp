// A small DER walker (ITU-T X.690 section 8.1 and 10): it finds elements and their
// byte offsets, nothing more. Values inside the elements are decoded by OpenSSL
// (src/tls/x509.cpp); this reader only frames them.
//
// Every element is read through a ByteReader, so a length that runs past its enclosing
// data is Malformed and one that runs past the captured bytes is Truncated, exactly as
// for every other dissector. DER allows only definite lengths; the indefinite form (BER)
// is Malformed. Hostile input is bounded by two named limits: nesting depth and the
// number of elements read per certificate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect::der {

// Deepest nesting a reader accepts. The deepest path in a real certificate (a directory
// name inside a CRL distribution point inside an extension) is about 15 levels.
inline constexpr unsigned kMaxDerDepth = 32;
// Most elements read for one certificate. Real certificates hold a few hundred; large
// SAN lists a few thousand. Past this, the walk stops with a Malformed anomaly.
inline constexpr std::size_t kMaxDerElements = 20000;

enum class TagClass : std::uint8_t { Universal = 0, Application = 1, Context = 2, Private = 3 };

// Universal tag numbers (X.680 section 8.4) that X.509 uses.
namespace tag {
inline constexpr std::uint32_t kBoolean = 1;
inline constexpr std::uint32_t kInteger = 2;
inline constexpr std::uint32_t kBitString = 3;
inline constexpr std::uint32_t kOctetString = 4;
inline constexpr std::uint32_t kNull = 5;
inline constexpr std::uint32_t kOid = 6;
inline constexpr std::uint32_t kUtf8String = 12;
inline constexpr std::uint32_t kSequence = 16;
inline constexpr std::uint32_t kSet = 17;
inline constexpr std::uint32_t kNumericString = 18;
inline constexpr std::uint32_t kPrintableString = 19;
inline constexpr std::uint32_t kTeletexString = 20;
inline constexpr std::uint32_t kIa5String = 22;
inline constexpr std::uint32_t kUtcTime = 23;
inline constexpr std::uint32_t kGeneralizedTime = 24;
inline constexpr std::uint32_t kVisibleString = 26;
inline constexpr std::uint32_t kUniversalString = 28;
inline constexpr std::uint32_t kBmpString = 30;
}  // namespace tag

// One element: its identifier, where it is, and a reader over its content octets.
struct Element {
    TagClass cls = TagClass::Universal;
    bool constructed = false;
    std::uint32_t number = 0;       // the tag number
    std::size_t offset = 0;         // absolute offset of the identifier octet
    std::size_t header_length = 0;  // identifier and length octets
    std::size_t length = 0;         // content octets, as the length field says
    ByteReader content;             // exactly the content; shorter when the capture was cut
    Bytes encoding;                 // the captured bytes of the whole element, header included

    std::size_t total_length() const { return header_length + length; }
    // The content octets were all captured: values can be decoded.
    bool complete() const { return content.captured_all(); }
    Bytes content_bytes() const { return content.whole(); }
    bool is(TagClass c, std::uint32_t n) const { return cls == c && number == n; }
    bool is_universal(std::uint32_t n) const { return is(TagClass::Universal, n); }
    bool is_context(std::uint32_t n) const { return is(TagClass::Context, n); }
};

// "SEQUENCE", "INTEGER", "[3]", "[APPLICATION 1]", "UNIVERSAL 31".
std::string describe(const Element& e);
std::string describe_universal(std::uint32_t number);

enum class Problem : std::uint8_t { None, Truncated, Malformed };

// Counts the elements read through all readers of one walk (one certificate).
struct Budget {
    std::size_t elements = 0;
};

// Reads consecutive elements from a ByteReader. The first failure sticks: later calls to
// next() return nothing and problem()/message() say what went wrong and where.
class Reader {
public:
    Reader(ByteReader bytes, Budget& budget, unsigned depth = 0)
        : bytes_(bytes), budget_(&budget), depth_(depth) {}

    // No more bytes (as the wire had them), or a failure already stopped this reader.
    bool empty() const { return problem_ != Problem::None || bytes_.empty(); }
    std::optional<Element> next();
    // A reader over the content of `e`, one level deeper.
    Reader enter(const Element& e) const { return nested(e.content); }
    // A reader over DER wrapped in a value of this reader's element (the key inside a
    // BIT STRING), one level deeper, sharing the budget.
    Reader nested(ByteReader bytes) const { return Reader(bytes, *budget_, depth_ + 1); }

    Problem problem() const { return problem_; }
    const std::string& message() const { return message_; }
    std::size_t problem_offset() const { return problem_offset_; }
    std::size_t problem_length() const { return problem_length_; }
    std::size_t offset() const { return bytes_.offset(); }
    // Bytes left (as the wire had them): for "trailing bytes" anomalies.
    std::size_t remaining() const { return bytes_.reported_remaining(); }
    unsigned depth() const { return depth_; }

private:
    std::nullopt_t fail(Problem p, std::string message, std::size_t offset, std::size_t length);
    std::nullopt_t fail_short(std::string_view what, std::size_t offset);

    ByteReader bytes_;
    Budget* budget_;
    unsigned depth_ = 0;
    Problem problem_ = Problem::None;
    std::string message_;
    std::size_t problem_offset_ = 0;
    std::size_t problem_length_ = 0;
};

}  // namespace tlsdissect::der
