// AirqVector and the parent-domain variants, call by call, against the kernel's rules
// (drivers/s390/cio/airq.c, arch/s390/pci/pci_irq.c).
#include <catch2/catch.hpp>

#include "models/zpci/airq_vector.h"
#include "models/zpci/facility.h"
#include "models/zpci/fallback.h"
#include "models/zpci/kernel_irq.h"

using namespace ssifsim::zpci;

namespace {
constexpr unsigned long kNo = AirqVector::kNoBit;

size_t count(const IrqAccounting& a, ViolationKind k) {
    return a.violation_counts()[static_cast<size_t>(k)];
}

FunctionConfig function(uint32_t fid, uint8_t devfn, unsigned max_msi, unsigned nvec,
                        MsiType type = MsiType::MsiX) {
    FunctionConfig f;
    f.fid = fid;
    f.devfn = devfn;
    f.max_msi = max_msi;
    f.nvec = nvec;
    f.type = type;
    return f;
}
} // namespace

TEST_CASE("airq bits are numbered MSB first within 64-bit words") {
    AirqVector v(128, 0);
    bool was = true;
    REQUIRE(v.set(0, &was));
    CHECK_FALSE(was);
    CHECK(v.words()[0] == 0x8000000000000000ULL);
    v.set(63, &was);
    CHECK(v.words()[0] == 0x8000000000000001ULL);
    v.set(64, &was);
    v.set(70, &was);
    CHECK(v.words()[1] == 0x8200000000000000ULL);
    v.set(70, &was);
    CHECK(was);                    // a second interrupt on a pending bit merges with it
    CHECK_FALSE(v.set(128, &was)); // past the vector: nothing written
}

TEST_CASE("airq scan finds set bits in order and clears each") {
    AirqVector v(128, 0);
    bool was = false;
    for (unsigned long b : {70UL, 3UL, 64UL})
        v.set(b, &was);
    CHECK(v.scan(0, 128) == 3);
    CHECK_FALSE(v.test(3));
    CHECK(v.scan(3, 128) == 64);
    CHECK(v.scan(64, 65) == kNo); // 70 is past `end`
    CHECK(v.scan(64, 128) == 70);
    CHECK(v.scan(0, 128) == kNo);
    CHECK(v.words()[0] == 0);
    CHECK(v.words()[1] == 0);
}

// find_next_bit_inv's answer does not depend on how far apart the set bits lie: a bit in
// the last word of a 5000-bit vector (79 words, so more than 64 words apart) is found from
// bit 0, and after each is cleared (by scan, clear or free) the next one is.
TEST_CASE("airq scan finds bits many words apart, and none once all are cleared") {
    AirqVector v(5000, AirqVector::kAlloc);
    CHECK(v.alloc(5000) == 0);
    bool was = false;
    for (unsigned long b : {4999UL, 0UL, 4095UL, 4096UL, 130UL})
        v.set(b, &was);
    CHECK(v.scan(0, 5000) == 0);
    CHECK(v.scan(1, 5000) == 130);
    CHECK(v.find(131, 5000) == 4095);
    CHECK(v.find(131, 4095) == kNo); // `end` is exclusive
    CHECK(v.clear(4095));
    CHECK(v.scan(131, 5000) == 4096);
    std::vector<unsigned long> cleared;
    v.free(4990, 10, &cleared); // 4999 pending: freeing drops it
    CHECK(cleared == std::vector<unsigned long>{4999});
    CHECK(v.scan(0, 5000) == kNo);
    v.set(64 * 70 + 1, &was); // a word set again after it was emptied
    CHECK(v.scan(0, 5000) == 64 * 70 + 1);
}

