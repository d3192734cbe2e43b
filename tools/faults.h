// The fault catalog: each fault a scenario names, how it is aimed, and the plan that
// applies them during a run. scenarios/README.md documents every type.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/fault_observer.h"
#include "models/smbus/fault.h"
#include "models/ssif/bmc/daemon.h"
#include "tools/json_reader.h"

namespace ssifsim::tools {

enum class FaultType {
    Nak,             // a master byte (address or data) is NAKed
    CorruptPec,      // the PEC byte is inverted, host to BMC (writes) or BMC to host (reads)
    LostStop,        // the BMC never sees a transfer's STOP
    HostPowerOff,    // the host dies mid-transfer (no STOP), comes back after off_ms
    SkipBlock,       // a 0x09 part's block number arrives one higher (consistent PEC)
    DaemonSlow,      // the daemon takes latency_ms over one request
    DaemonSilent,    // the daemon never answers one request
    DaemonMalformed, // the daemon writes a response with a bad length field or byte count
    ClockStretch,    // the BMC holds SCL low between bytes (SMBus tLOW:SEXT, tTIMEOUT)
    HeldLow,         // a stuck device holds SCL or SDA low (SMBus tTIMEOUT)
    ForeignMaster,   // another master reads or writes the BMC, in a given BMC state
    DaemonEfault,    // the daemon's read() buffer faults: copy_to_user() fails part way
    BmcRemove,       // ssif_bmc is removed (unbound) at a time
};
const char* fault_type_name(FaultType t);

// Whose transfers a transfer fault aims at: each master's fault injector asks the plan for
// its own (FaultPlan::transfers_of).
enum class FaultMaster {
    Host,    // the SSIF host's transfers (the probe's, the driver's), not its ARA reads
    Foreign, // the foreign master's (the faults of type foreign_master)
    // The host's Alert Response Address reads (smbus_alert's Receive Byte from 0x0C, SMBus
    // 3.1 section 6.5.8): they pass the host's injector, tagged TransferTag::Kind::AlertResponse.
    AlertResponse,
};

struct Fault {
    FaultType type = FaultType::Nak;
    std::string path; // JSON path, for messages
    // Aim at a master's transfers: whose, request id (0: any; a daemon fault's: the host
    // request whose reads it aims at, 0: aimed by `nth` read), read/write (-1: either), SMBus
    // command (-1: any), from this time on; the nth matching transfer and `count` after it.
    FaultMaster master = FaultMaster::Host;
    int request = 0;
    int op_read = -1;
    int command = -1;
    uint64_t from_ns = 0;
    // Aim at the daemon: the nth request it reads and `count` after it; or, with `request`
    // (above) set, the first `count` reads of that host request.
    int nth = 1;
    int count = 1;
    // Type-specific.
    int byte = 0;         // Nak: the wire byte (0 = address)
    int after_bytes = 0;  // HostPowerOff
    uint64_t off_ns = 0;  // HostPowerOff
    int block_delta = 1;  // SkipBlock
    uint64_t held_ns = 0; // ClockStretch (per byte gap), HeldLow
    int gaps = 1;         // ClockStretch: byte gaps stretched in a row
    bool sda = false;     // HeldLow: SDA, else SCL
    // ForeignMaster: read or write, the address (-1: the BMC's), the bytes written or the
    // count read, and the BMC state to wait for; from_ns and count aim it.
    bool foreign_read = true;
    int address = -1;
    Bytes data;
    unsigned length = 2;
    std::optional<ssif::BmcState> state;
    uint64_t latency_ns = 0; // DaemonSlow
    int64_t len = -1;        // DaemonMalformed: the length field (-1: the true one)
    int write_bytes = -1;    // DaemonMalformed: the byte count given to write()
    unsigned copied = 0;     // DaemonEfault: the bytes copy_to_user() writes before it faults
    bool daemon() const;
    // Aimed at one master's SMBus transfers (the host's, a foreign master's, the ARA read),
    // as its fault injector applies them (FaultPlan::transfers_of).
    bool transfer_fault() const {
        return !daemon() && type != FaultType::ForeignMaster && type != FaultType::BmcRemove;
    }
};

// Reads $.faults; throws InputError naming the JSON path.
std::vector<Fault> read_faults(ObjectReader& root);
ojson faults_to_json(const std::vector<Fault>& faults);

// Applies the faults during a run and counts which fired (the models that apply one report
// it as a FaultObserver). It is the source of every master's fault injector
// (smbus::SmbusFaultInjector, through transfers_of) and of the daemon's faults.
class FaultPlan : public ssif::DaemonFaultSource, public FaultObserver {
  public:
    explicit FaultPlan(const std::vector<Fault>& faults);
    FaultPlan(const FaultPlan&) = delete; // its sources point back to it
    FaultPlan& operator=(const FaultPlan&) = delete;

    // The source for the fault injector in front of `master`: it decides the transfer
    // faults aimed at that master's tagged transfers. It lives as long as the plan.
    // AlertResponse gives the host's: the ARA reads pass the host's injector, and the plan
    // tells them apart by their tag's kind.
    smbus::TransferFaultSource& transfers_of(FaultMaster master) {
        return masters_[master == FaultMaster::Foreign ? 1 : 0];
    }
    ssif::DaemonFault next_request(int nth) override;
    bool waits_for_request() const override;
    void fault_applied(int fault_id, uint64_t t_ns) override;

    const std::vector<Fault>& faults() const { return faults_; }
    uint64_t fired(size_t i) const { return fired_[i]; }
    // For a fault that never fired: what it met (how many transfers matched its aim, which
    // it was armed on, which an earlier fault took) and why none of them qualified.
    std::string why_not_fired(size_t i) const;

  private:
    class MasterFaults : public smbus::TransferFaultSource {
      public:
        MasterFaults(FaultPlan& plan, FaultMaster master) : plan_(plan), master_(master) {}
        smbus::TransferFault next_transfer(const smbus::TransferTag& tag) override {
            return plan_.next_transfer(master_, tag);
        }

      private:
        FaultPlan& plan_;
        FaultMaster master_;
    };
    smbus::TransferFault next_transfer(FaultMaster master, const smbus::TransferTag& tag);

    // A transfer a fault was armed on.
    struct Armed {
        int request = 0;
        bool read = false;
        uint8_t command = 0;
        uint64_t t_ns = 0;
    };
    std::vector<Fault> faults_;
    std::vector<int> seen_; // matching transfers or reads so far, per fault
    std::vector<uint64_t> fired_;
    std::vector<uint64_t> armed_;    // transfers handed the fault, per fault
    std::vector<Armed> first_armed_; // the first of them
    std::vector<uint64_t> taken_;    // in its window but taken by an earlier-listed fault
    int last_write_request_ = 0;     // the request of the host's last write (0: none, the probe's)
    MasterFaults masters_[2] = {{*this, FaultMaster::Host}, {*this, FaultMaster::Foreign}};
};

} // namespace ssifsim::tools
