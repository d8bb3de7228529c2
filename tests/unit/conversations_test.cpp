#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "transport/conversations.hpp"

using namespace tlsdissect;

namespace {
NetAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    NetAddress n;
    n.family = 4;
    n.bytes[0] = a, n.bytes[1] = b, n.bytes[2] = c, n.bytes[3] = d;
    return n;
}
}  // namespace

TEST_CASE("UDP flows beyond the limit are forgotten, least recently active first") {
    UdpConversationTable table(100);
    const NetAddress server = v4(10, 0, 0, 53);
    // 1000 flows, one datagram each, one microsecond apart.
    for (std::uint32_t i = 0; i < 1000; ++i) {
        auto& c = table.find(v4(10, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)),
                             static_cast<std::uint16_t>(1024 + i), server, 53, std::int64_t(i) * 1000);
        CHECK(c.stream == i);
    }
    // Flow 5 is active again at the end: it is the most recent one now.
    CHECK(table.find(v4(10, 1, 0, 5), 1029, server, 53, 2'000'000).stream == 5);
    REQUIRE(table.open() == 1000);
    table.expire();
    // Down to the limit minus a tenth of it, so that expiry does not run on every packet.
    CHECK(table.open() == 90);
    // The recent flows keep their udp.stream; a forgotten one starts a new one.
    CHECK(table.find(v4(10, 1, 0, 5), 1029, server, 53, 2'000'001).stream == 5);
    CHECK(table.find(v4(10, 1, 3, 231), 1024 + 999, server, 53, 2'000'002).stream == 999);
    CHECK(table.find(v4(10, 1, 0, 0), 1024, server, 53, 2'000'003).stream == 1000);
    // Both directions of a flow are one conversation.
    CHECK(table.find(server, 53, v4(10, 1, 0, 5), 1029, 2'000'004).stream == 5);
    // Under the limit nothing is forgotten.
    const std::size_t open = table.open();
    table.expire();
    CHECK(table.open() == open);
}

namespace {

// Opens a TCP connection the way dissect_tcp does: the table entry, its addresses and
// ports by side, the activity time.
TcpConversation& open_tcp(TcpConversationTable& t, std::uint16_t client_port, std::int64_t ts) {
    const NetAddress client = v4(10, 0, 0, 1), server = v4(10, 0, 0, 2);
    int side = 0;
    TcpConversation& c = t.find(client, client_port, server, 443, true, 1000, side);
    c.address[side] = client;
    c.address[1 - side] = server;
    c.port[side] = client_port;
    c.port[1 - side] = 443;
    c.first_sender = side;
    c.last_ts_ns = ts;
    t.note_activity(ts);
    return c;
}

void close_tcp(TcpConversationTable& t, TcpConversation& c, std::int64_t ts) {
    c.last_ts_ns = ts;
    c.closed_ts_ns = ts;
    t.note_activity(ts);
    t.settle_closed(c, false);
}

std::vector<std::uint32_t> expire_at(TcpConversationTable& t, std::int64_t now) {
    std::vector<std::uint32_t> dropped;
    t.expire(now, [&](TcpConversation& c) { dropped.push_back(c.stream); });
    return dropped;
}

}  // namespace