TEST_CASE("airq alloc is first fit with the kernel's end bookkeeping") {
    AirqVector v(128, AirqVector::kAlloc);
    CHECK(v.end() == 0);
    CHECK(v.alloc(0) == kNo);
    CHECK(v.alloc(4) == 0);
    CHECK(v.end() == 5); // bit + num + 1
    CHECK(v.alloc(2) == 4);
    CHECK(v.end() == 7);
    CHECK(v.alloc(1) == 6);
    CHECK(v.end() == 8);
    v.free(0, 4);
    CHECK(v.end() == 8); // 0 + 4 < end: not recomputed
    CHECK(v.alloc(3) == 0);
    // Bit 3 is free but alone; the search goes on after the allocated bit 4 to 7.
    CHECK(v.alloc(2) == 7);
    CHECK(v.end() == 10);
    CHECK(v.allocated(7));
    CHECK(v.allocated(8));
    CHECK_FALSE(v.allocated(3));
    CHECK(v.alloc(1) == 3);
    CHECK(v.end() == 10);
}

TEST_CASE("airq alloc fails when no run fits, a full vector's end is bits + 1") {
    AirqVector v(8, AirqVector::kAlloc);
    CHECK(v.alloc(8) == 0);
    CHECK(v.end() == 9);
    CHECK(v.alloc(1) == kNo);
    v.free(2, 2);
    CHECK(v.alloc(3) == kNo);
    CHECK(v.alloc(2) == 2);
    AirqVector no_bitmap(64, 0);
    CHECK(no_bitmap.alloc(1) == kNo);
    CHECK(no_bitmap.end() == 64); // without ALLOC, end is the whole vector
}

TEST_CASE("airq free clears pending bits and reports what it cleared and what lay beyond") {
    AirqVector v(64, AirqVector::kAlloc);
    CHECK(v.alloc(8) == 0);
    bool was = false;
    v.set(5, &was);
    v.set(9, &was); // not allocated, not freed
    std::vector<unsigned long> cleared;
    CHECK(v.free(4, 2, &cleared) == 0);
    CHECK(cleared == std::vector<unsigned long>{5});
    CHECK_FALSE(v.test(5));
    CHECK(v.test(9));
    CHECK(v.free(60, 8) == 4); // 64..67 lie past the vector
    CHECK(v.end() == 9);       // the kernel walks end down only over allocated bits
}

TEST_CASE("airq per-bit values, lock bits and the cache-line limit") {
    AirqVector v(4, AirqVector::kPtr | AirqVector::kData | AirqVector::kBitlock);
    uint64_t p = 1;
    uint32_t d = 1;
    CHECK(v.set_ptr(3, 0x1234));
    CHECK(v.get_ptr(3, &p));
    CHECK(p == 0x1234);
    CHECK(v.set_data(0, 7));
    CHECK(v.get_data(0, &d));
    CHECK(d == 7);
    CHECK_FALSE(v.set_ptr(4, 1));
    CHECK_FALSE(v.set_data(6, 1));
    CHECK(v.lock(2));
    CHECK_FALSE(v.lock(2)); // held: the kernel would spin
    v.unlock(2);
    CHECK(v.lock(2));
    AirqVector ptr_only(4, AirqVector::kPtr);
    CHECK_FALSE(ptr_only.set_data(0, 1));
    CHECK_NOTHROW(AirqVector(2048, AirqVector::kCacheline));
    CHECK_THROWS(AirqVector(2049, AirqVector::kCacheline));
}

TEST_CASE("hwirq encodings per variant") {
    CHECK(encode_hwirq(IrqVariant::V1, 0x12, 0x08, 3) == 0x1200000003ULL);
    CHECK(encode_hwirq(IrqVariant::Merged, 0x12, 0x08, 3) == 0x80003ULL);
    CHECK(encode_hwirq(IrqVariant::Fixed, 0x12, 0xff, 31) == 0xff001fULL);
    CHECK(decode_hwirq_index(0x1200000003ULL) == 3);
}

