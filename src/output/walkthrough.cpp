#include "output/walkthrough.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "output/field_format.hpp"
#include "output/ladder.hpp"
#include "output/pictures.hpp"

namespace tlsdissect {

namespace {

// ---- What is kept of each frame: its tree as indented lines -----------------------

struct FlatNode {
    std::uint16_t depth = 0;
    std::string field;  // display-filter name, "dtls." read as "tls."
    std::string line;   // as the tree shows it
    std::string value;  // as tshark -T fields prints it
};

struct FrameRecord {
    std::uint64_t number = 0;
    std::int64_t ts_ns = 0;
    std::string stream_key;  // "tcp 0", "udp 3"
    std::uint32_t src_port = 0;
    std::vector<FlatNode> nodes;

    // The first node named `field` in [from, to); -1 when none.
    int find(std::string_view field, int from = 0, int to = -1) const {
        if (to < 0) to = static_cast<int>(nodes.size());
        for (int i = std::max(from, 0); i < to; ++i)
            if (nodes[static_cast<std::size_t>(i)].field == field) return i;
        return -1;
    }
    // One past the last node of i's subtree.
    int end_of(int i) const {
        const auto depth = nodes[static_cast<std::size_t>(i)].depth;
        int j = i + 1;
        while (j < static_cast<int>(nodes.size()) && nodes[static_cast<std::size_t>(j)].depth > depth) ++j;
        return j;
    }
    std::string value(std::string_view field, int from = 0, int to = -1) const {
        const int i = find(field, from, to);
        return i < 0 ? std::string() : nodes[static_cast<std::size_t>(i)].value;
    }
    std::vector<std::string> values(std::string_view field, int from, int to) const {
        std::vector<std::string> out;
        for (int i = from; i < to; ++i)
            if (nodes[static_cast<std::size_t>(i)].field == field) out.push_back(nodes[static_cast<std::size_t>(i)].value);
        return out;
    }
    // The part of a line after "Label: " (the shown value with its name, "x25519 (0x001d)").
    std::string shown(std::string_view field, int from = 0, int to = -1) const {
        const int i = find(field, from, to);
        if (i < 0) return {};
        const std::string& l = nodes[static_cast<std::size_t>(i)].line;
        const auto colon = l.find(": ");
        std::string s = colon == std::string::npos ? l : l.substr(colon + 2);
        if (!s.empty() && s.back() == ']') s.pop_back();
        return s;
    }
};

// Layers whose fields the article may quote; the others keep their one summary line.
bool quoted_layer(std::string_view field) {
    return field == "tcp" || field == "dns" || field == "tls" || field == "quic" || field == "http" ||
           field == "tcp.segments";
}

constexpr std::uint16_t kMaxKeptDepth = 7;

FrameRecord flatten(const FrameInfo& frame, const Tree& tree) {
    FrameRecord r;
    r.number = frame.number;
    r.ts_ns = frame.ts_ns;
    struct Walk {
        const Tree& tree;
        FrameRecord& r;
        void visit(std::int32_t id, std::uint16_t depth, bool keep) {
            const Node& n = tree.node(id);
            std::string field = n.def ? std::string(n.def->filter) : std::string();
            if (field.rfind("dtls", 0) == 0) field.replace(0, 4, "tls");
            if (field == "tcp.stream" || field == "udp.stream") {
                r.stream_key = field.substr(0, 3) + " " + field_value(n);
            } else if ((field == "tcp.srcport" || field == "udp.srcport") && r.src_port == 0) {
                r.src_port = static_cast<std::uint32_t>(std::strtoul(field_value(n).c_str(), nullptr, 10));
            }
            if (n.hidden) return;
            if (keep || depth == 0) r.nodes.push_back({depth, field, display_line(n), field_value(n)});
            if (depth >= kMaxKeptDepth) return;
            const bool keep_children = keep || (depth == 0 && quoted_layer(field));
            for (std::int32_t c = n.first_child; c != kNoNode; c = tree.node(c).next_sibling)
                visit(c, static_cast<std::uint16_t>(depth + 1), keep_children);
        }
    } walk{tree, r};
    for (std::int32_t id = tree.node(0).first_child; id != kNoNode; id = tree.node(id).next_sibling) walk.visit(id, 0, false);
    return r;
}

// ---- The article as blocks, rendered to Markdown or HTML ---------------------------

struct Block {
    enum Kind { Heading, Paragraph, List, Excerpt, Picture } kind = Paragraph;
    int level = 2;
    std::string text;                 // heading, paragraph (values in `backticks`), excerpt caption
    std::vector<std::string> lines;   // list items, excerpt lines, the text form of a picture
    std::string svg;                  // a picture in HTML
    std::string anchor;               // id of a heading
};

std::string code(std::string_view v) {
    std::string s(v);
    std::replace(s.begin(), s.end(), '`', '\'');
    return "`" + s + "`";
}

// ---- Items of a connection: each TLS message, record or TCP event in wire order ----

enum class ItemKind { Handshake, EncryptedHandshake, ChangeCipherSpec, Alert, EncryptedAlert, AppData };

struct Item {
    ItemKind kind;
    const FrameRecord* frame;
    int node;          // the message's (or record's) node
    std::string name;  // "Client Hello"
    bool from_client;
    int step = 0;
};

std::string after(std::string_view line, std::string_view prefix) {
    const auto p = line.find(prefix);
    return p == std::string_view::npos ? std::string() : std::string(line.substr(p + prefix.size()));
}

std::vector<Item> items_of(const std::vector<const FrameRecord*>& frames, std::uint32_t client_port) {
    std::vector<Item> out;
    for (const FrameRecord* f : frames) {
        const bool from_client = f->src_port == client_port;
        for (int i = 0; i < static_cast<int>(f->nodes.size()); ++i) {
            const FlatNode& n = f->nodes[static_cast<std::size_t>(i)];
            if (n.field == "tls.handshake") {
                std::string name = after(n.line, "Handshake Protocol: ");
                if (name.empty()) name = n.line;
                // DTLS: a fragment, and the message put together from fragments, are shown at the message.
                if (name.find(" (Fragment)") != std::string::npos || name.find(" (Reassembled)") != std::string::npos)
                    continue;
                out.push_back({ItemKind::Handshake, f, i, name, from_client});
            } else if (n.field == "tls.change_cipher_spec") {
                out.push_back({ItemKind::ChangeCipherSpec, f, i, "Change Cipher Spec", from_client});
            } else if (n.field == "tls.alert_message") {
                out.push_back({ItemKind::Alert, f, i, "Alert", from_client});
            } else if (n.field == "tls.record") {
                const int end = f->end_of(i);
                if (f->find("tls.handshake", i, end) >= 0 || f->find("tls.alert_message", i, end) >= 0 ||
                    f->find("tls.change_cipher_spec", i, end) >= 0)
                    continue;
                if (n.line.find("Encrypted Handshake Message") != std::string::npos)
                    out.push_back({ItemKind::EncryptedHandshake, f, i, "Encrypted Handshake Message", from_client});
                else if (n.line.find("Alert") != std::string::npos)
                    out.push_back({ItemKind::EncryptedAlert, f, i, "Encrypted Alert", from_client});
                else if (n.line.find("Application Data") != std::string::npos)
                    out.push_back({ItemKind::AppData, f, i, "Application Data", from_client});
            }
        }
    }
    return out;
}

class ArticleWriter {
public:
    ArticleWriter(const LadderConnection& c, const std::vector<FrameRecord>& all, std::string file, std::int64_t start_ns,
                  bool audit)
        : c_(c), all_(all), file_(std::move(file)), start_ns_(start_ns), lang_(c.language), audit_(audit) {
        const std::string key = std::string(c.transport == "tcp" ? "tcp " : "udp ") + std::to_string(c.stream);
        for (const auto& f : all)
            if (f.stream_key == key) frames_.push_back(&f);
        client_port_ = port_of(c.client);
        items_ = items_of(frames_, client_port_);
        assign_steps();
    }

