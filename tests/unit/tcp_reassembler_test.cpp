#include <catch2/catch.hpp>

#include <deque>
#include <string>

#include "transport/pdu_assembler.hpp"
#include "transport/tcp_reassembler.hpp"

using namespace tlsdissect;

namespace {

// Feeds crafted segments and collects what comes out as text: data as its bytes,
// a gap as "<gap N>".
struct Harness {
    std::size_t total = 0;
    TcpReassemblyLimits limits;
    TcpStreamReassembler r;
    std::string stream;
    std::uint32_t labels = 0;
    std::size_t conflicts = 0;
    std::uint64_t frame = 0;
    bool lasting = false;              // segments keep their bytes where they are
    std::deque<std::string> kept;      // their bytes (a deque does not move its elements)

    explicit Harness(std::size_t max_ooo = kDefaultMaxOutOfOrderBytes)
        : limits{max_ooo, kDefaultMaxTotalBufferedBytes, &total}, r(limits) {}

    void collect(const ReassemblyOutput& out) {
        labels = out.labels;
        conflicts = out.conflicts;
        for (const auto& e : out.events) {
            if (e.kind == StreamEvent::Kind::Gap)
                stream += "<gap " + std::to_string(e.length) + ">";
            else
                stream.append(e.data.begin(), e.data.end());
        }
    }
    void seg(std::uint32_t seq, const std::string& payload, bool syn = false, bool fin = false,
             std::int64_t ts = 0) {
        SegmentIn s;
        s.seq = seq;
        const std::string& bytes = lasting ? kept.emplace_back(payload) : payload;
        s.data = Bytes(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        s.lasting = lasting;
        s.length = static_cast<std::uint32_t>(payload.size());
        s.frame = ++frame;
        s.syn = syn;
        s.fin = fin;
        s.ts_ns = ts;
        ReassemblyOutput out;
        r.add(s, out);
        collect(out);
    }
    bool ack(std::uint32_t a, std::int64_t ts = 0, std::uint64_t window = 0) { return r.acknowledged(a, ts, window); }
    void flush() {
        ReassemblyOutput out;
        r.flush(out);
        collect(out);
    }
};

}  // namespace

TEST_CASE("In-order segments after a SYN come out as one stream") {
    Harness h;
    h.seg(1000, "", true);
    h.seg(1001, "hello ");
    h.seg(1007, "world");
    CHECK(h.stream == "hello world");
    CHECK(h.labels == kLabelNone);
    CHECK(h.total == 0);
}

TEST_CASE("Sequence numbers wrap around 2^32") {
    Harness h;
    h.seg(0xfffffffcu, "", true);  // data starts at 0xfffffffd
    h.seg(0xfffffffdu, "abc");
    h.seg(0x00000000u, "defg");
    h.seg(0x00000004u, "h");
    CHECK(h.stream == "abcdefgh");
    CHECK(h.r.next_offset() == 8);
}

TEST_CASE("Out-of-order segments wait for the hole; a duplicate is a retransmission") {
    Harness h;
    h.seg(0, "", true);
    h.seg(1, "AAAA");
    h.seg(9, "CCCC", false, false, 10);
    CHECK(h.labels & kLabelPreviousNotCaptured);
    CHECK(h.stream == "AAAA");
    CHECK(h.total == 4);
    h.seg(5, "BBBB", false, false, 20);  // within 3 ms of the highest segment
    CHECK(h.labels & kLabelOutOfOrder);
    CHECK(h.stream == "AAAABBBBCCCC");
    CHECK(h.total == 0);
    h.seg(5, "BBBB", false, false, 10'000'000);
    CHECK(h.labels & kLabelRetransmission);
    CHECK(h.stream == "AAAABBBBCCCC");
}

TEST_CASE("Overlaps with different data keep the first bytes and count the conflict") {
    Harness h;
    h.seg(0, "", true);
    h.seg(1, "abcdef");
    h.seg(4, "XYZghi");  // "def" already delivered, "XYZ" differs
    CHECK(h.conflicts == 3);
    CHECK(h.labels & kLabelOverlapConflict);
    CHECK(h.stream == "abcdefghi");
    // Against buffered out-of-order data too.
    h.seg(20, "QRST");
    h.seg(18, "..qrST");  // overlaps "QR" with "qr"
    CHECK(h.conflicts == 2);
    h.seg(10, "jklmnopq");
    CHECK(h.stream == "abcdefghijklmnopq..QRST");
}

TEST_CASE("A segment seen after the ACK that covers it fills its hole") {
    // A capture merged from several queues: the peer acknowledges bytes 6..10 before
    // the capture shows them. The hole stays open and the late segment fills it.
    Harness h;
    h.seg(0, "", true);
    h.seg(1, "start");
    h.seg(11, "after");  // bytes 6..10 not seen yet
    CHECK(h.stream == "start");
    CHECK(h.ack(16));     // [TCP ACKed unseen segment], once
    CHECK_FALSE(h.ack(16));
    CHECK(h.ack(18));     // moves on while the hole is still unseen: labelled again (as tshark)
    CHECK(h.stream == "start");
    h.seg(6, "late!", false, false, 1000);
    CHECK(h.labels == (kLabelRetransmission | kLabelSpurious));  // as tshark labels it
    CHECK(h.stream == "startlate!after");
    CHECK(h.total == 0);
}

TEST_CASE("An acknowledged hole is lost once a later segment of its direction comes after the threshold") {
    Harness h;
    h.seg(0, "", true);
    h.seg(1, "start");
    h.seg(11, "after");
    CHECK(h.ack(16, 1'000'000));
    h.seg(16, "more", false, false, 3'000'000);  // within 3 ms of the ACK: still waiting
    CHECK(h.stream == "start");
    h.seg(20, "!", false, false, 5'000'000);
    CHECK(h.stream == "start<gap 5>aftermore!");
    CHECK(h.total == 0);
    // A later hole acknowledged again is reported again.
    h.seg(30, "x", false, false, 5'000'000);
    CHECK(h.ack(31, 5'000'000));
    h.seg(31, "y", false, false, 9'000'000);
    CHECK(h.stream == "start<gap 5>aftermore!<gap 9>xy");
}

TEST_CASE("An acknowledged hole is lost once its direction sends past the window of that ACK") {
    Harness h;
    h.seg(0, "", true);
    h.seg(1, "start");
    CHECK(h.ack(11, 0, 10));  // bytes 6..10 acknowledged, 10 bytes of window after them
    h.seg(11, "0123456789");  // up to the window: the late segment may still come
    CHECK(h.stream == "start");
    h.seg(21, "+");           // past it: the sender had a later ACK, the hole is lost
    CHECK(h.stream == "start<gap 5>0123456789+");
}

TEST_CASE("An acknowledged hole never filled is a gap when the stream is flushed") {
    Harness h;
    h.seg(0, "", true);
    h.seg(1, "start");
    CHECK(h.ack(11));
    CHECK(h.stream == "start");
    h.flush();
    CHECK(h.stream == "start<gap 5>");
}

TEST_CASE("The out-of-order limit forces a gap rather than growing") {
    Harness h(8);
    h.seg(0, "", true);
    h.seg(1, "ab");
    h.seg(10, "0123456789");  // more than the 8-byte limit waits behind a hole
    CHECK(h.labels & kLabelBufferLimit);
    CHECK(h.stream == "ab<gap 7>0123456789");
    CHECK(h.total == 0);
}

TEST_CASE("A RST mid-message: flush delivers what waits, with the hole as a gap") {
    Harness h;
    h.seg(0, "", true);
    h.seg(1, "head");
    h.seg(9, "tail");
    SegmentIn rst;
    rst.seq = 13;
    rst.rst = true;
    ReassemblyOutput out;
    h.r.add(rst, out);
    h.collect(out);
    h.flush();
    CHECK(h.stream == "head<gap 4>tail");
}

TEST_CASE("A stream picked up without its SYN starts at the first segment seen") {
    Harness h;
    h.seg(500000, "middle of ");
    h.seg(500010, "a stream");
    CHECK(h.stream == "middle of a stream");
    CHECK(h.labels == kLabelNone);
}

TEST_CASE("Fed whole or byte by byte, the stream is the same") {
    const std::string text = "The quick brown fox jumps over the lazy dog";
    Harness whole, split;
    whole.seg(41, "", true);
    split.seg(41, "", true);
    whole.seg(42, text);
    // Bytes out of order in pairs, with every byte also retransmitted.
    for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
        split.seg(42 + static_cast<std::uint32_t>(i + 1), text.substr(i + 1, 1));
        split.seg(42 + static_cast<std::uint32_t>(i), text.substr(i, 1));
        split.seg(42 + static_cast<std::uint32_t>(i), text.substr(i, 2));
    }
    if (text.size() % 2) split.seg(42 + static_cast<std::uint32_t>(text.size() - 1), text.substr(text.size() - 1));
    CHECK(split.stream == whole.stream);
    CHECK(split.conflicts == 0);
}

