// Printers: each walks the field tree (or the summary columns) of one packet at a
// time and writes one output format. Dissectors know nothing about them.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "explain/explain.hpp"
#include "tlsdissect/dissect.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

struct CaptureFileInfo {
    std::string path;
    bool nanosecond = false;
};

class PacketPrinter {
public:
    virtual ~PacketPrinter() = default;
    virtual bool wants_tree() const = 0;
    virtual bool wants_columns() const = 0;
    virtual void begin_file(const CaptureFileInfo&) {}
    // Before the first packet: a printer that needs engine hooks (--ladder, --html) sets them.
    virtual void attach(FrameDissector&) {}
    virtual void packet(const FrameInfo& frame, const Tree* tree, const PacketColumns* columns) = 0;
    virtual void end_file() {}
    // The printer's own output (the --html page) could not be written; it said why on stderr.
    virtual bool failed() const { return false; }
    // packet() reads nothing but its arguments and the printer's own state (no engine
    // hook, no session): it may then run on another thread than the dissection.
    virtual bool reads_only_the_packet() const { return false; }
    // packet() costs more than handing a packet to another thread (a copy of its bytes,
    // its tree and columns there and back): measured true for --json; for -s, -e and the
    // tree the hand-over cost more than it saved (docs/performance.md, round four).
    virtual bool worth_a_thread() const { return false; }
};

struct TreeOptions {
    bool color = false;
    bool hex = false;  // packet bytes under the tree
    std::optional<ExplainLanguage> explain;  // --explain: a note under the fields it knows
};

std::unique_ptr<PacketPrinter> make_tree_printer(std::FILE* out, TreeOptions options);
std::unique_ptr<PacketPrinter> make_summary_printer(std::FILE* out, bool color, bool hex);
// --json (an array of packets, pretty) or --jsonl (one packet per line, streaming).
// With `explain`, nodes that have a note carry it as "explain".
std::unique_ptr<PacketPrinter> make_json_printer(std::FILE* out, bool lines,
                                                 std::optional<ExplainLanguage> explain = std::nullopt);
// tshark -T fields: one line per packet, the named fields' values separated by tabs,
// several occurrences of one field joined by commas.
std::unique_ptr<PacketPrinter> make_fields_printer(std::FILE* out, std::vector<std::string> fields, bool header);

class FollowPrinter {
public:
    virtual ~FollowPrinter() = default;
    virtual void chunk(const FollowChunk& chunk) = 0;
    virtual void finish() = 0;  // the capture ended: print
};
std::unique_ptr<FollowPrinter> make_follow_printer(std::FILE* out, std::uint32_t stream, bool ascii,
                                                  const std::string& protocol = "tcp");

// The packet bytes as tshark -x shows them, for the frame and each extra data source.
void append_hex_dump(std::string& out, const Tree& tree);

}  // namespace tlsdissect
