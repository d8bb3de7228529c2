// pcapng block reader (draft-ietf-opsawg-pcapng): Section Header, Interface
// Description, Enhanced/Simple/obsolete Packet, and Decryption Secrets blocks; every
// other block is skipped by its length. Each interface keeps its own link type and
// timestamp resolution, and a new section starts a new set of interfaces.
#include <cstring>
#include <limits>
#include <vector>

#include "capture_internal.hpp"

namespace tlsdissect {

namespace {

// Larger blocks are treated as corruption rather than allocated.
constexpr std::uint32_t kMaxBlockLength = 64u << 20;

constexpr std::uint32_t kSectionHeaderBlock = 0x0A0D0D0A;
constexpr std::uint32_t kInterfaceDescriptionBlock = 1;
constexpr std::uint32_t kObsoletePacketBlock = 2;
constexpr std::uint32_t kSimplePacketBlock = 3;
constexpr std::uint32_t kEnhancedPacketBlock = 6;
constexpr std::uint32_t kDecryptionSecretsBlock = 0x0A;
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;

constexpr std::uint16_t kOptEndOfOpt = 0;
constexpr std::uint16_t kOptIfName = 2;
constexpr std::uint16_t kOptIfTsResol = 9;
constexpr std::uint16_t kOptIfTsOffset = 14;

struct InterfaceClock {
    std::uint64_t units_per_second = 1'000'000;
    std::int64_t offset_seconds = 0;
};

class PcapngReader final : public CaptureReader {
public:
    explicit PcapngReader(std::FILE* file) : file_(file) {}
    ~PcapngReader() override { std::fclose(file_); }

    // Reads the first Section Header Block.
    bool start(CaptureError& error, std::string& message) {
        std::uint32_t type = 0;
        Status s = read_block(type);
        if (s != Status::Ok || type != kSectionHeaderBlock) {
            error = CaptureError::NotACapture;
            message = s == Status::Ok ? "pcapng file does not start with a section header"
                                      : error_message_;
            return false;
        }
        return true;
    }

    ReadStatus next(CapturedPacket& packet) override {
        for (;;) {
            std::uint32_t type = 0;
            Status s = read_block(type);
            if (s == Status::End) return ReadStatus::End;
            if (s == Status::Error) return ReadStatus::Error;
            if (type == kEnhancedPacketBlock || type == kObsoletePacketBlock ||
                type == kSimplePacketBlock) {
                if (!packet_from_block(type, packet)) return ReadStatus::Error;
                return ReadStatus::Packet;
            }
            if (type == kInterfaceDescriptionBlock) {
                if (!add_interface()) return ReadStatus::Error;
            } else if (type == kDecryptionSecretsBlock) {
                add_secrets();
            }
            // Other blocks (name resolution, statistics, custom) carry nothing we show.
        }
    }

    CaptureFormat format() const override { return CaptureFormat::PcapNg; }
    std::uint32_t link_type() const override {
        return interfaces_.empty() ? kLinkEthernet : interfaces_[0].link_type;
    }
    const std::vector<CaptureInterface>& interfaces() const override { return all_interfaces_; }
    bool nanosecond_resolution() const override { return nanosecond_; }
    const std::vector<DecryptionSecrets>& secrets() const override { return secrets_; }

private:
    enum class Status { Ok, End, Error };

    std::uint32_t u32(const std::uint8_t* p) const {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        return swapped_ ? __builtin_bswap32(v) : v;
    }
    std::uint16_t u16(const std::uint8_t* p) const {
        std::uint16_t v;
        std::memcpy(&v, p, 2);
        return swapped_ ? __builtin_bswap16(v) : v;
    }

    Status fail(std::string why) {
        error_message_ = std::move(why);
        return Status::Error;
    }