    std::vector<Block> write() {
        intro();
        dns();
        tcp_handshake();
        tls_handshake();
        application_data();
        close();
        checks();
        audit();
        return std::move(blocks_);
    }

private:
    std::string t(std::string_view key, std::initializer_list<std::pair<std::string_view, std::string>> v = {}) const {
        return walkthrough_text(key, lang_, v);
    }
    static std::uint32_t port_of(const std::string& endpoint) {
        const auto colon = endpoint.rfind(':');
        return colon == std::string::npos ? 0 : static_cast<std::uint32_t>(std::strtoul(endpoint.c_str() + colon + 1, nullptr, 10));
    }
    void heading(int level, std::string text, std::string anchor = {}) {
        Block b;
        b.kind = Block::Heading;
        b.level = level;
        b.text = std::move(text);
        b.anchor = std::move(anchor);
        blocks_.push_back(std::move(b));
    }
    void para(std::string text) {
        if (text.empty()) return;
        Block b;
        b.text = std::move(text);
        blocks_.push_back(std::move(b));
    }
    void list(std::vector<std::string> items) {
        if (items.empty()) return;
        Block b;
        b.kind = Block::List;
        b.lines = std::move(items);
        blocks_.push_back(std::move(b));
    }
    void picture(std::vector<std::string> text_form, std::string svg) {
        Block b;
        b.kind = Block::Picture;
        b.lines = std::move(text_form);
        b.svg = std::move(svg);
        blocks_.push_back(std::move(b));
    }
    std::string direction(bool from_client) const { return from_client ? t("client_to_server") : t("server_to_client"); }

    // The quoted tree: the layer and record lines above node i, then i's subtree down to
    // `depth` levels, long lists cut (and `only`, when given, keeps those fields at the
    // first level below i).
    void excerpt(const FrameRecord& f, int i, int depth, const std::vector<std::string_view>& only = {},
                 std::string caption_extra = {}) {
        Block b;
        b.kind = Block::Excerpt;
        b.text = t("frame_caption", {{"frame", std::to_string(f.number)}}) + caption_extra;
        const auto& nodes = f.nodes;
        const int base = nodes[static_cast<std::size_t>(i)].depth;
        // Ancestors, outermost first.
        std::vector<int> above;
        for (int k = i - 1, want = base - 1; k >= 0 && want >= 0; --k)
            if (nodes[static_cast<std::size_t>(k)].depth == want) {
                above.push_back(k);
                --want;
            }
        std::reverse(above.begin(), above.end());
        for (int k : above) b.lines.push_back(indent(nodes[static_cast<std::size_t>(k)].depth) + nodes[static_cast<std::size_t>(k)].line);
        b.lines.push_back(indent(base) + nodes[static_cast<std::size_t>(i)].line);
        emit_children(f, i, base, depth, only, b.lines);
        blocks_.push_back(std::move(b));
    }
    static std::string indent(int depth) { return std::string(static_cast<std::size_t>(depth) * 4, ' '); }
    // Bit-field breakdowns and option lists stay folded, as Wireshark shows them closed.
    static bool folded(std::string_view field) {
        return field == "dns.flags" || field == "tcp.flags" || field == "tcp.options" || field == "tls.handshake.sig" ||
               field == "tls.handshake.extension.data";
    }
    // Below the message's own fields, lengths only say how many bytes follow.
    static bool length_field(std::string_view field) {
        auto ends = [&](std::string_view tail) {
            return field.size() >= tail.size() && field.substr(field.size() - tail.size()) == tail;
        };
        return ends("length") || ends("_len") || ends(".len") || field == "tls.handshake.extension.type" ||
               field == "dns.qry.name.len" || field == "dns.count.labels";
    }
    void emit_children(const FrameRecord& f, int parent, int base, int depth, const std::vector<std::string_view>& only,
                       std::vector<std::string>& out) const {
        const auto& nodes = f.nodes;
        const int pd = nodes[static_cast<std::size_t>(parent)].depth;
        if (pd - base >= depth || (pd > base && folded(nodes[static_cast<std::size_t>(parent)].field))) return;
        // The message's own fields all; a list inside it cut after a few.
        const std::size_t max_children = pd == base ? 40 : 10, show_first = pd == base ? 40 : 7;
        std::vector<int> kids;
        for (int k = parent + 1; k < static_cast<int>(nodes.size()) && nodes[static_cast<std::size_t>(k)].depth > pd; ++k)
            if (nodes[static_cast<std::size_t>(k)].depth == pd + 1) {
                const FlatNode& n = nodes[static_cast<std::size_t>(k)];
                if (pd > base && length_field(n.field)) continue;
                if (!only.empty() && pd == base &&
                    std::find(only.begin(), only.end(), n.field) == only.end() &&
                    std::find(only.begin(), only.end(), n.line) == only.end())
                    continue;
                kids.push_back(k);
            }
        const std::size_t shown = kids.size() > max_children ? show_first : kids.size();
        for (std::size_t j = 0; j < shown; ++j) {
            const int k = kids[j];
            out.push_back(indent(nodes[static_cast<std::size_t>(k)].depth) + nodes[static_cast<std::size_t>(k)].line);
            emit_children(f, k, base, depth, {}, out);
        }
        if (shown < kids.size())
            out.push_back(indent(pd + 1) + t("more_lines", {{"n", std::to_string(kids.size() - shown)}}));
    }