namespace {

// TLS-like framing for PduAssembler tests: a 5-byte header whose last two bytes are the
// body length; 0x00 bytes between records are not a start.
PduShape tls_like(Bytes head) {
    if (head.size() < 5) return PduShape::need(5);
    if (head[0] == 0) return PduShape::not_a_start();
    const std::size_t len = static_cast<std::size_t>(head[3] << 8 | head[4]);
    return PduShape::pdu(5 + len, 5 + len);
}

// Feeds `stream` as events cut at `cuts` (stream offsets), none in the current frame, and
// returns each PDU as "offset:length" after the event that completed it ("|" between events).
std::string framed(const std::vector<std::uint8_t>& stream, const std::vector<std::size_t>& cuts) {
    PduAssembler a;
    std::string out;
    std::size_t at = 0;
    std::uint64_t frame = 0;
    auto feed = [&](std::size_t end) {
        StreamEvent e;
        e.offset = at;
        e.length = end - at;
        e.data = Bytes(stream.data() + at, end - at);
        e.frame = ++frame;
        a.feed(e, 100, tls_like,
               [&](const AssembledPdu& p) { out += std::to_string(p.stream_offset) + ":" + std::to_string(p.length) + " "; },
               [](std::size_t) {});
        out += "|";
        at = end;
    };
    for (std::size_t c : cuts) feed(c);
    feed(stream.size());
    return out;
}

}  // namespace