TEST_CASE("TCP connections expire after the linger (closed) or the idle timeout, in stream order") {
    TcpConversationTable t;
    constexpr std::int64_t s = 1'000'000'000;
    // Streams 0..3 open at 1 s; 2, then 0, close at 10 s and 20 s; 1 keeps talking; 3 goes quiet.
    TcpConversation* c[4];
    for (std::uint16_t i = 0; i < 4; ++i) c[i] = &open_tcp(t, static_cast<std::uint16_t>(5000 + i), 1 * s);
    close_tcp(t, *c[2], 10 * s);
    close_tcp(t, *c[0], 20 * s);
    for (std::int64_t ts = 30; ts <= 900; ts += 30) {
        c[1]->last_ts_ns = ts * s;
        t.note_activity(ts * s);
    }
    CHECK(expire_at(t, 69 * s).empty());                              // nothing closed 60 s ago yet
    CHECK(expire_at(t, 71 * s) == std::vector<std::uint32_t>{2});     // closed at 10 s
    CHECK(expire_at(t, 81 * s) == std::vector<std::uint32_t>{0});     // closed at 20 s
    CHECK(expire_at(t, 600 * s).empty());                             // stream 3 quiet since 1 s: not yet 600 s
    CHECK(expire_at(t, 602 * s) == std::vector<std::uint32_t>{3});    // idle
    CHECK(t.open() == 1);
    // A closed connection whose ports a new connection reused is not expired by its old entry.
    TcpConversation& a = open_tcp(t, 6000, 1000 * s);
    close_tcp(t, a, 1001 * s);
    a.side[0].base_set = true;
    a.side[0].base_seq = 1;  // a SYN with another initial sequence number: a new connection
    const std::uint32_t old_stream = a.stream;
    // The table hands the replaced connection out (to be closed), instead of freeing it.
    std::unique_ptr<TcpConversation> replaced;
    int side = 0;
    t.find(v4(10, 0, 0, 1), 6000, v4(10, 0, 0, 2), 443, true, 1000, side, &replaced);
    REQUIRE(replaced);
    CHECK(replaced->stream == old_stream);
    TcpConversation& b = open_tcp(t, 6000, 1002 * s);  // the new connection, found again
    CHECK(b.stream != old_stream);
    const auto dropped = expire_at(t, 1062 * s);
    CHECK(std::find(dropped.begin(), dropped.end(), b.stream) == dropped.end());
    // Several due at once come out in stream order, whatever the hash order.
    TcpConversationTable u;
    std::vector<TcpConversation*> many;
    for (std::uint16_t i = 0; i < 50; ++i) many.push_back(&open_tcp(u, static_cast<std::uint16_t>(7000 + i), 1 * s));
    for (int i = 49; i >= 0; --i) close_tcp(u, *many[static_cast<std::size_t>(i)], 2 * s);
    const auto order = expire_at(u, 100 * s);
    REQUIRE(order.size() == 50);
    CHECK(std::is_sorted(order.begin(), order.end()));
}

TEST_CASE("Over the memory budget, the least recently active TCP connections are given up first") {
    TcpConversationTable t;
    constexpr std::int64_t s = 1'000'000'000;
    std::vector<TcpConversation*> c;
    // Ten connections; activity in the order 3, 7, 0, 1, 2, 4, 5, 6, 8, 9 (oldest first).
    const std::int64_t last[10] = {3, 4, 5, 1, 6, 7, 8, 2, 9, 10};
    for (std::uint16_t i = 0; i < 10; ++i) {
        c.push_back(&open_tcp(t, static_cast<std::uint16_t>(8000 + i), 0));
        c.back()->last_ts_ns = last[i] * s;
    }
    TcpConversation* current = c[3];  // the oldest, but its packet is being dissected: kept
    const std::vector<std::uint32_t> oldest{c[7]->stream, c[0]->stream, c[1]->stream};
    std::vector<std::uint32_t> given_up;
    const std::size_t n = t.give_up_oldest(
        current, [&] { return given_up.size() >= 3; }, [&](TcpConversation& conv) { given_up.push_back(conv.stream); });
    CHECK(n == 3);
    CHECK(given_up == oldest);
    CHECK(t.open() == 7);
    // Enough already: nothing is given up.
    CHECK(t.give_up_oldest(nullptr, [] { return true; }, [](TcpConversation&) {}) == 0);
    CHECK(t.open() == 7);
}