    void assign_steps() {
        std::vector<bool> used(c_.rows.size(), false);
        // TLS 1.3 without keys: the encrypted handshake travels in records typed as
        // application data; the ladder knows which ones they are.
        const LadderText& w = ladder_text(lang_);
        for (auto& it : items_) {
            if (!c_.tls13 || it.kind != ItemKind::AppData) continue;
            for (std::size_t r = 0; r < c_.rows.size(); ++r) {
                const LadderRow& row = c_.rows[r];
                if (used[r] || row.frame != it.frame->number ||
                    (row.dir == LadderDir::ClientToServer) != it.from_client)
                    continue;
                if (row.label != w.enc_server_flight && row.label != w.enc_server_continued && row.label != w.enc_finished)
                    continue;
                used[r] = true;
                it.kind = ItemKind::EncryptedHandshake;
                it.name = row.label;
                break;
            }
        }
        for (auto& it : items_) {
            const std::string want = it.kind == ItemKind::EncryptedHandshake ? "Finished"
                                     : it.kind == ItemKind::AppData        ? "Application Data"
                                                                           : it.name;
            for (std::size_t r = 0; r < c_.rows.size(); ++r) {
                if (used[r] || c_.rows[r].frame != it.frame->number) continue;
                if (c_.rows[r].label.find(want) == std::string::npos) continue;
                used[r] = true;
                it.step = c_.rows[r].step;
                break;
            }
        }
    }

    // ---- 0. Title and overview ----
    void intro() {
        const std::string host = c_.sni.empty() ? c_.server : c_.sni;
        heading(1, t("title", {{"host", host}}));
        const std::string transport = c_.transport == "tcp" ? "tcp.stream" : "udp.stream";
        para(t("intro", {{"file", code(file_)},
                         {"stream", code(transport + " == " + std::to_string(c_.stream))},
                         {"client", code(c_.client)},
                         {"server", code(c_.server)},
                         {"version", code(c_.version.empty() ? "?" : c_.version)},
                         {"suite", code(c_.cipher_suite.empty() ? "?" : c_.cipher_suite)}}));
        para(t("how_to_read"));
        heading(2, t("overview"), "overview");
        para("**" + c_.form + "**" + (c_.form_note.empty() ? "" : t("sentence_sep") + c_.form_note));
        std::string ladder = render_ladder(c_, start_ns_, false);
        std::vector<std::string> lines;
        for (std::size_t p = 0, q; p < ladder.size(); p = q + 1) {
            q = ladder.find('\n', p);
            if (q == std::string::npos) q = ladder.size();
            lines.push_back(ladder.substr(p, q - p));
        }
        while (!lines.empty() && lines.back().empty()) lines.pop_back();
        picture(std::move(lines), ladder_svg(c_, start_ns_));
    }

    const FrameRecord* frame(std::uint64_t number) const {
        auto it = std::lower_bound(all_.begin(), all_.end(), number,
                                   [](const FrameRecord& f, std::uint64_t n) { return f.number < n; });
        return it != all_.end() && it->number == number ? &*it : nullptr;
    }

