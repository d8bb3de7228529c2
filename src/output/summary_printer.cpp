// -s/--summary: Wireshark's packet list, one line per packet.
#include <cstdio>
#include <optional>
#include <string>

#include "output/field_format.hpp"
#include "output/packet_colouring.hpp"
#include "output/printers.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

class SummaryPrinter final : public PacketPrinter {
public:
    SummaryPrinter(std::FILE* out, bool color, bool hex) : out_(out), color_(color), hex_(hex) {
        if (color_) colouring_.emplace(PacketColouring::for_terminal());
    }
    // The colouring rules look at the packet's fields, as tshark's do.
    bool wants_tree() const override { return hex_ || color_; }
    bool reads_only_the_packet() const override { return true; }
    bool wants_columns() const override { return true; }
    void begin_file(const CaptureFileInfo& info) override { nanosecond_ = info.nanosecond; }

    void packet(const FrameInfo& frame, const Tree* tree, const PacketColumns* c) override {
        // One buffer for every row: no allocation per packet once it has grown.
        std::string& line = line_;
        line.clear();
        // On a terminal, the row has the colours of the first colouring rule it matches.
        const ColouringRule* rule = colouring_ && tree ? colouring_->rule_for(*tree) : nullptr;
        if (rule) line += colouring_->escape(*rule);
        const std::size_t number_at = line.size();
        append_decimal(line, frame.number);
        const std::size_t digits = line.size() - number_at;
        if (digits < 5) line.insert(number_at, 5 - digits, ' ');
        const std::size_t time_at = line.size();
        append_seconds_ns(line, frame.since_first_ns);
        if (!nanosecond_) line.resize(line.size() - 3);  // microsecond captures: 6 decimals
        const std::size_t t = line.size() - time_at;
        line.insert(time_at, t < 11 ? 12 - t : 1, ' ');
        line.push_back(' ');
        append_terminal_text(line, c->source);
        line += " \xe2\x86\x92 ";
        append_terminal_text(line, c->destination);
        line += " ";
        if (color_ && !rule) line += "\x1b[1m";
        line += c->protocol;
        if (color_ && !rule) line += "\x1b[0m";
        line.push_back(' ');
        append_decimal(line, std::uint64_t(frame.original_length));
        line.push_back(' ');
        append_terminal_text(line, c->info);
        if (rule) line += "\x1b[0m";
        line.push_back('\n');
        if (hex_ && tree) {
            append_hex_dump(line, *tree);
            line.push_back('\n');
        }
        std::fwrite(line.data(), 1, line.size(), out_);
    }

private:
    std::FILE* out_;
    bool color_;
    bool hex_;
    bool nanosecond_ = false;
    std::optional<PacketColouring> colouring_;
    std::string line_;
};

class FieldsPrinter final : public PacketPrinter {
public:
    FieldsPrinter(std::FILE* out, std::vector<std::string> fields, bool header)
        : out_(out), fields_(std::move(fields)), header_(header) {}
    bool wants_tree() const override { return true; }
    bool reads_only_the_packet() const override { return true; }
    bool wants_columns() const override { return false; }

    void begin_file(const CaptureFileInfo&) override {
        if (!header_ || header_done_) return;
        header_done_ = true;
        std::string line;
        for (std::size_t i = 0; i < fields_.size(); ++i) line += (i ? "\t" : "") + fields_[i];
        line.push_back('\n');
        std::fwrite(line.data(), 1, line.size(), out_);
    }

    void packet(const FrameInfo&, const Tree* tree, const PacketColumns*) override {
        // The strings are kept from packet to packet (cleared, not freed).
        values_.resize(fields_.size());
        for (auto& v : values_) v.clear();
        seen_.assign(fields_.size(), false);
        for (std::size_t id = 1; id < tree->size(); ++id) {
            const Node& n = tree->node(static_cast<std::int32_t>(id));
            if (!n.def || n.def->type == FieldType::Protocol) continue;
            for (std::size_t f = 0; f < fields_.size(); ++f) {
                if (n.def->filter != fields_[f]) continue;
                if (seen_[f]) values_[f].push_back(',');
                seen_[f] = true;
                append_field_value(values_[f], n);
            }
        }
        line_.clear();
        for (std::size_t i = 0; i < values_.size(); ++i) {
            if (i) line_.push_back('\t');
            line_ += values_[i];
        }
        line_.push_back('\n');
        std::fwrite(line_.data(), 1, line_.size(), out_);
    }

private:
    std::FILE* out_;
    std::vector<std::string> fields_;
    bool header_;
    bool header_done_ = false;
    std::vector<std::string> values_;
    std::string line_;  // kept from packet to packet
    std::vector<bool> seen_;
};

}  // namespace

std::unique_ptr<PacketPrinter> make_summary_printer(std::FILE* out, bool color, bool hex) {
    return std::make_unique<SummaryPrinter>(out, color, hex);
}

std::unique_ptr<PacketPrinter> make_fields_printer(std::FILE* out, std::vector<std::string> fields, bool header) {
    return std::make_unique<FieldsPrinter>(out, std::move(fields), header);
}

}  // namespace tlsdissect
