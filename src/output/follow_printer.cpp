// --follow / --follow-tls: one TCP stream's reassembled payload (or its decrypted TLS
// application data), both directions, in the layout of `tshark -q -z
// follow,tcp|tls,raw|ascii,N` (the second node's lines start with a tab).
#include <string>

#include "output/printers.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

namespace {

constexpr const char* kRule = "===================================================================\n";

class TcpFollowPrinter final : public FollowPrinter {
public:
    TcpFollowPrinter(std::FILE* out, std::uint32_t stream, bool ascii, std::string protocol)
        : out_(out), stream_(stream), ascii_(ascii), protocol_(std::move(protocol)) {}

    void chunk(const FollowChunk& c) override {
        if (!started_) {
            endpoint_[0] = c.endpoint[0];
            endpoint_[1] = c.endpoint[1];
            started_ = true;
        }
        std::string line = c.node == 1 ? "\t" : "";
        if (c.gap) {
            line += "[" + std::to_string(c.length) + " bytes missing in capture file]";
        } else if (ascii_) {
            line += std::to_string(c.data.size()) + "\n";
            for (auto b : c.data) line.push_back(b == '\n' || (b >= 0x20 && b < 0x7f) ? static_cast<char>(b) : '.');
        } else {
            line += hex_string(c.data);
        }
        body_ += line + "\n";
    }

    void finish() override {
        std::string out = "\n";
        out += kRule;
        out += "Follow: " + protocol_ + "," + (ascii_ ? "ascii" : "raw") + "\n";
        out += "Filter: tcp.stream eq " + std::to_string(stream_) + "\n";
        out += "Node 0: " + endpoint_[0] + "\n";
        out += "Node 1: " + endpoint_[1] + "\n";
        out += body_;
        out += kRule;
        std::fwrite(out.data(), 1, out.size(), out_);
        body_.clear();
        started_ = false;
    }

private:
    std::FILE* out_;
    std::uint32_t stream_;
    bool ascii_;
    std::string protocol_;
    bool started_ = false;
    std::string endpoint_[2];
    std::string body_;
};

}  // namespace

std::unique_ptr<FollowPrinter> make_follow_printer(std::FILE* out, std::uint32_t stream, bool ascii,
                                                  const std::string& protocol) {
    return std::make_unique<TcpFollowPrinter>(out, stream, ascii, protocol);
}

}  // namespace tlsdissect
