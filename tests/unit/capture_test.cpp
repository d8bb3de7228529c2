#include <catch2/catch.hpp>

#include <unistd.h>
#include <zlib.h>

#include <bit>
#include <cstdio>
#include <fstream>
#include <string>

#include "test_support.hpp"
#include "tlsdissect/capture.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

struct TempFile {
    std::string path;
    explicit TempFile(const std::vector<std::uint8_t>& bytes, const char* suffix = ".bin") {
        char name[] = "/tmp/tlsdissect-test-XXXXXX";
        int fd = mkstemp(name);
        REQUIRE(fd >= 0);
        close(fd);
        path = std::string(name) + suffix;
        std::rename(name, path.c_str());
        std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                     static_cast<std::streamsize>(bytes.size()));
    }
    ~TempFile() { std::remove(path.c_str()); }
};

void put32(std::vector<std::uint8_t>& v, std::uint32_t x, bool big) {
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<std::uint8_t>(big ? x >> (24 - 8 * i) : x >> (8 * i)));
}
void put16(std::vector<std::uint8_t>& v, std::uint16_t x, bool big) {
    for (int i = 0; i < 2; ++i) v.push_back(static_cast<std::uint8_t>(big ? x >> (8 - 8 * i) : x >> (8 * i)));
}

const std::vector<std::uint8_t> kFrame = from_hex("ff ff ff ff ff ff 00 00 00 00 00 01 08 00 45 00");

std::vector<std::uint8_t> classic_pcap(bool big, bool nano, std::uint32_t link = 1, bool cut = false) {
    std::vector<std::uint8_t> v;
    put32(v, nano ? 0xa1b23c4d : 0xa1b2c3d4, big);
    put16(v, 2, big);
    put16(v, 4, big);
    put32(v, 0, big);
    put32(v, 0, big);
    put32(v, 65535, big);
    put32(v, link, big);
    for (int i = 0; i < 2; ++i) {
        put32(v, 1700000000 + static_cast<std::uint32_t>(i), big);
        put32(v, nano ? 123456789 : 123456, big);
        put32(v, static_cast<std::uint32_t>(kFrame.size()), big);
        put32(v, 60, big);
        v.insert(v.end(), kFrame.begin(), kFrame.end());
    }
    if (cut) v.resize(v.size() - 5);
    return v;
}

void pcapng_block(std::vector<std::uint8_t>& v, std::uint32_t type, const std::vector<std::uint8_t>& body) {
    std::vector<std::uint8_t> b = body;
    while (b.size() % 4) b.push_back(0);
    const auto total = static_cast<std::uint32_t>(b.size() + 12);
    put32(v, type, false);
    put32(v, total, false);
    v.insert(v.end(), b.begin(), b.end());
    put32(v, total, false);
}

std::vector<std::uint8_t> two_interface_pcapng() {
    std::vector<std::uint8_t> v, shb, idb0, idb1, epb0, epb1, dsb;
    put32(shb, 0x1A2B3C4D, false);
    put16(shb, 1, false);
    put16(shb, 0, false);
    put32(shb, 0xffffffff, false);
    put32(shb, 0xffffffff, false);
    pcapng_block(v, 0x0A0D0D0A, shb);
    put16(idb0, 1, false);  // Ethernet, default microseconds
    put16(idb0, 0, false);
    put32(idb0, 0, false);
    put16(idb0, 2, false);  // if_name "eth0"
    put16(idb0, 4, false);
    for (char c : std::string("eth0")) idb0.push_back(static_cast<std::uint8_t>(c));
    put16(idb0, 0, false);
    put16(idb0, 0, false);
    pcapng_block(v, 1, idb0);
    put16(idb1, 276, false);  // LINUX_SLL2, nanoseconds
    put16(idb1, 0, false);
    put32(idb1, 0, false);
    put16(idb1, 9, false);
    put16(idb1, 1, false);
    idb1.push_back(9);
    idb1.insert(idb1.end(), 3, 0);
    put16(idb1, 0, false);
    put16(idb1, 0, false);
    pcapng_block(v, 1, idb1);
    const std::uint64_t us = 1700000000ull * 1000000 + 250000;
    put32(epb0, 0, false);
    put32(epb0, static_cast<std::uint32_t>(us >> 32), false);
    put32(epb0, static_cast<std::uint32_t>(us), false);
    put32(epb0, static_cast<std::uint32_t>(kFrame.size()), false);
    put32(epb0, static_cast<std::uint32_t>(kFrame.size()), false);
    epb0.insert(epb0.end(), kFrame.begin(), kFrame.end());
    pcapng_block(v, 6, epb0);
    const std::string secrets = "CLIENT_RANDOM 00 11\n";
    put32(dsb, 0x544c534b, false);
    put32(dsb, static_cast<std::uint32_t>(secrets.size()), false);
    dsb.insert(dsb.end(), secrets.begin(), secrets.end());
    pcapng_block(v, 0x0A, dsb);
    const std::uint64_t ns = 1700000001ull * 1000000000 + 5;
    put32(epb1, 1, false);
    put32(epb1, static_cast<std::uint32_t>(ns >> 32), false);
    put32(epb1, static_cast<std::uint32_t>(ns), false);
    put32(epb1, 3, false);
    put32(epb1, 3, false);
    epb1.insert(epb1.end(), {1, 2, 3});
    pcapng_block(v, 6, epb1);
    return v;
}