    // Reads one whole block into body_ (the bytes between the two length fields).
    Status read_block(std::uint32_t& type) {
        std::uint8_t head[8];
        std::size_t got = std::fread(head, 1, 8, file_);
        if (got == 0) return Status::End;
        if (got < 8) return fail("truncated pcapng block header at the end of the file");
        std::uint32_t raw_type;
        std::memcpy(&raw_type, head, 4);
        if (raw_type == kSectionHeaderBlock) {
            // The byte order of a section is read from its own header.
            std::uint8_t bom[4];
            if (std::fread(bom, 1, 4, file_) != 4) return fail("truncated pcapng section header");
            std::uint32_t magic;
            std::memcpy(&magic, bom, 4);
            if (magic == kByteOrderMagic)
                swapped_ = false;
            else if (__builtin_bswap32(magic) == kByteOrderMagic)
                swapped_ = true;
            else
                return fail("pcapng section header with a bad byte-order magic");
            std::uint32_t total = u32(head + 4);
            if (total < 28 || total % 4 != 0 || total > kMaxBlockLength)
                return fail("pcapng section header with an impossible length " + std::to_string(total));
            body_.resize(total - 12);
            std::memcpy(body_.data(), bom, 4);
            if (std::fread(body_.data() + 4, 1, total - 16, file_) != total - 16)
                return fail("truncated pcapng section header");
            std::uint8_t trailer[4];
            if (std::fread(trailer, 1, 4, file_) != 4) return fail("truncated pcapng section header");
            type = kSectionHeaderBlock;
            interfaces_.clear();
            clocks_.clear();
            ++section_;
            return Status::Ok;
        }
        if (section_ == 0) return fail("pcapng block before any section header");
        type = u32(head);
        std::uint32_t total = u32(head + 4);
        if (total < 12 || total % 4 != 0 || total > kMaxBlockLength)
            return fail("pcapng block with an impossible length " + std::to_string(total));
        body_.resize(total - 12);
        if (std::fread(body_.data(), 1, body_.size(), file_) != body_.size())
            return fail("the file ends in the middle of a pcapng block (truncated capture)");
        std::uint8_t trailer[4];
        if (std::fread(trailer, 1, 4, file_) != 4)
            return fail("the file ends in the middle of a pcapng block (truncated capture)");
        if (u32(trailer) != total) return fail("pcapng block lengths disagree (corrupt file)");
        return Status::Ok;
    }

    bool add_interface() {
        if (body_.size() < 8) return set_error("pcapng interface block too short");
        CaptureInterface iface;
        iface.link_type = u16(body_.data());
        iface.snap_length = u32(body_.data() + 4);
        InterfaceClock clock;
        std::size_t pos = 8;
        while (pos + 4 <= body_.size()) {
            std::uint16_t code = u16(body_.data() + pos);
            std::uint16_t len = u16(body_.data() + pos + 2);
            pos += 4;
            if (code == kOptEndOfOpt || pos + len > body_.size()) break;
            const std::uint8_t* v = body_.data() + pos;
            if (code == kOptIfName) {
                iface.name.assign(reinterpret_cast<const char*>(v), len);
            } else if (code == kOptIfTsResol && len >= 1) {
                std::uint8_t r = v[0];
                std::uint64_t units = 1;
                bool power_of_two = r & 0x80;
                unsigned exp = r & 0x7f;
                if ((power_of_two && exp > 63) || (!power_of_two && exp > 19))
                    return set_error("pcapng interface with an unusable time resolution");
                for (unsigned i = 0; i < exp; ++i) units *= power_of_two ? 2 : 10;
                clock.units_per_second = units;
            } else if (code == kOptIfTsOffset && len >= 8) {
                std::uint64_t off = swapped_ ? __builtin_bswap64(load64(v)) : load64(v);
                clock.offset_seconds = static_cast<std::int64_t>(off);
            }
            pos += (len + 3u) & ~3u;
        }
        if (clock.units_per_second > 1'000'000) nanosecond_ = true;
        interfaces_.push_back(iface);
        clocks_.push_back(clock);
        all_interfaces_.push_back(iface);
        return true;
    }

    static std::uint64_t load64(const std::uint8_t* p) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        return v;
    }

    void add_secrets() {
        if (body_.size() < 8) return;
        DecryptionSecrets s;
        s.type = u32(body_.data());
        std::uint32_t len = u32(body_.data() + 4);
        if (len > body_.size() - 8) return;
        s.data.assign(body_.begin() + 8, body_.begin() + 8 + len);
        secrets_.push_back(std::move(s));
    }

