#include <catch2/catch.hpp>

#include <algorithm>
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