std::unique_ptr<CaptureReader> open_ok(const std::string& path) {
    CaptureError e;
    std::string msg;
    auto r = CaptureReader::open(path, e, msg);
    INFO(msg);
    REQUIRE(r);
    CHECK(e == CaptureError::None);
    return r;
}

}  // namespace

TEST_CASE("Classic pcap in both byte orders and both time resolutions") {
    for (bool big : {false, true}) {
        for (bool nano : {false, true}) {
            TempFile f(classic_pcap(big, nano));
            auto r = open_ok(f.path);
            CHECK(r->format() == CaptureFormat::Pcap);
            CHECK(r->link_type() == kLinkEthernet);
            CHECK(r->nanosecond_resolution() == nano);
            CapturedPacket p;
            REQUIRE(r->next(p) == ReadStatus::Packet);
            CHECK(p.ts_ns == 1700000000ll * 1000000000 + (nano ? 123456789 : 123456000));
            CHECK(p.captured_length == kFrame.size());
            CHECK(p.original_length == 60);
            CHECK(std::vector<std::uint8_t>(p.data.begin(), p.data.end()) == kFrame);
            REQUIRE(r->next(p) == ReadStatus::Packet);
            CHECK(r->next(p) == ReadStatus::End);
        }
    }
}

TEST_CASE("pcapng with two interfaces of different link types and resolutions, and secrets") {
    TempFile f(two_interface_pcapng());
    auto r = open_ok(f.path);
    CHECK(r->format() == CaptureFormat::PcapNg);
    CapturedPacket p;
    REQUIRE(r->next(p) == ReadStatus::Packet);
    CHECK(p.link_type == kLinkEthernet);
    CHECK(p.interface_id == 0);
    CHECK(p.ts_ns == 1700000000ll * 1000000000 + 250000000);
    REQUIRE(r->next(p) == ReadStatus::Packet);
    CHECK(p.link_type == kLinkLinuxSll2);
    CHECK(p.interface_id == 1);
    CHECK(p.ts_ns == 1700000001ll * 1000000000 + 5);
    CHECK(r->next(p) == ReadStatus::End);
    REQUIRE(r->interfaces().size() == 2);
    CHECK(r->interfaces()[0].name == "eth0");
    REQUIRE(r->secrets().size() == 1);
    CHECK(r->secrets()[0].type == 0x544c534b);
    CHECK(std::string(r->secrets()[0].data.begin(), r->secrets()[0].data.end()) == "CLIENT_RANDOM 00 11\n");
}

TEST_CASE("gzip-compressed captures are found by content") {
    auto plain = classic_pcap(false, false);
    TempFile f({}, ".data");
    gzFile gz = gzopen(f.path.c_str(), "wb");
    REQUIRE(gz);
    gzwrite(gz, plain.data(), static_cast<unsigned>(plain.size()));
    gzclose(gz);
    auto r = open_ok(f.path);
    CapturedPacket p;
    REQUIRE(r->next(p) == ReadStatus::Packet);
    CHECK(std::vector<std::uint8_t>(p.data.begin(), p.data.end()) == kFrame);
}

