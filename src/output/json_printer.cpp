// --json / --jsonl (without --sessions): every packet with its layers' field trees.
// Keys are documented in docs/json.md and checked against docs/packets.schema.json.
#include "output/field_format.hpp"
#include "output/json_writer.hpp"
#include "output/printers.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

// Text kept from node to node (no allocation per field once they have grown).
struct Scratch {
    std::string line, value;
};

// A node's value as its JSON type: numbers and booleans as they are, times in seconds,
// the rest (strings, bytes as hex, addresses) as the text `-e` prints.
void typed_value(JsonWriter& w, const Node& n, Scratch& scratch) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                w.null();
            } else if constexpr (std::is_same_v<T, std::uint64_t> || std::is_same_v<T, bool>) {
                w.value(v);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (n.def->type == FieldType::AbsTime || n.def->type == FieldType::RelTime)
                    w.value(static_cast<double>(v) / 1e9);  // seconds
                else
                    w.value(v);
            } else if constexpr (std::is_same_v<T, double>) {
                w.value(v);
            } else {
                scratch.value.clear();
                append_field_value(scratch.value, n);
                w.value(std::string_view(scratch.value));
            }
        },
        n.value);
}

void write_node(JsonWriter& w, const Tree& tree, std::int32_t id, const std::vector<std::string_view>* notes,
                Scratch& scratch) {
    const Node& n = tree.node(id);
    w.object();
    w.key("field").value(n.def ? n.def->filter : std::string_view());
    scratch.line.clear();
    append_display_line(scratch.line, n);
    w.key("show").value(std::string_view(scratch.line));
    if (n.def && n.def->type != FieldType::Protocol && n.def->type != FieldType::None &&
        n.def->type != FieldType::Expert) {
        w.key("value");
        typed_value(w, n, scratch);
    }
    if (const auto* u = std::get_if<std::uint64_t>(&n.value); u && n.def && !n.def->names.empty()) {
        if (std::string_view name = name_of(n.def->names, *u); !name.empty()) w.key("name").value(name);
    }
    w.member("offset", n.offset);
    w.member("length", n.length);
    if (n.source) w.member("source", n.source);
    if (n.generated) w.member("generated", true);
    if (notes && !(*notes)[static_cast<std::size_t>(id)].empty())  // --explain
        w.key("explain").value((*notes)[static_cast<std::size_t>(id)]);
    if (n.def && n.def->type == FieldType::Expert)
        w.member("severity", n.def->severity == Severity::Error  ? "error"
                             : n.def->severity == Severity::Warn ? "warning"
                                                                 : "note");
    bool any = false;
    for (std::int32_t c = n.first_child; c != kNoNode; c = tree.node(c).next_sibling) {
        if (tree.node(c).hidden) continue;
        if (!any) {
            w.key("children").array();
            any = true;
        }
        write_node(w, tree, c, notes, scratch);
    }
    if (any) w.end();
    w.end();
}

class JsonPacketPrinter final : public PacketPrinter {
public:
    JsonPacketPrinter(std::FILE* out, bool lines, std::optional<ExplainLanguage> explain) : out_(out), lines_(lines) {
        if (explain) explainer_.emplace(*explain);
    }
    ~JsonPacketPrinter() override {
        if (!lines_ && opened_) std::fputs("\n]\n", out_);
    }
    bool wants_tree() const override { return true; }
    bool reads_only_the_packet() const override { return true; }
    bool worth_a_thread() const override { return true; }
    bool wants_columns() const override { return true; }
    void begin_file(const CaptureFileInfo& info) override { file_ = info.path; }

    void packet(const FrameInfo& frame, const Tree* tree, const PacketColumns* columns) override {
        text_.clear();
        if (!lines_) text_ += opened_ ? ",\n" : "[\n";
        opened_ = true;
        JsonWriter w(text_, lines_ ? -1 : 2);
        w.object();
        w.member("file", std::string_view(file_));
        w.member("frame", frame.number);
        w.member("time", static_cast<double>(frame.ts_ns) / 1e9);
        w.member("time_relative", static_cast<double>(frame.since_first_ns) / 1e9);
        w.member("length", frame.original_length);
        w.member("captured_length", frame.captured_length);
        if (columns) {
            w.key("summary").object();
            w.member("source", std::string_view(columns->source));
            w.member("destination", std::string_view(columns->destination));
            w.member("protocol", std::string_view(columns->protocol));
            w.member("info", std::string_view(columns->info));
            w.end();
        }
        if (!tree->extra_sources.empty()) {
            w.key("sources").array();
            for (const auto& s : tree->extra_sources)
                w.object().member("name", std::string_view(s.name)).member("length", s.bytes.size()).end();
            w.end();
        }
        w.key("layers").array();
        const std::vector<std::string_view>* notes = explainer_ ? &explainer_->notes(*tree) : nullptr;
        for (std::int32_t id = tree->node(0).first_child; id != kNoNode; id = tree->node(id).next_sibling)
            write_node(w, *tree, id, notes, scratch_);
        w.end();
        w.end();
        if (lines_) text_.push_back('\n');
        std::fwrite(text_.data(), 1, text_.size(), out_);
    }

    void end_file() override {}

private:
    std::FILE* out_;
    bool lines_;
    bool opened_ = false;
    std::string file_;
    std::string text_;  // reused from packet to packet
    Scratch scratch_;
    std::optional<Explainer> explainer_;
};

}  // namespace

std::unique_ptr<PacketPrinter> make_json_printer(std::FILE* out, bool lines, std::optional<ExplainLanguage> explain) {
    return std::make_unique<JsonPacketPrinter>(out, lines, explain);
}

}  // namespace tlsdissect
