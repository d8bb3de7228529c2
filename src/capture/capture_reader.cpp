// Opening a capture: find out by content whether it is gzip, pcap or pcapng, and
// hand it to the matching reader. Classic pcap goes through libpcap (a plain file's
// ordinary records are read from a memory map instead, see PcapFileReader). pcapng has its
// own block reader (pcapng_reader.cpp) because libpcap refuses files whose interfaces
// have different link types and does not expose Decryption Secrets Blocks.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <zlib.h>

#include "capture_internal.hpp"

namespace tlsdissect {

namespace {

constexpr std::size_t kStdioBufferSize = 1 << 20;

// A FILE* over a descriptor whose bytes may be gzip (RFC 1952; several members one
// after the other, as `cat a.gz b.gz` makes) or plain (standard input is always read
// through here, compressed or not). zlib's inflate is used directly rather than gzread,
// which drops the last buffer it decompressed when it meets damage (a bad CRC in the
// trailer loses every packet): here every byte decompressed before the damage is served,
// then end of file, and `damage` says what was wrong.
constexpr std::size_t kInflateInput = 1 << 16;

struct InflateCookie {
    int fd = -1;
    bool gzip = false;
    bool input_done = false;   // read() returned 0 (or failed)
    bool output_done = false;  // nothing more will be served
    z_stream strm{};
    bool strm_ready = false;
    std::unique_ptr<unsigned char[]> in = std::make_unique<unsigned char[]>(kInflateInput);
    std::size_t in_pos = 0, in_len = 0;  // plain data: what is left in `in`
    std::shared_ptr<std::string> damage;
    unsigned char prefix[4]{};  // the first bytes, read to sniff the format, served again first
    std::size_t prefix_len = 0, prefix_pos = 0;

    ~InflateCookie() {
        if (strm_ready) inflateEnd(&strm);
        if (fd >= 0) ::close(fd);
    }

    // Refills `in` (after what is left of it); false at end of input or on an error.
    bool fill() {
        if (input_done) return false;
        ssize_t n;
        do n = ::read(fd, in.get(), kInflateInput);
        while (n < 0 && errno == EINTR);
        if (n <= 0) {
            input_done = true;
            if (n < 0) *damage = std::string("read error: ") + std::strerror(errno);
            return false;
        }
        if (gzip) {
            strm.next_in = in.get();
            strm.avail_in = static_cast<uInt>(n);
        } else {
            in_pos = 0;
            in_len = static_cast<std::size_t>(n);
        }
        return true;
    }

