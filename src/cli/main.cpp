// tlsdissect: the command line. It builds the CLI11 app, opens each capture, runs
// the dissection engine and hands every packet to the chosen printer.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/manual.hpp"
#include "cli/number_option.hpp"
#include "cli/output_status.hpp"
#include "cli/teaching_options.hpp"
#include "dns/dns_transactions.hpp"
#include "filter/field_names.hpp"
#include "filter/packet_selection.hpp"
#include "output/certificate_export.hpp"
#include "output/html_printer.hpp"
#include "output/ladder.hpp"
#include "output/printers.hpp"
#include "output/progress_meter.hpp"
#include "output/sessions_printer.hpp"
#include "cli/print_pipeline.hpp"
#include "core/background_worker.hpp"
#include "output/walkthrough.hpp"
#include "tls/chain_of_trust.hpp"
#include "tls/audit.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"
#include "tls/keylog.hpp"
#include "tlsdissect/version.hpp"
#include "transport/conversations.hpp"

namespace {

using namespace tlsdissect;

// Exit codes (docs/user-guide.md): 0 success, 2 bad command line, the CaptureError
// values 3-6 for the first file that failed, 7 output that could not be written
// (kExitWriteError).
constexpr int kExitUsage = 2;
// --audit --fail-on: a finding of that severity or worse was found (and every file was read).
constexpr int kExitAuditFindings = 10;

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
  tlsdissect --keylog keys.log capture.pcap
                                          decrypt TLS with an SSLKEYLOGFILE key log
  tlsdissect --keylog keys.log --follow-tls 0 capture.pcap
                                          the decrypted application data of stream 0

Exit status:
  0  all files were read
  2  the command line is wrong (or a --keylog file cannot be read)
  3  a file cannot be opened (missing, unreadable, a directory)
  4  a file is not a pcap or pcapng capture
  5  a file uses a link type tlsdissect does not dissect
  6  a file is damaged or ends in the middle of a packet, or its gzip stream is
     damaged (the packets before the damage are still shown)
  7  the output cannot be written (a full disk, a closed standard output, an
     --html page or an --export-certs folder or file that cannot be created)
  10 with --audit --fail-on SEVERITY: a finding of that severity or worse
     (checked after every file was read without error)
With several files, the status is that of the first file that failed.
When a limit makes tlsdissect forget something (docs/limits.md), the status
stays 0 and one line on stderr says what and how much.)";

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
    std::int64_t follow_tls = -1;
    std::string follow_format = "ascii";
    std::size_t tcp_max_out_of_order = 0;
    std::size_t tcp_max_buffered = 0;
    std::size_t tcp_max_connections = 0;
    bool audit = false;
    std::string fail_on;
    std::vector<std::string> keylogs;
    std::string roots;                               // --roots FILE|DIR; empty: the system store
    std::shared_ptr<const TrustStore> trust_store;   // loaded from `roots`
    TeachingOptions teach;
    bool quiet = false;
    std::size_t udp_max_conversations = 0;
    unsigned jobs = 0;                               // -j: cores to use (0: all)
    std::string export_certs;                        // --export-certs DIR
    std::string shard;                               // --shard K/N, as given
    std::uint32_t shard_index = 0, shard_count = 1;  // parsed (0-based index)
};

// Each output mode prints something different, so two of them on one command line is
// a mistake to say, not one to settle by a silent rule of precedence. The exception:
// --jsonl with --sessions (one session a line). -x adds bytes to the tree and -s only.
void exclude_other_output_modes(CLI::App& app) {
    const std::vector<std::string> modes = {"--summary", "--json", "--jsonl", "--sessions", "--field",
                                            "--ladder",  "--html", "--follow", "--follow-tls"};
    auto allowed_together = [](const std::string& a, const std::string& b) {
        return (a == "--jsonl" && b == "--sessions") || (a == "--sessions" && b == "--jsonl") ||
               (a == "--follow" && b == "--follow-tls") || (a == "--follow-tls" && b == "--follow");  // excluded already
    };
    for (std::size_t i = 0; i < modes.size(); ++i)
        for (std::size_t j = i + 1; j < modes.size(); ++j)
            if (!allowed_together(modes[i], modes[j])) app.get_option(modes[i])->excludes(app.get_option(modes[j]));
    CLI::Option* hex = app.get_option("--hex");
    for (const auto& mode : modes)
        if (mode != "--summary") hex->excludes(app.get_option(mode));
}

