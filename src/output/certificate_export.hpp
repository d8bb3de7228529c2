// --export-certs DIR: every distinct certificate the capture carries (server and client
// chains, TLS over TCP, DTLS and QUIC, decompressed when it came compressed, decrypted
// when TLS 1.3 sent it encrypted) written once as DIR/<sha256>.der and DIR/<sha256>.pem,
// the way Zeek's file extraction names files by content. A session listener: each
// certificate is written when its connection ends, in any output mode.
#pragma once

#include <string>
#include <unordered_set>

#include "session/session_layer.hpp"

namespace tlsdissect {

struct CertificateSummary;

class CertificateExporter final : public SessionListener {
public:
    // Creates `folder` (and its parents) when missing and checks that files can be made
    // in it; on failure returns null and sets `error` ("cannot create the folder …: …").
    static std::unique_ptr<CertificateExporter> open(const std::string& folder, std::string& error);

    void tls_session_ended(const TlsSessionView& session) override;

    // The first write that failed ("cannot write DIR/….der: No space left on device");
    // empty while all went well. After a failure nothing more is written.
    const std::string& error() const { return error_; }
    std::size_t written() const { return written_.size(); }

private:
    explicit CertificateExporter(std::string folder) : folder_(std::move(folder)) {}
    void write(const CertificateSummary& certificate);
    bool write_file(const std::string& name, const std::string& bytes);

    std::string folder_;
    std::unordered_set<std::string> written_;  // SHA-256 (hex) of the certificates written
    std::string error_;
};

}  // namespace tlsdissect