    ssize_t read_plain(char* buf, std::size_t size) {
        if (in_pos == in_len && !fill()) return damage->empty() ? 0 : -1;
        const std::size_t n = std::min(size, in_len - in_pos);
        std::memcpy(buf, in.get() + in_pos, n);
        in_pos += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t read_gzip(char* buf, std::size_t size) {
        strm.next_out = reinterpret_cast<Bytef*>(buf);
        strm.avail_out = static_cast<uInt>(std::min<std::size_t>(size, UINT32_MAX));
        const uInt wanted = strm.avail_out;
        while (!output_done && strm.avail_out == wanted) {
            if (strm.avail_in == 0 && !fill()) {
                // The input ended inside a member (a member that ended was handled below).
                if (damage->empty()) *damage = "gzip: unexpected end of file";
                output_done = true;
                break;
            }
            const int rc = inflate(&strm, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                // Another member may follow; anything else after a member is ignored, as gzip -d does.
                if (strm.avail_in == 0 && !fill()) {
                    output_done = true;
                } else if (strm.next_in[0] == 0x1f) {
                    inflateReset(&strm);
                } else {
                    output_done = true;
                }
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                *damage = std::string("gzip: ") + (strm.msg ? strm.msg : "damaged compressed data");
                output_done = true;
            }
        }
        return static_cast<ssize_t>(wanted - strm.avail_out);
    }
};

ssize_t inflate_cookie_read(void* cookie, char* buf, size_t size) {
    auto* c = static_cast<InflateCookie*>(cookie);
    std::size_t done = 0;
    while (done < size && c->prefix_pos < c->prefix_len) buf[done++] = static_cast<char>(c->prefix[c->prefix_pos++]);
    if (done > 0) return static_cast<ssize_t>(done);
    return c->gzip ? c->read_gzip(buf, size) : c->read_plain(buf, size);
}

int inflate_cookie_close(void* cookie) {
    delete static_cast<InflateCookie*>(cookie);
    return 0;
}

// Takes `fd`; reads the first bytes (decompressed) into `magic`. `damage` receives what
// is wrong with a gzip stream when that is found.
FILE* open_through_zlib(int fd, unsigned char magic[4], std::size_t& magic_len, char* stdio_buffer,
                        const std::shared_ptr<std::string>& damage) {
    auto cookie = std::make_unique<InflateCookie>();
    cookie->fd = fd;
    cookie->damage = damage;
    if (fd < 0) return nullptr;
    cookie->gzip = false;
    if (cookie->fill() && cookie->in_len >= 2 && cookie->in[0] == 0x1f && cookie->in[1] == 0x8b) {
        cookie->gzip = true;
        if (inflateInit2(&cookie->strm, 15 + 16) != Z_OK) return nullptr;
        cookie->strm_ready = true;
        cookie->strm.next_in = cookie->in.get();
        cookie->strm.avail_in = static_cast<uInt>(cookie->in_len);
    }
    auto& c = *cookie;
    while (c.prefix_len < sizeof c.prefix) {
        char* at = reinterpret_cast<char*>(c.prefix) + c.prefix_len;
        const ssize_t n = c.gzip ? c.read_gzip(at, sizeof c.prefix - c.prefix_len)
                                 : c.read_plain(at, sizeof c.prefix - c.prefix_len);
        if (n <= 0) break;
        c.prefix_len += static_cast<std::size_t>(n);
    }
    magic_len = c.prefix_len;
    std::memcpy(magic, c.prefix, magic_len);
    cookie_io_functions_t io{inflate_cookie_read, nullptr, nullptr, inflate_cookie_close};
    FILE* f = fopencookie(cookie.get(), "r", io);
    if (!f) return nullptr;
    cookie.release();
    setvbuf(f, stdio_buffer, _IOFBF, kStdioBufferSize);
    return f;
}

std::uint32_t dlt_to_link_type(int dlt) {
    // libpcap reports DLT_ values; they equal LINKTYPE_ values except for a few
    // platform-dependent ones.
    if (dlt == DLT_RAW) return kLinkRaw;
#ifdef DLT_LOOP
    if (dlt == DLT_LOOP) return kLinkLoop;
#endif
    return static_cast<std::uint32_t>(dlt);
}

// Link types whose records libpcap hands over exactly as they are in a file of this
// machine's byte order (no pcap_post_process fix-ups): the mapped path reads only these.
bool read_as_stored(std::uint32_t link_type) {
    switch (link_type) {
        case 0: case 1: case 12: case 14: case 101: case 108: case 113: case 228: case 229: case 276:
            return true;
        default:
            return false;
    }
}

// A mapped file that another program cuts short while it is read (a log rotation that
// truncates it) has pages past its new end, and touching one raises SIGBUS. The readers
// register their maps here: the handler puts zero pages over the rest of the map the
// fault is in (the faulting read goes on, and reads zeros), and marks that map cut; the
// reader sees the mark at its next record and reports the cut as a read error. A fault
// anywhere else is left to the handler that was there before.
struct MappedFileSlot {
    std::atomic<std::uintptr_t> begin{0};
    std::atomic<std::uintptr_t> end{0};
    std::atomic<bool> cut{false};
};
static_assert(std::atomic<std::uintptr_t>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);

class MappedFileGuard {
public:
    // A slot for the map [begin, begin + length); -1 when all are taken (the caller then
    // does not map).
    static int add(const void* begin, std::size_t length) {
        static std::once_flag installed;
        std::call_once(installed, install);
        if (!installed_) return -1;
        for (int i = 0; i < kSlots; ++i) {
            std::uintptr_t expected = 0;
            MappedFileSlot& slot = slots_[i];
            if (slot.begin.compare_exchange_strong(expected, kClaimed)) {
                slot.cut.store(false);
                slot.end.store(reinterpret_cast<std::uintptr_t>(begin) + length);
                slot.begin.store(reinterpret_cast<std::uintptr_t>(begin));
                return i;
            }
        }
        return -1;
    }
    static void remove(int slot) {
        if (slot < 0) return;
        slots_[slot].end.store(0);
        slots_[slot].begin.store(0);
    }
    static bool cut(int slot) { return slot >= 0 && slots_[slot].cut.load(std::memory_order_relaxed); }

private:
    static constexpr int kSlots = 64;
    static constexpr std::uintptr_t kClaimed = 1;  // being filled in (never a map's address)
    using Slot = MappedFileSlot;