    // ---- 1. DNS ----
    void dns() {
        heading(2, t("dns_title"), "dns");
        if (!c_.dns_response_frame) {
            para(t("dns_none", {{"address", code(c_.server_address)}}));
            return;
        }
        para(t("dns_intro", {{"name", code(c_.dns_name)}, {"query", std::to_string(c_.dns_query_frame)},
                             {"answer", std::to_string(c_.dns_response_frame)}}));
        for (std::uint64_t n : {c_.dns_query_frame, c_.dns_response_frame}) {
            const FrameRecord* f = frame(n);
            if (!f) continue;
            const int d = f->find("dns");
            if (d < 0) continue;
            excerpt(*f, d, 2,
                    {"dns.id", "dns.flags", "dns.count.queries", "dns.count.answers", "Queries", "Answers",
                     "dns.response_to", "dns.time"});
            if (n == c_.dns_query_frame)
                para(t("dns_query", {{"id", code(f->value("dns.id"))}, {"frame", std::to_string(n)}}));
        }
        std::vector<std::string> steps, text_picture{"  " + c_.dns_name};
        std::string gave;
        for (const auto& s : c_.dns_chain) {
            if (s.type == "CNAME")
                steps.push_back(t("dns_cname_step", {{"owner", code(s.owner)}, {"target", code(s.data)}}));
            else
                steps.push_back(t("dns_address_step", {{"owner", code(s.owner)}, {"type", s.type}, {"address", code(s.data)}}));
            text_picture.push_back("    \xe2\x94\x82 " + s.type);
            text_picture.push_back("    \xe2\x96\xbc");
            text_picture.push_back("  " + s.data + (s.gave_address ? "   \xe2\x97\x80 " + t("connected_here") : ""));
            if (s.gave_address) gave = s.owner + " " + s.type + " " + s.data;
        }
        para(t("dns_answer", {{"frame", std::to_string(c_.dns_response_frame)}, {"n", std::to_string(c_.dns_chain.size())}}));
        list(std::move(steps));
        picture(std::move(text_picture), dns_svg(c_));
        if (!gave.empty())
            para(t("dns_gave", {{"record", code(gave)}, {"frame", std::to_string(c_.dns_response_frame)},
                                {"address", code(c_.server_address)}}));
        if (std::any_of(c_.dns_chain.begin(), c_.dns_chain.end(), [](const auto& s) { return s.type == "CNAME"; }))
            para(t("dns_why_cname"));
    }

    // ---- 2. TCP ----
    static unsigned flags_of(const FrameRecord& f) {
        return static_cast<unsigned>(std::strtoul(f.value("tcp.flags").c_str(), nullptr, 16));
    }
    void tcp_excerpt(const FrameRecord& f) {
        const int i = f.find("tcp");
        if (i >= 0)
            excerpt(f, i, 1,
                    {"tcp.seq", "tcp.seq_raw", "tcp.ack", "tcp.ack_raw", "tcp.flags", "tcp.window_size_value", "tcp.len",
                     "tcp.options"});
    }
    void tcp_handshake() {
        heading(2, t("tcp_title"), "tcp");
        if (c_.transport != "tcp") {
            para(t(c_.transport == "quic" ? "tcp_none_quic" : "tcp_none_dtls"));
            return;
        }
        const FrameRecord *syn = nullptr, *synack = nullptr, *ack = nullptr;
        for (const FrameRecord* f : frames_) {
            const unsigned fl = flags_of(*f);
            if (!syn && (fl & 0x12) == 0x02) syn = f;
            else if (syn && !synack && (fl & 0x12) == 0x12) synack = f;
            else if (synack && !ack && (fl & 0x12) == 0x10 && f->src_port == client_port_) ack = f;
            if (ack) break;
        }
        if (!syn) {
            para(t("tcp_not_captured"));
            return;
        }
        para(t("tcp_intro"));
        tcp_excerpt(*syn);
        const int opts = syn->find("tcp.options");
        para(t("tcp_syn", {{"frame", std::to_string(syn->number)},
                           {"isn", code(syn->value("tcp.seq_raw"))},
                           {"options", code(opts >= 0 ? after(syn->nodes[static_cast<std::size_t>(opts)].line, "), ") : "-")}}));
        if (synack) {
            tcp_excerpt(*synack);
            para(t("tcp_synack", {{"frame", std::to_string(synack->number)},
                                  {"isn", code(synack->value("tcp.seq_raw"))},
                                  {"ack", code(synack->value("tcp.ack_raw"))}}));
        }
        if (ack) {
            tcp_excerpt(*ack);
            para(t("tcp_ack", {{"frame", std::to_string(ack->number)}, {"ack", code(ack->value("tcp.ack_raw"))}}));
        }
        para(t("tcp_relative"));
    }

    // ---- 3. TLS ----
    std::string item_heading(const Item& it) const {
        std::string h = it.step ? "[" + std::to_string(it.step) + "] " : "";
        h += it.kind == ItemKind::EncryptedHandshake && !c_.tls13 ? t("encrypted_handshake_name") : it.name;
        return h + t("heading_frame", {{"frame", std::to_string(it.frame->number)}, {"dir", direction(it.from_client)}});
    }
    void tls_handshake() {
        heading(2, c_.quic ? t("tls_title_quic") : t("tls_title"), "tls");
        para(t(c_.tls13 ? "tls_intro_13" : c_.resumed ? "tls_intro_resumed" : "tls_intro_12"));
        bool app_seen = false;
        for (const Item& it : items_) {
            if (it.kind == ItemKind::AppData || it.kind == ItemKind::Alert || it.kind == ItemKind::EncryptedAlert) {
                if (it.kind == ItemKind::AppData) app_seen = true;
                continue;
            }
            if (app_seen && it.kind == ItemKind::Handshake) continue;  // after the handshake: section 4
            if (app_seen) continue;
            message(it);
        }
        if (items_.empty()) para(t("tls_no_messages"));
    }