// "K/N" with 1 <= K <= N <= 65536: sets the 0-based index and the count.
bool parse_shard(const std::string& text, std::uint32_t& index, std::uint32_t& count) {
    const std::size_t slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return false;
    auto number = [](std::string_view s, std::uint32_t& v) {
        if (s.empty() || s.size() > 5) return false;
        v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return false;
            v = v * 10 + static_cast<std::uint32_t>(c - '0');
        }
        return true;
    };
    std::uint32_t k = 0, n = 0;
    if (!number(std::string_view(text).substr(0, slash), k) || !number(std::string_view(text).substr(slash + 1), n))
        return false;
    if (n < 1 || n > 65536 || k < 1 || k > n) return false;
    index = k - 1;
    count = n;
    return true;
}

bool use_color(const std::string& mode) {
    if (mode == "always") return true;
    if (mode == "never") return false;
    if (std::getenv("NO_COLOR")) return false;
    const char* term = std::getenv("TERM");
    return isatty(fileno(stdout)) && term && std::string(term) != "dumb";
}

std::unique_ptr<PacketPrinter> make_printer(const Options& o) {
    const bool color = use_color(o.color);
    if (!o.teach.walkthrough.empty()) {
        WalkthroughOptions w;
        w.language = walkthrough_language(o.teach);
        w.html_path = o.teach.html;
        w.sni = o.teach.sni;
        w.stream = o.select.stream;
        if (!o.select.frames.empty()) w.frame = std::strtoull(o.select.frames.c_str(), nullptr, 10);
        w.audit = o.audit;
        return make_walkthrough_printer(stdout, std::move(w));
    }
    if (!o.teach.html.empty()) return make_html_printer(o.teach.html, *teaching_language(o.teach));
    if (o.teach.ladder)
        return make_ladder_printer(stdout, color, o.teach.explain.empty() ? ExplainLanguage::En : *teaching_language(o.teach));
    if (!o.fields.empty()) return make_fields_printer(stdout, o.fields, o.field_header);
    if (o.json || (o.jsonl && !o.sessions))
        return make_json_printer(stdout, o.jsonl, o.teach.explain.empty() ? std::nullopt : teaching_language(o.teach));
    if (o.summary) return make_summary_printer(stdout, color, o.hex);
    return make_tree_printer(stdout, TreeOptions{color, o.hex, o.teach.explain.empty() ? std::nullopt : teaching_language(o.teach)});
}

// One line per limit that made this file's output incomplete (docs/limits.md); the exit
// status stays what it was.
void report_limits(const std::string& name, const LimitsReached& limits) {
    if (!limits.any()) return;
    std::fflush(stdout);
    if (limits.tcp_connections_given_up > 0)
        std::fprintf(stderr,
                     "tlsdissect: %s: TCP memory limit reached: %llu connections were given up before their end "
                     "(%llu bytes; see --tcp-max-buffered)\n",
                     name.c_str(), static_cast<unsigned long long>(limits.tcp_connections_given_up),
                     static_cast<unsigned long long>(limits.tcp_bytes_given_up));
    if (limits.dns_transactions_not_listed > 0)
        std::fprintf(stderr,
                     "tlsdissect: %s: %llu DNS transactions are not listed: more unanswered queries than the %zu "
                     "that are kept\n",
                     name.c_str(), static_cast<unsigned long long>(limits.dns_transactions_not_listed),
                     kMaxDnsUnansweredKept);
}

