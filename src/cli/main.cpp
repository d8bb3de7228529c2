// tlsdissect: the command line. It builds the CLI11 app, opens each capture, runs
// the dissection engine and hands every packet to the chosen printer.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "filter/packet_selection.hpp"
#include "output/printers.hpp"
#include "output/sessions_printer.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"
#include "tlsdissect/version.hpp"
#include "transport/conversations.hpp"

namespace {

using namespace tlsdissect;

// Exit codes (docs/user-guide.md): 0 success, 2 bad command line, and the
// CaptureError values 3-6 for the first file that failed.
constexpr int kExitUsage = 2;

constexpr const char* kDescription = R"(tlsdissect - show what happened in a packet capture, the way Wireshark's
packet-details pane does, for DNS and TLS handshakes.

Reads pcap and pcapng files (also gzip-compressed, or '-' for standard input) and
prints every packet as a tree of protocol fields named like Wireshark's display
filters (ip.src, tcp.stream, ...).)";

constexpr const char* kFooter = R"(
Examples:
  tlsdissect capture.pcap                 every packet as a field tree
  tlsdissect -s capture.pcapng            one line per packet
  tlsdissect -x -c 3 capture.pcap         the first three packets with their bytes
  tlsdissect -Y 'tls.handshake.type == 1' -s capture.pcap
                                          only the Client Hellos
  tlsdissect -e frame.number -e ip.src -e tcp.stream capture.pcap
                                          chosen fields, tab-separated, as tshark -T fields

Exit status:
  0  all files were read
  2  the command line is wrong
  3  a file cannot be opened (missing, unreadable, a directory)
  4  a file is not a pcap or pcapng capture
  5  a file uses a link type tlsdissect does not dissect
  6  a file is damaged or ends in the middle of a packet (the packets before
     the damage are still shown)
With several files, the status is that of the first file that failed.)";

struct Options {
    std::vector<std::string> files;
    bool summary = false;
    bool hex = false;
    std::string color = "auto";
    std::vector<std::string> fields;
    bool field_header = false;
    std::int64_t count = -1;
    SelectionOptions select;
    bool sessions = false;
    bool json = false;
    bool jsonl = false;
    std::int64_t follow = -1;
    std::string follow_format = "ascii";
    std::size_t tcp_max_out_of_order = 0;
    std::size_t tcp_max_buffered = 0;
    std::size_t tcp_max_connections = 0;
    std::size_t udp_max_conversations = 0;
};

bool use_color(const std::string& mode) {
    if (mode == "always") return true;
    if (mode == "never") return false;
    if (std::getenv("NO_COLOR")) return false;
    const char* term = std::getenv("TERM");
    return isatty(fileno(stdout)) && term && std::string(term) != "dumb";
}

std::unique_ptr<PacketPrinter> make_printer(const Options& o) {
    const bool color = use_color(o.color);
    if (!o.fields.empty()) return make_fields_printer(stdout, o.fields, o.field_header);
    if (o.json || (o.jsonl && !o.sessions)) return make_json_printer(stdout, o.jsonl);
    if (o.summary) return make_summary_printer(stdout, color, o.hex);
    return make_tree_printer(stdout, TreeOptions{color, o.hex});
}

