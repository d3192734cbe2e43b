// Every check a run, `ssifsim check` or a sweep reports, by the name scenarios
// (expect.spec), reports, summaries and JUnit files use: one table, so a check is named in
// one place. The per-expectation checks ("request 3 error", "count bus.byte") are named
// from what they expect and are not listed.
#pragma once

#include "models/common/name_table.h"

namespace ssifsim::tools {

enum class CheckId {
    T6max,               // IPMI v2.0 §12.7 SSIF timing (checks.h T6Check)
    AllAnswered,         // every request answered (check_all_answered)
    IpmiMessages,        // no message lost or duplicated (IpmiMessagesCheck, capture_check)
    FaultsFired,         // every scenario fault applied (check_faults_fired)
    TTimeout,            // SMBus 3.1 tTIMEOUT,min (bus_checks.h BusTimingCheck)
    TLowSext,            // SMBus 3.1 tLOW:SEXT (BusTimingCheck)
    SsifFraming,         // SSIF parts over SMBus block transfers (SsifFramingCheck)
    DriverMemorySafety,  // ssif_bmc's part buffer and context (check_driver_memory_safety)
    InterruptsAccounted, // zPCI MSIs (check_interrupts_accounted)
    IpmiSim,             // the ipmi_sim backend answered (runner)
    Interrupted,         // the run stopped by a signal (runner)
    HostTiming,          // capture: the host waited ipmi_ssif's timers (capture_check)
    Pec,                 // capture: every PEC byte right (capture_check)
    BmcConformance,      // capture: the BMC did what ssif_bmc would (capture_check)
};

constexpr Named<CheckId> kCheckNames[] = {
    {"T6max", CheckId::T6max},
    {"all_answered", CheckId::AllAnswered},
    {"ipmi_messages", CheckId::IpmiMessages},
    {"faults_fired", CheckId::FaultsFired},
    {"tTIMEOUT", CheckId::TTimeout},
    {"tLOW:SEXT", CheckId::TLowSext},
    {"ssif_framing", CheckId::SsifFraming},
    {"driver_memory_safety", CheckId::DriverMemorySafety},
    {"interrupts_accounted", CheckId::InterruptsAccounted},
    {"ipmi_sim", CheckId::IpmiSim},
    {"interrupted", CheckId::Interrupted},
    {"host_timing", CheckId::HostTiming},
    {"pec", CheckId::Pec},
    {"bmc_conformance", CheckId::BmcConformance},
};

inline const char* check_name(CheckId id) {
    return name_of(kCheckNames, id);
}

// The spec checks every run makes, which expect.spec may name, in the order the help lists.
constexpr CheckId kSpecChecks[] = {
    CheckId::T6max,       CheckId::AllAnswered,        CheckId::IpmiMessages,
    CheckId::FaultsFired, CheckId::TTimeout,           CheckId::TLowSext,
    CheckId::SsifFraming, CheckId::DriverMemorySafety, CheckId::InterruptsAccounted,
};

} // namespace ssifsim::tools