TEST_CASE("directed setup allocates from CPU 0's pool and stores values per variant") {
    for (IrqVariant variant : {IrqVariant::V1, IrqVariant::Merged, IrqVariant::Fixed}) {
        IrqAccounting acc;
        ZpciKernel k({Delivery::Directed, variant, 2, 0, {}}, acc);
        REQUIRE(k.enable(function(0, 0, 8, 2), 0).error == SetupError::None);
        REQUIRE(k.enable(function(7, 1, 8, 4), 0).error == SetupError::None);
        CHECK(k.function(0)->first_bit == 0);
        CHECK(k.function(7)->first_bit == 2);
        CHECK(k.cpu_vector(0).end() == 7);
        // CPU 0 ran the setup: its vector always resolves fid 7's index 1 at bit 3.
        CHECK(k.resolve(k.cpu_vector(0), 3) == Handler{7, 1});
        const std::optional<Handler> on_cpu1 = k.resolve(k.cpu_vector(1), 3);
        if (variant == IrqVariant::V1) {
            // v1 left CPU 1's value 0: hwirq 0, which is fid 0's index 0.
            CHECK(on_cpu1 == Handler{0, 0});
        } else {
            CHECK(on_cpu1 == Handler{7, 1});
        }
        CHECK(acc.kept_violations().empty());
    }
}

TEST_CASE("directed pool is 2048 bits: prepare fails with -EIO when it is spent") {
    IrqAccounting acc;
    ZpciKernel k({Delivery::Directed, IrqVariant::Fixed, 4, 0, {}}, acc);
    for (uint32_t fid = 0; fid < 64; ++fid)
        REQUIRE(k.enable(function(fid, static_cast<uint8_t>(fid), 32, 32), 0).error ==
                SetupError::None);
    CHECK(k.function(63)->first_bit == 2016);
    CHECK(k.enable(function(64, 64, 32, 32), 0).error == SetupError::NoVectorBits);
    CHECK_FALSE(k.live(64));
}

TEST_CASE("merged teardown frees max_msi bits: the neighbour's bits are handed out again") {
    for (IrqVariant variant : {IrqVariant::Merged, IrqVariant::Fixed}) {
        IrqAccounting acc;
        ZpciKernel k({Delivery::Directed, variant, 2, 0, {}}, acc);
        REQUIRE(k.enable(function(1, 1, 8, 4), 0).error ==
                SetupError::None); // bits 0..3, max_msi 8
        REQUIRE(k.enable(function(2, 2, 8, 4), 0).error == SetupError::None); // bits 4..7
        bool was = false;
        k.cpu_vector(0).set(5, &was);
        acc.pending(&k.cpu_vector(0), 5, MsiSource{2, 1, 100, 0});
        k.disable(1, 200);
        REQUIRE(k.enable(function(3, 3, 8, 8), 300).error == SetupError::None);
        if (variant == IrqVariant::Merged) {
            CHECK_FALSE(k.cpu_vector(0).test(5)); // fid 2's pending bit cleared
            CHECK(count(acc, ViolationKind::LostPending) == 1);
            CHECK(k.function(3)->first_bit == 0); // 0..7: over fid 2's 4..7
            CHECK(count(acc, ViolationKind::DoubleAllocation) == 4);
            CHECK(acc.kept_violations().front().t_ns == 200);
        } else {
            CHECK(k.cpu_vector(0).test(5));
            CHECK(k.function(3)->first_bit == 8); // 0..3 are free but too few
            CHECK(acc.kept_violations().empty());
        }
    }
}

