// Typed state slots: one per type, created on first use. CaptureState holds what lives
// as long as one capture, one slot per protocol module (its conversation table,
// reassembly buffers, settings and hooks); a UDP flow holds its own, one slot per
// protocol that keeps per-flow state (QUIC connection IDs, DTLS epochs). A dissector
// asks for its own slot by type, so it sees no other module's state, and a unit test
// that parses one message builds none of the tables it does not use.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace tlsdissect {

class StateSlots {
public:
    StateSlots() = default;
    StateSlots(const StateSlots&) = delete;
    StateSlots& operator=(const StateSlots&) = delete;

    // The module's state, default-constructed on first use.
    template <typename T>
    T& get() {
        const std::size_t id = slot_id<T>();
        if (id >= by_id_.size()) by_id_.resize(id + 1, nullptr);
        if (!by_id_[id]) {
            owned_.push_back(std::make_unique<Slot<T>>());
            by_id_[id] = owned_.back().get();
        }
        return static_cast<Slot<T>*>(by_id_[id])->value;
    }
    // The module's state if it was created, null otherwise.
    template <typename T>
    T* find() const {
        const std::size_t id = slot_id<T>();
        if (id >= by_id_.size() || !by_id_[id]) return nullptr;
        return &static_cast<Slot<T>*>(by_id_[id])->value;
    }

    // Destroyed in reverse order of creation, so that a module's state may refer to
    // one created before it.
    ~StateSlots() {
        while (!owned_.empty()) owned_.pop_back();
    }

private:
    struct SlotBase {
        virtual ~SlotBase() = default;
    };
    template <typename T>
    struct Slot final : SlotBase {
        T value;
    };
    static std::size_t next_slot_id() {
        static std::size_t next = 0;
        return next++;
    }
    template <typename T>
    static std::size_t slot_id() {
        static const std::size_t id = next_slot_id();
        return id;
    }
    std::vector<SlotBase*> by_id_;                 // by type
    std::vector<std::unique_ptr<SlotBase>> owned_;  // in order of creation
};

using CaptureState = StateSlots;

}  // namespace tlsdissect
