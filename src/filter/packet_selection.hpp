// Which packets the command line shows: -Y/--filter, --frames and --stream together
// (a packet must pass all that are given).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "filter/display_filter.hpp"
#include "filter/frame_list.hpp"
#include "tlsdissect/dissect.hpp"

namespace tlsdissect {

struct SelectionOptions {
    std::string filter;       // -Y; empty: none
    std::string frames;       // --frames; empty: none
    std::int64_t stream = -1; // --stream: tcp.stream == N; negative: none
};

class PacketSelection {
public:
    // Compiles the options. On failure returns nothing and sets `error_text` to the
    // message with the caret display (filter_error_display), ready for stderr.
    static std::optional<PacketSelection> make(const SelectionOptions& options, std::string& error_text);

    // Whether a packet's field tree is needed to decide.
    bool needs_tree() const { return filter_ || stream_; }
    // Whether this packet is shown; `tree` may be null when needs_tree() is false.
    bool selects(const FrameInfo& frame, const Tree* tree) const;
    // True once no frame after `frame` can be selected (past the last of --frames).
    bool done_after(std::uint64_t frame) const;

private:
    std::optional<DisplayFilter> filter_;
    std::optional<DisplayFilter> stream_;
    std::optional<FrameList> frames_;
};

}  // namespace tlsdissect
