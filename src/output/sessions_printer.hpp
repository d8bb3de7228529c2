// --sessions: one record per TLS connection (and per DNS transaction), built from the
// facts the dissectors gathered, as the JSON contract in docs/json.md describes.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "tlsdissect/capture.hpp"
#include "core/shard.hpp"
#include "session/session_layer.hpp"
#include "tlsdissect/dissect.hpp"

namespace tlsdissect {

class DnsTransactionTable;
struct AuditSettings;

// A listener of the session layer: each TLS session that ends is recorded (or,
// streaming, printed).
class SessionsPrinter : public SessionListener {
public:
    // After each packet: takes the DNS transactions that completed (streaming prints them).
    virtual void poll() = 0;
    // The file is done: print the document (or the remaining lines).
    // `limits`: what the limits made the engine forget, for the capture summary.
    virtual void finish(const std::string& path, const CaptureReader& reader, std::uint64_t packets,
                        const LimitsReached& limits) = 0;
};

// `lines`: JSON Lines, one record per line as soon as it is complete.
// `dns` gives the DNS transactions and the DNS -> TLS link (resolved_by).
// `audit` (--audit): each TLS record gets "findings" in that language; null: no findings key.
// `shard` (--shard): only the records whose endpoints fall in it (the capture summary
// says which shard it is). `jobs` (-j): the cores to use, 0 for all; the signature
// checks run on jobs - 1 background threads (none with 1), the output is the same.
// `file`: the capture file's name as given ("-" for standard input), in every record.
// `certificate_files` (--export-certs): each decoded certificate names its files.
std::unique_ptr<SessionsPrinter> make_sessions_printer(std::FILE* out, bool lines, DnsTransactionTable& dns,
                                                       const AuditSettings* audit = nullptr, Shard shard = {},
                                                       unsigned jobs = 0, std::string file = "-",
                                                       bool certificate_files = false);

}  // namespace tlsdissect
