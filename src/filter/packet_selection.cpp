#include "filter/packet_selection.hpp"

namespace tlsdissect {

std::optional<PacketSelection> PacketSelection::make(const SelectionOptions& options, std::string& error_text) {
    PacketSelection selection;
    FilterError error;
    if (!options.filter.empty()) {
        selection.filter_ = DisplayFilter::compile(options.filter, error);
        if (!selection.filter_) {
            error_text = filter_error_display(options.filter, error);
            return std::nullopt;
        }
    }
    if (!options.frames.empty()) {
        selection.frames_ = FrameList::parse(options.frames, error);
        if (!selection.frames_) {
            error_text = filter_error_display(options.frames, error, "frame list");
            return std::nullopt;
        }
    }
    if (options.stream >= 0) {
        const std::string text = "tcp.stream == " + std::to_string(options.stream);
        selection.stream_ = DisplayFilter::compile(text, error);
        if (!selection.stream_) {
            error_text = filter_error_display(text, error);
            return std::nullopt;
        }
    }
    return selection;
}

bool PacketSelection::selects(const FrameInfo& frame, const Tree* tree) const {
    if (frames_ && !frames_->contains(frame.number)) return false;
    if (!needs_tree()) return true;
    if (!tree) return false;
    return (!stream_ || stream_->matches(*tree)) && (!filter_ || filter_->matches(*tree));
}

bool PacketSelection::done_after(std::uint64_t frame) const {
    if (!frames_) return false;
    auto last = frames_->last();
    return last && frame >= *last;
}

}  // namespace tlsdissect