TEST_CASE("A TCP connection closed both ways lingers as a tombstone: found again with its state, then expired") {
    TcpConversationTable t;
    constexpr std::int64_t s = 1'000'000'000;
    TcpConversation& c = open_tcp(t, 5000, 1 * s);
    const std::uint32_t stream = c.stream;
    c.side[0].base_set = c.side[1].base_set = true;
    c.side[0].base_seq = 1000;
    c.side[1].base_seq = 77;
    c.side[0].window_scale = 7;
    c.side[1].window_scale = -2;
    c.fin[0] = c.fin[1] = true;
    c.app_decided = true;
    c.in_shard = 1;
    c.first_ts_ns = 1 * s;
    c.syn_ts_ns = 1 * s;
    c.irtt_ns = 2'500'000;
    c.flow[0] = std::make_unique<TcpStreamReassembler>();
    close_tcp(t, c, 10 * s);  // closed both ways: its expiry is scheduled, it is kept whole
    CHECK(t.open() == 1);
    t.settle_closed(c, true);  // nothing left but what a tombstone keeps
    CHECK(t.open() == 0);
    CHECK(t.tombstones() == 1);
    // A late segment finds it again, as it was, from either side.
    int side = -1;
    TcpConversation& back = t.find(v4(10, 0, 0, 2), 443, v4(10, 0, 0, 1), 5000, false, 0, side);
    CHECK(back.stream == stream);
    CHECK(t.open() == 1);
    const int client = 1 - side;
    CHECK(back.first_sender == client);
    CHECK(back.side[0].base_seq == 1000);
    CHECK(back.side[1].base_seq == 77);
    CHECK(back.side[0].window_scale == 7);
    CHECK(back.side[1].window_scale == -2);
    CHECK(back.first_ts_ns == 1 * s);
    CHECK(back.closed_ts_ns == 10 * s);
    CHECK(back.irtt_ns == 2'500'000);
    CHECK(back.app_decided);
    CHECK(back.flow[0] != nullptr);
    CHECK(back.flow[1] == nullptr);
    CHECK(back.address[client] == v4(10, 0, 0, 1));
    CHECK(back.port[client] == 5000);
    t.settle_closed(back, true);
    CHECK(t.open() == 0);
    CHECK(t.tombstones() == 1);
    // Another connection is not taken for it.
    CHECK(open_tcp(t, 5001, 11 * s).stream != stream);
    // 60 s after it closed, it is forgotten: the ports start a new stream.
    CHECK(expire_at(t, 69 * s).empty());
    CHECK(t.tombstones() == 1);
    CHECK(expire_at(t, 71 * s).empty());  // a tombstone has nothing to deliver
    CHECK(t.tombstones() == 0);
    CHECK(t.find(v4(10, 0, 0, 1), 5000, v4(10, 0, 0, 2), 443, false, 0, side).stream > stream);
}

TEST_CASE("Tombstones: many at once, forgotten in closing order, a new SYN on the ports is a new connection") {
    TcpConversationTable t(5000);
    constexpr std::int64_t s = 1'000'000'000;
    std::vector<std::uint32_t> streams;
    for (std::uint16_t i = 0; i < 3000; ++i) {
        TcpConversation& c = open_tcp(t, static_cast<std::uint16_t>(10000 + i), 1 * s);
        c.app_decided = true;
        c.side[0].base_set = true;
        c.side[0].base_seq = 1000;
        streams.push_back(c.stream);
        close_tcp(t, c, (2 + i / 1000) * s);
        t.settle_closed(c, true);
    }
    CHECK(t.open() == 0);
    CHECK(t.tombstones() == 3000);
    int side = 0;
    // Each is found again (the index grew and probed correctly).
    for (std::uint16_t i = 0; i < 3000; i += 7) {
        TcpConversation& c = t.find(v4(10, 0, 0, 1), static_cast<std::uint16_t>(10000 + i), v4(10, 0, 0, 2), 443, false, 0, side);
        CHECK(c.stream == streams[i]);
        t.settle_closed(c, true);
    }
    CHECK(t.open() == 0);
    // The first thousand closed at 2 s: gone at 63 s; the others stay.
    expire_at(t, 63 * s);
    CHECK(t.tombstones() == 2000);
    CHECK(t.find(v4(10, 0, 0, 1), 10005, v4(10, 0, 0, 2), 443, false, 0, side).stream >= 3000);
    TcpConversation& kept = t.find(v4(10, 0, 0, 1), 11005, v4(10, 0, 0, 2), 443, false, 0, side);
    CHECK(kept.stream == streams[1005]);
    t.settle_closed(kept, true);
    // A SYN with another initial sequence number on a tombstone's ports: a new stream.
    TcpConversation& fresh = t.find(v4(10, 0, 0, 1), 12000, v4(10, 0, 0, 2), 443, true, 5, side);
    CHECK(fresh.stream >= 3000);
    CHECK(t.tombstones() == 1999);
    expire_at(t, 200 * s);
    CHECK(t.tombstones() == 0);
}