    void message(const Item& it) {
        heading(3, item_heading(it));
        const FrameRecord& f = *it.frame;
        const int i = it.node, end = f.end_of(it.node);
        switch (it.kind) {
            case ItemKind::ChangeCipherSpec:
                excerpt(f, i, 1);
                para(t(c_.tls13 ? "ccs_13" : it.from_client ? "ccs_client" : "ccs_server"));
                return;
            case ItemKind::EncryptedHandshake:
                excerpt(f, i, 1);
                para(t(c_.tls13 ? "encrypted_13" : "encrypted_finished"));
                return;
            default:
                break;
        }
        const std::string& n = it.name;
        if (n == "Client Hello") {
            excerpt(f, i, 2);
            client_hello(f, i, end);
        } else if (n == "Server Hello") {
            excerpt(f, i, 2);
            server_hello(f, i, end);
        } else if (n == "Certificate") {
            excerpt(f, i, 2);
            certificate(f, i, end, it.from_client);
        } else if (n == "Server Key Exchange") {
            excerpt(f, i, 2);
            server_key_exchange(f, i, end);
        } else if (n == "Server Hello Done") {
            excerpt(f, i, 1);
            para(t("server_hello_done"));
        } else if (n == "Client Key Exchange") {
            excerpt(f, i, 2);
            const std::string point = f.value("tls.handshake.client_point", i, end);
            if (!point.empty())
                para(t("cke_ecdhe", {{"point", code(point)}}));
            else
                para(t("cke_rsa", {{"length", code(f.value("tls.handshake.epms_len", i, end))}}));
        } else if (n == "Finished") {
            excerpt(f, i, 1);
            const std::string verified = f.shown("tlsdissect.finished.verified", i, end);
            para(t(it.from_client ? "finished_client" : "finished_server",
                   {{"verify", code(f.value("tls.handshake.verify_data", i, end))}}) +
                 (verified.empty() ? "" : t("space") + t("finished_checked", {{"verdict", code(verified)}})));
        } else if (n == "New Session Ticket") {
            excerpt(f, i, 1);
            para(t(c_.tls13 ? "ticket_13" : "ticket_12",
                   {{"lifetime", code(f.value("tls.handshake.session_ticket_lifetime_hint", i, end))},
                    {"length", code(f.value("tls.handshake.session_ticket_length", i, end))}}));
        } else if (n == "Encrypted Extensions") {
            excerpt(f, i, 2);
            para(t("encrypted_extensions"));
        } else if (n == "Certificate Verify") {
            excerpt(f, i, 1);
            para(t("certificate_verify", {{"scheme", code(f.shown("tls.handshake.sig_hash_alg", i, end))}}));
        } else if (n == "Certificate Request") {
            excerpt(f, i, 2);
            para(t("certificate_request"));
        } else if (n == "Hello Verify Request") {
            excerpt(f, i, 1);
            para(t("hello_verify_request"));
        } else {
            excerpt(f, i, 1);
            para(t("other_message", {{"name", code(n)}}));
        }
    }

    static std::string join(const std::vector<std::string>& v, std::string_view sep, std::size_t max = 100) {
        std::string out;
        for (std::size_t k = 0; k < v.size() && k < max; ++k) out += (k ? std::string(sep) : "") + v[k];
        if (v.size() > max) out += std::string(sep) + "\xe2\x80\xa6";
        return out;
    }
    std::vector<std::string> shown_all(const FrameRecord& f, std::string_view field, int from, int to) const {
        std::vector<std::string> out;
        for (int k = from; k < to; ++k)
            if (f.nodes[static_cast<std::size_t>(k)].field == field) {
                std::string s = after(f.nodes[static_cast<std::size_t>(k)].line, ": ");
                out.push_back(code(s));
            }
        return out;
    }

    void client_hello(const FrameRecord& f, int i, int end) {
        const std::string sid = f.value("tls.handshake.session_id", i, end);
        const auto suites = shown_all(f, "tls.handshake.ciphersuite", i, end);
        para(t("ch_intro", {{"version", code(f.shown("tls.handshake.version", i, end))},
                            {"random", code(f.value("tls.handshake.random", i, end))}}));
        para(sid.empty() ? t("ch_no_session_id") : t("ch_session_id", {{"sid", code(sid)}}));
        para(t("ch_suites", {{"n", std::to_string(suites.size())}, {"list", join(suites, t("list_sep"), 6)}}));
        const std::string sni = f.value("tls.handshake.extensions_server_name", i, end);
        if (!sni.empty()) para(t("ch_sni", {{"sni", code(sni)}}));
        const auto versions = shown_all(f, "tls.handshake.extensions.supported_version", i, end);
        if (!versions.empty()) para(t("ch_versions", {{"list", join(versions, t("list_sep"))}}));
        const auto groups = shown_all(f, "tls.handshake.extensions_supported_group", i, end);
        const auto shares = shown_all(f, "tls.handshake.extensions_key_share_group", i, end);
        if (!shares.empty())
            para(t("ch_key_share", {{"groups", join(groups, t("list_sep"), 6)}, {"shares", join(shares, t("list_sep"))}}));
        else if (!groups.empty())
            para(t("ch_groups", {{"groups", join(groups, t("list_sep"), 6)}}));
        const auto alpn = shown_all(f, "tls.handshake.extensions_alpn_str", i, end);
        if (!alpn.empty()) para(t("ch_alpn", {{"list", join(alpn, t("list_sep"))}}));
        const std::string ticket = f.value("tls.handshake.extensions.session_ticket", i, end);
        if (f.find("tls.handshake.extensions.psk.identity", i, end) >= 0) para(t("ch_psk"));
        else if (!ticket.empty())
            para(t("ch_ticket_offered", {{"length", std::to_string(ticket.size() / 2)}}));
        else
            for (int k = i; k < end; ++k)
                if (f.nodes[static_cast<std::size_t>(k)].field == "tls.handshake.extension.type" &&
                    f.nodes[static_cast<std::size_t>(k)].value == "35") {
                    para(t("ch_ticket_ext"));
                    break;
                }
    }

