// The default output: Wireshark's packet-details pane as indented text.
#include <string>

#include "output/field_format.hpp"
#include "output/packet_colouring.hpp"
#include "output/printers.hpp"
#include "output/text_writer.hpp"

namespace tlsdissect {

namespace {

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kReset = "\x1b[0m";

class TreePrinter final : public PacketPrinter {
public:
    TreePrinter(std::FILE* out, TreeOptions options) : out_(out), options_(options) {
        if (options_.explain) explainer_.emplace(*options_.explain);
        if (options_.color) colouring_.emplace(PacketColouring::for_terminal());
    }
    bool reads_only_the_packet() const override { return true; }
    bool wants_tree() const override { return true; }
    bool wants_columns() const override { return false; }

    void packet(const FrameInfo&, const Tree* tree, const PacketColumns*) override {
        buffer_.clear();
        if (printed_) buffer_.put('\n');
        printed_ = true;
        notes_ = explainer_ ? &explainer_->notes(*tree) : nullptr;
        // The protocol rows (the top level) have the packet's colouring-rule colours.
        const ColouringRule* rule = colouring_ ? colouring_->rule_for(*tree) : nullptr;
        protocol_colour_ = rule ? colouring_->escape(*rule).c_str() : kBold;
        for (std::int32_t id = tree->node(0).first_child; id != kNoNode; id = tree->node(id).next_sibling)
            print_node(*tree, id, 0);
        if (options_.hex) {
            buffer_.put('\n');
            scratch_.clear();
            append_hex_dump(scratch_, *tree);
            buffer_.put(scratch_);
        }
        std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
    }

private:
    void print_node(const Tree& tree, std::int32_t id, int depth) {
        const Node& n = tree.node(id);
        if (n.hidden) return;
        indent(depth);
        const char* colour = nullptr;
        if (options_.color) {
            if (n.def && n.def->type == FieldType::Expert)
                colour = n.def->severity == Severity::Error ? kRed : kYellow;
            else if (depth == 0)
                colour = protocol_colour_;
            else if (n.generated)
                colour = kDim;
        }
        if (colour) buffer_.put(colour);
        const std::size_t line = buffer_.size();
        append_display_line(buffer_, n);
        // Only a node's own text and its string or vendor-name value can hold bytes from the
        // packet; labels, numbers and the other values are plain text of ours (so the line
        // is escaped when that piece is not all printable ASCII).
        const std::string* from_packet = !n.text.empty() ? &n.text : std::get_if<std::string>(&n.value);
        if (from_packet ? !printable_ascii(*from_packet)
                        : std::holds_alternative<MacAddress>(n.value) && !printable_ascii(buffer_.view(line))) {
            scratch_.assign(buffer_.view(line));
            buffer_.truncate(line);
            escaped_.clear();
            append_terminal_text(escaped_, scratch_);
            buffer_.put(escaped_);
        }
        if (colour) buffer_.put(kReset);
        buffer_.put('\n');
        if (notes_ && !(*notes_)[static_cast<std::size_t>(id)].empty()) {
            // --explain: the note under its field, marked and dimmed.
            indent(depth + 1);
            if (options_.color) buffer_.put(kDim);
            buffer_.put("\u24d8 ");
            buffer_.put((*notes_)[static_cast<std::size_t>(id)]);
            if (options_.color) buffer_.put(kReset);
            buffer_.put('\n');
        }
        for (std::int32_t c = n.first_child; c != kNoNode; c = tree.node(c).next_sibling)
            print_node(tree, c, depth + 1);
    }

    void indent(int depth) {
        static constexpr std::string_view kSpaces = "                                                                ";
        std::size_t n = static_cast<std::size_t>(depth) * 4;
        for (; n > kSpaces.size(); n -= kSpaces.size()) buffer_.put(kSpaces);
        buffer_.put(kSpaces.substr(0, n));
    }

    std::FILE* out_;
    TreeOptions options_;
    TextWriter buffer_;
    std::string scratch_, escaped_;  // kept for the rare line with bytes to escape, and -x
    bool printed_ = false;
    std::optional<Explainer> explainer_;
    const std::vector<std::string_view>* notes_ = nullptr;
    std::optional<PacketColouring> colouring_;
    const char* protocol_colour_ = kBold;
};

void dump_bytes(std::string& out, Bytes bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t line = 0; line < bytes.size(); line += 16) {
        char offset[8];
        for (int i = 0; i < 4; ++i) offset[i] = kHex[(line >> (12 - 4 * i)) & 15];
        out.append(offset, 4);
        out += "  ";
        std::string ascii;
        for (std::size_t i = 0; i < 16; ++i) {
            if (line + i < bytes.size()) {
                const std::uint8_t b = bytes[line + i];
                out.push_back(kHex[b >> 4]);
                out.push_back(kHex[b & 15]);
                out.push_back(' ');
                ascii.push_back(b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.');
            } else {
                out += "   ";
            }
        }
        out += "  ";
        out += ascii;
        out.push_back('\n');
    }
}

}  // namespace

void append_hex_dump(std::string& out, const Tree& tree) {
    dump_bytes(out, tree.frame_bytes);
    for (const auto& source : tree.extra_sources) {
        out += "\n" + source.name + ":\n";
        dump_bytes(out, source.bytes);
    }
}

std::unique_ptr<PacketPrinter> make_tree_printer(std::FILE* out, TreeOptions options) {
    return std::make_unique<TreePrinter>(out, options);
}

}  // namespace tlsdissect
