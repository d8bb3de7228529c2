// DTLS handshake message reassembly (RFC 6347 section 4.2.3, RFC 9147 section 5.5): a
// message is cut into fragments, each with the message's type, length and message_seq
// and its own fragment_offset and fragment_length; fragments may arrive in any order,
// overlap, or come again in a retransmitted flight. One reassembler per direction.
// Pure state: fragments in, whole messages (with the frames that carried them) out.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

// Messages being reassembled at once per direction; beyond it the oldest is dropped.
inline constexpr std::size_t kMaxDtlsPendingMessages = 16;
// Bytes held for incomplete messages per direction; beyond it the oldest is dropped.
inline constexpr std::size_t kMaxDtlsPendingBytes = 512u << 10;
// Largest message reassembled (as kMaxHandshakeMessage for TLS).
inline constexpr std::size_t kMaxDtlsHandshakeMessage = 256u << 10;
// Messages remembered as complete, to recognise retransmissions.
inline constexpr std::size_t kMaxDtlsCompletedMessages = 64;
// Bytes held for incomplete messages by all the reassemblers of a capture together, so
// that many connections each holding a little cannot add up to a lot.
inline constexpr std::size_t kMaxDtlsTotalPendingBytes = 64u << 20;

// The memory all the reassemblers of a capture share (DtlsState owns it).
struct DtlsReassemblyBudget {
    std::size_t used = 0;
    std::size_t limit = kMaxDtlsTotalPendingBytes;
};

struct DtlsFragment {
    std::uint8_t type = 0;
    std::uint32_t length = 0;         // of the whole message body
    std::uint16_t message_seq = 0;
    std::uint32_t fragment_offset = 0;
    Bytes data;                        // fragment_length bytes
    std::uint64_t frame = 0;
};

class DtlsHandshakeReassembler {
public:
    // `budget`, when given, is charged for every byte held and must outlive this.
    explicit DtlsHandshakeReassembler(DtlsReassemblyBudget* budget = nullptr) : budget_(budget) {}
    ~DtlsHandshakeReassembler() { release(pending_bytes_); }
    DtlsHandshakeReassembler(const DtlsHandshakeReassembler&) = delete;
    DtlsHandshakeReassembler& operator=(const DtlsHandshakeReassembler&) = delete;

    enum class Kind : std::uint8_t {
        Complete,        // `message` holds the whole message
        Partial,         // kept; more fragments are needed
        Retransmission,  // the message was already complete: nothing new
        Rejected,        // a fragment that lies (past the length, too long, conflicting): `problem` says why
    };
    struct Outcome {
        Kind kind = Kind::Partial;
        // Complete: the message with a 12-byte header as if sent unfragmented
        // (fragment_offset 0, fragment_length = length), RFC 6347 section 4.2.6.
        std::vector<std::uint8_t> message;
        std::vector<std::uint64_t> frames;  // Complete: the frames that carried it, in arrival order
        std::vector<std::uint32_t> frame_bytes;  // Complete: the new bytes each of those frames brought
        std::uint64_t first_complete_frame = 0;  // Retransmission: where it was complete first
        std::string problem;
    };

    Outcome add(const DtlsFragment& fragment);
    std::size_t pending_messages() const { return pending_.size(); }
    std::size_t pending_bytes() const { return pending_bytes_; }

private:
    struct Pending {
        std::uint8_t type = 0;
        std::uint32_t length = 0;
        std::vector<std::uint8_t> body;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> have;  // [begin, end) ranges, sorted, merged
        std::vector<std::uint64_t> frames;
        std::vector<std::uint32_t> frame_bytes;
        std::uint64_t order = 0;  // arrival order of its first fragment, to drop the oldest
    };
    struct Completed {
        std::uint16_t message_seq;
        std::uint8_t type;
        std::uint32_t length;
        std::uint64_t digest;  // of the body: the same message_seq with other content is a new handshake
        std::uint64_t frame;
    };
    const Completed* completed(std::uint16_t seq, std::uint8_t type, std::uint32_t length) const;
    void drop_oldest();
    Outcome finish(std::uint16_t seq, Pending& p);

    void release(std::size_t n) {
        pending_bytes_ -= n;
        if (budget_) budget_->used -= n;
    }

    DtlsReassemblyBudget* budget_ = nullptr;
    std::map<std::uint16_t, Pending> pending_;
    std::vector<Completed> completed_;  // oldest first (a deque would allocate even when empty)
    std::size_t pending_bytes_ = 0;
    std::uint64_t next_order_ = 0;
};

}  // namespace tlsdissect