namespace {

// What a tombstone keeps of a closed connection, to be compared after it came back.
struct Kept {
    std::uint32_t stream = 0;
    std::int64_t first_ts = 0, closed_ts = 0, syn_ts = -1, irtt = 0;
    bool rst = false, syn_ack_seen = false, fin[2] = {false, false};
    int first_sender = 0, syn_side = -1;
    TcpDirection side[2];
    bool flow[2] = {false, false};
    TcpStreamReassembler::Bounds bounds[2];
    std::uint8_t flags[2] = {0, 0};
};

Kept kept_of(const TcpConversation& c) {
    Kept k;
    k.stream = c.stream;
    k.first_ts = c.first_ts_ns;
    k.closed_ts = c.closed_ts_ns;
    k.syn_ts = c.syn_ts_ns;
    k.irtt = c.irtt_ns;
    k.rst = c.rst;
    k.syn_ack_seen = c.syn_ack_seen;
    k.first_sender = c.first_sender;
    k.syn_side = c.syn_side;
    for (int s = 0; s < 2; ++s) {
        k.fin[s] = c.fin[s];
        k.side[s] = c.side[s];
        k.flow[s] = c.flow[s] != nullptr;
        if (c.flow[s]) k.bounds[s] = c.flow[s]->bounds(k.flags[s]);
    }
    return k;
}

void check_same(const Kept& was, const TcpConversation& back) {
    const Kept now = kept_of(back);
    CHECK(now.stream == was.stream);
    CHECK(now.first_ts == was.first_ts);
    CHECK(now.closed_ts == was.closed_ts);
    CHECK(back.last_ts_ns == was.closed_ts);
    if (was.irtt != 0 || was.syn_ts < 0) {
        // Known round-trip time: the SYN's time is no longer needed, only whether there was one.
        CHECK(now.irtt == was.irtt);
        CHECK((now.syn_ts >= 0) == (was.syn_ts >= 0));
    } else {
        CHECK(now.syn_ts == was.syn_ts);
        CHECK(now.irtt == 0);
    }
    CHECK(now.rst == was.rst);
    CHECK(now.syn_ack_seen == was.syn_ack_seen);
    CHECK(now.first_sender == was.first_sender);
    CHECK(now.syn_side == was.syn_side);
    for (int s = 0; s < 2; ++s) {
        CAPTURE(s);
        CHECK(now.fin[s] == was.fin[s]);
        CHECK(now.side[s].base_set == was.side[s].base_set);
        CHECK(now.side[s].base_seq == was.side[s].base_seq);
        CHECK(now.side[s].window_scale == was.side[s].window_scale);
        REQUIRE(now.flow[s] == was.flow[s]);
        if (!was.flow[s]) continue;
        CHECK(now.flags[s] == was.flags[s]);
        CHECK(now.bounds[s].next == was.bounds[s].next);
        CHECK(now.bounds[s].highest_ts_ns == was.bounds[s].highest_ts_ns);
        CHECK(now.bounds[s].isn == was.bounds[s].isn);
        CHECK(now.bounds[s].highest == was.bounds[s].highest);
        CHECK(now.bounds[s].acked == was.bounds[s].acked);
        CHECK(now.bounds[s].fin_offset == was.bounds[s].fin_offset);
    }
}

// A small deterministic generator (xorshift64*), so that a failure can be replayed.
struct Rng {
    std::uint64_t x;
    std::uint64_t next() {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        return x * 0x2545f4914f6cdd1dull;
    }
    // Mostly the small values of real connections, sometimes anything at all.
    std::int64_t wide(std::int64_t usual) {
        switch (next() % 4) {
            case 0: return static_cast<std::int64_t>(next());
            case 1: return -usual + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(2 * usual + 1));
            default: return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(usual + 1));
        }
    }
};

