#include "transport/pdu_assembler.hpp"

#include <string>

namespace tlsdissect {

namespace {

constexpr FieldDef kSegments{"tcp.segments", "Reassembled TCP Segments", FieldType::None};
constexpr FieldDef kSegment{"tcp.segment", "Frame", FieldType::FrameNum};
constexpr FieldDef kSegmentCount{"tcp.segment.count", "Segment count", FieldType::UInt};
constexpr FieldDef kReassembledLength{"tcp.reassembled.length", "Reassembled TCP length", FieldType::UInt};

}  // namespace

std::uint16_t present_reassembled_pdu(NodeRef root, const AssembledPdu& pdu) {
    Tree& tree = *root.tree();
    const std::uint16_t source = tree.add_source("Reassembled TCP (" + std::to_string(pdu.length) + " bytes)",
                                                 std::vector<std::uint8_t>(pdu.bytes.begin(), pdu.bytes.end()));
    std::string summary = std::to_string(pdu.pieces.size()) + " Reassembled TCP Segments (" +
                          std::to_string(pdu.length) + " bytes): ";
    for (std::size_t i = 0; i < pdu.pieces.size(); ++i) {
        if (i) summary += ", ";
        summary += "#" + std::to_string(pdu.pieces[i].frame) + "(" + std::to_string(pdu.pieces[i].length) + ")";
    }
    NodeRef segs = root.add(kSegments, std::monostate{}, 0, pdu.bytes.size(), source);
    segs.set_text(std::move(summary)).set_generated();
    std::uint64_t at = 0;
    for (const auto& p : pdu.pieces) {
        segs.add(kSegment, std::uint64_t(p.frame), at, p.length)
            .set_text("Frame: ", p.frame, ", payload: ", at, "-", at + p.length - 1, " (", p.length, " bytes)")
            .set_generated();
        at += p.length;
    }
    segs.add_generated(kSegmentCount, std::uint64_t(pdu.pieces.size()));
    segs.add_generated(kReassembledLength, std::uint64_t(pdu.length));
    return source;
}

void PduAssembler::reset() {
    head_.clear();
    if (head_.capacity() > 64 * 1024) head_.shrink_to_fit();  // a big PDU passed: give the memory back
    pieces_.clear();
    total_ = keep_ = consumed_ = 0;
}

void PduAssembler::add_piece(std::uint64_t frame, std::size_t n) {
    if (n == 0) return;
    if (!pieces_.empty() && pieces_.back().frame == frame)
        pieces_.back().length += static_cast<std::uint32_t>(n);
    else
        pieces_.push_back({frame, static_cast<std::uint32_t>(n)});
}

}  // namespace tlsdissect
