#include "kernel/airq/airq_conformance.h"

#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "models/zpci/airq_vector.h"

namespace ssifsim::kernel {

namespace {

using Kind = AirqOp::Kind;
using zpci::AirqVector;

constexpr const char* kKindNames[] = {"create",   "alloc",   "free",    "set",  "scan",  "set_data",
                                      "get_data", "set_ptr", "get_ptr", "lock", "unlock"};
constexpr size_t kKinds = std::size(kKindNames);
const char* name(Kind k) {
    return kKindNames[static_cast<size_t>(k)];
}

std::string flag_names(unsigned long flags) {
    static const std::pair<unsigned long, const char*> names[] = {
        {AirqVector::kAlloc, "ALLOC"},
        {AirqVector::kBitlock, "BITLOCK"},
        {AirqVector::kPtr, "PTR"},
        {AirqVector::kData, "DATA"},
        {AirqVector::kCacheline, "CACHELINE"}};
    std::string out;
    for (const auto& [bit, text] : names)
        if (flags & bit)
            out += (out.empty() ? "" : "|") + std::string(text);
    return out.empty() ? "0" : out;
}

class ModelAirq : public AirqImpl {
  public:
    unsigned long apply(const AirqOp& op) override {
        switch (op.kind) {
        case Kind::Create:
            try {
                v_.emplace(op.a, static_cast<unsigned>(op.b));
                return 1;
            } catch (const std::invalid_argument&) {
                return 0;
            }
        case Kind::Alloc: return v_->alloc(op.a);
        case Kind::Free: v_->free(op.a, op.b); return 0;
        case Kind::Set: {
            bool was = false;
            v_->set(op.a, &was);
            return was;
        }
        case Kind::Scan: return v_->scan(op.a, op.b == AirqOp::kToEnd ? v_->end() : op.b);
        case Kind::SetData: v_->set_data(op.a, static_cast<uint32_t>(op.b)); return 0;
        case Kind::GetData: {
            uint32_t d = 0;
            v_->get_data(op.a, &d);
            return d;
        }
        case Kind::SetPtr: v_->set_ptr(op.a, op.b); return 0;
        case Kind::GetPtr: {
            uint64_t p = 0;
            v_->get_ptr(op.a, &p);
            return p;
        }
        case Kind::Lock: return v_->lock(op.a) ? 0 : 1;
        case Kind::Unlock: v_->unlock(op.a); return 0;
        }
        return 0;
    }
    unsigned long end() const override { return v_ ? v_->end() : 0; }
    std::vector<uint64_t> vector_words() const override {
        return v_ ? v_->words() : std::vector<uint64_t>{};
    }
    std::vector<uint64_t> avail_words() const override {
        return v_ ? v_->avail_words() : std::vector<uint64_t>{};
    }

