// DNS name decoding with message compression (RFC 1035 sections 3.1, 4.1.4).
#include "dns/dns_name.hpp"

namespace tlsdissect {

namespace {

// A reader over the whole message, positioned at `pos` (relative to the message start).
// When `pos` is beyond the captured bytes the reader records why (Truncated or Malformed).
ByteReader reader_at(const ByteReader& message, std::size_t pos, bool& ok) {
    const std::size_t reported = message.position() + message.reported_remaining();
    ByteReader r(message.whole(), reported, message.offset() - message.position());
    ok = r.skip(pos);
    return r;
}

std::size_t message_size(const ByteReader& message) {
    return message.position() + message.reported_remaining();
}

void append_escaped(std::string& out, std::uint8_t c) {
    switch (c) {
        // tshark's names for these (format_text); the other controls in octal.
        case '\a': out += "\\a"; return;
        case '\b': out += "\\b"; return;
        case '\t': out += "\\t"; return;
        case '\n': out += "\\n"; return;
        case '\v': out += "\\v"; return;
        case '\f': out += "\\f"; return;
        case '\r': out += "\\r"; return;
        default: break;
    }
    if (c >= 0x20 && c < 0x7f) {
        out.push_back(static_cast<char>(c));
        return;
    }
    out.push_back('\\');
    out.push_back(static_cast<char>('0' + (c >> 6)));
    out.push_back(static_cast<char>('0' + ((c >> 3) & 7)));
    out.push_back(static_cast<char>('0' + (c & 7)));
}

}  // namespace

std::string dns_printable(Bytes bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (auto c : bytes) append_escaped(out, c);
    return out;
}

std::string dns_name_key(std::string_view name) {
    std::string out(name);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool dns_names_equal(std::string_view a, std::string_view b) {
    if (!a.empty() && a.back() == '.') a.remove_suffix(1);
    if (!b.empty() && b.back() == '.') b.remove_suffix(1);
    if (a.size() != b.size()) return false;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

std::string DnsName::problem_text() const {
    const std::string at = " at offset " + std::to_string(problem_offset);
    if (problems & kDnsNamePointerLoop) return "name compression pointer" + at + " loops back into its own name";
    if (problems & kDnsNameForwardPointer)
        return "name compression pointer" + at + " points forward (RFC 1035 allows only earlier names)";
    if (problems & kDnsNamePointerPastEnd) return "name compression pointer" + at + " points past the end of the message";
    if (problems & kDnsNameTooManyHops)
        return "name follows more than " + std::to_string(kMaxDnsPointerHops) + " compression pointers";
    if (problems & kDnsNameReservedLabelType)
        return "label length byte" + at + " uses a reserved label type (labels are at most 63 bytes)";
    if (problems & kDnsNameTooLong)
        return "name is longer than " + std::to_string(kMaxDnsNameOctets) + " bytes";
    if (problems & kDnsNameTruncated) return "name cut short by the capture" + at;
    if (problems & kDnsNameRunsPastEnd) return "name runs past the end of the message" + at;
    return {};
}

// RFC 1035 section 3.1 / 4.1.4:
//   name    = *label ( root-label / pointer )
//   label   = length (1 octet, 0b00xxxxxx, 1..63) followed by that many octets
//   pointer = 0b11 followed by a 14-bit offset from the start of the message
DnsName decode_dns_name(const ByteReader& message, std::size_t offset) {
    DnsName out;
    const std::size_t size = message_size(message);
    bool positioned = false;
    ByteReader r = reader_at(message, offset, positioned);
    auto fail = [&](std::uint16_t problem, std::size_t at, bool end_known) {
        out.problems |= problem;
        if (out.problem_offset == 0) out.problem_offset = at;
        if (!end_known) out.end_known_ = false;
    };
    auto short_read = [&](const ByteReader& reader, std::size_t at, bool own_position) {
        fail(reader.failure() == ShortRead::Truncated ? kDnsNameTruncated : kDnsNameRunsPastEnd, at, !own_position);
    };
    if (!positioned) {
        short_read(r, offset, true);
        out.text = "<Name runs past the end of the message>";
        return out;
    }

    std::string text;
    std::size_t octets = 0;            // wire octets of the whole name so far
    std::size_t segment_start = offset;  // start of the label sequence being read
    bool jumped = false;               // a pointer was followed: wire_length is fixed
    unsigned hops = 0;
    bool too_long = false;
    for (;;) {
        const std::size_t at = r.position();
        auto len = r.u8();
        if (!len) {
            short_read(r, at, !jumped);
            break;
        }
        if (*len == 0) {
            ++octets;
            if (!jumped) out.wire_length = r.position() - offset;
            break;
        }
        const unsigned type = *len & 0xc0u;
        if (type == 0x00) {
            octets += 1u + *len;
            auto label = r.bytes(*len);
            if (!label) {
                short_read(r, at, !jumped);
                break;
            }
            if (octets + 1 > kMaxDnsNameOctets) {  // at least the root label still follows
                // Keep reading the name's own labels to learn where it ends; after a
                // jump its end is already known and there is nothing more to learn.
                too_long = true;
                if (jumped) break;
                continue;
            }
            if (!text.empty()) text.push_back('.');
            for (auto c : *label) append_escaped(text, c);
            out.length += (out.labels ? 1u : 0u) + *len;
            ++out.labels;
            continue;
        }
        if (type != 0xc0) {
            // 0x40 (EDNS0 extended label, RFC 6891 section 5: deprecated) and 0x80
            // (reserved): the label's length is unknown, so is the rest of the name.
            fail(kDnsNameReservedLabelType, at, jumped);
            break;
        }
        auto low = r.u8();
        if (!low) {
            short_read(r, at, !jumped);
            break;
        }
        if (!jumped) out.wire_length = r.position() - offset;
        jumped = true;
        const std::size_t target = (std::size_t(*len & 0x3fu) << 8) | *low;
        if (target >= size) {
            fail(kDnsNamePointerPastEnd, at, true);
            break;
        }
        if (target > at) {
            fail(kDnsNameForwardPointer, at, true);
            break;
        }
        if (target >= segment_start) {
            fail(kDnsNamePointerLoop, at, true);
            break;
        }
        if (++hops > kMaxDnsPointerHops) {
            fail(kDnsNameTooManyHops, at, true);
            break;
        }
        segment_start = target;
        bool moved = false;
        r = reader_at(message, target, moved);
        if (!moved) {
            short_read(r, target, false);
            break;
        }
        if (auto next = r.peek_u8(); next && (*next & 0xc0u) == 0xc0u) ++out.pointer_to_pointer;
    }
    if (too_long) fail(kDnsNameTooLong, offset, true);

    if (out.problems & kDnsNamePointerLoop)
        out.text = "<Name contains a pointer that loops>";
    else if (out.problems & kDnsNameTooManyHops)
        out.text = "<Name contains too many compression pointers>";
    else if (out.problems & kDnsNameForwardPointer)
        out.text = "<Name contains a forward pointer>";
    else if (out.problems & kDnsNamePointerPastEnd)
        out.text = "<Name contains a pointer past the end of the message>";
    else if (out.problems & kDnsNameReservedLabelType)
        out.text = "<Name contains a reserved label type>";
    else if (out.problems & kDnsNameTooLong)
        out.text = "<Name too long>";
    else if (text.empty() && out.ok())
        out.text = "<Root>";
    else if (!text.empty())
        out.text = std::move(text);  // cut short: what was read
    else if (out.problems & kDnsNameTruncated)
        out.text = "<Name cut short by the capture>";
    else
        out.text = "<Name runs past the end of the message>";
    if (!out.ok()) {
        if (!(out.problems & (kDnsNameTruncated | kDnsNameRunsPastEnd))) {
            out.length = 0;
            out.labels = 0;
        }
    }
    return out;
}

}  // namespace tlsdissect