    void server_hello(const FrameRecord& f, int i, int end) {
        const std::string sid = f.value("tls.handshake.session_id", i, end);
        para(t("sh_intro", {{"random", code(f.value("tls.handshake.random", i, end))}}));
        if (f.find("tls.handshake.random.downgrade", i, end) >= 0) para(t("sh_downgrade"));
        const std::string selected_version = f.shown("tls.handshake.extensions.supported_version", i, end);
        if (!selected_version.empty()) para(t("sh_version_13", {{"version", code(selected_version)}}));
        if (!sid.empty())
            para(t(c_.resumed && !c_.tls13 ? "sh_session_resumed" : "sh_session_id", {{"sid", code(sid)}}));
        const int cs = f.find("tls.handshake.ciphersuite", i, end);
        if (cs >= 0) {
            const int cs_end = f.end_of(cs);
            para(t("sh_suite", {{"suite", code(after(f.nodes[static_cast<std::size_t>(cs)].line, ": "))}}));
            std::vector<std::string> parts;
            for (auto [field, key] : {std::pair{"tls.handshake.ciphersuite.key_exchange", "part_kx"},
                                      std::pair{"tls.handshake.ciphersuite.authentication", "part_auth"},
                                      std::pair{"tls.handshake.ciphersuite.encryption", "part_enc"},
                                      std::pair{"tls.handshake.ciphersuite.mac", "part_mac"},
                                      std::pair{"tls.handshake.ciphersuite.prf", "part_prf"}}) {
                // "AEAD (the cipher authenticates each record)": the name; the article explains it.
                std::string v = f.shown(field, cs, cs_end);
                v = v.substr(0, v.find(" ("));
                if (v.empty()) continue;
                parts.push_back(t(v == "AEAD" && std::string_view(key) == "part_mac" ? "part_mac_aead" : key, {{"v", code(v)}}));
            }
            list(std::move(parts));
        }
        const std::string group = f.shown("tls.handshake.extensions_key_share_group", i, end);
        if (!group.empty()) para(t("sh_key_share", {{"group", code(group)}}));
    }

    void certificate(const FrameRecord& f, int i, int end, bool from_client) {
        if (from_client) {
            para(t("certificate_client"));
            return;
        }
        para(t("cert_intro", {{"n", std::to_string(c_.certificates.size())}}));
        std::vector<std::string> certs;
        for (std::size_t k = 0; k < c_.certificates.size(); ++k) {
            const CertificateSummary& s = c_.certificates[k];
            if (!s.parsed) continue;
            certs.push_back(t(k == 0 ? "cert_leaf" : s.subject == s.issuer ? "cert_root" : "cert_intermediate",
                              {{"n", std::to_string(k + 1)},
                               {"subject", code(s.subject)},
                               {"issuer", code(s.issuer)},
                               {"from", code(s.not_before)},
                               {"to", code(s.not_after)},
                               {"key", code(s.public_key_algorithm + (s.public_key_bits ? " " + std::to_string(s.public_key_bits) : ""))},
                               {"sig", code(s.signature_algorithm)}}));
        }
        list(std::move(certs));
        std::vector<std::string> text_form;
        for (std::size_t k = c_.certificates.size(); k-- > 0;)
            text_form.push_back(std::string(k + 1 < c_.certificates.size() ? "  \xe2\x86\x93 " : "    ") +
                                certificate_line(c_.certificates[k], lang_));
        picture(std::move(text_form), chain_svg(c_));
        const std::string checked_at = f.shown("tls.chain.checked_at", i, end);
        const std::string valid = f.shown("tls.chain.valid", i, end);
        if (!valid.empty())
            para(t("cert_validation", {{"at", code(checked_at)}, {"verdict", code(valid)},
                                       {"roots", code(f.shown("tls.chain.roots", i, end))}}));
        const std::string name = f.shown("tls.chain.server_name_matches", i, end);
        if (!name.empty()) para(t("cert_name", {{"verdict", code(name)}}));
        para(t("cert_why"));
    }

    void server_key_exchange(const FrameRecord& f, int i, int end) {
        const std::string curve = f.shown("tls.handshake.server_named_curve", i, end);
        if (!curve.empty())
            para(t("ske_ecdhe", {{"curve", code(curve)}, {"point", code(f.value("tls.handshake.server_point", i, end))}}));
        else
            para(t("ske_dhe", {{"bits", code(f.value("tls.handshake.p_len", i, end))}}));
        const std::string sig = f.shown("tls.handshake.sig_hash_alg", i, end);
        if (!sig.empty()) {
            std::string verdict;
            if (c_.ske_signature_valid) verdict = t(*c_.ske_signature_valid ? "ske_sig_ok" : "ske_sig_bad");
            para(t("ske_signature", {{"alg", code(sig)}, {"len", code(f.value("tls.handshake.sig_len", i, end))}}) +
                 (verdict.empty() ? "" : t("space") + verdict));
        }
    }

    // ---- 4. Application data ----
    void application_data() {
        heading(2, t("app_title"), "data");
        std::size_t count[2] = {0, 0};
        std::uint64_t bytes[2] = {0, 0};
        bool shown[2] = {false, false};
        bool any_decrypted = false;
        bool app_seen = false;
        for (const Item& it : items_) {
            if (it.kind == ItemKind::AppData) app_seen = true;
            if (!app_seen) continue;
            const int side = it.from_client ? 0 : 1;
            if (it.kind == ItemKind::Handshake) {
                message(it);
                continue;
            }
            if (it.kind != ItemKind::AppData) continue;
            ++count[side];
            bytes[side] += std::strtoull(it.frame->value("tls.record.length", it.node, it.frame->end_of(it.node)).c_str(), nullptr, 10);
            if (shown[side]) continue;
            shown[side] = true;
            heading(3, t("app_heading", {{"frame", std::to_string(it.frame->number)}, {"dir", direction(it.from_client)}}));
            excerpt(*it.frame, it.node, 2);
            const int h = it.frame->find("http");
            if (h >= 0 && static_cast<std::size_t>(h) + 1 < it.frame->nodes.size() &&
                it.frame->nodes[static_cast<std::size_t>(h) + 1].depth > it.frame->nodes[static_cast<std::size_t>(h)].depth) {
                any_decrypted = true;
                excerpt(*it.frame, h, 1);
                // The first line under HTTP: the request or status line.
                para(t("app_decrypted", {{"line", code(it.frame->nodes[static_cast<std::size_t>(h) + 1].line)}}));
            } else if (it.frame->find("tls.decrypted", it.node, it.frame->end_of(it.node)) >= 0) {
                any_decrypted = true;
                para(t("app_decrypted_other"));
            }
        }
        if (count[0] + count[1] == 0) {
            para(t(c_.quic ? "app_quic" : "app_none"));
            return;
        }
        para(t("app_counts", {{"c", std::to_string(count[0])}, {"cb", std::to_string(bytes[0])},
                              {"s", std::to_string(count[1])}, {"sb", std::to_string(bytes[1])}}));
        para(t(any_decrypted ? "app_with_keys" : "app_without_keys"));
    }