TEST_CASE("merged multi-MSI free resets first_bit + index + 2i") {
    SECTION("directed: the neighbour's bits 4 and 6 lose their values") {
        IrqAccounting acc;
        ZpciKernel k({Delivery::Directed, IrqVariant::Merged, 2, 0, {}}, acc);
        REQUIRE(k.enable(function(1, 1, 4, 4, MsiType::Msi), 0).error ==
                SetupError::None);                                            // bits 0..3
        REQUIRE(k.enable(function(2, 2, 4, 4), 0).error == SetupError::None); // bits 4..7
        k.disable(1, 50);
        CHECK(count(acc, ViolationKind::WrongBitCleared) == 3); // bits 2, 4, 6
        CHECK(acc.kept_violations()[0].detail ==
              "free of fid 1 index 1 reset the values of bit 2, the bit of its index 2");
        CHECK(acc.kept_violations()[1].detail ==
              "free of fid 1 index 2 reset the values of bit 4, the bit of fid 2 index 0");
        CHECK_FALSE(k.resolve(k.cpu_vector(1), 4).has_value());
        CHECK(k.resolve(k.cpu_vector(1), 5) == Handler{2, 1});
        CHECK_FALSE(k.resolve(k.cpu_vector(1), 6).has_value());
    }
    SECTION("floating: bits 4 and 6 lie past the function's 4-bit vector") {
        IrqAccounting acc;
        ZpciKernel k({Delivery::Floating, IrqVariant::Merged, 2, 0, {}}, acc);
        REQUIRE(k.enable(function(1, 1, 4, 4, MsiType::Msi), 0).error == SetupError::None);
        k.disable(1, 50);
        CHECK(count(acc, ViolationKind::WrongBitCleared) == 3);
        CHECK(count(acc, ViolationKind::BeyondVector) == 2);
    }
    SECTION("fixed, and MSI-X on merged, reset exactly their own bits") {
        for (auto [variant, type] : {std::pair{IrqVariant::Fixed, MsiType::Msi},
                                     std::pair{IrqVariant::Merged, MsiType::MsiX}}) {
            IrqAccounting acc;
            ZpciKernel k({Delivery::Directed, variant, 2, 0, {}}, acc);
            REQUIRE(k.enable(function(1, 1, 4, 4, type), 0).error == SetupError::None);
            REQUIRE(k.enable(function(2, 2, 4, 4), 0).error == SetupError::None);
            k.disable(1, 50);
            CHECK(acc.kept_violations().empty());
            CHECK(k.resolve(k.cpu_vector(1), 4) == Handler{2, 0});
        }
    }
}

TEST_CASE("facility: floating single mode raises one interrupt until re-enabled") {
    IrqAccounting acc;
    ZpciKernel k({Delivery::Floating, IrqVariant::Fixed, 2, 0, {}}, acc);
    REQUIRE(k.enable(function(5, 0, 8, 2), 0).error == SetupError::None);
    ZpciFacility hw(k, 2);
    auto first = hw.msi(5, 1, 0, true, 10, acc);
    CHECK(first.raise == ZpciFacility::Raise::Floating);
    CHECK(first.bit == 1);
    CHECK(k.summary().test(0)); // the function's summary bit
    CHECK(hw.msi(5, 0, 0, true, 20, acc).raise == ZpciFacility::Raise::None);
    auto again = hw.msi(5, 1, 0, true, 30, acc);
    CHECK(again.merged);
    hw.reenable_floating();
    CHECK(hw.msi(5, 0, 0, true, 40, acc).raise == ZpciFacility::Raise::Floating);
    CHECK(acc.counts().raised == 4);
}

TEST_CASE("facility: directed to an offline CPU takes the fallback summary path") {
    IrqAccounting acc;
    ZpciKernel k({Delivery::Directed, IrqVariant::Fixed, 4, 0, {}}, acc);
    REQUIRE(k.enable(function(5, 0, 8, 2), 0).error == SetupError::None);
    ZpciFacility hw(k, 4);
    auto online = hw.msi(5, 1, 2, true, 10, acc);
    CHECK(online.raise == ZpciFacility::Raise::Directed);
    CHECK(k.cpu_vector(2).test(1));
    CHECK(hw.msi(5, 0, 2, true, 11, acc).raise == ZpciFacility::Raise::None); // D_SINGLE
    auto offline = hw.msi(5, 0, 3, false, 12, acc);
    CHECK(offline.fallback);
    CHECK(offline.raise == ZpciFacility::Raise::Floating);
    CHECK(k.summary().test(3));
    CHECK(k.cpu_vector(3).test(0));
    k.disable(5, 20);
    CHECK_FALSE(hw.msi(5, 0, 2, true, 30, acc).registered);
    CHECK(acc.counts().not_registered == 1);
}