    static void install() {
        page_ = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
        struct sigaction action {};
        action.sa_sigaction = on_sigbus;
        action.sa_flags = SA_SIGINFO;
        sigemptyset(&action.sa_mask);
        installed_ = sigaction(SIGBUS, &action, &previous_) == 0;
    }
    static void on_sigbus(int signal, siginfo_t* info, void* context) {
        const auto at = reinterpret_cast<std::uintptr_t>(info->si_addr);
        for (Slot& slot : slots_) {
            const std::uintptr_t begin = slot.begin.load();
            const std::uintptr_t end = slot.end.load();
            if (begin <= kClaimed || at < begin || at >= end) continue;
            const std::uintptr_t page = at / page_ * page_;
            void* zeros = mmap(reinterpret_cast<void*>(page), end - page, PROT_READ,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (zeros != MAP_FAILED) {
                slot.cut.store(true);
                return;
            }
        }
        // Not a map of ours: the previous handler, or the default action (the faulting
        // instruction runs again and the signal is delivered to it).
        if (previous_.sa_flags & SA_SIGINFO) {
            if (previous_.sa_sigaction) {
                previous_.sa_sigaction(signal, info, context);
                return;
            }
        } else if (previous_.sa_handler != SIG_DFL && previous_.sa_handler != SIG_IGN) {
            previous_.sa_handler(signal);
            return;
        }
        sigaction(SIGBUS, &previous_, nullptr);
    }

    static inline Slot slots_[kSlots];
    static inline struct sigaction previous_ {};
    static inline std::uintptr_t page_ = 4096;
    static inline bool installed_ = false;
};

class PcapFileReader final : public CaptureReader {
public:
    PcapFileReader(pcap_t* pcap, bool nanosecond) : pcap_(pcap), nanosecond_(nanosecond) {
        CaptureInterface iface;
        iface.link_type = dlt_to_link_type(pcap_datalink(pcap));
        iface.snap_length = static_cast<std::uint32_t>(pcap_snapshot(pcap));
        interfaces_.push_back(iface);
    }
    ~PcapFileReader() override {
        MappedFileGuard::remove(guard_);
        if (map_) munmap(const_cast<unsigned char*>(map_), map_length_);
        pcap_close(pcap_);
    }

    // A plain file of `size` bytes, in this machine's byte order (libpcap has read its
    // header): its records are read from a memory map of the whole file, with no copy
    // into stdio's buffer and then libpcap's; the pages behind the reader are dropped as
    // it goes (they are read again from the page cache if a reference into them is
    // followed), so that the resident size stays flat. The first record that is not
    // ordinary (a length over the snapshot length, one cut short by the end of the file)
    // is handed back to libpcap at its offset, so that what is reported about it is
    // libpcap's; the map stays until the reader is destroyed (lasting_bytes()).
    void map_records(int fd, std::uint64_t size, bool native_order) {
        if (!native_order || !read_as_stored(interfaces_[0].link_type) || size <= kFileHeader ||
            size > SIZE_MAX)
            return;
        void* m = mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) return;  // libpcap reads it all
        guard_ = MappedFileGuard::add(m, static_cast<std::size_t>(size));
        if (guard_ < 0) {  // no way to survive a cut file: libpcap reads it all
            munmap(m, static_cast<std::size_t>(size));
            return;
        }
        madvise(m, static_cast<std::size_t>(size), MADV_SEQUENTIAL);
        map_ = static_cast<const unsigned char*>(m);
        map_length_ = static_cast<std::size_t>(size);
        fd_ = fd;
        file_size_ = size;
        offset_ = kFileHeader;
        mapped_ = true;
    }
    Bytes lasting_bytes() const override { return map_ ? Bytes(map_, map_length_) : Bytes(); }