    // ---- 5. Close ----
    void close() {
        heading(2, t("close_title"), "close");
        bool any = false;
        for (const Item& it : items_) {
            if (it.kind != ItemKind::Alert && it.kind != ItemKind::EncryptedAlert) continue;
            any = true;
            const FrameRecord& f = *it.frame;
            heading(3, t("alert_heading", {{"frame", std::to_string(f.number)}, {"dir", direction(it.from_client)}}));
            excerpt(f, it.node, 2);
            if (it.kind == ItemKind::EncryptedAlert) {
                para(t("alert_encrypted"));
            } else {
                const int end = f.end_of(it.node);
                const std::string desc = f.shown("tls.alert_message.desc", it.node, end);
                para(t(desc.rfind("close_notify", 0) == 0 ? "alert_close_notify" : "alert_other",
                       {{"level", code(f.shown("tls.alert_message.level", it.node, end))}, {"desc", code(desc)}}));
            }
        }
        if (c_.transport == "tcp") {
            for (const FrameRecord* f : frames_) {
                const unsigned fl = flags_of(*f);
                if (!(fl & 0x05)) continue;
                any = true;
                const bool from_client = f->src_port == client_port_;
                heading(3, t(fl & 0x04 ? "rst_heading" : "fin_heading",
                             {{"frame", std::to_string(f->number)}, {"dir", direction(from_client)}}));
                tcp_excerpt(*f);
            }
            if (any) para(t("close_tcp"));
        }
        if (!any) para(t("close_none"));
    }

    // ---- 6. Checks ----
    void checks() {
        if (c_.chain_checks.empty()) return;
        heading(2, t("checks_title"), "checks");
        std::vector<std::string> lines;
        for (const auto& v : c_.chain_checks)
            lines.push_back(std::string(v.ok ? "\xe2\x9c\x94 " : "\xe2\x9c\x98 ") + v.what +
                            (v.detail.empty() ? "" : t("colon") + code(v.detail)));
        list(std::move(lines));
    }

    // ---- 7. --audit findings, as the tree shows them at their frames ----
    void audit() {
        if (!audit_) return;
        heading(2, t("audit_title"), "audit");
        std::vector<std::string> lines;
        for (const FrameRecord* f : frames_)
            for (int i = 0; i < static_cast<int>(f->nodes.size()); ++i) {
                if (f->nodes[static_cast<std::size_t>(i)].field != "tls.audit") continue;
                const int end = f->end_of(i);
                const std::string id = f->value("tls.audit.id", i, end);
                // "[Audit (medium): id: reason]": the reason, in the language of the findings.
                std::string reason = after(f->nodes[static_cast<std::size_t>(i)].line, id + ": ");
                if (!reason.empty() && reason.back() == ']') reason.pop_back();
                lines.push_back(t("audit_finding", {{"frame", std::to_string(f->number)},
                                                    {"severity", t("severity_" + f->value("tls.audit.severity", i, end))},
                                                    {"id", code(id)},
                                                    {"reason", reason}}));
            }
        if (lines.empty()) para(t("audit_none"));
        list(std::move(lines));
    }

