#include "transport/pdu_assembler.hpp"

namespace tlsdissect {

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
