// Packets printed on a thread of their own while the next ones are dissected (tree,
// -s, --json, -e: printers whose packet() reads only the packet). The dissection fills
// a slot (its own copy of the frame bytes, the tree, the columns); the printing thread
// prints slots in order and gives them back. Output is byte for byte the same as
// printing in the dissecting thread; -j 1 does that.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "output/printers.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

class PrintPipeline {
public:
    struct Slot {
        std::vector<std::uint8_t> bytes;  // the frame, owned (the reader reuses its buffer)
        Tree tree;
        PacketColumns columns;
        FrameInfo info;
        bool with_tree = false;
        bool with_columns = false;
    };
    // Slots in flight: enough to ride over a slow packet on either side.
    static constexpr std::size_t kSlots = 64;
    // The printing thread is woken when this many slots wait (or the dissection needs a
    // slot back, or drains): one wake-up per batch, not per packet.
    static constexpr std::size_t kWakeBatch = 16;

    explicit PrintPipeline(PacketPrinter& printer) : printer_(printer) {
        slots_.resize(kSlots);
        for (auto& s : slots_) free_.push_back(&s);
        thread_ = std::thread([this] { loop(); });
    }
    ~PrintPipeline() {
        drain();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        ready_cv_.notify_one();
        thread_.join();
    }
    PrintPipeline(const PrintPipeline&) = delete;
    PrintPipeline& operator=(const PrintPipeline&) = delete;

    // A free slot, holding a copy of `packet`'s bytes; `view` is the packet pointing there.
    Slot& take(const CapturedPacket& packet, CapturedPacket& view) {
        Slot* s = nullptr;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (free_.empty()) {
                flush_ = true;
                wake_printer(lock);
                free_cv_.wait(lock, [this] { return !free_.empty(); });
                flush_ = false;
            }
            s = free_.front();
            free_.pop_front();
        }
        s->bytes.assign(packet.data.begin(), packet.data.end());
        view = packet;
        view.data = Bytes(s->bytes);
        return *s;
    }
    // The slot is filled: print it after the ones given before.
    void print(Slot& s) {
        bool wake = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ready_.push_back(&s);
            wake = printer_waiting_ && ready_.size() >= kWakeBatch;
            if (wake) printer_waiting_ = false;
        }
        if (wake) ready_cv_.notify_one();
    }
    // A slot taken and not to be printed.
    void give_back(Slot& s) {
        std::lock_guard<std::mutex> lock(mutex_);
        free_.push_back(&s);
        free_cv_.notify_one();
    }
    // Waits until every slot given is printed.
    void drain() {
        std::unique_lock<std::mutex> lock(mutex_);
        flush_ = true;
        wake_printer(lock);
        free_cv_.wait(lock, [this] { return free_.size() == slots_.size(); });
        flush_ = false;
    }

private:
    // With `lock` held: wakes the printing thread if it sleeps with slots waiting.
    void wake_printer(std::unique_lock<std::mutex>& lock) {
        if (!printer_waiting_ || ready_.empty()) return;
        printer_waiting_ = false;
        lock.unlock();
        ready_cv_.notify_one();
        lock.lock();
    }

    void loop() {
        std::vector<Slot*> mine;
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(mutex_);
                // Sleeps until woken: a batch is ready, or the dissection waits for a slot.
                if (!stopping_ && ready_.size() < kWakeBatch && !(flush_ && !ready_.empty())) {
                    printer_waiting_ = true;
                    ready_cv_.wait(lock, [this] { return stopping_ || !printer_waiting_; });
                }
                printer_waiting_ = false;
                if (ready_.empty()) {
                    if (stopping_) return;
                    continue;
                }
                mine.assign(ready_.begin(), ready_.end());
                ready_.clear();
            }
            // As the dissecting thread would: the slot's tree and columns (left empty when
            // the printer did not want them).
            for (Slot* s : mine) {
                if (!s->with_tree) s->tree.clear();
                if (!s->with_columns) s->columns.clear();
                printer_.packet(s->info, &s->tree, &s->columns);
            }
            {
                std::lock_guard<std::mutex> lock(mutex_);
                for (Slot* s : mine) free_.push_back(s);
            }
            free_cv_.notify_all();
            mine.clear();
        }
    }

    PacketPrinter& printer_;
    std::deque<Slot> slots_;
    std::mutex mutex_;
    std::condition_variable ready_cv_, free_cv_;
    std::deque<Slot*> free_, ready_;
    bool printer_waiting_ = false;
    bool flush_ = false;  // the dissection waits for slots: print what is ready
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace tlsdissect