    const LadderConnection& c_;
    const std::vector<FrameRecord>& all_;
    std::string file_;
    std::int64_t start_ns_;
    ExplainLanguage lang_;
    bool audit_;
    std::vector<const FrameRecord*> frames_;
    std::uint32_t client_port_ = 0;
    std::vector<Item> items_;
    std::vector<Block> blocks_;
};

// ---- Renderers ---------------------------------------------------------------------

std::string markdown(const std::vector<Block>& blocks) {
    std::string out;
    for (const Block& b : blocks) {
        switch (b.kind) {
            case Block::Heading: out += std::string(static_cast<std::size_t>(b.level), '#') + " " + b.text + "\n\n"; break;
            case Block::Paragraph: out += b.text + "\n\n"; break;
            case Block::List:
                for (const auto& l : b.lines) out += "- " + l + "\n";
                out += "\n";
                break;
            case Block::Excerpt:
            case Block::Picture:
                if (!b.text.empty()) out += b.text + "\n\n";
                out += "~~~text\n";
                for (const auto& l : b.lines) out += l + "\n";
                out += "~~~\n\n";
                break;
        }
    }
    while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
    return out;
}

// `code` and **bold** inside an escaped paragraph.
std::string inline_html(std::string_view text) {
    std::string out;
    bool in_code = false, in_bold = false;
    for (std::size_t k = 0; k < text.size(); ++k) {
        if (text[k] == '`') {
            out += in_code ? "</code>" : "<code>";
            in_code = !in_code;
        } else if (!in_code && text.substr(k, 2) == "**") {
            out += in_bold ? "</b>" : "<b>";
            in_bold = !in_bold;
            ++k;
        } else {
            out += html_escape(text.substr(k, 1));
        }
    }
    if (in_code) out += "</code>";
    if (in_bold) out += "</b>";
    return out;
}

constexpr const char* kArticleStyle = R"CSS(
@page { size: A4; margin: 14mm; }
body { font: 15px/1.6 "DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1b1b1b; background: #fff; max-width: 60em; margin: 0 auto; padding: 1em 1.5em; }
h1 { font-size: 1.6em; border-bottom: 3px solid #263238; padding-bottom: .2em; }
h2 { font-size: 1.3em; margin-top: 1.6em; border-bottom: 1px solid #b0bec5; }
h3 { font-size: 1.05em; margin: 1.2em 0 .3em; color: #0d3c61; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .88em; background: #eef2f5; padding: 0 .2em; border-radius: 3px; overflow-wrap: anywhere; }
figure.excerpt { margin: .5em 0 .8em; border-left: 4px solid #90a4ae; background: #f7f9fa; padding: .2em .8em; }
figure.excerpt figcaption { font-size: .85em; color: #455a64; font-weight: bold; }
pre { font-family: "DejaVu Sans Mono", "WenQuanYi Micro Hei Mono", monospace; font-size: 12px; line-height: 1.35; margin: .2em 0; white-space: pre-wrap; overflow-wrap: anywhere; }
figure.picture { margin: .8em 0; }
figure.picture svg { max-width: 100%; height: auto; border: 1px solid #cfd8dc; }
ul { padding-left: 1.4em; }
@media print {
  body { font-size: 10.5pt; max-width: none; padding: 0; }
  figure, li { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
)CSS";

std::string html_page(const std::vector<Block>& blocks, ExplainLanguage lang) {
    std::string title;
    for (const Block& b : blocks)
        if (b.kind == Block::Heading && b.level == 1) {
            title = b.text;
            break;
        }
    std::string h = std::string("<!DOCTYPE html>\n<html lang='") + (lang == ExplainLanguage::Zh ? "zh-CN" : "en") +
                    "'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width'><title>" +
                    html_escape(title) + "</title><style>" + kArticleStyle + "</style></head><body><article>\n";
    for (const Block& b : blocks) {
        switch (b.kind) {
            case Block::Heading:
                h += "<h" + std::to_string(b.level) + (b.anchor.empty() ? "" : " id='" + b.anchor + "'") + ">" +
                     inline_html(b.text) + "</h" + std::to_string(b.level) + ">\n";
                break;
            case Block::Paragraph: h += "<p>" + inline_html(b.text) + "</p>\n"; break;
            case Block::List:
                h += "<ul>";
                for (const auto& l : b.lines) h += "<li>" + inline_html(l) + "</li>";
                h += "</ul>\n";
                break;
            case Block::Excerpt:
                h += "<figure class=excerpt><figcaption>" + inline_html(b.text) + "</figcaption><pre>";
                for (const auto& l : b.lines) h += html_escape(l) + "\n";
                h += "</pre></figure>\n";
                break;
            case Block::Picture:
                if (!b.svg.empty()) {
                    h += "<figure class=picture>" + b.svg + "</figure>\n";
                } else {
                    h += "<figure class=excerpt><pre>";
                    for (const auto& l : b.lines) h += html_escape(l) + "\n";
                    h += "</pre></figure>\n";
                }
                break;
        }
    }
    return h + "</article></body></html>\n";
}

// ---- The printer ---------------------------------------------------------------------

class WalkthroughPrinter final : public PacketPrinter {
public:
    WalkthroughPrinter(std::FILE* out, WalkthroughOptions o) : out_(out), o_(std::move(o)), collector_(o_.language) {}
    bool wants_tree() const override { return true; }
    bool wants_columns() const override { return false; }
    void attach(FrameDissector& dissector) override { collector_.attach(dissector); }
    void begin_file(const CaptureFileInfo& info) override { file_ = info.path; }
    void packet(const FrameInfo& frame, const Tree* tree, const PacketColumns*) override {
        collector_.packet(frame);
        if (!tree || frames_.size() >= kMaxWalkthroughFrames) return;
        frames_.push_back(flatten(frame, *tree));
    }
    void end_file() override {
        const auto connections = collector_.take_connections();
        const LadderConnection* chosen = choose(connections);
        std::string text;
        if (!chosen) {
            std::fprintf(stderr, "tlsdissect: %s\n", walkthrough_text(connections.empty() ? "no_connection" : "no_match",
                                                                      o_.language).c_str());
            frames_.clear();
            return;
        }
        ArticleWriter writer(*chosen, frames_, file_, collector_.capture_start_ns(), o_.audit);
        const auto blocks = writer.write();
        frames_.clear();
        if (o_.html_path.empty()) {
            text = markdown(blocks);
            std::fwrite(text.data(), 1, text.size(), out_);
            return;
        }
        text = html_page(blocks, o_.language);
        std::FILE* f = std::fopen(o_.html_path.c_str(), "wb");
        if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size()) {
            std::fprintf(stderr, "tlsdissect: %s: cannot write: %s\n", o_.html_path.c_str(), std::strerror(errno));
            if (f) std::fclose(f);
            return;
        }
        std::fclose(f);
    }

private:
    const LadderConnection* choose(const std::vector<LadderConnection>& cs) const {
        auto lower = [](std::string s) {
            for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            return s;
        };
        for (const auto& c : cs) {
            if (!o_.sni.empty()) {
                if (lower(c.sni) == lower(o_.sni)) return &c;
            } else if (o_.stream >= 0) {
                if (c.stream == static_cast<std::uint64_t>(o_.stream)) return &c;
            } else if (o_.frame) {
                const std::string key = std::string(c.transport == "tcp" ? "tcp " : "udp ") + std::to_string(c.stream);
                for (const auto& f : frames_)
                    if (f.number == o_.frame && f.stream_key == key) return &c;
                for (const auto& r : c.rows)
                    if (r.frame == o_.frame) return &c;
            }
        }
        if (!o_.sni.empty() || o_.stream >= 0 || o_.frame) return nullptr;
        for (const auto& c : cs)
            if (c.complete) return &c;
        return cs.empty() ? nullptr : &cs.front();
    }

    std::FILE* out_;
    WalkthroughOptions o_;
    LadderCollector collector_;
    std::string file_;
    std::vector<FrameRecord> frames_;
};

}  // namespace

std::unique_ptr<PacketPrinter> make_walkthrough_printer(std::FILE* out, WalkthroughOptions options) {
    return std::make_unique<WalkthroughPrinter>(out, std::move(options));
}

}  // namespace tlsdissect
