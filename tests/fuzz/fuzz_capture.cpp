// Fuzz target: a whole capture file (pcap, pcapng, gzip of either) through the public
// API, as the command line runs it: CaptureReader -> FrameDissector -> the tree (with
// hex), summary and --sessions printers, then the end of the capture.
//
// The input is written to an anonymous in-memory file (memfd) and opened by its
// /proc/self/fd path, so the reader is exercised exactly as for a file on disk.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "output/sessions_printer.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"

using namespace tlsdissect;

namespace {
// Enough packets to build up TCP and TLS state; bounds the time one input can take.
constexpr int kMaxPackets = 4096;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const int fd = memfd_create("fuzz-capture", 0);
    if (fd < 0) return 0;
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
    const std::string path = "/proc/self/fd/" + std::to_string(fd);

    CaptureError error = CaptureError::None;
    std::string message;
    auto reader = CaptureReader::open(path, error, message);
    if (!reader) {
        FUZZ_CHECK(error != CaptureError::None && !message.empty());
        return 0;
    }
    FrameDissector dissector;
    dissector.set_interfaces(reader->interfaces());
    // Small limits, so that the limit paths run on small inputs too.
    dissector.set_limits(EngineLimits{4096, 64u << 10, 64, 64});
    auto tree_printer = make_tree_printer(fuzz::null_output(), TreeOptions{false, true});
    auto summary_printer = make_summary_printer(fuzz::null_output(), false, false);
    auto sessions = make_sessions_printer(fuzz::null_output(), false, dissector.sessions().dns());
    dissector.sessions().add_listener(sessions.get());
    tree_printer->begin_file(CaptureFileInfo{path, reader->nanosecond_resolution()});
    summary_printer->begin_file(CaptureFileInfo{path, reader->nanosecond_resolution()});
    Tree tree;
    PacketColumns columns;
    FrameInfo info;
    CapturedPacket packet;
    for (int n = 0; n < kMaxPackets; ++n) {
        ReadStatus rs = reader->next(packet);
        if (rs != ReadStatus::Packet) break;
        FUZZ_CHECK(packet.data.size() == packet.captured_length);
        dissector.dissect(packet, &tree, &columns, &info);
        fuzz::render(tree);
        tree_printer->packet(info, &tree, &columns);
        summary_printer->packet(info, &tree, &columns);
        sessions->poll();
    }
    dissector.finish();
    // finish() flushed and freed every reassembler.
    FUZZ_CHECK(dissector.tcp_buffered_bytes() == 0);
    sessions->finish(path, *reader, dissector.frames(), dissector.limits_reached());
    tree_printer->end_file();
    summary_printer->end_file();
    return 0;
}