  private:
    std::optional<AirqVector> v_;
};

std::string hex_words(const std::vector<uint64_t>& words) {
    std::ostringstream s;
    s << std::hex << std::setfill('0');
    for (size_t i = 0; i < words.size(); ++i)
        s << (i ? " " : "") << std::setw(16) << words[i];
    return s.str();
}

std::string number(unsigned long v) {
    return v == ~0UL ? "-1UL" : std::to_string(v);
}

// Replays `sequence` on a fresh pair; the first divergence, or none. With `stats`, counts
// the calls and the reads past a bitmap.
std::optional<AirqDivergence> replay(const std::vector<AirqOp>& sequence,
                                     const AirqFactory& model_factory,
                                     const AirqFactory& reference_factory, AirqConformance* stats) {
    const std::unique_ptr<AirqImpl> model = model_factory();
    const std::unique_ptr<AirqImpl> reference = reference_factory();
    const unsigned long bits = sequence.front().a;
    const bool word_past = bits % 64 == 0; // a read of bit `bits` leaves the last word
    for (size_t i = 0; i < sequence.size(); ++i) {
        const AirqOp& op = sequence[i];
        const unsigned long end_before = reference->end();
        const unsigned long got_model = model->apply(op);
        const unsigned long got_reference = reference->apply(op);
        if (stats) {
            ++stats->events;
            ++stats->calls_by_kind[static_cast<size_t>(op.kind)];
            stats->sequences += op.kind == Kind::Create;
            const unsigned long scan_end = op.b == AirqOp::kToEnd ? end_before : op.b;
            if (op.kind == Kind::Scan && word_past && scan_end > bits && op.a < scan_end &&
                got_reference == ~0UL)
                ++stats->reads_past_vector;
        }
        auto diverged = [&](const char* what, std::string m, std::string r) {
            AirqDivergence d;
            d.kind = std::string(name(op.kind)) + " " + what;
            d.sequence.assign(sequence.begin(), sequence.begin() + static_cast<long>(i) + 1);
            d.original_length = sequence.size();
            d.model = std::move(m);
            d.reference = std::move(r);
            return d;
        };
        if (got_model != got_reference)
            return diverged("result", number(got_model), number(got_reference));
        if (op.kind == Kind::Create && got_model == 0)
            return std::nullopt; // both refused the vector: nothing more to call
        if (model->end() != reference->end())
            return diverged("end", number(model->end()), number(reference->end()));
        if (model->vector_words() != reference->vector_words())
            return diverged("vector", hex_words(model->vector_words()),
                            hex_words(reference->vector_words()));
        if (model->avail_words() != reference->avail_words())
            return diverged("avail", hex_words(model->avail_words()),
                            hex_words(reference->avail_words()));
    }
    return std::nullopt;
}

} // namespace

std::string to_string(const AirqOp& op) {
    switch (op.kind) {
    case Kind::Create:
        return "create(bits=" + std::to_string(op.a) + ", flags=" + flag_names(op.b) + ")";
    case Kind::Free: return "free(" + std::to_string(op.a) + ", " + std::to_string(op.b) + ")";
    case Kind::Scan:
        return "scan(" + std::to_string(op.a) + ", " +
               (op.b == AirqOp::kToEnd ? std::string("airq_iv_end") : std::to_string(op.b)) + ")";
    case Kind::SetData:
    case Kind::SetPtr:
        return std::string(name(op.kind)) + "(" + std::to_string(op.a) + ", " +
               std::to_string(op.b) + ")";
    default: return std::string(name(op.kind)) + "(" + std::to_string(op.a) + ")";
    }
}

std::unique_ptr<AirqImpl> make_model_airq() {
    return std::make_unique<ModelAirq>();
}

std::vector<AirqOp> random_airq_sequence(Rng& rng, size_t max_calls) {
    unsigned long bits = 0;
    switch (rng.uniform(0, 3)) {
    case 0: bits = rng.uniform(1, 70); break;
    case 1: bits = 64 * rng.uniform(1, 4); break; // full words: the reads past the end
    case 2: bits = rng.uniform(1, 300); break;
    default: bits = rng.uniform(1, 4096); break;
    }
    const unsigned long flags = rng.uniform(0, 31);
    std::vector<AirqOp> seq{{Kind::Create, bits, flags}};
    if ((flags & AirqVector::kCacheline) && bits > AirqVector::kCachelineBits)
        return seq; // both refuse it
    std::vector<Kind> kinds{Kind::Alloc, Kind::Alloc, Kind::Alloc, Kind::Free,
                            Kind::Free,  Kind::Set,   Kind::Set,   Kind::Set,
                            Kind::Scan,  Kind::Scan,  Kind::Scan};
    if (flags & AirqVector::kData)
        kinds.insert(kinds.end(), {Kind::SetData, Kind::GetData});
    if (flags & AirqVector::kPtr)
        kinds.insert(kinds.end(), {Kind::SetPtr, Kind::GetPtr});
    if (flags & AirqVector::kBitlock)
        kinds.insert(kinds.end(), {Kind::Lock, Kind::Unlock});
    const size_t calls = rng.uniform(1, max_calls);
    for (size_t i = 0; i < calls; ++i) {
        AirqOp op;
        op.kind = kinds[rng.uniform(0, kinds.size() - 1)];
        const unsigned long bit = rng.uniform(0, bits - 1);
        switch (op.kind) {
        case Kind::Alloc: {
            const uint64_t r = rng.uniform(0, 9);
            op.a = r == 0   ? 0
                   : r < 8  ? rng.uniform(1, 4)
                   : r == 8 ? rng.uniform(1, bits)
                            : bits + rng.uniform(0, 2);
            break;
        }
        case Kind::Free: // within the vector: past it, airq.c writes out of bounds
            op.a = bit;
            op.b = rng.uniform(0, std::min<unsigned long>(8, bits - bit));
            break;
        case Kind::Scan: {
            const uint64_t r = rng.uniform(0, 3);
            op.b = r < 2 ? AirqOp::kToEnd : r == 2 ? bits : rng.uniform(0, bits);
            op.a = rng.uniform(0, 3) == 0 ? 0 : rng.uniform(0, bits);
            break;
        }
        case Kind::SetData:
            op.a = bit;
            op.b = rng.uniform(0, 0xffffffffULL);
            break;
        case Kind::SetPtr:
            op.a = bit;
            op.b = rng.uniform(0, ~0ULL - 1);
            break;
        default: op.a = bit; break;
        }
        seq.push_back(op);
    }
    return seq;
}

std::optional<AirqDivergence> first_airq_divergence(const std::vector<AirqOp>& sequence,
                                                    const AirqFactory& model,
                                                    const AirqFactory& reference) {
    return replay(sequence, model, reference, nullptr);
}

AirqConformance run_airq_conformance(uint64_t events, uint64_t seed, const AirqFactory& model,
                                     const AirqFactory& reference) {
    AirqConformance out;
    out.calls_by_kind.assign(kKinds, 0);
    Rng rng(seed);
    while (out.events < events) {
        const std::vector<AirqOp> seq = random_airq_sequence(rng, 64);
        const std::optional<AirqDivergence> d = replay(seq, model, reference, &out);
        if (!d)
            continue;
        note_divergence(
            out.divergences, *d,
            [&](const std::vector<AirqOp>& s) { return replay(s, model, reference, nullptr); }, 1);
    }
    return out;
}

void print_airq_conformance(std::ostream& out, const AirqConformance& c) {
    out << "airq: " << c.events << " calls on " << c.sequences
        << " vectors, the model (AirqVector) against drivers/s390/cio/airq.c\n  calls:";
    for (size_t k = 0; k < c.calls_by_kind.size(); ++k)
        out << " " << kKindNames[k] << " " << c.calls_by_kind[k];
    out << "\n  scans in which airq.c read one word past the vector: " << c.reads_past_vector
        << " (a full vector of a multiple of 64 bits scanned to its end; the shim's guard "
           "word defines what they read)\n";
    out << "  divergences: " << c.divergences.size() << "\n";
    for (const AirqDivergence& d : c.divergences) {
        out << "\n  divergence \"" << d.kind << "\", shrunk from " << d.original_length
            << " calls to " << d.sequence.size() << ":\n";
        for (const AirqOp& op : d.sequence)
            out << "    " << to_string(op) << "\n";
        out << "  there the model gives " << d.model << "\n           airq.c gives " << d.reference
            << "\n";
    }
}

} // namespace ssifsim::kernel