    ReadStatus next(CapturedPacket& packet) override {
        if (mapped_) {
            if (offset_ == file_size_) {
                lseek(fd_, static_cast<off_t>(offset_), SEEK_SET);  // for the progress meter
                return ReadStatus::End;
            }
            const unsigned char* record = mapped_record();
            if (MappedFileGuard::cut(guard_)) {
                // The file was cut short under the map (the bytes read past its new end
                // were zeros): the records from here on are gone.
                mapped_ = false;
                error_message_ = "the file was cut short while it was being read";
                return ReadStatus::Error;
            }
            if (record) {
                std::uint32_t h[4];
                std::memcpy(h, record, sizeof h);
                const std::int64_t fraction = nanosecond_ ? h[1] : std::int64_t(h[1]) * 1000;
                packet.ts_ns = std::int64_t(h[0]) * 1'000'000'000 + fraction;
                packet.captured_length = h[2];
                packet.original_length = h[3];
                packet.interface_id = 0;
                packet.link_type = interfaces_[0].link_type;
                packet.data = Bytes(record + kRecordHeader, h[2]);
                const std::uint64_t start = offset_;
                offset_ += kRecordHeader + h[2];
                if (start - dropped_ >= kDropStep) move_on(start);
                // The next record's header and the headers of its packet are read next:
                // fetched while this packet is dissected.
                if (file_size_ - offset_ >= 128) {
                    __builtin_prefetch(map_ + offset_);
                    __builtin_prefetch(map_ + offset_ + 64);
                }
                return ReadStatus::Packet;
            }
            // Not an ordinary record: libpcap reads on from its first byte.
            mapped_ = false;
            if (std::fseek(pcap_file(pcap_), static_cast<long>(offset_), SEEK_SET) != 0) {
                error_message_ = std::strerror(errno);
                return ReadStatus::Error;
            }
        }
        pcap_pkthdr* header = nullptr;
        const u_char* data = nullptr;
        int rc = pcap_next_ex(pcap_, &header, &data);
        if (rc == 1) {
            // Opened with nanosecond precision: tv_usec holds nanoseconds.
            packet.ts_ns = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000'000 +
                           static_cast<std::int64_t>(header->ts.tv_usec);
            packet.captured_length = header->caplen;
            packet.original_length = header->len;
            packet.interface_id = 0;
            packet.link_type = interfaces_[0].link_type;
            packet.data = Bytes(data, header->caplen);
            return ReadStatus::Packet;
        }
        if (rc == PCAP_ERROR_BREAK) return ReadStatus::End;
        error_message_ = pcap_geterr(pcap_);
        return ReadStatus::Error;
    }
    CaptureFormat format() const override { return CaptureFormat::Pcap; }
    std::uint32_t link_type() const override { return interfaces_[0].link_type; }
    const std::vector<CaptureInterface>& interfaces() const override { return interfaces_; }
    bool nanosecond_resolution() const override { return nanosecond_; }
    const std::vector<DecryptionSecrets>& secrets() const override { return secrets_; }

private:
    static constexpr std::uint64_t kFileHeader = 24;
    static constexpr std::uint64_t kRecordHeader = 16;
    // How far the reader goes between two drops of the pages behind it.
    static constexpr std::uint64_t kDropStep = 1 << 20;
    // How far it goes between two sweeps of everything behind it: a page read again after
    // it was dropped (bytes kept by reference and compared or copied later, when a
    // connection closes) comes back with the pages around it, and would otherwise stay.
    static constexpr std::uint64_t kSweepStep = 16 << 20;