TEST_CASE("Unreadable input gives one error and the documented code") {
    CaptureError e;
    std::string msg;
    CHECK_FALSE(CaptureReader::open("/nonexistent/file.pcap", e, msg));
    CHECK(e == CaptureError::CannotOpen);
    CHECK(msg == "No such file or directory");

    TempFile text(std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o', '\n'});
    CHECK_FALSE(CaptureReader::open(text.path, e, msg));
    CHECK(e == CaptureError::NotACapture);

    TempFile empty(std::vector<std::uint8_t>{});
    CHECK_FALSE(CaptureReader::open(empty.path, e, msg));
    CHECK(e == CaptureError::NotACapture);
    CHECK(msg == "the file is empty");

    TempFile odd_link(classic_pcap(false, false, 147));
    CHECK_FALSE(CaptureReader::open(odd_link.path, e, msg));
    CHECK(e == CaptureError::UnsupportedLink);
    CHECK(msg == "unsupported link type USER0 (147)");
}

TEST_CASE("A file cut in the middle of a packet yields the packets before it, then an error") {
    TempFile f(classic_pcap(false, false, 1, true));
    auto r = open_ok(f.path);
    CapturedPacket p;
    CHECK(r->next(p) == ReadStatus::Packet);
    CHECK(r->next(p) == ReadStatus::Error);
    CHECK(r->error_message().find("truncated") != std::string::npos);

    auto ng = two_interface_pcapng();
    ng.resize(ng.size() - 7);
    TempFile g(ng);
    auto r2 = open_ok(g.path);
    CHECK(r2->next(p) == ReadStatus::Packet);
    CHECK(r2->next(p) == ReadStatus::Error);
    CHECK(r2->error_message().find("truncated capture") != std::string::npos);
}

TEST_CASE("A plain pcap in this machine's byte order is read from a map whose bytes last") {
    auto inside = [](Bytes outer, Bytes inner) {
        return !inner.empty() && inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
    };
    const bool little = std::endian::native == std::endian::little;
    TempFile native(classic_pcap(!little, false));
    auto r = open_ok(native.path);
    const Bytes lasting = r->lasting_bytes();
    CHECK(lasting.size() == classic_pcap(!little, false).size());
    CapturedPacket p;
    std::vector<Bytes> seen;
    while (r->next(p) == ReadStatus::Packet) {
        CHECK(inside(lasting, p.data));
        seen.push_back(p.data);
    }
    REQUIRE(seen.size() == 2);
    // Still readable after the reader went past them.
    CHECK(std::vector<std::uint8_t>(seen[0].begin(), seen[0].end()) == kFrame);

    // The other byte order goes through libpcap: the bytes last until the next packet only.
    TempFile swapped(classic_pcap(little, false));
    CHECK(open_ok(swapped.path)->lasting_bytes().empty());

    // A record cut by the end of the file is libpcap's to report; what came before it was mapped.
    TempFile cut(classic_pcap(!little, false, 1, true));
    auto c = open_ok(cut.path);
    REQUIRE(c->next(p) == ReadStatus::Packet);
    CHECK(inside(c->lasting_bytes(), p.data));
    CHECK(c->next(p) == ReadStatus::Error);
}

TEST_CASE("A mapped pcap cut short while it is read ends in a read error, not a crash") {
    const bool little = std::endian::native == std::endian::little;
    // 2000 records of 16 bytes: 64 KiB, sixteen pages of 4 KiB.
    std::vector<std::uint8_t> v = classic_pcap(!little, false);
    v.resize(24);
    const std::size_t records = 2000;
    for (std::size_t i = 0; i < records; ++i) {
        put32(v, 1700000000 + static_cast<std::uint32_t>(i), !little);
        put32(v, 0, !little);
        put32(v, static_cast<std::uint32_t>(kFrame.size()), !little);
        put32(v, static_cast<std::uint32_t>(kFrame.size()), !little);
        v.insert(v.end(), kFrame.begin(), kFrame.end());
    }
    TempFile f(v);
    auto r = open_ok(f.path);
    REQUIRE_FALSE(r->lasting_bytes().empty());  // read from a map
    CapturedPacket p;
    for (int i = 0; i < 10; ++i) REQUIRE(r->next(p) == ReadStatus::Packet);
    const Bytes early = p.data;
    // Another program cuts the file to two pages: the pages past them can no longer be read.
    REQUIRE(truncate(f.path.c_str(), 8192) == 0);
    std::size_t more = 0;
    ReadStatus status;
    while ((status = r->next(p)) == ReadStatus::Packet) ++more;
    CHECK(status == ReadStatus::Error);
    CHECK(r->error_message().find("cut short") != std::string::npos);
    // The records wholly within the two pages left were read as they are.
    CHECK(more >= (8192 - 24) / 32 - 10);
    CHECK(more < records - 10);
    CHECK(std::vector<std::uint8_t>(early.begin(), early.end()) == kFrame);
}