TEST_CASE("An empty record is handed over when its header is complete, however the stream was cut") {
    // Two stray bytes, an empty record (5-byte header, no body), then a record with a 1-byte body.
    const std::vector<std::uint8_t> stream{0, 0, 0x17, 3, 3, 0, 0, 0x17, 3, 3, 0, 1, 0xaa};
    CHECK(framed(stream, {}) == "2:5 7:6 |");
    // The empty record's header ends exactly where an event ends: it must not wait for more.
    CHECK(framed(stream, {4, 7}) == "|2:5 |7:6 |");
    CHECK(framed(stream, {1, 3, 7, 12}) == "||2:5 ||7:6 |");
}

TEST_CASE("Retransmissions are compared with the last bytes delivered, kept by reference or copied") {
    // The stream: 10000 bytes, byte i is 'a' + (i / 1000) % 26 ... in segments.
    auto original = [](std::size_t from, std::size_t n) {
        std::string s;
        for (std::size_t i = from; i < from + n; ++i) s.push_back(static_cast<char>('a' + (i / 100) % 26));
        return s;
    };
    for (int mode = 0; mode < 3; ++mode) {
        // 0: every segment copied; 1: every segment lasting; 2: alternating.
        Harness h;
        h.seg(99, "", true);
        std::size_t at = 0;
        auto send = [&](std::size_t n, int k) {
            h.lasting = mode == 1 || (mode == 2 && k % 2 == 0);
            h.seg(100 + static_cast<std::uint32_t>(at), original(at, n));
            at += n;
        };
        for (int k = 0; k < 10; ++k) send(1000, k);
        CHECK(h.stream == original(0, 10000));
        // Only the last kRecheckWindow (2048) bytes are compared: [7952, 10000).
        h.lasting = mode != 0;
        h.seg(100 + 8500, std::string(1000, 'Z'));
        CHECK(h.conflicts == 1000);
        CHECK((h.labels & kLabelOverlapConflict) != 0);
        h.seg(100 + 7000, std::string(2000, 'Z'));
        CHECK(h.conflicts == 10000 - 7952 - 1000);
        h.seg(100 + 7000, original(7000, 3000));
        CHECK(h.conflicts == 0);
        // A copied segment, then a lasting one, then many small ones (more than are kept
        // by reference at once).
        h.lasting = false;
        h.seg(100 + 10000, original(10000, 500));
        at = 10500;
        for (int k = 0; k < 12; ++k) send(k == 0 ? 300 : 50, k);
        CHECK(at == 11350);
        CHECK(h.stream == original(0, 11350));
        h.seg(100 + 9000, std::string(2350, 'Z'));
        CHECK(h.conflicts == 2048);
        h.seg(100 + 9000, original(9000, 2350));
        CHECK(h.conflicts == 0);
        std::string one_off = original(11000, 350);
        one_off[200] = 'Z';
        h.seg(100 + 11000, one_off);
        CHECK(h.conflicts == 1);
        CHECK(h.stream == original(0, 11350));
    }
}