    // The record at offset_, header and data; null when it is not an ordinary record.
    const unsigned char* mapped_record() const {
        if (file_size_ - offset_ < kRecordHeader) return nullptr;
        const unsigned char* record = map_ + offset_;
        std::uint32_t caplen;
        std::memcpy(&caplen, record + 8, sizeof caplen);
        const std::uint64_t limit = std::min<std::uint64_t>(interfaces_[0].snap_length, kMaxOrdinaryRecord);
        if (caplen > limit || file_size_ - offset_ - kRecordHeader < caplen) return nullptr;
        return record;
    }
    // The reader is at `at` (the record just returned starts there): drops the pages
    // before it from the resident set, and notices a file that was cut meanwhile (the
    // records past its new end go to libpcap, which reports the cut; bytes mapped past
    // the end of a file cannot be read).
    void move_on(std::uint64_t at) {
        const std::uint64_t page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
        const std::uint64_t to = at / page * page;
        const std::uint64_t from = to - swept_ >= kSweepStep ? 0 : dropped_;
        madvise(const_cast<unsigned char*>(map_) + from, static_cast<std::size_t>(to - from), MADV_DONTNEED);
        if (from == 0) swept_ = to;
        dropped_ = to;
        struct stat st;
        if (fstat(fd_, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < file_size_)
            file_size_ = std::max<std::uint64_t>(offset_, static_cast<std::uint64_t>(st.st_size));
        // The descriptor's offset is what the progress meter reads (bytes_read()).
        lseek(fd_, static_cast<off_t>(offset_), SEEK_SET);
    }

    static constexpr std::uint64_t kMaxOrdinaryRecord = 262144;  // libpcap's largest snapshot

    pcap_t* pcap_;
    bool nanosecond_;
    std::vector<CaptureInterface> interfaces_;
    std::vector<DecryptionSecrets> secrets_;
    bool mapped_ = false;  // records are read from map_
    int fd_ = -1;
    std::uint64_t file_size_ = 0;  // as far as records are read from the map
    std::uint64_t offset_ = 0;     // of the next record
    const unsigned char* map_ = nullptr;  // the whole file, until the reader is destroyed
    int guard_ = -1;                      // map_'s slot in MappedFileGuard
    std::size_t map_length_ = 0;
    std::uint64_t dropped_ = 0;  // the pages before it are no longer resident
    std::uint64_t swept_ = 0;    // where the last sweep of everything behind the reader ended
};

bool is_pcap_magic(const unsigned char m[4]) {
    static const unsigned char kMagics[4][4] = {
        {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},  // microseconds
        {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},  // nanoseconds
    };
    for (const auto& k : kMagics)
        if (std::memcmp(m, k, 4) == 0) return true;
    return false;
}

bool is_nanosecond_pcap(const unsigned char m[4]) {
    return (m[0] == 0x4d && m[1] == 0x3c) || (m[2] == 0x3c && m[3] == 0x4d);
}

bool is_pcapng_magic(const unsigned char m[4]) {
    return m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a;
}

}  // namespace

std::unique_ptr<CaptureReader> CaptureReader::open(const std::string& path, CaptureError& error,
                                                   std::string& message) {
    error = CaptureError::None;
    FILE* file = nullptr;
    unsigned char magic[4]{};
    std::size_t magic_len = 0;
    int source_fd = -1;
    std::uint64_t total_bytes = 0;
    // glibc takes the size only with a caller's buffer (with nullptr it keeps 4 KiB).
    // It must outlive the FILE*, which the reader closes: the reader keeps it.
    auto stdio_buffer = std::make_unique<char[]>(kStdioBufferSize);
    auto damage = std::make_shared<std::string>();

    if (path == "-") {
        file = open_through_zlib(dup(fileno(stdin)), magic, magic_len, stdio_buffer.get(), damage);
    } else {
        struct stat st {};
        if (stat(path.c_str(), &st) != 0) {
            error = CaptureError::CannotOpen;
            message = std::strerror(errno);
            return nullptr;
        }
        if (S_ISDIR(st.st_mode)) {
            error = CaptureError::CannotOpen;
            message = "is a directory";
            return nullptr;
        }
        file = std::fopen(path.c_str(), "rb");
        if (!file) {
            error = CaptureError::CannotOpen;
            message = std::strerror(errno);
            return nullptr;
        }
        // Before any read: glibc ignores setvbuf on a stream that has been read from,
        // and libpcap's per-record freads then cost a read(2) of 4 KiB each.
        setvbuf(file, stdio_buffer.get(), _IOFBF, kStdioBufferSize);
        magic_len = std::fread(magic, 1, 4, file);
        if (magic_len >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
            // gzip: reopen the descriptor through zlib.
            int fd = dup(fileno(file));
            std::fclose(file);
            lseek(fd, 0, SEEK_SET);
            file = open_through_zlib(fd, magic, magic_len, stdio_buffer.get(), damage);
            source_fd = fd;
        } else {
            std::rewind(file);
            source_fd = fileno(file);
        }
        if (S_ISREG(st.st_mode)) total_bytes = static_cast<std::uint64_t>(st.st_size);
        else source_fd = -1;
    }
    if (!file) {
        error = CaptureError::CannotOpen;
        message = "cannot read the file";
        return nullptr;
    }
    if (magic_len < 4 && !damage->empty()) {
        std::fclose(file);
        error = CaptureError::Damaged;
        message = *damage;
        return nullptr;
    }
    if (magic_len < 4) {
        std::fclose(file);
        error = CaptureError::NotACapture;
        message = magic_len == 0 ? "the file is empty" : "the file is too short to be a capture";
        return nullptr;
    }
    if (is_pcapng_magic(magic)) {
        auto reader = make_pcapng_reader(file, error, message);  // takes the FILE*
        if (!reader) return nullptr;
        reader->source_fd_ = source_fd;
        reader->total_bytes_ = total_bytes;
        reader->stdio_buffer_ = std::move(stdio_buffer);
        reader->damage_ = std::move(damage);
        return reader;
    }
    if (!is_pcap_magic(magic)) {
        std::fclose(file);
        error = CaptureError::NotACapture;
        message = "not a pcap or pcapng capture (unknown file signature " + hex_string(Bytes(magic, 4)) + ")";
        return nullptr;
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* pcap = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!pcap) {
        std::fclose(file);
        error = CaptureError::NotACapture;
        message = errbuf;
        return nullptr;
    }
    auto reader = std::make_unique<PcapFileReader>(pcap, is_nanosecond_pcap(magic));
    // A plain file (not gzip, not a pipe) in this machine's byte order: mapped.
    if (source_fd >= 0 && source_fd == fileno(file)) {
        const std::uint32_t native_magic = 0xa1b2c3d4, native_nano_magic = 0xa1b23c4d;
        std::uint32_t m;
        std::memcpy(&m, magic, sizeof m);
        reader->map_records(source_fd, total_bytes, m == native_magic || m == native_nano_magic);
    }
    if (!link_type_supported(reader->link_type())) {
        error = CaptureError::UnsupportedLink;
        message = "unsupported link type " + link_type_name(reader->link_type()) + " (" +
                  std::to_string(reader->link_type()) + ")";
        return nullptr;
    }
    CaptureReader& base = *reader;
    base.source_fd_ = source_fd;
    base.total_bytes_ = total_bytes;
    base.stdio_buffer_ = std::move(stdio_buffer);
    base.damage_ = std::move(damage);
    return reader;
}

const std::string& CaptureReader::stream_damage() const {
    static const std::string none;
    return damage_ ? *damage_ : none;
}

std::uint64_t CaptureReader::bytes_read() const {
    if (source_fd_ < 0) return 0;
    const off_t at = lseek(source_fd_, 0, SEEK_CUR);
    return at < 0 ? 0 : static_cast<std::uint64_t>(at);
}

bool link_type_supported(std::uint32_t link_type) {
    switch (link_type) {
        case kLinkNull: case kLinkEthernet: case kLinkRaw: case kLinkLoop:
        case kLinkLinuxSll: case kLinkIpv4: case kLinkIpv6: case kLinkLinuxSll2:
        case kLinkPpp: case kLinkFddi: case kLinkPppHdlc: case kLinkIeee80211: case kLinkRadiotap:
        case kLinkPpi: case kLinkNflog:
            return true;
        default:
            return false;
    }
}

std::string link_type_name(std::uint32_t link_type) {
    switch (link_type) {
        case kLinkNull: return "NULL";
        case kLinkEthernet: return "EN10MB";
        case kLinkRaw: return "RAW";
        case kLinkLoop: return "LOOP";
        case kLinkLinuxSll: return "LINUX_SLL";
        case kLinkIpv4: return "IPV4";
        case kLinkIpv6: return "IPV6";
        case kLinkLinuxSll2: return "LINUX_SLL2";
        case kLinkPpp: return "PPP";
        case kLinkFddi: return "FDDI";
        case kLinkPppHdlc: return "PPP_HDLC";
        case kLinkIeee80211: return "IEEE802_11";
        case kLinkRadiotap: return "IEEE802_11_RADIOTAP";
        case kLinkPpi: return "PPI";
        case kLinkNflog: return "NFLOG";
        default: break;
    }
    // Link types not dissected, by their tcpdump.org names, so that the error names them.
    static constexpr std::pair<std::uint32_t, const char*> kOthers[] = {
        {3, "AX25"}, {6, "IEEE802_5"}, {7, "ARCNET_BSD"}, {8, "SLIP"},
        {100, "ATM_RFC1483"}, {104, "C_HDLC"}, {106, "ATM_CLIP"}, {107, "FRELAY"}, {114, "LTALK"},
        {119, "PRISM_HEADER"}, {122, "IP_OVER_FC"}, {123, "SUNATM"}, {138, "APPLE_IP_OVER_IEEE1394"},
        {139, "MTP2_WITH_PHDR"}, {143, "DOCSIS"}, {163, "IEEE802_11_AVS"}, {165, "BACNET_MS_TP"},
        {166, "PPP_PPPD"}, {169, "GPRS_LLC"}, {177, "LINUX_LAPD"}, {187, "BLUETOOTH_HCI_H4"},
        {189, "USB_LINUX"}, {195, "IEEE802_15_4_WITHFCS"}, {201, "BLUETOOTH_HCI_H4_WITH_PHDR"},
        {215, "IEEE802_15_4_NONASK_PHY"}, {220, "USB_LINUX_MMAPPED"}, {227, "CAN_SOCKETCAN"},
        {230, "IEEE802_15_4_NOFCS"}, {235, "DVB_CI"}, {249, "USBPCAP"}, {251, "BLUETOOTH_LE_LL"},
        {253, "NETLINK"}, {254, "BLUETOOTH_LINUX_MONITOR"}, {256, "BLUETOOTH_LE_LL_WITH_PHDR"},
        {264, "ISO_14443"}, {272, "NORDIC_BLE"}, {283, "IEEE802_15_4_TAP"},
    };
    for (const auto& [value, name] : kOthers)
        if (value == link_type) return name;
    if (link_type >= 147 && link_type <= 162) return "USER" + std::to_string(link_type - 147);
    return "LINKTYPE_" + std::to_string(link_type);
}

std::string link_type_description(std::uint32_t link_type) {
    switch (link_type) {
        case kLinkNull: return "NULL/Loopback";
        case kLinkEthernet: return "Ethernet";
        case kLinkRaw: return "Raw IP";
        case kLinkLoop: return "OpenBSD loopback";
        case kLinkLinuxSll: return "Linux cooked-mode capture v1";
        case kLinkIpv4: return "Raw IPv4";
        case kLinkIpv6: return "Raw IPv6";
        case kLinkLinuxSll2: return "Linux cooked-mode capture v2";
        case kLinkPpp: return "PPP";
        case kLinkFddi: return "FDDI";
        case kLinkPppHdlc: return "PPP in HDLC-like framing";
        case kLinkIeee80211: return "IEEE 802.11 Wireless LAN";
        case kLinkRadiotap: return "IEEE 802.11 plus radiotap radio header";
        case kLinkPpi: return "Per-Packet Information header";
        case kLinkNflog: return "NFLOG";
        default: return "Unknown";
    }
}

}  // namespace tlsdissect
