// The IPMI commands the models answer and the workloads name, in one table: network
// function and command code from IPMI v2.0 (Appendix G, "Command Assignments"), the section
// that defines each, and the name a scenario gives it (workload.requests' "command").
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <vector>

namespace ssifsim::ssif::ipmi {

// Request network functions (IPMI v2.0 §5.1, Table 5-1); a response carries netfn + 1.
constexpr uint8_t kNetfnChassis = 0x00;
constexpr uint8_t kNetfnSensorEvent = 0x04;
constexpr uint8_t kNetfnApp = 0x06;
constexpr uint8_t kNetfnStorage = 0x0a;

constexpr uint8_t kNetfnOem = 0x30; // the first OEM/group network function

struct Command {
    uint8_t netfn;
    uint8_t cmd;
};

// A request's first byte: the network function in bits 7:2, the LUN in bits 1:0 (§5.1).
constexpr uint8_t netfn_lun(uint8_t netfn, uint8_t lun = 0) {
    return static_cast<uint8_t>(netfn << 2 | lun);
}

// A request's bytes for LUN 0: netfn/LUN, cmd, then the data.
inline std::vector<uint8_t> request(Command c, std::initializer_list<uint8_t> data = {}) {
    std::vector<uint8_t> bytes{netfn_lun(c.netfn), c.cmd};
    bytes.insert(bytes.end(), data);
    return bytes;
}

// App (netfn 0x06).
constexpr Command kGetDeviceId{kNetfnApp, 0x01};            // §20.1
constexpr Command kGetSelfTestResults{kNetfnApp, 0x04};     // §20.4
constexpr Command kGetDeviceGuid{kNetfnApp, 0x08};          // §20.8
constexpr Command kSetBmcGlobalEnables{kNetfnApp, 0x2e};    // §22.1
constexpr Command kGetBmcGlobalEnables{kNetfnApp, 0x2f};    // §22.2
constexpr Command kClearMessageFlags{kNetfnApp, 0x30};      // §22.3
constexpr Command kGetMessageFlags{kNetfnApp, 0x31};        // §22.4
constexpr Command kGetMessage{kNetfnApp, 0x33};             // §22.6
constexpr Command kReadEventMessageBuffer{kNetfnApp, 0x35}; // §22.8
constexpr Command kGetChannelInfo{kNetfnApp, 0x42};         // §22.24
constexpr Command kGetSystemInterfaceCaps{kNetfnApp, 0x57}; // §22.9
// Chassis (netfn 0x00).
constexpr Command kGetChassisStatus{kNetfnChassis, 0x01}; // §28.2
// Sensor/Event (netfn 0x04).
constexpr Command kGetSensorReading{kNetfnSensorEvent, 0x2d}; // §35.14
// OEM (netfn 0x30): the responder's test command (responder.h TestCommand), whose
// response length a scenario sets; the workload generators' default.
constexpr Command kOemTest{kNetfnOem, 0x01};
// Storage (netfn 0x0a).
constexpr Command kGetFruInventoryAreaInfo{kNetfnStorage, 0x10}; // §34.1
constexpr Command kReadFruData{kNetfnStorage, 0x11};             // §34.2
constexpr Command kGetSdrRepositoryInfo{kNetfnStorage, 0x20};    // §33.9
constexpr Command kReserveSdrRepository{kNetfnStorage, 0x22};    // §33.11
constexpr Command kGetSdr{kNetfnStorage, 0x23};                  // §33.12
constexpr Command kGetSelInfo{kNetfnStorage, 0x40};              // §31.2
constexpr Command kReserveSel{kNetfnStorage, 0x42};              // §31.4
constexpr Command kGetSelEntry{kNetfnStorage, 0x43};             // §31.5

// Get Message Flags' flags (§22.4).
constexpr uint8_t kFlagReceiveMessageAvailable = 0x01;
constexpr uint8_t kFlagEventMessageBufferFull = 0x02;
constexpr uint8_t kFlagWatchdogPreTimeout = 0x08;
// Set/Get BMC Global Enables' bits (§22.1).
constexpr uint8_t kEnableReceiveMessageInterrupt = 0x01;
constexpr uint8_t kEnableEventMessageBuffer = 0x04;

// The commands a workload names, by the names scenarios use.
struct NamedCommand {
    const char* name;
    Command command;
};
constexpr NamedCommand kNamedCommands[] = {
    {"get_device_id", kGetDeviceId},
    {"get_self_test_results", kGetSelfTestResults},
    {"get_device_guid", kGetDeviceGuid},
    {"get_message_flags", kGetMessageFlags},
    {"get_channel_info", kGetChannelInfo},
    {"get_chassis_status", kGetChassisStatus},
    {"get_sensor_reading", kGetSensorReading},
    {"get_fru_inventory_area_info", kGetFruInventoryAreaInfo},
    {"read_fru_data", kReadFruData},
    {"get_sdr_repository_info", kGetSdrRepositoryInfo},
    {"reserve_sdr_repository", kReserveSdrRepository},
    {"get_sdr", kGetSdr},
    {"get_sel_info", kGetSelInfo},
    {"reserve_sel", kReserveSel},
    {"get_sel_entry", kGetSelEntry},
};

// The command a name stands for; nullptr for an unknown name.
inline const NamedCommand* find_command(const char* name) {
    for (const NamedCommand& c : kNamedCommands)
        if (std::strcmp(c.name, name) == 0)
            return &c;
    return nullptr;
}

} // namespace ssifsim::ssif::ipmi