// zpci_handle_fallback_irq increments the target's cpu_irq_data.scheduled and calls
// smp_call_function_single_async only when the increment returns 1, ignoring its result;
// zpci_handle_remote_irq decrements after each pass and repeats while the result is above
// 0. generic_exec_single (kernel/smp.c) returns -ENXIO for an offline CPU without queueing,
// so nothing ever decrements: scheduled stays 1 and every later fallback for that CPU
// increments past 1 and calls nothing (every kernel version).
TEST_CASE("zpci fallback: an IPI to an offline CPU is dropped and scheduled stays 1") {
    FallbackIpis ipis(2);
    CHECK(ipis.schedule(0, 1, false) == FallbackIpis::Call::Dropped);
    CHECK(ipis.scheduled(1) == 1);
    // CPU 1 is back online: scheduled is still 1, so 1 -> 2 and no call is made.
    CHECK(ipis.schedule(0, 1, true) == FallbackIpis::Call::Coalesced);
    CHECK(ipis.scheduled(1) == 2);
    // A second offline episode: 2 -> 3, still no call.
    CHECK(ipis.schedule(0, 1, false) == FallbackIpis::Call::Coalesced);
    CHECK(ipis.scheduled(1) == 3);
}

// An online target: the 0 -> 1 call queues the IPI; increments while it is on its way
// coalesce; the remote handler scans once per increment (atomic_dec_return 2 -> 1: again,
// 1 -> 0: stop), and the next fallback for it queues a new IPI.
TEST_CASE("zpci fallback: an online CPU's IPI is queued once and the remote scan repeats") {
    FallbackIpis ipis(2);
    CHECK(ipis.schedule(0, 1, true) == FallbackIpis::Call::Queued);
    CHECK(ipis.schedule(0, 1, true) == FallbackIpis::Call::Coalesced);
    CHECK(ipis.pass_done(1));       // 2 -> 1: scan again
    CHECK_FALSE(ipis.pass_done(1)); // 1 -> 0: done
    CHECK(ipis.scheduled(1) == 0);
    CHECK(ipis.schedule(0, 1, true) == FallbackIpis::Call::Queued);
}

// generic_exec_single checks cpu == smp_processor_id() first: the fallback handler finding
// its own CPU's summary bit runs zpci_handle_remote_irq there at once (0 -> 1, then the
// handler's decrement 1 -> 0).
TEST_CASE("zpci fallback: the handler's own CPU runs the scan at once") {
    FallbackIpis ipis(2);
    CHECK(ipis.schedule(1, 1, true) == FallbackIpis::Call::RunHere);
    CHECK(ipis.scheduled(1) == 1);
    CHECK_FALSE(ipis.pass_done(1));
    CHECK(ipis.scheduled(1) == 0);
}

// airq_iv_alloc sets end to bit + num + 1 when an allocation reaches it: taking all 2048
// bits of a cache-line vector makes end 2049. airq_iv_scan(iv, start, end) calls
// find_next_bit_inv(iv->vector, end, start), which reads word by word up to bit end - 1:
// when no bit is set in [start, 2048) it reads word 32, past the 256-byte vector. A bit
// found earlier stops the search inside the vector.
TEST_CASE("zpci airq scan to end 2049 reads past a full 2048-bit vector") {
    AirqVector v(AirqVector::kCachelineBits, AirqVector::kAlloc | AirqVector::kCacheline);
    REQUIRE(v.alloc(2048) == 0);
    CHECK(v.end() == 2049);
    bool past = true;
    bool was = false;
    v.set(5, &was);
    CHECK(v.scan(0, v.end(), &past) == 5);
    CHECK_FALSE(past); // found inside the vector
    CHECK(v.scan(5, v.end(), &past) == kNo);
    CHECK(past); // nothing in [5, 2048): the search went on into bit 2048
    // 2047 bits: end 2048, an empty scan stays inside.
    AirqVector w(AirqVector::kCachelineBits, AirqVector::kAlloc | AirqVector::kCacheline);
    REQUIRE(w.alloc(2047) == 0);
    CHECK(w.end() == 2048);
    CHECK(w.scan(0, w.end(), &past) == kNo);
    CHECK_FALSE(past);
}