// Fills a freshly opened connection with the state `r` chooses, closed at `closed`, its
// times multiples of `tick`.
void fill_closed(TcpConversation& c, Rng& r, std::int64_t closed, std::int64_t tick) {
    auto time_near = [&](std::int64_t usual) {
        // Modulo 2^64: near the ends of the range, times on the other side of it.
        const auto t = static_cast<std::int64_t>(static_cast<std::uint64_t>(closed) -
                                                 static_cast<std::uint64_t>(r.wide(usual)));
        return t / tick * tick;
    };
    c.first_ts_ns = time_near(30'000'000'000);
    c.syn_ts_ns = r.next() % 4 == 0 ? -1 : time_near(30'000'000'000);
    c.irtt_ns = c.syn_ts_ns >= 0 && r.next() % 3 ? r.wide(300'000'000) : 0;
    c.irtt_ns = c.irtt_ns / tick * tick;
    c.rst = r.next() % 2;
    c.syn_ack_seen = r.next() % 2;
    c.syn_side = static_cast<int>(r.next() % 3) - 1;
    c.app_decided = true;
    c.in_shard = 1;
    for (int s = 0; s < 2; ++s) {
        c.fin[s] = r.next() % 2;
        c.side[s].base_set = r.next() % 5 != 0;
        c.side[s].base_seq = c.side[s].base_set ? static_cast<std::uint32_t>(r.next()) : 0;
        c.side[s].window_scale = static_cast<int>(r.next() % 17) - 2;  // -2 .. 14
        if (r.next() % 6 == 0) continue;  // no reassembler on this side
        TcpStreamReassembler::Bounds b;
        b.next = r.next() % 3 ? r.next() % 100'000 : r.next();
        b.highest_ts_ns = time_near(5'000'000'000);
        // The initial sequence number: right after the base (wrapping past 2^32 when the
        // base is near it), or anything.
        b.isn = r.next() % 3 ? c.side[s].base_seq + 1 : static_cast<std::uint32_t>(r.next());
        auto offset = [&] { return static_cast<std::int32_t>(r.wide(3)); };
        b.highest = offset();
        b.acked = offset();
        const auto flags = static_cast<std::uint8_t>(r.next() % 8);
        b.fin_offset = flags & 2 ? offset() : 0;  // kept only once a FIN was seen
        c.flow[s] = TcpStreamReassembler::from_bounds(b, flags, {});
    }
    c.closed_ts_ns = closed;
    c.last_ts_ns = closed;
}

}  // namespace

TEST_CASE("A tombstone brings a connection back exactly: far-apart and 64-bit times, nanoseconds, wrapped and wide sequence numbers") {
    constexpr std::int64_t s = 1'000'000'000;
    // One table for all (later tombstones far from the first one's time base), the capture
    // time going back and forth; and one table per connection.
    TcpConversationTable shared;
    Rng r{0x9e3779b97f4a7c15ull};
    const std::int64_t closings[] = {1'700'000'000 * s,  1'700'000'000 * s + 100,   0,
                                     -5 * s - 1,         INT64_MAX - 807,           INT64_MIN,
                                     INT64_MAX - 999,    INT64_MIN + 1000,          3 * s + 200};
    for (int round = 0; round < 400; ++round) {
        CAPTURE(round);
        // Whole microseconds (as in most captures), tenths of one (pcapng's if_tsresol 7),
        // or nanoseconds.
        const std::int64_t tick = std::array<std::int64_t, 3>{1000, 100, 1}[round % 3];
        const std::int64_t closed = round < 9 ? closings[round] : static_cast<std::int64_t>(r.next()) / tick * tick;
        for (int alone = 0; alone < 2; ++alone) {
            TcpConversationTable own;
            TcpConversationTable& t = alone ? own : shared;
            const auto port = static_cast<std::uint16_t>(1024 + round);
            TcpConversation& c = open_tcp(t, port, closed);
            Rng copy = r;
            fill_closed(c, copy, closed, tick);
            const Kept was = kept_of(c);
            t.settle_closed(c, true);
            REQUIRE(t.tombstones() == (alone ? 1u : static_cast<std::size_t>(round + 1)));
            // Found again from the server's side.
            int side = -1;
            TcpConversation& back = t.find(v4(10, 0, 0, 2), 443, v4(10, 0, 0, 1), port, false, 0, side);
            CHECK(back.tombstone != 0);
            CHECK(back.port[1 - side] == port);
            check_same(was, back);
            // And again after it was written back where it lay (it fits there: unchanged).
            t.settle_closed(back, true);
            CHECK(t.open() == 0);
            check_same(was, t.find(v4(10, 0, 0, 1), port, v4(10, 0, 0, 2), 443, false, 0, side));
            t.settle_closed(t.find(v4(10, 0, 0, 1), port, v4(10, 0, 0, 2), 443, false, 0, side), true);
            if (alone) r = copy;
        }
    }
    // Every one of them is still found, as it was.
    CHECK(shared.tombstones() == 400);
}

TEST_CASE("Tombstones of several slots: expired and pushed out whole; one that outgrows its slots is kept whole") {
    constexpr std::int64_t s = 1'000'000'000;
    TcpConversationTable t(4);
    auto entomb = [&](std::uint16_t port, std::int64_t closed, bool long_record) {
        TcpConversation& c = open_tcp(t, port, closed);
        c.app_decided = true;
        c.in_shard = 1;
        c.fin[0] = c.fin[1] = true;
        c.first_ts_ns = closed - 2 * s;
        for (int side = 0; side < 2; ++side) {
            c.side[side].base_set = true;
            c.side[side].base_seq = 0xfffffff0u + static_cast<std::uint32_t>(side);
            TcpStreamReassembler::Bounds b;
            // Times in nanoseconds, far from the closing time, and streams past 2^32 bytes:
            // three slots.
            b.next = long_record ? (std::uint64_t(1) << 40) + port : 300;
            b.highest_ts_ns = closed - (long_record ? 3'000'000'001 : 1'000);
            b.isn = c.side[side].base_seq + 1;
            b.highest = long_record ? -70000 : 1;
            b.acked = long_record ? INT32_MIN : 1;
            b.fin_offset = long_record ? INT32_MAX : 0;
            c.flow[side] = TcpStreamReassembler::from_bounds(b, 7, {});
        }
        const std::uint32_t stream = c.stream;
        close_tcp(t, c, closed);
        t.settle_closed(c, true);
        return stream;
    };
    auto find = [&](std::uint16_t port) -> TcpConversation& {
        int side = 0;
        return t.find(v4(10, 0, 0, 1), port, v4(10, 0, 0, 2), 443, false, 0, side);
    };
    const std::uint32_t a = entomb(100, 10 * s + 1, true);
    const std::uint32_t b = entomb(101, 11 * s, false);
    const std::uint32_t c = entomb(102, 12 * s + 7, true);
    CHECK(t.tombstones() == 3);
    TcpConversation& back = find(102);
    CHECK(back.stream == c);
    std::uint8_t flags = 0;
    CHECK(back.flow[0]->bounds(flags).next == (std::uint64_t(1) << 40) + 102);
    CHECK(back.flow[1]->bounds(flags).acked == INT32_MIN);
    t.settle_closed(back, true);
    // The oldest (several slots) expires whole: the next one is the front.
    CHECK(expire_at(t, 71 * s).empty());
    CHECK(t.tombstones() == 2);
    CHECK(find(100).stream > c);
    CHECK(t.open() == 1);
    CHECK(find(101).stream == b);
    t.settle_closed(find(101), true);
    // Over the limit of 4: the oldest go first, whole.
    entomb(103, 13 * s, true);
    entomb(104, 14 * s, false);
    CHECK(t.tombstones() == 4);
    entomb(105, 15 * s, true);
    CHECK(t.tombstones() == 4);
    CHECK(find(101).stream != b);  // pushed out
    CHECK(find(102).stream == c);
    t.settle_closed(find(102), true);
    // One that comes back and no longer fits in its one slot (a late segment took its stream
    // past 2^40 bytes) is kept whole, and expires 60 s after it closed.
    TcpConversation& grown = find(104);
    const std::uint32_t grown_stream = grown.stream;
    TcpStreamReassembler::Bounds far = grown.flow[0]->bounds(flags);
    far.next = std::uint64_t(1) << 50;
    far.highest_ts_ns = 1;
    grown.flow[0] = TcpStreamReassembler::from_bounds(far, flags, {});
    t.settle_closed(grown, true);
    CHECK(t.open() == 3);  // with the new ones on ports 100 and 101
    CHECK(t.tombstones() == 3);
    CHECK(find(104).flow[0]->bounds(flags).next == std::uint64_t(1) << 50);
    const auto dropped = expire_at(t, 75 * s);
    CHECK(std::find(dropped.begin(), dropped.end(), grown_stream) != dropped.end());
    CHECK(t.open() == 2);
    CHECK(expire_at(t, 200 * s).empty());
    CHECK(t.tombstones() == 0);
    (void)a;
}
