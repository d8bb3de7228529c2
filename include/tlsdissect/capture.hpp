// Reading capture files: classic pcap (through libpcap), pcapng, gzip-compressed
// files of either kind, and standard input.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

// LINKTYPE_* values from the tcpdump.org registry, as pcap and pcapng files store them.
enum LinkType : std::uint32_t {
    kLinkNull = 0,
    kLinkEthernet = 1,
    kLinkPpp = 9,
    kLinkFddi = 10,
    kLinkPppHdlc = 50,
    kLinkRaw = 101,
    kLinkIeee80211 = 105,
    kLinkLoop = 108,
    kLinkLinuxSll = 113,
    kLinkRadiotap = 127,
    kLinkPpi = 192,
    kLinkIpv4 = 228,
    kLinkIpv6 = 229,
    kLinkNflog = 239,
    kLinkLinuxSll2 = 276,
};
bool link_type_supported(std::uint32_t link_type);
// "EN10MB", "LINUX_SLL2", ...; "LINKTYPE_<n>" for others.
std::string link_type_name(std::uint32_t link_type);
// "Ethernet", "Linux cooked-mode capture v2", ...
std::string link_type_description(std::uint32_t link_type);

enum class CaptureFormat : std::uint8_t { Pcap, PcapNg };

struct CaptureInterface {
    std::uint32_t link_type = 0;
    std::uint32_t snap_length = 0;
    std::string name;  // pcapng if_name, when present
};

struct CapturedPacket {
    std::int64_t ts_ns = 0;  // nanoseconds since the epoch
    std::uint32_t captured_length = 0;
    std::uint32_t original_length = 0;
    std::uint32_t interface_id = 0;
    std::uint32_t link_type = 0;
    Bytes data;  // valid until the next call to CaptureReader::next
};

// A pcapng Decryption Secrets Block (kept for the decryption feature).
struct DecryptionSecrets {
    std::uint32_t type = 0;  // 0x544c534b = TLS key log
    std::vector<std::uint8_t> data;
};

// Exit codes are part of the command-line contract (docs/user-guide.md).
enum class CaptureError : int {
    None = 0,
    CannotOpen = 3,      // missing file, permission, a directory
    NotACapture = 4,     // neither pcap nor pcapng (nor gzip of one)
    UnsupportedLink = 5, // a link type tlsdissect does not dissect
    Damaged = 6,         // truncated or corrupt in the middle
};

enum class ReadStatus : std::uint8_t { Packet, End, Error };

class CaptureReader {
public:
    virtual ~CaptureReader() = default;
    // Opens `path` ("-" is standard input); detects the format by content.
    static std::unique_ptr<CaptureReader> open(const std::string& path, CaptureError& error,
                                               std::string& message);

    virtual ReadStatus next(CapturedPacket& packet) = 0;
    virtual CaptureFormat format() const = 0;
    // The first interface's link type (the only one in classic pcap).
    virtual std::uint32_t link_type() const = 0;
    virtual const std::vector<CaptureInterface>& interfaces() const = 0;
    virtual bool nanosecond_resolution() const = 0;
    virtual const std::vector<DecryptionSecrets>& secrets() const = 0;
    // After ReadStatus::Error.
    const std::string& error_message() const { return error_message_; }
    // After ReadStatus::End or Error: what was wrong with the gzip stream the capture was
    // read from ("gzip: incorrect data check"); empty when nothing was. The packets
    // before the damage have been read.
    const std::string& stream_damage() const;
    // For a progress indicator: how far into the file reading has got (compressed bytes
    // for a gzip file), and the file's size; 0 for both when not known (standard input).
    std::uint64_t bytes_read() const;
    std::uint64_t total_bytes() const { return total_bytes_; }
    // Bytes that packets' data may point into and that stay readable at their address
    // until the reader is destroyed (a plain pcap file mapped whole); empty when packets'
    // bytes last only until the next call to next().
    virtual Bytes lasting_bytes() const { return {}; }

protected:
    std::string error_message_;

private:
    int source_fd_ = -1;  // the descriptor the bytes come from, not owned; -1 if not a regular file
    std::uint64_t total_bytes_ = 0;
    // The FILE*'s buffer (closed by the derived reader's destructor, before this is freed)
    std::unique_ptr<char[]> stdio_buffer_;
    std::shared_ptr<const std::string> damage_;  // shared with the decompressing stream
};

}  // namespace tlsdissect