// zpci_compose_msi_msg per variant, for fid 7 with bits 2..5 (fid 0 holds 0..1):
// v1 (the seed): msg->data = data->hwirq - zdev->msi_first_bit, hwirq = (7 << 32) | index,
//   so index 1 gives (7 << 32 | 1) - 2, whose low 32 bits are 0xffffffff; the machine sets
//   dibvo (2) + data = 0x100000001, which wraps at 32 bits to bit 1: fid 0's.
// merged, fixed (and the code before the series, hwirq - bit): data = the index, 1, and the
//   machine sets bit 2 + 1 = 3, the function's own.
// Floating: aibvo 0 and first bit 0, so v1's data is (7 << 32 | 1) - 0 -> 1 as well.
TEST_CASE("zpci MSI data per variant and the bit the machine derives from it") {
    for (IrqVariant variant : {IrqVariant::V1, IrqVariant::Merged, IrqVariant::Fixed}) {
        INFO(name_of(kVariantNames, variant));
        IrqAccounting acc;
        ZpciKernel k({Delivery::Directed, variant, 1, 0, {}}, acc);
        REQUIRE(k.enable(function(0, 0, 8, 2), 0).error == SetupError::None);
        REQUIRE(k.enable(function(7, 1, 8, 4), 0).error == SetupError::None);
        const ZpciKernel::Function& f0 = *k.function(0);
        const ZpciKernel::Function& f7 = *k.function(7);
        REQUIRE(f7.first_bit == 2);
        const uint32_t data = k.msi_data(f7, 1);
        const unsigned long bit = ZpciKernel::msi_bit(f7, data, Delivery::Directed);
        if (variant == IrqVariant::V1) {
            CHECK(data == 0xffffffffU);
            CHECK(bit == 1);
        } else {
            CHECK(data == 1);
            CHECK(bit == 3);
        }
        // A function whose first bit is 0 gets its own bits in every variant.
        CHECK(k.msi_data(f0, 1) == 1);
        CHECK(ZpciKernel::msi_bit(f0, k.msi_data(f0, 1), Delivery::Directed) == 1);

        IrqAccounting facc;
        ZpciKernel fk({Delivery::Floating, variant, 1, 0, {}}, facc);
        REQUIRE(fk.enable(function(7, 1, 8, 4), 0).error == SetupError::None);
        const ZpciKernel::Function& ff = *fk.function(7);
        CHECK(fk.msi_data(ff, 1) == 1);
        CHECK(ZpciKernel::msi_bit(ff, 1, Delivery::Floating) == 1);
    }
}

// msi_domain_set_affinity calls the parent's irq_set_affinity and then, unless told the
// parent did it all, recomposes the message with irq_chip_compose_msi_msg and writes it.
// v1's zpci_compose_msi_msg picks cpumask_first(&desc->affinity->mask): the descriptor's
// mask from allocation, which set_affinity does not touch, so the rewritten message names
// the old CPU. The merged code's message follows the new affinity.
TEST_CASE("zpci affinity changes move the MSI in every variant but v1") {
    CHECK_FALSE(rules_for(IrqVariant::V1).affinity_moves_msi);
    CHECK(rules_for(IrqVariant::Merged).affinity_moves_msi);
    CHECK(rules_for(IrqVariant::Fixed).affinity_moves_msi);
}

