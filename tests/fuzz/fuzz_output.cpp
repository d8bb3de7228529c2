// Fuzz target: a whole capture file through the output modes fuzz_capture does not
// drive: --json, --jsonl, -e fields, --follow (ascii and raw), --sessions --jsonl,
// --walkthrough (English or Chinese, Markdown), with
// a display filter and --stream selecting the packets, as src/cli/main.cpp runs them.
//
// Input: a capture file. Its last byte also picks the follow format and stream and
// whether the packets go through the selection (so the files in captures/ are seeds as
// they are). The input is written to an in-memory file (memfd) and opened by its
// /proc/self/fd path, like fuzz_capture.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "filter/packet_selection.hpp"
#include "fuzz_support.hpp"
#include "output/sessions_printer.hpp"
#include "output/walkthrough.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"

using namespace tlsdissect;

namespace {
constexpr int kMaxPackets = 2048;

const std::vector<std::string>& fields() {
    static const std::vector<std::string> f = {
        "frame.number", "ip.src", "ipv6.dst", "tcp.stream", "tcp.analysis.retransmission", "udp.length",
        "tls.handshake.type", "tls.handshake.extensions_server_name",
        "tls.handshake.extensions_alpn_str", "tls.handshake.ciphersuite", "tls.record.content_type",
        "tls.handshake.certificate", "x509sat.printableString", "x509ce.dNSName", "dns.qry.name",
        "dns.resp.name", "dns.a", "dns.txt", "_ws.malformed", "_ws.short"};
    return f;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t mode = data[size - 1];
    static const int fd = memfd_create("fuzz-output", 0);
    if (fd < 0) return 0;
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
    const std::string path = "/proc/self/fd/" + std::to_string(fd);

    CaptureError error = CaptureError::None;
    std::string message;
    auto reader = CaptureReader::open(path, error, message);
    if (!reader) return 0;

    SelectionOptions select;
    if (mode & 1) select.filter = "tls || dns || tcp.analysis || _ws.malformed";
    if (mode & 2) select.stream = (mode >> 4) & 3;
    std::string select_error;
    auto selection = PacketSelection::make(select, select_error);
    FUZZ_CHECK(selection.has_value());

    FrameDissector dissector;
    dissector.set_interfaces(reader->interfaces());
    dissector.set_limits(EngineLimits{4096, 64u << 10, 64, 64});
    auto json = make_json_printer(fuzz::null_output(), false);
    auto jsonl = make_json_printer(fuzz::null_output(), true);
    auto fields_printer = make_fields_printer(fuzz::null_output(), fields(), (mode & 4) != 0);
    auto follow = make_follow_printer(fuzz::null_output(), (mode >> 4) & 3, (mode & 8) == 0);
    dissector.follow_tcp_stream((mode >> 4) & 3, [&follow](const FollowChunk& c) { follow->chunk(c); });
    auto sessions = make_sessions_printer(fuzz::null_output(), true, dissector.sessions().dns());
    dissector.sessions().add_listener(sessions.get());
    WalkthroughOptions walk_options;
    walk_options.language = (mode & 64) ? ExplainLanguage::Zh : ExplainLanguage::En;
    auto walkthrough = make_walkthrough_printer(fuzz::null_output(), walk_options);
    walkthrough->attach(dissector);
    const CaptureFileInfo file{path, reader->nanosecond_resolution()};
    for (auto* p : {json.get(), jsonl.get(), fields_printer.get(), walkthrough.get()}) p->begin_file(file);

    Tree tree;
    PacketColumns columns;
    FrameInfo info;
    CapturedPacket packet;
    for (int n = 0; n < kMaxPackets; ++n) {
        if (reader->next(packet) != ReadStatus::Packet) break;
        dissector.dissect(packet, &tree, &columns, &info);
        walkthrough->packet(info, &tree, &columns);
        if (selection->selects(info, &tree)) {
            for (auto* p : {json.get(), jsonl.get(), fields_printer.get()}) p->packet(info, &tree, &columns);
        }
        sessions->poll();
    }
    dissector.finish();
    follow->finish();
    sessions->finish(path, *reader, dissector.frames(), dissector.limits_reached());
    for (auto* p : {json.get(), jsonl.get(), fields_printer.get(), walkthrough.get()}) p->end_file();
    return 0;
}
