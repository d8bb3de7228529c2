// RecordedSubtree and SubtreeCache: nodes recorded once and added again elsewhere, the
// same in every respect but their offsets; what cannot be replayed faithfully is refused.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/subtree_cache.hpp"
#include "test_support.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

const FieldDef kBlock{"test.block", "Block", FieldType::None};
const FieldDef kNumber{"test.number", "Number", FieldType::UInt};
const FieldDef kSigned{"test.signed", "Signed", FieldType::Int};
const FieldDef kRatio{"test.ratio", "Ratio", FieldType::Double};
const FieldDef kFlag{"test.flag", "Flag", FieldType::Bool};
const FieldDef kName{"test.name", "Name", FieldType::String};
const FieldDef kData{"test.data", "Data", FieldType::Bytes};
const FieldDef kV4{"test.v4", "V4", FieldType::IPv4};
const FieldDef kV6{"test.v6", "V6", FieldType::IPv6};
const FieldDef kMac{"test.mac", "Mac", FieldType::Ether};
const FieldDef kNote{"test.note", "Note", FieldType::String};

const std::vector<std::uint8_t> kBytes{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                                       0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

// What a pure dissector of kBytes at `base` adds under `parent`: every kind of value,
// nested nodes, a child added to an earlier node after later ones, hidden and generated
// nodes, a generated node without a place.
void dissect_block(NodeRef parent, std::size_t base) {
    NodeRef block = parent.add_text(kBlock, "Block of 16", base, 16);
    NodeRef inner = block.add(kNumber, std::uint64_t(0x1011), base, 2);
    block.add(kSigned, std::int64_t(-5), base + 2, 1).set_hidden();
    block.add(kRatio, 0.25, base + 3, 1);
    parent.add(kFlag, true, base + 4, 1);
    inner.add_string(kName, "a name longer than a short string", base + 5, 3);
    block.add_bytes(kData, Bytes(kBytes).subspan(8, 8), base + 6, 10);  // the last 8 bytes of its span
    block.add_bytes(kData, Bytes(kBytes).first(3), base + 1, 2);        // not the bytes it covers
    inner.add(kV4, Ipv4Address{{192, 0, 2, 1}}, base + 8, 4);
    inner.add(kV6, Ipv6Address{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}, base, 16);
    inner.add(kMac, MacAddress{{1, 2, 3, 4, 5, 6}}, base + 10, 6);
    parent.add_generated(kNote, std::string("generated, without a place"));
    block.add(kNumber, std::uint64_t(7), base + 16, 0).set_generated();  // generated, at the end
}

}  // namespace

TEST_CASE("A recorded subtree replays as the dissector would have added it", "[subtree]") {
    Tree original;
    NodeRef holder = original.root().add_text(kBlock, "holder", 40, 16);
    holder.add_text(kNote, "already there", 0, 0);
    const std::size_t first = original.size();
    dissect_block(holder, 40);
    auto recorded = RecordedSubtree::record(original, holder.id(), first, Bytes(kBytes), 40);
    REQUIRE(recorded);
    CHECK(recorded->node_count() == original.size() - first);
    CHECK(recorded->memory() > kBytes.size());

    for (std::size_t base : {std::size_t{0}, std::size_t{40}, std::size_t{123456}}) {
        INFO("at " << base);
        // The dissector run at `base`, and the recording replayed there, in a tree that
        // has been used before (kept nodes with old values to overwrite).
        Tree direct, replayed;
        for (Tree* t : {&direct, &replayed}) {
            dissect_block(t->root(), 3);
            t->clear();
            t->add_source("Reassembled", std::vector<std::uint8_t>(kBytes));
        }
        NodeRef a = direct.root().add_text(kBlock, "holder", base, 16, 1);
        a.add_text(kNote, "already there", 0, 0);
        dissect_block(a, base);
        NodeRef b = replayed.root().add_text(kBlock, "holder", base, 16, 1);
        b.add_text(kNote, "already there", 0, 0);
        recorded->replay(b, base);
        CHECK(subtree_lines(replayed, 0, base) == subtree_lines(direct, 0, base));
        CHECK(replayed.size() == direct.size());
    }
}

TEST_CASE("What cannot be replayed faithfully is not recorded", "[subtree]") {
    Tree t;
    t.add_source("Other", std::vector<std::uint8_t>(kBytes));
    NodeRef holder = t.root().add_text(kBlock, "holder", 10, 16);
    const std::size_t first = t.size();
    SECTION("a node in another data source") {
        holder.add(kNumber, std::uint64_t(1), 10, 1, 1);
    }
    SECTION("a node before the bytes") {
        holder.add(kNumber, std::uint64_t(1), 9, 1);
    }
    SECTION("a node past their end") {
        holder.add(kNumber, std::uint64_t(1), 20, 7);
    }
    SECTION("a node that is not under the holder") {
        t.root().add(kNumber, std::uint64_t(1), 10, 1);
    }
    SECTION("a node added under one that existed before") {
        NodeRef old = holder.add(kNumber, std::uint64_t(1), 10, 1);
        old.add(kNumber, std::uint64_t(2), 11, 1);
        CHECK_FALSE(RecordedSubtree::record(t, holder.id(), t.size() - 1, Bytes(kBytes), 10));
        return;
    }
    CHECK_FALSE(RecordedSubtree::record(t, holder.id(), first, Bytes(kBytes), 10));
}

TEST_CASE("SubtreeCache holds at most its entries and its bytes, emptied when full", "[subtree]") {
    auto recording = [](std::uint8_t tag) {
        Tree t;
        std::vector<std::uint8_t> bytes = kBytes;
        bytes[0] = tag;
        dissect_block(t.root(), 0);
        return RecordedSubtree::record(t, 0, 1, Bytes(bytes), 0);
    };
    const std::size_t one = recording(0)->memory();

    SubtreeCache<> by_entries(2, 1 << 20);
    for (std::uint8_t tag : {1, 2}) by_entries.keep(recording(tag));
    CHECK(by_entries.size() == 2);
    by_entries.keep(recording(2));  // the same bytes again: replaced, not added
    CHECK(by_entries.size() == 2);
    by_entries.keep(recording(3));
    CHECK(by_entries.size() == 1);

    // Room for four recordings and their table entries, not five.
    SubtreeCache<> by_bytes(100, 4 * one + 4 * 64 + 10);
    for (std::uint8_t tag : {1, 2, 3, 4}) by_bytes.keep(recording(tag));
    CHECK(by_bytes.size() == 4);
    CHECK(by_bytes.memory() <= 4 * one + 4 * 64 + 10);
    by_bytes.keep(recording(5));
    CHECK(by_bytes.size() == 1);
    std::vector<std::uint8_t> five = kBytes;
    five[0] = 5;
    CHECK(by_bytes.find(Bytes(five)) != nullptr);

    // A recording larger than a quarter of the budget is not kept at all.
    SubtreeCache<> small(100, 2 * one);
    small.keep(recording(1));
    CHECK(small.size() == 0);
    CHECK(small.memory() == 0);
}
