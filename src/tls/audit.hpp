// --audit: a passive security audit of one TLS connection. A pure function from what
// the handshake revealed (TlsConnectionFacts) to findings, each with a stable id, a
// severity, the frame that shows it and a one-line reason in English or Chinese.
// The reasons are a table keyed by id in audit_texts.cpp; docs/user-guide.md lists the ids.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlsdissect {

struct TlsConnectionFacts;  // tls/tls_common.hpp

enum class AuditSeverity : std::uint8_t { Info, Low, Medium, High };

struct AuditFinding {
    std::string_view id;  // "weak_cipher_chosen": one of the ids in audit_texts.cpp
    AuditSeverity severity = AuditSeverity::Info;
    std::uint64_t frame = 0;  // the frame that shows it (the message's last byte arrived there)
    std::string why;          // one line, in the chosen language
};

// "info", "low", "medium", "high"; parse_audit_severity reads the same words.
std::string_view audit_severity_name(AuditSeverity s);
std::optional<AuditSeverity> parse_audit_severity(std::string_view word);

// The language the reasons are written in when none is chosen: "zh" when the LANG
// environment variable starts with "zh", else "en".
std::string audit_default_lang();

// All findings of a connection, ordered by frame. `lang` is "zh" or "en" (anything else
// reads as "en"). Certificates are judged at the capture time of their Certificate message.
std::vector<AuditFinding> audit_connection(const TlsConnectionFacts& facts, const std::string& lang);

// What the engine needs while dissecting with --audit: the language, and the worst
// severity found so far over all connections (for --fail-on).
struct AuditSettings {
    std::string lang = "en";
    std::optional<AuditSeverity> worst;
    std::uint64_t findings = 0;
    void count(const std::vector<AuditFinding>& found) {
        for (const auto& f : found) {
            ++findings;
            if (!worst || f.severity > *worst) worst = f.severity;
        }
    }
};

// The reason texts (audit_texts.cpp): one row per id, in both languages. Placeholders
// such as {suite} are filled with language-neutral values (names, numbers, dates).
class NodeRef;

// --audit on a connection's layer (TLS over TCP, DTLS): the findings that frame `frame`
// shows and `ids` (that frame's ids so far, for the Info column) does not name yet, as
// expert notes under `layer`, their ids appended to `ids`. `audited` remembers how much
// of the facts (handshake messages, heartbeat anomalies) was looked at already, so that
// nothing is computed again for a frame that brought nothing new.
void note_audit_findings(const TlsConnectionFacts& facts, const AuditSettings& audit,
                         std::pair<std::size_t, std::size_t>& audited, std::string& ids, NodeRef layer,
                         std::uint64_t frame);

struct AuditText {
    std::string_view key;  // the finding id, or "id.case" for a second wording
    std::string_view en;
    std::string_view zh;
};
std::span<const AuditText> audit_texts();

}  // namespace tlsdissect
