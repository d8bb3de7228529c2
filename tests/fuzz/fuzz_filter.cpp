// Fuzz target: the display-filter language (-Y) and the --frames list, then the
// compiled filter matched against the field tree of a frame.
//
// Input: filter text [NUL link-type selector, frame bytes...]
// The text up to the first NUL byte is compiled as a display filter (and parsed as a
// --frames list); a failure must come with a message and a column inside the text, and
// the caret display must render. When the filter compiles and bytes follow the NUL,
// they are dissected as one frame and the filter is matched against its tree (once
// with the tree, once with an empty tree).
#include <cstdint>
#include <cstring>
#include <string_view>

#include "filter/display_filter.hpp"
#include "filter/frame_list.hpp"
#include "fuzz_support.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"

using namespace tlsdissect;

namespace {
constexpr std::uint32_t kLinkTypes[] = {kLinkEthernet, kLinkRaw, kLinkLinuxSll, kLinkIpv4, kLinkIpv6};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto* nul = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
    const std::size_t text_size = nul ? static_cast<std::size_t>(nul - data) : size;
    const std::string_view text(reinterpret_cast<const char*>(data), text_size);

    FilterError frames_error;
    if (auto frames = FrameList::parse(text, frames_error)) {
        (void)frames->contains(1);
        (void)frames->last();
    } else {
        FUZZ_CHECK(!frames_error.message.empty());
        FUZZ_CHECK(frames_error.column <= text.size());
        FUZZ_CHECK(!filter_error_display(text, frames_error, "frame list").empty());
    }

    FilterError error;
    auto filter = DisplayFilter::compile(text, error);
    if (!filter) {
        FUZZ_CHECK(!error.message.empty());
        FUZZ_CHECK(error.column <= text.size());
        FUZZ_CHECK(!filter_error_display(text, error).empty());
        return 0;
    }
    FUZZ_CHECK(filter->text() == text);
    Tree empty;
    (void)filter->matches(empty);
    if (!nul) return 0;

    fuzz::InputCursor in(nul + 1, size - text_size - 1);
    CapturedPacket packet;
    packet.link_type = kLinkTypes[in.u8() % std::size(kLinkTypes)];
    packet.data = in.rest();
    packet.captured_length = static_cast<std::uint32_t>(packet.data.size());
    packet.original_length = packet.captured_length;
    packet.ts_ns = 1'700'000'000'000'000'000;
    FrameDissector dissector;
    Tree tree;
    PacketColumns columns;
    dissector.dissect(packet, &tree, &columns);
    const bool first = filter->matches(tree);
    // Matching is a pure function of the tree.
    FUZZ_CHECK(filter->matches(tree) == first);
    return 0;
}
