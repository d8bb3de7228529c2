// --json / --jsonl (without --sessions): every packet with its layers' field trees.
// Keys are documented in docs/json.md and checked against docs/packets.schema.json.
#include <nlohmann/json.hpp>

#include "output/field_format.hpp"
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

json node_json(const Tree& tree, std::int32_t id, const std::vector<std::string_view>* notes) {
    const Node& n = tree.node(id);
    json j;
    j["field"] = n.def ? std::string(n.def->filter) : std::string();
    j["show"] = display_line(n);
    if (n.def && n.def->type != FieldType::Protocol && n.def->type != FieldType::None &&
        n.def->type != FieldType::Expert)
        j["value"] = typed_value(n);
    if (const auto* u = std::get_if<std::uint64_t>(&n.value); u && n.def && !n.def->names.empty()) {
        std::string_view name = name_of(n.def->names, *u);
        if (!name.empty()) j["name"] = std::string(name);
    }
    j["offset"] = n.offset;
    j["length"] = n.length;
    if (n.source) j["source"] = n.source;
    if (n.generated) j["generated"] = true;
    if (notes && !(*notes)[static_cast<std::size_t>(id)].empty())
        j["explain"] = std::string((*notes)[static_cast<std::size_t>(id)]);  // --explain
    if (n.def && n.def->type == FieldType::Expert)
        j["severity"] = n.def->severity == Severity::Error ? "error" : n.def->severity == Severity::Warn ? "warning" : "note";
    json children = json::array();
    for (std::int32_t c = n.first_child; c != kNoNode; c = tree.node(c).next_sibling)
        if (!tree.node(c).hidden) children.push_back(node_json(tree, c, notes));
    if (!children.empty()) j["children"] = std::move(children);
    return j;
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
    bool wants_columns() const override { return true; }
    void begin_file(const CaptureFileInfo& info) override { file_ = info.path; }

    void packet(const FrameInfo& frame, const Tree* tree, const PacketColumns* columns) override {
        json p;
        p["file"] = file_;
        p["frame"] = frame.number;
        p["time"] = static_cast<double>(frame.ts_ns) / 1e9;
        p["time_relative"] = static_cast<double>(frame.since_first_ns) / 1e9;
        p["length"] = frame.original_length;
        p["captured_length"] = frame.captured_length;
        if (columns) {
            p["summary"] = {{"source", columns->source},
                            {"destination", columns->destination},
                            {"protocol", columns->protocol},
                            {"info", columns->info}};
        }
        json sources = json::array();
        for (const auto& s : tree->extra_sources) sources.push_back({{"name", s.name}, {"length", s.bytes.size()}});
        if (!sources.empty()) p["sources"] = std::move(sources);
        json layers = json::array();
        const std::vector<std::string_view>* notes = explainer_ ? &explainer_->notes(*tree) : nullptr;
        for (std::int32_t id = tree->node(0).first_child; id != kNoNode; id = tree->node(id).next_sibling)
            layers.push_back(node_json(*tree, id, notes));
        p["layers"] = std::move(layers);
        std::string text = p.dump(lines_ ? -1 : 2, ' ', false, json::error_handler_t::replace);
        if (lines_) {
            text.push_back('\n');
        } else {
            text.insert(0, opened_ ? ",\n" : "[\n");
            opened_ = true;
        }
        std::fwrite(text.data(), 1, text.size(), out_);
    }

    void end_file() override {}

private:
    std::FILE* out_;
    bool lines_;
    bool opened_ = false;
    std::string file_;
    std::optional<Explainer> explainer_;
};

}  // namespace

std::unique_ptr<PacketPrinter> make_json_printer(std::FILE* out, bool lines, std::optional<ExplainLanguage> explain) {
    return std::make_unique<JsonPacketPrinter>(out, lines, explain);
}

}  // namespace tlsdissect
