// Handshake messages collected across records (see handshake_buffer.hpp).
#include "tls/handshake_buffer.hpp"

namespace tlsdissect {

void HandshakeMessageBuffer::start(Bytes partial, std::uint64_t frame) {
    bytes_.assign(partial.begin(), partial.end());
    frames_.assign(1, frame);
}

}  // namespace tlsdissect