// An affinity change in floating mode. v1's zpci_irq_chip has irq_set_affinity =
// irq_chip_set_affinity_parent and only zpci_directed_irq_init replaces it; the per-device
// chip's msi_domain_set_affinity calls it on the zpci parent domain's irq_data, whose
// parent_data is NULL (the domain has no parent), and irq_chip_set_affinity_parent reads
// parent_data->chip: an oops. Before the series the floating chip has no irq_set_affinity,
// and the merged code sets MSI_FLAG_NO_AFFINITY in floating mode, so irq_do_set_affinity
// returns -EINVAL.
TEST_CASE("zpci floating affinity: v1 oopses, every other variant refuses") {
    CHECK(rules_for(IrqVariant::V1).floating_affinity == FloatingAffinity::NullParentOops);
    CHECK(rules_for(IrqVariant::Pre2020).floating_affinity == FloatingAffinity::Refused);
    CHECK(rules_for(IrqVariant::Merged).floating_affinity == FloatingAffinity::Refused);
    CHECK(rules_for(IrqVariant::Fixed).floating_affinity == FloatingAffinity::Refused);
}

// The CPU field of a directed MSI address: since a2bd4097b3ec "s390/pci: fix CPU
// address in MSI for directed IRQ" (Dec 2020) it is smp_cpu_get_cpu_address(cpu); before, the
// logical number. With CPUs 0, 1, 2 at addresses 0, 2, 4 the machine (which routes by address)
// takes logical CPU 1's MSI to CPU 1 on fixed; pre-2020 writes 1, an address no CPU has, and writes
// 2 for logical CPU 2, which is CPU 1's address.
TEST_CASE("zpci MSI address CPU field per variant and the CPU the machine reaches") {
    IrqAccounting acc;
    ZpciKernelConfig c{Delivery::Directed, IrqVariant::Fixed, 3, 0, {}};
    c.cpu_address = {0, 2, 4};
    ZpciKernel fixed(c, acc);
    CHECK(fixed.msi_cpu_field(1) == 2);
    CHECK(fixed.cpu_with_address(fixed.msi_cpu_field(1)) == 1);
    CHECK(fixed.cpu_with_address(fixed.msi_cpu_field(2)) == 2);
    c.variant = IrqVariant::Pre2020;
    ZpciKernel old(c, acc);
    CHECK(old.msi_cpu_field(1) == 1);
    CHECK(old.cpu_with_address(old.msi_cpu_field(1)) == -1);
    CHECK(old.cpu_with_address(old.msi_cpu_field(2)) == 1);
    // No address map: addresses are the logical numbers, both variants reach their CPU.
    c.cpu_address.clear();
    ZpciKernel plain(c, acc);
    CHECK(plain.cpu_with_address(plain.msi_cpu_field(2)) == 2);
}

// arch_teardown_msi_irqs before the series set zpci_ibv[aisb] = NULL before releasing the
// vector; v1's and the merged zpci_msi_teardown release the vector (airq_iv_release) and
// free the summary bit but leave zpci_ibv[aisb] pointing at the released vector.
TEST_CASE("zpci floating teardown leaves zpci_ibv[aisb] stale in v1 and merged") {
    for (IrqVariant variant :
         {IrqVariant::Pre2020, IrqVariant::V1, IrqVariant::Merged, IrqVariant::Fixed}) {
        INFO(name_of(kVariantNames, variant));
        IrqAccounting acc;
        ZpciKernel k({Delivery::Floating, variant, 1, 0, {}}, acc);
        REQUIRE(k.enable(function(9, 1, 8, 4), 0).error == SetupError::None);
        const unsigned long aisb = k.function(9)->aisb;
        AirqVector* v = k.function_vector(aisb);
        REQUIRE(v);
        CHECK_FALSE(k.freed_owner(v));
        k.disable(9, 100);
        CHECK(k.freed_owner(v) == 9u);
        CHECK_FALSE(k.summary().allocated(aisb)); // airq_iv_free_bit
        if (variant == IrqVariant::Pre2020)
            CHECK(k.function_vector(aisb) == nullptr);
        else
            CHECK(k.function_vector(aisb) == v);
    }
}

