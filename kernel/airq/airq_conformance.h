// Differential conformance of the adapter-interrupt vector model (models/zpci/airq_vector.h)
// against the real drivers/s390/cio/airq.c (kernel_airq.h): the same random sequences of
// calls, as the zPCI code and the hardware make them, go to both; after each call the
// results, airq_iv_end and both bitmaps are compared. Each kind of divergence is reported
// once, with its sequence shrunk (delta debugging, ddmin) to the fewest calls that still
// diverge the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "kernel/divergence.h"
#include "models/common/rng.h"

namespace ssifsim::kernel {

// One call on a vector. Every sequence starts with Create.
struct AirqOp {
    enum class Kind {
        Create,
        Alloc,
        Free,
        Set,
        Scan,
        SetData,
        GetData,
        SetPtr,
        GetPtr,
        Lock,
        Unlock
    };
    // Scan's end: airq_iv_end(iv) at the time of the call, as the zPCI handlers scan.
    static constexpr unsigned long kToEnd = ~0UL;
    Kind kind = Kind::Create;
    // Create: bits, AIRQ_IV_* flags. Alloc: num. Free: bit, num. Set (the adapter sets a
    // bit): bit. Scan: start, end. SetData/SetPtr: bit, value. GetData/GetPtr, Lock, Unlock:
    // bit.
    unsigned long a = 0;
    unsigned long b = 0;
};
std::string to_string(const AirqOp& op); // "alloc(3)", "create(bits=128, flags=ALLOC|DATA)"

// One implementation of the vector under comparison.
class AirqImpl {
  public:
    virtual ~AirqImpl() = default;
    // Carries out `op`; returns its result: the bit (alloc, scan; ~0UL for none), the value
    // read (get_data, get_ptr), whether the bit was already set (set) or the lock held
    // (lock), whether the vector exists (create); 0 for the calls that return nothing.
    virtual unsigned long apply(const AirqOp& op) = 0;
    virtual unsigned long end() const = 0;                  // airq_iv_end
    virtual std::vector<uint64_t> vector_words() const = 0; // MSB-0 words
    virtual std::vector<uint64_t> avail_words() const = 0;  // empty without AIRQ_IV_ALLOC
};
using AirqFactory = std::function<std::unique_ptr<AirqImpl>()>;

// The model (AirqVector).
std::unique_ptr<AirqImpl> make_model_airq();
// The real airq.c; nullptr when the build has no kernel source (-DSSIFSIM_KERNEL_SOURCE).
std::unique_ptr<AirqImpl> make_kernel_airq();

using AirqDivergence = Divergence<AirqOp>;

struct AirqConformance {
    uint64_t events = 0;                 // calls made on each side
    uint64_t sequences = 0;              // vectors created
    std::vector<uint64_t> calls_by_kind; // indexed by AirqOp::Kind
    // Scans where airq.c reads one word past the vector (a full vector of a multiple of 64
    // bits scanned to its end, bits + 1); the shim gives that read a defined value.
    uint64_t reads_past_vector = 0;
    std::vector<AirqDivergence> divergences; // the first of each kind
};

// Random call sequences, `events` calls in all, from `seed`; `model` against `reference`.
AirqConformance run_airq_conformance(uint64_t events, uint64_t seed, const AirqFactory& model,
                                     const AirqFactory& reference);
// A random sequence: a Create and then up to `max_calls` valid calls on that vector.
std::vector<AirqOp> random_airq_sequence(Rng& rng, size_t max_calls);
// Replays `sequence` on fresh implementations; the first divergence, if any.
std::optional<AirqDivergence> first_airq_divergence(const std::vector<AirqOp>& sequence,
                                                    const AirqFactory& model,
                                                    const AirqFactory& reference);
void print_airq_conformance(std::ostream& out, const AirqConformance& c);

} // namespace ssifsim::kernel
