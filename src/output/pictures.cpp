#include "output/pictures.hpp"

#include <algorithm>
#include <ctime>

namespace tlsdissect {

namespace {

struct PictureWords {
    const char* resolver;
    const char* client;
    const char* server;
    const char* sig_ok;
    const char* sig_bad;
    const char* sig_unknown;
    const char* chain_ok;
    const char* chain_bad;
    const char* connected;
    const char* ladder_title;
    const char* chain_title;
    const char* dns_title;
};

constexpr CertificateWords kCertificateEnglish{"issued by", "self-signed", "valid", "at capture time", "valid",
                                               "expired", "not yet valid", "CA certificate", "site (leaf) certificate",
                                               "public key", ": "};
constexpr CertificateWords kCertificateChinese{"颁发者", "自签名", "有效期", "抓包时", "有效", "已过期", "尚未生效",
                                               "CA 证书", "网站（叶）证书", "公钥", "："};

constexpr PictureWords kEnglish{
    "DNS resolver", "client", "server", "signature checked with the issuer's key: correct",
    "signature checked with the issuer's key: WRONG", "signature not checked", "chain valid: it ends at a trusted root",
    "chain NOT valid", "the client connected to this address", "Handshake sequence diagram",
    "Certificate chain", "DNS lookup: CNAME chain"};

constexpr PictureWords kChinese{
    "DNS 解析器", "客户端", "服务器", "用颁发者公钥验证签名：正确", "用颁发者公钥验证签名：错误", "签名未验证", "证书链有效：终止于受信任的根证书",
    "证书链无效", "客户端连接的正是这个地址", "握手时序图", "证书链", "DNS 解析：CNAME 链"};

const PictureWords& words(const LadderConnection& c) { return c.language == ExplainLanguage::Zh ? kChinese : kEnglish; }

// Approximate width in pixels of a text line at 13 px (wide characters count double).
int text_width(std::string_view s) { return static_cast<int>(terminal_columns(s) * 7.4) + 4; }

// `s` cut to at most `cols` terminal columns, with an ellipsis when cut.
std::string fit(const std::string& s, std::size_t cols) {
    if (terminal_columns(s) <= cols) return s;
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t len = 1;
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0xf0) len = 4;
        else if (c >= 0xe0) len = 3;
        else if (c >= 0xc0) len = 2;
        if (terminal_columns(out + s.substr(i, len)) + 1 > cols) break;
        out += s.substr(i, len);
        i += len;
    }
    return out + "\xe2\x80\xa6";
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string text(double x, double y, std::string_view s, std::string_view attrs = "") {
    return "<text x='" + num(x) + "' y='" + num(y) + "'" + (attrs.empty() ? "" : " ") + std::string(attrs) + ">" +
           html_escape(s) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, std::string_view attrs) {
    return "<line x1='" + num(x1) + "' y1='" + num(y1) + "' x2='" + num(x2) + "' y2='" + num(y2) + "' " +
           std::string(attrs) + "/>";
}

// An arrow from x1 to x2 at height y, its label above the middle.
std::string arrow(double x1, double x2, double y, std::string_view label, std::string_view color, bool dashed) {
    const double head = x2 > x1 ? -8 : 8;
    std::string s = line(x1, y, x2, y, "stroke='" + std::string(color) + "' stroke-width='1.6'" +
                                           (dashed ? " stroke-dasharray='6 3'" : ""));
    s += "<path d='M" + num(x2) + " " + num(y) + " l" + num(head) + " -4 l0 8 z' fill='" + std::string(color) + "'/>";
    s += text((x1 + x2) / 2, y - 5, label, "text-anchor='middle' fill='" + std::string(color) + "'");
    return s;
}

std::string svg_open(int width, int height, std::string_view cls, std::string_view title) {
    return "<svg xmlns='http://www.w3.org/2000/svg' class='picture " + std::string(cls) + "' width='" +
           std::to_string(width) + "' height='" + std::to_string(height) + "' viewBox='0 0 " + std::to_string(width) +
           " " + std::to_string(height) +
           "' font-family='DejaVu Sans, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif' font-size='13' "
           "role='img'><title>" + html_escape(title) + "</title><rect width='100%' height='100%' fill='#ffffff'/>";
}

std::string date_of(std::int64_t epoch) { return utc_time(epoch, "%Y-%m-%d"); }

}  // namespace

const CertificateWords& certificate_words(ExplainLanguage language) {
    return language == ExplainLanguage::Zh ? kCertificateChinese : kCertificateEnglish;
}