// airq_iv_scan is find_next_bit_inv, then clear_bit_inv (not a test-and-clear): two CPUs
// that both find bit 1 before either clears it both return it. The first clear finds it
// set, the second already clear.
TEST_CASE("zpci airq find then clear: two finders of one bit") {
    AirqVector v(64, AirqVector::kBitlock);
    bool was = false;
    v.set(1, &was);
    CHECK(v.find(0, v.end()) == 1); // CPU 0 finds it
    CHECK(v.find(0, v.end()) == 1); // CPU 1 finds it too: nothing cleared yet
    CHECK(v.clear(1));              // CPU 0 clears: it was set
    CHECK_FALSE(v.clear(1));        // CPU 1 clears: already clear, it dispatches anyway
    CHECK(v.find(0, v.end()) == kNo);
}

TEST_CASE("a storm's violations are all counted and heard, the first of each kind kept") {
    IrqAccounting acc;
    uint64_t heard = 0;
    acc.on_violation([&heard](const Violation&) { ++heard; });
    const uint64_t misrouted = IrqAccounting::kKeptPerKind + 150;
    for (uint64_t t = 0; t < misrouted; ++t)
        acc.violation(ViolationKind::Misrouted, t, "misrouted " + std::to_string(t));
    acc.violation(ViolationKind::NoCpu, misrouted, "no cpu");
    CHECK(heard == misrouted + 1);
    CHECK(acc.violation_total() == misrouted + 1);
    CHECK(count(acc, ViolationKind::Misrouted) == misrouted);
    CHECK(count(acc, ViolationKind::NoCpu) == 1);
    // Kept: the first kKeptPerKind misrouted ones, then the one NoCpu, in time order.
    REQUIRE(acc.kept_violations().size() == IrqAccounting::kKeptPerKind + 1);
    CHECK(acc.kept_violations()[IrqAccounting::kKeptPerKind - 1].t_ns ==
          IrqAccounting::kKeptPerKind - 1);
    CHECK(acc.kept_violations().back().kind == ViolationKind::NoCpu);
    CHECK_FALSE(acc.accounted());
}

// IrqAccounting::finish: an MSI still pending at the end is in flight (counted apart, not
// judged) when an interrupt on its way would scan its vector, else undelivered (a
// violation). On the vector that will be scanned: two MSIs of one source on one bit (the
// second merged into the first) and one of another index; on the one that will not: one;
// one of a function that is gone (discarded either way).
TEST_CASE("zpci end of run: pending MSIs are in flight where a scan is coming, else "
          "undelivered") {
    IrqAccounting acc;
    const AirqVector scanned(64, 0), stuck(64, 0);
    const std::pair<const AirqVector*, MsiSource> msis[] = {{&scanned, {1, 0, 100}},
                                                            {&scanned, {1, 0, 200}},
                                                            {&scanned, {1, 3, 300}},
                                                            {&stuck, {1, 5, 400}},
                                                            {&scanned, {2, 0, 500}}};
    for (const auto& [v, s] : msis) {
        acc.raised();
        acc.pending(v, s.fid * 8 + s.index, s);
    }
    acc.finish(
        1000, [](uint32_t fid) { return fid == 1; },
        [&scanned](const AirqVector* v) { return v == &scanned; });
    const MsiCounts& n = acc.counts();
    CHECK(n.discarded == 1);
    CHECK(n.in_flight == 3);
    CHECK(n.undelivered == 1);
    // One violation per (fid, index) left undelivered: fid 1 index 5, at the end's time.
    REQUIRE(acc.violation_total() == 1);
    CHECK(count(acc, ViolationKind::Undelivered) == 1);
    CHECK(acc.kept_violations()[0].t_ns == 1000);
    CHECK_THAT(acc.kept_violations()[0].detail, Catch::Contains("fid 1 index 5"));
    CHECK_FALSE(acc.accounted()); // 5 raised = 1 discarded + 3 in flight + 1 undelivered
}
