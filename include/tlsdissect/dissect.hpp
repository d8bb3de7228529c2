// The dissection engine: one captured frame in, a field tree and the summary
// columns out. It keeps the state that spans packets (TCP conversations and stream
// indexes, IP fragment buffers) and otherwise delegates to one pure function per layer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tlsdissect/capture.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

// The Wireshark packet-list columns.
struct PacketColumns {
    std::string source;
    std::string destination;
    std::string protocol;
    std::string info;
    void clear() {
        source.clear();
        destination.clear();
        protocol.clear();
        info.clear();
    }
};

struct FrameInfo {
    std::uint64_t number = 0;       // from 1
    std::int64_t ts_ns = 0;
    std::int64_t since_first_ns = 0;
    std::int64_t since_previous_ns = 0;
    std::uint32_t captured_length = 0;
    std::uint32_t original_length = 0;
    std::uint32_t interface_id = 0;
    std::uint32_t link_type = 0;
};

class EngineState;

class FrameDissector {
public:
    FrameDissector();
    ~FrameDissector();
    FrameDissector(const FrameDissector&) = delete;
    FrameDissector& operator=(const FrameDissector&) = delete;

    // Interface names for the "on interface" part of the frame line (pcapng).
    void set_interfaces(const std::vector<CaptureInterface>& interfaces);

    // Dissects the next frame of the capture. `tree` and `columns` may be null when
    // the caller needs neither; state (stream indexes, reassembly) advances anyway.
    void dissect(const CapturedPacket& packet, Tree* tree, PacketColumns* columns,
                 FrameInfo* info = nullptr);

    std::uint64_t frames() const;

private:
    std::unique_ptr<EngineState> state_;
};

}  // namespace tlsdissect
