// --json / --jsonl (without --sessions): every packet with its layers' field trees.
// Keys are documented in docs/json.md and checked against docs/packets.schema.json.
#include <nlohmann/json.hpp>

#include "output/field_format.hpp"
#include "output/json_writer.hpp"
#include "output/printers.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

using json = nlohmann::ordered_json;

json typed_value(const Node& n) {
    return std::visit(
        [&](const auto& v) -> json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return nullptr;
            } else if constexpr (std::is_same_v<T, std::uint64_t> || std::is_same_v<T, bool>) {
                return v;
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (n.def->type == FieldType::AbsTime || n.def->type == FieldType::RelTime)
                    return static_cast<double>(v) / 1e9;  // seconds
                return v;
            } else if constexpr (std::is_same_v<T, double>) {
                return v;
            } else {
                return field_value(n);  // strings, bytes as hex, addresses
            }
        },
        n.value);
}

// Writes JSON text straight into a string, with nlohmann's dump() layout (compact, or
// indented by `indent`): building an ordered_json object per field cost more than the
// dissection (about 1.6 million instructions per packet), and the layers are most of
// every packet record.
class JsonTextWriter {
public:
    JsonTextWriter(std::string& out, int indent) : out_(out), indent_(indent) {}
    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void key(std::string_view k) {
        element();
        append_json(out_, json(k));
        out_ += indent_ >= 0 ? ": " : ":";
        after_key_ = true;
    }
    void value(const json& v) {
        element();
        append_json(out_, v, indent_, static_cast<int>(count_.size()));
    }

private:
    void element() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!count_.empty()) {
            if (count_.back()++ > 0) out_.push_back(',');
            newline(count_.size());
        }
    }
    void open(char c) {
        element();
        out_.push_back(c);
        count_.push_back(0);
    }
    void close(char c) {
        const bool empty = count_.back() == 0;
        count_.pop_back();
        if (!empty) newline(count_.size());
        out_.push_back(c);
    }
    void newline(std::size_t level) {
        if (indent_ < 0) return;
        out_.push_back('\n');
        out_.append(static_cast<std::size_t>(indent_) * level, ' ');
    }
    std::string& out_;
    int indent_;
    std::vector<std::size_t> count_;  // elements written so far, per open object/array
    bool after_key_ = false;
};

void write_node(JsonTextWriter& w, const Tree& tree, std::int32_t id, const std::vector<std::string_view>* notes) {
    const Node& n = tree.node(id);
    w.begin_object();
    w.key("field");
    w.value(n.def ? std::string(n.def->filter) : std::string());
    w.key("show");
    w.value(display_line(n));
    if (n.def && n.def->type != FieldType::Protocol && n.def->type != FieldType::None &&
        n.def->type != FieldType::Expert) {
        w.key("value");
        w.value(typed_value(n));
    }
    if (const auto* u = std::get_if<std::uint64_t>(&n.value); u && n.def && !n.def->names.empty()) {
        std::string_view name = name_of(n.def->names, *u);
        if (!name.empty()) {
            w.key("name");
            w.value(std::string(name));
        }
    }
    w.key("offset");
    w.value(n.offset);
    w.key("length");
    w.value(n.length);
    if (n.source) {
        w.key("source");
        w.value(n.source);
    }
    if (n.generated) {
        w.key("generated");
        w.value(true);
    }
    if (notes && !(*notes)[static_cast<std::size_t>(id)].empty()) {  // --explain
        w.key("explain");
        w.value(std::string((*notes)[static_cast<std::size_t>(id)]));
    }
    if (n.def && n.def->type == FieldType::Expert) {
        w.key("severity");
        w.value(n.def->severity == Severity::Error ? "error" : n.def->severity == Severity::Warn ? "warning" : "note");
    }
    bool any = false;
    for (std::int32_t c = n.first_child; c != kNoNode; c = tree.node(c).next_sibling) {
        if (tree.node(c).hidden) continue;
        if (!any) {
            w.key("children");
            w.begin_array();
            any = true;
        }
        write_node(w, tree, c, notes);
    }
    if (any) w.end_array();
    w.end_object();
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
        JsonTextWriter w(text_, lines_ ? -1 : 2);
        w.begin_object();
        w.key("file");
        w.value(file_);
        w.key("frame");
        w.value(frame.number);
        w.key("time");
        w.value(static_cast<double>(frame.ts_ns) / 1e9);
        w.key("time_relative");
        w.value(static_cast<double>(frame.since_first_ns) / 1e9);
        w.key("length");
        w.value(frame.original_length);
        w.key("captured_length");
        w.value(frame.captured_length);
        if (columns) {
            w.key("summary");
            w.value(json{{"source", columns->source},
                         {"destination", columns->destination},
                         {"protocol", columns->protocol},
                         {"info", columns->info}});
        }
        if (!tree->extra_sources.empty()) {
            w.key("sources");
            w.begin_array();
            for (const auto& s : tree->extra_sources) w.value(json{{"name", s.name}, {"length", s.bytes.size()}});
            w.end_array();
        }
        w.key("layers");
        w.begin_array();
        const std::vector<std::string_view>* notes = explainer_ ? &explainer_->notes(*tree) : nullptr;
        for (std::int32_t id = tree->node(0).first_child; id != kNoNode; id = tree->node(id).next_sibling)
            write_node(w, *tree, id, notes);
        w.end_array();
        w.end_object();
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
    std::optional<Explainer> explainer_;
};

}  // namespace

std::unique_ptr<PacketPrinter> make_json_printer(std::FILE* out, bool lines, std::optional<ExplainLanguage> explain) {
    return std::make_unique<JsonPacketPrinter>(out, lines, explain);
}

}  // namespace tlsdissect