    bool set_error(std::string why) {
        error_message_ = std::move(why);
        return false;
    }

    bool packet_from_block(std::uint32_t type, CapturedPacket& packet) {
        std::uint32_t iface = 0, caplen = 0, origlen = 0;
        std::uint64_t ts = 0;
        std::size_t data_at = 0;
        if (type == kEnhancedPacketBlock) {
            if (body_.size() < 20) return set_error("pcapng packet block too short");
            iface = u32(body_.data());
            ts = static_cast<std::uint64_t>(u32(body_.data() + 4)) << 32 | u32(body_.data() + 8);
            caplen = u32(body_.data() + 12);
            origlen = u32(body_.data() + 16);
            data_at = 20;
        } else if (type == kObsoletePacketBlock) {
            if (body_.size() < 20) return set_error("pcapng packet block too short");
            iface = u16(body_.data());
            ts = static_cast<std::uint64_t>(u32(body_.data() + 4)) << 32 | u32(body_.data() + 8);
            caplen = u32(body_.data() + 12);
            origlen = u32(body_.data() + 16);
            data_at = 20;
        } else {  // Simple Packet Block: interface 0, no timestamp
            if (body_.size() < 4) return set_error("pcapng simple packet block too short");
            origlen = u32(body_.data());
            data_at = 4;
            caplen = static_cast<std::uint32_t>(body_.size() - 4);
            if (!interfaces_.empty() && interfaces_[0].snap_length && caplen > interfaces_[0].snap_length)
                caplen = interfaces_[0].snap_length;
            if (caplen > origlen) caplen = origlen;
        }
        if (iface >= interfaces_.size())
            return set_error("pcapng packet refers to interface " + std::to_string(iface) +
                             ", which the section does not describe");
        if (caplen > body_.size() - data_at)
            return set_error("pcapng packet block claims more bytes than it holds (corrupt file)");
        const InterfaceClock& clock = clocks_[iface];
        std::uint64_t sec = ts / clock.units_per_second;
        std::uint64_t frac = ts % clock.units_per_second;
        // frac < units <= 2^63; scale without overflow.
        __extension__ typedef unsigned __int128 Wide;
        __extension__ typedef __int128 SignedWide;
        auto ns = static_cast<std::uint64_t>(static_cast<Wide>(frac) * 1'000'000'000u / clock.units_per_second);
        // A coarse resolution (or a hostile one) can put the time beyond what nanoseconds
        // in 64 bits hold (year 2262): compute wide and clamp rather than overflow.
        const SignedWide wide = static_cast<SignedWide>(sec) * 1'000'000'000 + static_cast<SignedWide>(ns) +
                                static_cast<SignedWide>(clock.offset_seconds) * 1'000'000'000;
        constexpr SignedWide kMax = std::numeric_limits<std::int64_t>::max();
        constexpr SignedWide kMin = std::numeric_limits<std::int64_t>::min();
        packet.ts_ns = static_cast<std::int64_t>(wide > kMax ? kMax : wide < kMin ? kMin : wide);
        packet.captured_length = caplen;
        packet.original_length = origlen < caplen ? caplen : origlen;
        // Index across sections, so the frame can name its interface.
        packet.interface_id = iface;
        packet.link_type = interfaces_[iface].link_type;
        packet.data = Bytes(body_.data() + data_at, caplen);
        return true;
    }

    std::FILE* file_;
    bool swapped_ = false;
    bool nanosecond_ = false;
    unsigned section_ = 0;
    std::vector<std::uint8_t> body_;
    std::vector<CaptureInterface> interfaces_;      // this section's
    std::vector<InterfaceClock> clocks_;            // this section's
    std::vector<CaptureInterface> all_interfaces_;  // every section's, in order
    std::vector<DecryptionSecrets> secrets_;
};

}  // namespace

std::unique_ptr<CaptureReader> make_pcapng_reader(std::FILE* file, CaptureError& error,
                                                  std::string& message) {
    auto reader = std::make_unique<PcapngReader>(file);
    if (!reader->start(error, message)) return nullptr;
    return reader;
}

}  // namespace tlsdissect
