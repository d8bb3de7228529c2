// --export-certs: certificates as files named by their SHA-256.
#include "output/certificate_export.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "tls/tls_common.hpp"
#include "tls/x509.hpp"

namespace tlsdissect {

std::unique_ptr<CertificateExporter> CertificateExporter::open(const std::string& folder, std::string& error) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (folder.empty()) {
        error = "the folder name is empty";
        return nullptr;
    }
    if (fs::exists(folder, ec) && !fs::is_directory(folder, ec)) {
        error = folder + " is not a folder";
        return nullptr;
    }
    if (!fs::is_directory(folder, ec) && !fs::create_directories(folder, ec) && ec) {
        error = "cannot create the folder " + folder + ": " + ec.message();
        return nullptr;
    }
    if (access(folder.c_str(), W_OK | X_OK) != 0) {
        error = "cannot write into " + folder + ": " + std::strerror(errno);
        return nullptr;
    }
    return std::unique_ptr<CertificateExporter>(new CertificateExporter(folder));
}

void CertificateExporter::tls_session_ended(const TlsSessionView& session) {
    for (const auto& c : session.facts.certificates) write(c);
    for (const auto& c : session.facts.client_certificates) write(c);
}

// Only certificates OpenSSL decoded (`der` is set): the PEM form is OpenSSL's writing of
// the certificate, and a blob that is not one would make a file no tool can open.
void CertificateExporter::write(const CertificateSummary& c) {
    if (!error_.empty() || c.der.empty() || c.sha256_hex.empty() || written_.count(c.sha256_hex)) return;
    const std::string pem = certificate_pem(c.der);
    if (pem.empty()) return;
    if (!write_file(c.sha256_hex + ".der", std::string(c.der.begin(), c.der.end())) ||
        !write_file(c.sha256_hex + ".pem", pem))
        return;
    written_.insert(c.sha256_hex);
}

// Written under a temporary name and renamed, so that a file with the final name is
// always whole, also when several processes (--shard) export into the same folder.
bool CertificateExporter::write_file(const std::string& name, const std::string& bytes) {
    const std::string path = folder_ + "/" + name;
    const std::string temporary = path + ".tmp" + std::to_string(getpid());
    std::FILE* f = std::fopen(temporary.c_str(), "wb");
    bool ok = f && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    int saved = errno;
    if (f && std::fclose(f) != 0 && ok) ok = false, saved = errno;
    if (ok && std::rename(temporary.c_str(), path.c_str()) != 0) ok = false, saved = errno;
    if (!ok) {
        if (f) std::remove(temporary.c_str());
        error_ = "cannot write " + path + ": " + std::strerror(saved);
    }
    return ok;
}

}  // namespace tlsdissect