std::string utc_time(std::int64_t epoch, const char* format) {
    std::time_t t = static_cast<std::time_t>(epoch);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

std::string ladder_svg(const LadderConnection& c, std::int64_t start_ns) {
    const PictureWords& w = words(c);
    const bool dns = std::any_of(c.rows.begin(), c.rows.end(), [](const LadderRow& r) { return r.dir == LadderDir::Dns; });
    const double x_frame = 34, x_time = 92, x_resolver = 170, x_client = dns ? 330 : 230, x_server = 820;
    const int width = 880, row_h = 28, top = 74;
    int rows = 0;
    for (const auto& r : c.rows) rows += r.dir == LadderDir::Both ? 3 : 1;
    const int height = top + rows * row_h + 24;
    std::string s = svg_open(width, height, "ladder-svg", w.ladder_title);
    auto head = [&](double x, std::string_view who, std::string_view where) {
        const int bw = std::max(text_width(who), text_width(where)) + 16;
        s += "<rect x='" + num(x - bw / 2.0) + "' y='8' width='" + std::to_string(bw) +
             "' height='40' rx='5' fill='#eceff1' stroke='#455a64'/>";
        s += text(x, 25, who, "text-anchor='middle' font-weight='bold'");
        s += text(x, 41, where, "text-anchor='middle' font-size='12'");
        s += line(x, 48, x, height - 10, "stroke='#90a4ae' stroke-width='2'");
    };
    s += text(x_frame, 40, "#", "text-anchor='end' fill='#555'");
    s += text(x_time, 40, "t (s)", "text-anchor='end' fill='#555'");
    if (dns) head(x_resolver, w.resolver, "");
    head(x_client, w.client, c.client);
    head(x_server, w.server, c.server);
    double y = top;
    const std::string_view query_prefix = ladder_text(c.language).dns_query;
    for (const auto& r : c.rows) {
        s += "<g" + (r.frame ? " data-frame='" + std::to_string(r.frame) + "'" : std::string()) + ">";
        if (r.frame) s += text(x_frame, y + 4, std::to_string(r.frame), "text-anchor='end' fill='#555'");
        char t[32];
        std::snprintf(t, sizeof t, "%.6f", static_cast<double>(r.ts_ns - start_ns) / 1e9);
        s += text(x_time, y + 4, t, "text-anchor='end' fill='#777' font-size='11'");
        std::string label = r.label;
        if (r.step) label = "[" + std::to_string(r.step) + "] " + label;
        switch (r.dir) {
            case LadderDir::ClientToServer:
                s += arrow(x_client, x_server, y, label, "#0b62a4", r.encrypted);
                break;
            case LadderDir::ServerToClient:
                s += arrow(x_server, x_client, y, label, "#9a4b00", r.encrypted);
                break;
            case LadderDir::Both:
                s += arrow(x_client, x_server, y, "SYN", "#2e7d32", false);
                y += row_h;
                s += arrow(x_server, x_client, y, "SYN, ACK", "#2e7d32", false);
                y += row_h;
                s += arrow(x_client, x_server, y, "ACK", "#2e7d32", false);
                break;
            case LadderDir::Dns: {
                const bool query = r.label.rfind(query_prefix, 0) == 0;
                s += arrow(query ? x_client : x_resolver, query ? x_resolver : x_client, y, "", "#6a1b9a", false);
                const auto room = static_cast<std::size_t>((width - x_client - 16) / 6.8);
                s += text(x_client + 8, y + 4, fit(label, room), "fill='#6a1b9a' font-size='12'");
                break;
            }
            case LadderDir::Note:
                s += text((x_client + x_server) / 2, y + 4, label, "text-anchor='middle' fill='#555' font-style='italic'");
                break;
        }
        s += "</g>";
        y += row_h;
    }
    return s + "</svg>";
}

std::string chain_svg(const LadderConnection& c) {
    if (c.certificates.empty()) return {};
    const PictureWords& pw = words(c);
    const CertificateWords& w = certificate_words(c.language);
    const int width = 880, box_h = 86, gap = 44, top = 10;
    const int n = static_cast<int>(c.certificates.size());
    const int height = top + n * box_h + (n - 1) * gap + 40;
    std::string s = svg_open(width, height, "chain-svg", pw.chain_title);
    const std::int64_t at = c.first_ts_ns / 1'000'000'000;
    double y = top;
    for (int k = n - 1; k >= 0; --k) {
        const CertificateSummary& cert = c.certificates[static_cast<std::size_t>(k)];
        const bool ok_time = cert.parsed && at >= cert.not_before_epoch && at <= cert.not_after_epoch;
        s += "<g class='cert-box' data-index='" + std::to_string(k) + "'>";
        s += "<rect x='40' y='" + num(y) + "' width='800' height='" + std::to_string(box_h) + "' rx='8' fill='" +
             (cert.is_ca ? "#f3f6fb" : "#f1f8e9") + "' stroke='" + (cert.is_ca ? "#37474f" : "#33691e") +
             "' stroke-width='1.5'/>";
        if (!cert.parsed) {
            s += text(56, y + 24, "#" + std::to_string(k + 1) + " ?", "font-weight='bold'");
            s += "</g>";
            y += box_h + gap;
            continue;
        }
        const std::string who = cert.subject_cn.empty() ? cert.subject : cert.subject_cn;
        s += text(56, y + 22, who, "font-weight='bold' font-size='15'");
        s += text(824, y + 22, std::string(cert.is_ca ? w.ca : w.leaf) + " #" + std::to_string(k + 1),
                  "text-anchor='end' fill='#555' font-size='12'");
        s += text(56, y + 42, cert.subject == cert.issuer ? std::string(w.self_signed)
                                                          : std::string(w.issued_by) + w.colon + cert.issuer);
        s += text(56, y + 60, std::string(w.valid) + w.colon + date_of(cert.not_before_epoch) + " \xe2\x86\x92 " +
                                  date_of(cert.not_after_epoch) + " \xc2\xb7 " + w.at_capture + w.colon +
                                  (ok_time ? w.ok : at < cert.not_before_epoch ? w.not_yet : w.expired),
                  ok_time ? "fill='#1b5e20'" : "fill='#b71c1c' font-weight='bold'");
        s += text(56, y + 78, std::string(w.key) + w.colon + cert.public_key_algorithm +
                                  (cert.public_key_bits ? " " + std::to_string(cert.public_key_bits) : "") +
                                  (cert.curve.empty() ? "" : " " + cert.curve) + " \xc2\xb7 " + cert.signature_algorithm,
                  "font-size='12' fill='#333'");
        s += "</g>";
        y += box_h;
        if (k > 0) {
            // The link below: the next certificate's signature, checked with this one's key.
            const CertificateSummary& child = c.certificates[static_cast<std::size_t>(k - 1)];
            const std::string child_name = child.subject_cn.empty() ? child.subject : child.subject_cn;
            const char* verdict = pw.sig_unknown;
            std::string color = "#555";
            for (const auto& [name, valid] : c.link_signatures)
                if (name == child_name) {
                    verdict = valid ? pw.sig_ok : pw.sig_bad;
                    color = valid ? "#1b5e20" : "#b71c1c";
                }
            s += line(440, y, 440, y + gap - 2, "stroke='" + color + "' stroke-width='2'");
            s += "<path d='M440 " + num(y + gap) + " l-6 -10 l12 0 z' fill='" + color + "'/>";
            s += text(452, y + gap / 2.0 + 5, std::string(verdict) + (verdict == pw.sig_unknown ? "" : " "),
                      "fill='" + color + "' font-size='12'");
            y += gap;
        }
    }
    if (c.chain_checked)
        s += text(40, y + 24, c.chain_valid ? std::string("\xe2\x9c\x94 ") + pw.chain_ok
                                            : std::string("\xe2\x9c\x98 ") + pw.chain_bad + w.colon + c.chain_reason,
                  c.chain_valid ? "fill='#1b5e20' font-weight='bold'" : "fill='#b71c1c' font-weight='bold'");
    return s + "</svg>";
}

std::string dns_svg(const LadderConnection& c) {
    if (c.dns_chain.empty()) return {};
    const PictureWords& w = words(c);
    const int width = 880, box_h = 34, gap = 40, top = 10;
    const int n = static_cast<int>(c.dns_chain.size()) + 1;
    const int height = top + n * box_h + (n - 1) * gap + 12;
    std::string s = svg_open(width, height, "dns-svg", w.dns_title);
    double y = top;
    auto box = [&](std::string_view label, bool address) {
        const int bw = std::max(200, text_width(label) + 30);
        s += "<rect x='60' y='" + num(y) + "' width='" + std::to_string(bw) + "' height='" + std::to_string(box_h) +
             "' rx='17' fill='" + (address ? "#e8f5e9" : "#f3e5f5") + "' stroke='" + (address ? "#2e7d32" : "#6a1b9a") +
             "' stroke-width='" + (address ? "2.5" : "1.5") + "'/>";
        s += text(75, y + 22, label, address ? "font-weight='bold'" : "");
        return bw;
    };
    box(c.dns_name, false);
    for (const auto& step : c.dns_chain) {
        y += box_h;
        s += line(110, y, 110, y + gap - 2, "stroke='#6a1b9a' stroke-width='2'");
        s += "<path d='M110 " + num(y + gap) + " l-6 -10 l12 0 z' fill='#6a1b9a'/>";
        s += text(124, y + gap / 2.0 + 5, step.type, "fill='#6a1b9a' font-size='12'");
        y += gap;
        const int bw = box(step.data, step.gave_address);
        if (step.gave_address)
            s += text(60 + bw + 12, y + 22, std::string("\xe2\x97\x80 ") + w.connected, "fill='#2e7d32' font-weight='bold'");
    }
    return s + "</svg>";
}

}  // namespace tlsdissect