// Dissects one file; returns its exit status.
int run_file(const std::string& path, PacketPrinter& printer, const Options& o, const PacketSelection* selection,
             const KeyLog& key_files, AuditSettings* audit, ProgressMeter& progress, CertificateExporter* exporter) {
    std::fflush(stdout);  // what earlier files printed comes before this file's messages
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
    dissector.set_lasting_bytes(reader->lasting_bytes());
    // Key log files, then the capture's own Decryption Secrets Blocks as they are read.
    std::vector<std::string> key_warnings;
    auto take_embedded_secrets = [&] {
        dissector.take_capture_secrets(*reader, name, key_warnings);
        if (!key_warnings.empty()) std::fflush(stdout);
        for (const auto& w : key_warnings) std::fprintf(stderr, "tlsdissect: %s\n", w.c_str());
        key_warnings.clear();
    };
    dissector.set_key_log(key_files);
    take_embedded_secrets();
    dissector.set_limits(EngineLimits{o.tcp_max_out_of_order, o.tcp_max_buffered, o.tcp_max_connections,
                                      o.udp_max_conversations});
    dissector.set_tls_verify(TlsVerifyOptions{o.trust_store, o.sessions});
    printer.attach(dissector);
    dissector.set_audit(audit);
    std::unique_ptr<FollowPrinter> follow;
    if (o.follow >= 0) {
        follow = make_follow_printer(stdout, static_cast<std::uint32_t>(o.follow), o.follow_format == "ascii");
        dissector.follow_tcp_stream(static_cast<std::uint32_t>(o.follow),
                                    [&follow](const FollowChunk& c) { follow->chunk(c); });
    } else if (o.follow_tls >= 0) {
        follow = make_follow_printer(stdout, static_cast<std::uint32_t>(o.follow_tls), o.follow_format == "ascii", "tls");
        dissector.follow_tls_stream(static_cast<std::uint32_t>(o.follow_tls),
                                    [&follow](const FollowChunk& c) { follow->chunk(c); });
    }
    if (exporter) dissector.sessions().add_listener(exporter);
    std::unique_ptr<SessionsPrinter> sessions;
    if (o.sessions) {
        sessions = make_sessions_printer(stdout, o.jsonl, dissector.sessions().dns(), audit,
                                         Shard{o.shard_index, o.shard_count}, o.jobs, path, exporter != nullptr);
        dissector.set_shard(o.shard_index, o.shard_count);
        dissector.sessions().add_listener(sessions.get());
        dissector.end_connections_at_close(true);
    }
    const bool print_packets = !follow && !sessions;
    progress.start(name, *reader);
    printer.begin_file(CaptureFileInfo{path, reader->nanosecond_resolution()});
    Tree tree;
    PacketColumns columns;
    FrameInfo info;
    CapturedPacket packet;
    int status = 0;
    // With more than one core, a printer that reads only the packet and costs more than
    // the hand-over (--json) prints on a thread of its own while the next packets are
    // dissected (same output, in order).
    std::unique_ptr<PrintPipeline> pipeline;
    if (print_packets && printer.reads_only_the_packet() && printer.worth_a_thread() &&
        BackgroundWorker::threads_for(o.jobs) > 0)
        pipeline = std::make_unique<PrintPipeline>(printer);
    for (std::int64_t n = 0; o.count < 0 || n < o.count; ++n) {
        ReadStatus rs = reader->next(packet);
        // A damaged gzip stream ends the packets early; its damage is the error to name
        // (a record cut short by it is only the consequence).
        if (rs != ReadStatus::Packet && (rs == ReadStatus::Error || !reader->stream_damage().empty())) {
            pipeline.reset();  // what was read before the damage is printed first
            progress.finish();
            std::fflush(stdout);
            const std::string& why =
                reader->stream_damage().empty() ? reader->error_message() : reader->stream_damage();
            std::fprintf(stderr, "tlsdissect: %s: after frame %llu: %s\n", name.c_str(),
                         static_cast<unsigned long long>(dissector.frames()), why.c_str());
            status = static_cast<int>(CaptureError::Damaged);
            break;
        }
        if (rs == ReadStatus::End) break;
        take_embedded_secrets();
        const bool need_tree = print_packets && (printer.wants_tree() || (selection && selection->needs_tree()));
        const bool need_columns = print_packets && printer.wants_columns();
        if (pipeline) {
            CapturedPacket view;
            PrintPipeline::Slot& slot = pipeline->take(packet, view);
            slot.with_tree = need_tree;
            slot.with_columns = need_columns;
            dissector.dissect(view, need_tree ? &slot.tree : nullptr, need_columns ? &slot.columns : nullptr,
                              &slot.info);
            info = slot.info;
            if (!selection || selection->selects(info, need_tree ? &slot.tree : nullptr))
                pipeline->print(slot);
            else
                pipeline->give_back(slot);
        } else {
            dissector.dissect(packet, need_tree ? &tree : nullptr, need_columns ? &columns : nullptr, &info);
            const bool shown = !selection || selection->selects(info, need_tree ? &tree : nullptr);
            if (print_packets && shown) printer.packet(info, &tree, &columns);
        }
        if (sessions) sessions->poll();
        progress.packet(dissector.frames());
        if (selection && !sessions && !follow && selection->done_after(info.number)) break;
        if (stdout_failed()) break;  // nobody will see the rest; finish_stdout() says why
        if (exporter && !exporter->error().empty()) break;
    }
    pipeline.reset();
    progress.finish();
    dissector.finish();
    if (follow) follow->finish();
    LimitsReached limits = dissector.limits_reached();
    if (!sessions) limits.dns_transactions_not_listed = 0;  // only --sessions lists unanswered queries
    if (sessions) sessions->finish(path == "-" ? "-" : path, *reader, dissector.frames(), limits);
    printer.end_file();
    report_limits(name, limits);
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    guard_closed_stdout();
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
                   "Output is tab-separated like tshark -T fields")
        ->allow_extra_args(false);  // one field per -e, as in tshark: what follows is a capture file
    app.add_flag("--field-header", o.field_header, "With -e: print the field names as a first line");
    app.add_flag("--sessions", o.sessions,
                 "Print one JSON record per TLS connection (and DNS transaction) instead of packets; "
                 "see docs/json.md");
    app.add_option("-j,--jobs", o.jobs,
                   "Cores to use (default 0: all of them); with --sessions the signature checks run on the others. "
                   "The output does not depend on it")
        ->check(CLI::Range(0u, 1024u));
    app.add_option("--shard", o.shard,
                   "With --sessions: only the connections and DNS transactions of shard K of N (K/N, 1 <= K <= N), "
                   "chosen by a hash of their endpoints, so that N processes share one capture; the N outputs "
                   "together hold the records of the whole capture")
        ->needs("--sessions");
    app.add_option("--export-certs", o.export_certs,
                   "Write every distinct certificate of the captures into this folder (created when missing) as "
                   "SHA256.der and SHA256.pem, named by the SHA-256 of its DER; --sessions names the files")
        ->type_name("DIR");
    app.add_flag("--json", o.json, "Print every packet with its field tree as a JSON array; see docs/json.md");
    app.add_flag("--jsonl", o.jsonl,
                 "JSON Lines: one packet (or, with --sessions, one session) per line, as soon as it is complete");
    app.add_option("--follow", o.follow,
                   "Print TCP stream N's reassembled payload, both directions, instead of packets "
                   "(like tshark -z follow,tcp,ascii,N)")
        ->check(whole_number(UINT32_MAX));
    app.add_option("--follow-tls", o.follow_tls,
                   "Print TCP stream N's decrypted TLS application data (needs --keylog or embedded secrets), "
                   "like tshark -z follow,tls,ascii,N")
        ->check(whole_number(UINT32_MAX))
        ->excludes("--follow");
    app.add_option("--follow-format", o.follow_format, "With --follow or --follow-tls: ascii or raw (hex)")
        ->check(CLI::IsMember({"ascii", "raw"}))
        ->capture_default_str();
    app.add_option("--tcp-max-out-of-order", o.tcp_max_out_of_order,
                   "Bytes one TCP direction may hold while waiting for a missing segment (default 1 MiB)")
        ->check(whole_number_for(o.tcp_max_out_of_order));
    app.add_option("--tcp-max-buffered", o.tcp_max_buffered,
                   "Bytes all TCP connections together may hold: reassembly buffers, partial records and "
                   "connection state; beyond it the least recently active connections are given up (default 256 MiB)")
        ->check(whole_number_for(o.tcp_max_buffered));
    app.add_option("--tcp-max-connections", o.tcp_max_connections,
                   "TCP connections tracked at once before the least recently active are dropped (default 262144)")
        ->check(whole_number_for(o.tcp_max_connections));
    app.add_option("--keylog", o.keylogs,
                   "Decrypt TLS with this NSS key log file (SSLKEYLOGFILE format); repeat for more. "
                   "Secrets embedded in pcapng files are used too")
        ->allow_extra_args(false);
    app.add_option("--udp-max-conversations", o.udp_max_conversations,
                   "UDP flows remembered at once before the least recently active are forgotten (default 262144)")
        ->check(whole_number_for(o.udp_max_conversations));
    app.add_option("-Y,--filter", o.select.filter,
                   "Show only packets that match this Wireshark-style display filter, e.g. "
                   "'tls.handshake.type == 1 && ip.addr == 10.0.0.0/8'");
    app.add_option("--frames", o.select.frames, "Show only these frames, e.g. 16,18-28");
    app.add_option("--stream", o.select.stream, "Show only the packets of TCP stream N (tcp.stream == N)")
        ->check(whole_number(UINT32_MAX));
    app.add_option("--roots", o.roots,
                   "Trusted root certificates for the chain-of-trust check: a PEM file or a directory of them "
                   "(default: the system store)");
    app.add_option("-c,--count", o.count, "Stop after this many packets of each file")
        ->check(whole_number_for(o.count));
    add_teaching_options(app, o.teach);
    auto* audit_flag = app.add_flag("--audit", o.audit,
                                    "Passive security audit of each TLS connection: findings (weak ciphers, old "
                                    "versions, certificate problems, Heartbleed ...) at the frame that shows them, "
                                    "in the tree, the summary and --sessions; see docs/user-guide.md");
    app.add_option("--fail-on", o.fail_on,
                   "With --audit: exit with status 10 when a finding of this severity or worse is present")
        ->check(CLI::IsMember({"info", "low", "medium", "high"}))
        ->needs(audit_flag);
    app.add_flag("-q,--quiet", o.quiet,
                 "No progress line on stderr (it is shown only when stderr is a terminal and stdout is not)");
    // `tlsdissect --generate man|bash|zsh FILE`: the build writes the manual page and the
    // completion scripts from this option table (src/cli/manual.hpp); not in --help.
    if (argc == 4 && std::string(argv[1]) == "--generate") return generate_documentation(app, argv[2], argv[3]);
    exclude_other_output_modes(app);
    try {
        auto args = normalize_teaching_args(argc, argv);
        std::vector<char*> arg_pointers;
        for (auto& a : args) arg_pointers.push_back(a.data());
        app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : kExitUsage;
    }
    if (!o.shard.empty() && !parse_shard(o.shard, o.shard_index, o.shard_count)) {
        std::fprintf(stderr, "tlsdissect: --shard: '%s' is not K/N with 1 <= K <= N <= 65536 (e.g. 2/4)\n",
                     o.shard.c_str());
        return kExitUsage;
    }
    const bool walkthrough = !o.teach.walkthrough.empty();
    if (!o.teach.sni.empty() && !walkthrough) {
        std::fprintf(stderr, "tlsdissect: --sni chooses the connection of --walkthrough\n");
        return kExitUsage;
    }
    if (walkthrough && (o.teach.ladder || o.sessions || o.follow >= 0 || o.follow_tls >= 0 || o.json || o.jsonl ||
                        !o.fields.empty() || !o.select.filter.empty() || o.summary || o.files.size() != 1)) {
        std::fprintf(stderr, "tlsdissect: --walkthrough writes the article of one connection of one capture file "
                             "(choose it with --sni, --stream or --frames); it does not combine with --ladder, "
                             "--sessions, --follow, --json, --jsonl, -e, -s or -Y\n");
        return kExitUsage;
    }
    for (const auto& field : o.fields) {
        if (!find_field_name(field).empty()) continue;
        std::fprintf(stderr, "tlsdissect: -e: unknown field \"%s\"", field.c_str());
        const std::string_view suggestion = closest_field_name(field);
        if (!suggestion.empty())
            std::fprintf(stderr, " (did you mean \"%.*s\"?)", static_cast<int>(suggestion.size()), suggestion.data());
        std::fputc('\n', stderr);
        return kExitUsage;
    }
    if (o.teach.ladder && (!o.select.filter.empty() || !o.select.frames.empty() || o.select.stream >= 0)) {
        std::fprintf(stderr, "tlsdissect: --ladder draws every TLS connection; -Y, --frames and --stream do not apply\n");
        return kExitUsage;
    }
    if (!o.teach.html.empty() && o.files.size() != 1) {
        std::fprintf(stderr, "tlsdissect: --html writes one page for one capture file\n");
        return kExitUsage;
    }
    std::optional<PacketSelection> selection;
    if (!walkthrough && (!o.select.filter.empty() || !o.select.frames.empty() || o.select.stream >= 0)) {
        if (o.follow >= 0 || o.follow_tls >= 0 || o.sessions) {
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
    KeyLog key_files;
    for (const auto& file : o.keylogs) {
        std::vector<std::string> warnings;
        const bool readable = key_files.load_file(file, warnings);
        for (const auto& w : warnings) std::fprintf(stderr, "tlsdissect: %s\n", w.c_str());
        if (!readable) return kExitUsage;
    }
    if (!o.roots.empty()) {
        std::string error;
        o.trust_store = TrustStore::load(o.roots, error);
        if (!o.trust_store) {
            std::fprintf(stderr, "tlsdissect: --roots: %s\n", error.c_str());
            return kExitUsage;
        }
    }
    // Output to a file or pipe goes out in 1 MiB writes instead of one per packet; a
    // terminal, or a capture read live from standard input, keeps its usual buffering.
    // (glibc ignores the size unless it is given the buffer; a static one outlives exit's flush.)
    static constexpr std::size_t kStdoutBuffer = std::size_t{1} << 20;
    static char stdout_buffer[kStdoutBuffer];
    const bool reads_stdin = std::find(o.files.begin(), o.files.end(), "-") != o.files.end();
    if (!isatty(fileno(stdout)) && !reads_stdin) std::setvbuf(stdout, stdout_buffer, _IOFBF, kStdoutBuffer);
    auto printer = make_printer(o);
    std::optional<AuditSettings> audit;
    if (o.audit) {
        // Findings speak the --explain language when one is chosen, else the environment's.
        std::string lang = audit_default_lang();
        if (auto l = teaching_language(o.teach)) lang = *l == ExplainLanguage::Zh ? "zh" : "en";
        if (!o.teach.walkthrough.empty()) lang = walkthrough_language(o.teach) == ExplainLanguage::Zh ? "zh" : "en";
        audit = AuditSettings{lang, std::nullopt, 0};
    }
    // TLSDISSECT_PROGRESS_IMMEDIATE (tests): a progress line at every check, no delay.
    const bool immediate = std::getenv("TLSDISSECT_PROGRESS_IMMEDIATE") != nullptr;
    ProgressMeter progress(stderr, !o.quiet && isatty(fileno(stderr)) && !isatty(fileno(stdout)), immediate);
    std::unique_ptr<CertificateExporter> exporter;
    if (!o.export_certs.empty() || app.count("--export-certs")) {
        std::string error;
        exporter = CertificateExporter::open(o.export_certs, error);
        if (!exporter) {
            std::fprintf(stderr, "tlsdissect: --export-certs: %s\n", error.c_str());
            return kExitWriteError;
        }
    }
    int status = 0;
    for (const auto& path : o.files) {
        int rc = run_file(path, *printer, o, selection ? &*selection : nullptr, key_files, audit ? &*audit : nullptr,
                          progress, exporter.get());
        if (status == 0) status = rc;
        if (stdout_failed() || printer->failed() || (exporter && !exporter->error().empty())) break;
    }
    // Output that did not arrive outranks everything else: what was asked for is not there.
    if (const int write_status = finish_stdout()) return write_status;
    if (printer->failed()) return kExitWriteError;
    if (exporter && !exporter->error().empty()) {
        std::fprintf(stderr, "tlsdissect: --export-certs: %s\n", exporter->error().c_str());
        return kExitWriteError;
    }
    if (status == 0 && audit && !o.fail_on.empty() && audit->worst && *audit->worst >= *parse_audit_severity(o.fail_on))
        return kExitAuditFindings;
    return status;
}