// Dissects one file; returns its exit status.
int run_file(const std::string& path, PacketPrinter& printer, const Options& o, const PacketSelection* selection) {
    CaptureError error = CaptureError::None;
    std::string message;
    auto reader = CaptureReader::open(path, error, message);
    const std::string name = path == "-" ? "standard input" : path;
    if (!reader) {
        std::fprintf(stderr, "tlsdissect: %s: %s\n", name.c_str(), message.c_str());
        return static_cast<int>(error);
    }
    FrameDissector dissector;
    dissector.set_interfaces(reader->interfaces());
    dissector.set_limits(EngineLimits{o.tcp_max_out_of_order, o.tcp_max_buffered, o.tcp_max_connections,
                                      o.udp_max_conversations});
    std::unique_ptr<FollowPrinter> follow;
    if (o.follow >= 0) {
        follow = make_follow_printer(stdout, static_cast<std::uint32_t>(o.follow), o.follow_format == "ascii");
        dissector.follow_tcp_stream(static_cast<std::uint32_t>(o.follow),
                                    [&follow](const FollowChunk& c) { follow->chunk(c); });
    }
    std::unique_ptr<SessionsPrinter> sessions;
    if (o.sessions) {
        sessions = make_sessions_printer(stdout, o.jsonl, dissector.dns_transactions());
        dissector.on_tcp_close([&sessions](const TcpConversation& conv) { sessions->tcp_closed(conv); });
    }
    const bool print_packets = !follow && !sessions;
    printer.begin_file(CaptureFileInfo{path, reader->nanosecond_resolution()});
    Tree tree;
    PacketColumns columns;
    FrameInfo info;
    CapturedPacket packet;
    int status = 0;
    for (std::int64_t n = 0; o.count < 0 || n < o.count; ++n) {
        ReadStatus rs = reader->next(packet);
        if (rs == ReadStatus::End) break;
        if (rs == ReadStatus::Error) {
            std::fflush(stdout);
            std::fprintf(stderr, "tlsdissect: %s: after frame %llu: %s\n", name.c_str(),
                         static_cast<unsigned long long>(dissector.frames()), reader->error_message().c_str());
            status = static_cast<int>(CaptureError::Damaged);
            break;
        }
        const bool need_tree = print_packets && (printer.wants_tree() || (selection && selection->needs_tree()));
        dissector.dissect(packet, need_tree ? &tree : nullptr,
                          print_packets && printer.wants_columns() ? &columns : nullptr, &info);
        const bool shown = !selection || selection->selects(info, need_tree ? &tree : nullptr);
        if (print_packets && shown) printer.packet(info, &tree, &columns);
        if (sessions) sessions->poll();
        if (selection && !sessions && !follow && selection->done_after(info.number)) break;
    }
    dissector.finish();
    if (follow) follow->finish();
    if (sessions) sessions->finish(path == "-" ? "-" : path, *reader, dissector.frames());
    printer.end_file();
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{kDescription, "tlsdissect"};
    app.footer(kFooter);
    app.set_version_flag("-v,--version", std::string("tlsdissect ") + kVersion);
    Options o;
    app.add_option("files", o.files, "Capture files (pcap, pcapng, gzip of either; '-' is standard input)")
        ->required();
    app.add_flag("-s,--summary", o.summary, "One line per packet: No., Time, Source, Destination, Protocol, Length, Info");
    app.add_flag("-x,--hex", o.hex, "Also print each packet's bytes as a hex and ASCII dump");
    app.add_option("--color", o.color, "Colour: auto (on a terminal), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    app.add_option("-e,--field", o.fields,
                   "Print this field's value (a Wireshark display-filter name such as ip.src); repeat for more. "
                   "Output is tab-separated like tshark -T fields");
    app.add_flag("--field-header", o.field_header, "With -e: print the field names as a first line");
    app.add_flag("--sessions", o.sessions,
                 "Print one JSON record per TLS connection (and DNS transaction) instead of packets; "
                 "see docs/json.md");
    app.add_flag("--json", o.json, "Print every packet with its field tree as a JSON array; see docs/json.md");
    app.add_flag("--jsonl", o.jsonl,
                 "JSON Lines: one packet (or, with --sessions, one session) per line, as soon as it is complete");
    app.add_option("--follow", o.follow,
                   "Print TCP stream N's reassembled payload, both directions, instead of packets "
                   "(like tshark -z follow,tcp,ascii,N)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--follow-format", o.follow_format, "With --follow: ascii or raw (hex)")
        ->check(CLI::IsMember({"ascii", "raw"}))
        ->capture_default_str();
    app.add_option("--tcp-max-out-of-order", o.tcp_max_out_of_order,
                   "Bytes one TCP direction may hold while waiting for a missing segment (default 1 MiB)");
    app.add_option("--tcp-max-buffered", o.tcp_max_buffered,
                   "Bytes all TCP connections together may hold (default 256 MiB)");
    app.add_option("--tcp-max-connections", o.tcp_max_connections,
                   "TCP connections tracked at once before the least recently active are dropped (default 262144)");
    app.add_option("--udp-max-conversations", o.udp_max_conversations,
                   "UDP flows remembered at once before the least recently active are forgotten (default 262144)");
    app.add_option("-Y,--filter", o.select.filter,
                   "Show only packets that match this Wireshark-style display filter, e.g. "
                   "'tls.handshake.type == 1 && ip.addr == 10.0.0.0/8'");
    app.add_option("--frames", o.select.frames, "Show only these frames, e.g. 16,18-28");
    app.add_option("--stream", o.select.stream, "Show only the packets of TCP stream N (tcp.stream == N)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("-c,--count", o.count, "Stop after this many packets of each file")->check(CLI::NonNegativeNumber);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : kExitUsage;
    }
    std::optional<PacketSelection> selection;
    if (!o.select.filter.empty() || !o.select.frames.empty() || o.select.stream >= 0) {
        if (o.follow >= 0 || o.sessions) {
            std::fprintf(stderr, "tlsdissect: -Y, --frames and --stream choose packets to print; "
                                 "they do not combine with --follow or --sessions\n");
            return kExitUsage;
        }
        std::string error;
        selection = PacketSelection::make(o.select, error);
        if (!selection) {
            std::fprintf(stderr, "tlsdissect: %s", error.c_str());
            if (!error.empty() && error.back() != '\n') std::fputc('\n', stderr);
            return kExitUsage;
        }
    }
    auto printer = make_printer(o);
    int status = 0;
    for (const auto& path : o.files) {
        int rc = run_file(path, *printer, o, selection ? &*selection : nullptr);
        if (status == 0) status = rc;
    }
    std::fflush(stdout);
    return status;
}
