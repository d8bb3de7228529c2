// DER element framing (ITU-T X.690 sections 8.1.2, 8.1.3 and 10.1).
#include "tls/der.hpp"

#include <algorithm>

namespace tlsdissect::der {

namespace {

// Longest length field accepted: 4 octets (a 4 GiB element); longer ones cannot be real.
constexpr unsigned kMaxLengthOctets = 4;
// Longest high-tag-number form accepted: 4 octets (tag numbers below 2^28).
constexpr unsigned kMaxTagOctets = 4;

}  // namespace

std::string describe_universal(std::uint32_t number) {
    switch (number) {
        case tag::kBoolean: return "BOOLEAN";
        case tag::kInteger: return "INTEGER";
        case tag::kBitString: return "BIT STRING";
        case tag::kOctetString: return "OCTET STRING";
        case tag::kNull: return "NULL";
        case tag::kOid: return "OBJECT IDENTIFIER";
        case tag::kUtf8String: return "UTF8String";
        case tag::kSequence: return "SEQUENCE";
        case tag::kSet: return "SET";
        case tag::kNumericString: return "NumericString";
        case tag::kPrintableString: return "PrintableString";
        case tag::kTeletexString: return "TeletexString";
        case tag::kIa5String: return "IA5String";
        case tag::kUtcTime: return "UTCTime";
        case tag::kGeneralizedTime: return "GeneralizedTime";
        case tag::kVisibleString: return "VisibleString";
        case tag::kUniversalString: return "UniversalString";
        case tag::kBmpString: return "BMPString";
        default: return "UNIVERSAL " + std::to_string(number);
    }
}

std::string describe(const Element& e) {
    switch (e.cls) {
        case TagClass::Universal: return describe_universal(e.number);
        case TagClass::Application: return "[APPLICATION " + std::to_string(e.number) + "]";
        case TagClass::Context: return "[" + std::to_string(e.number) + "]";
        case TagClass::Private: return "[PRIVATE " + std::to_string(e.number) + "]";
    }
    return {};
}

std::nullopt_t Reader::fail(Problem p, std::string message, std::size_t offset, std::size_t length) {
    problem_ = p;
    message_ = std::move(message);
    problem_offset_ = offset;
    problem_length_ = length;
    return std::nullopt;
}

std::nullopt_t Reader::fail_short(std::string_view what, std::size_t offset) {
    if (bytes_.failure() == ShortRead::Truncated)
        return fail(Problem::Truncated, std::string(what) + " cut short by the capture", offset,
                    bytes_.offset() - offset);
    return fail(Problem::Malformed, std::string(what) + " runs past the end of its data", offset,
                bytes_.offset() - offset);
}

// X.690 8.1.2 (identifier octets) and 8.1.3 (length octets), with the DER restriction
// of 10.1 (definite form only).
std::optional<Element> Reader::next() {
    if (problem_ != Problem::None) return std::nullopt;
    const std::size_t start_pos = bytes_.position();
    const std::size_t start = bytes_.offset();
    if (depth_ > kMaxDerDepth)
        return fail(Problem::Malformed, "DER nesting deeper than " + std::to_string(kMaxDerDepth) + " levels",
                    start, bytes_.reported_remaining());
    if (budget_->elements >= kMaxDerElements)
        return fail(Problem::Malformed, "more than " + std::to_string(kMaxDerElements) + " DER elements",
                    start, bytes_.reported_remaining());
    ++budget_->elements;

    Element e;
    e.offset = start;
    auto id = bytes_.u8();
    if (!id) return fail_short("DER identifier", start);
    e.cls = static_cast<TagClass>(*id >> 6);
    e.constructed = (*id & 0x20) != 0;
    e.number = *id & 0x1fu;
    if (e.number == 0x1f) {
        // High-tag-number form: base-128 digits, most significant first.
        std::uint32_t number = 0;
        for (unsigned i = 0;; ++i) {
            auto b = bytes_.u8();
            if (!b) return fail_short("DER tag number", start);
            if (i == 0 && *b == 0x80)
                return fail(Problem::Malformed, "DER tag number with a leading zero digit", start, 2);
            if (i == kMaxTagOctets)
                return fail(Problem::Malformed, "DER tag number longer than " + std::to_string(kMaxTagOctets) + " octets",
                            start, i + 2);
            number = number << 7 | (*b & 0x7fu);
            if (!(*b & 0x80)) break;
        }
        if (number < 0x1f)
            return fail(Problem::Malformed, "DER tag number " + std::to_string(number) + " in the long form",
                        start, bytes_.offset() - start);
        e.number = number;
    }

    auto first = bytes_.u8();
    if (!first) return fail_short("DER length", start);
    std::size_t length = *first;
    if (*first == 0x80)
        return fail(Problem::Malformed, "indefinite length (BER) where DER requires a definite length", start,
                    bytes_.offset() - start);
    if (*first == 0xff)
        return fail(Problem::Malformed, "reserved DER length octet 0xff", start, bytes_.offset() - start);
    if (*first & 0x80) {
        const unsigned octets = *first & 0x7fu;
        if (octets > kMaxLengthOctets)
            return fail(Problem::Malformed, "DER length field of " + std::to_string(octets) + " octets", start,
                        bytes_.offset() - start);
        length = 0;
        for (unsigned i = 0; i < octets; ++i) {
            auto b = bytes_.u8();
            if (!b) return fail_short("DER length", start);
            length = length << 8 | *b;
        }
    }
    e.header_length = bytes_.offset() - start;
    e.length = length;
    const std::size_t left = bytes_.reported_remaining();
    auto content = bytes_.child(length);
    if (!content)
        return fail(Problem::Malformed,
                    describe(e) + " length " + std::to_string(length) + " exceeds the " + std::to_string(left) +
                        " bytes left",
                    start, e.header_length + left);
    e.content = *content;
    const Bytes all = bytes_.whole();
    const std::size_t captured_end = std::min(all.size(), start_pos + e.header_length + length);
    e.encoding = all.subspan(start_pos, captured_end - start_pos);
    return e;
}

}  // namespace tlsdissect::der
