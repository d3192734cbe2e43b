// OpenBMC's SSIF bridge daemon (github.com/openbmc/ssifbridge, ssifbridged.cpp) as the BMC's
// userspace: it reads each request from /dev/ipmi-ssif-host as soon as the driver has one
// (boost::asio async_read on an O_NONBLOCK descriptor, re-armed before the request is
// handled), forwards it to ipmid over D-Bus (method "execute" of xyz.openbmc_project.Ipmi.
// Server) and writes ipmid's answer back when it comes, by the rules of its version. So it
// holds several requests at once, answers them in the order ipmid does, and may write more
// than one response for one request, or none.
//
// SsifBridge is the bridge's state and rules as a plain C++ class (no SystemC): it is told
// what read() returned, when ipmid's D-Bus answer or its error came, and when its own
// response timer ran, and it writes through BridgeDevice. Ipmid stands for ipmid behind the
// D-Bus call. SsifBridgeModule is the SystemC process around both.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <systemc>
#include <utility>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/rng.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon_observer.h"
#include "models/ssif/bmc/ipmi_backend.h"

namespace ssifsim::ssif {

// The bridge's versions that changed what it does on the device, oldest first; each has the
// rules of the ones before it unless its row says otherwise.
enum class BridgeVersion {
    CppBridge2020,   // faf6a6a
    ReadBuffer255,   // b26a9b6
    LastRequestOnly, // 14480ee
    U32Length,       // 5183539
    NoneOutstanding, // 507782a
    OwnTimeout,      // f2994dc
    SysIfCaps,       // 49c757c
    DropLate,        // fe8bb4c
};

// One version: its source and its rules (ssifbridged.cpp at that commit).
struct BridgeVersionInfo {
    BridgeVersion version;
    const char* name;   // as scenarios spell it: the commit's short hash
    const char* commit; // the openbmc/ssifbridge commit, in full
    const char* date;   // its author date
    const char* change; // what it changed, in a line
    // The request's and response's length field before netfn/lun: 1 (a u8, before 5183539)
    // or 4 (struct ipmi_ssif_msg's unsigned int len): the bridge parses the bytes after it
    // as netfn/lun, cmd, data, and writes its answers behind it.
    unsigned len_field;
    size_t read_count; // the read() buffer (xferBuffer), bytes
    // The D-Bus method call's timeout: sd-bus's default (25 s) for async_method_call, then
    // async_method_call_timed's argument.
    uint64_t dbus_timeout_ns;
    bool ce_on_dbus_error;   // a D-Bus error is answered netfn+1, cmd, 0xCE (else nothing)
    bool last_request_only;  // only an answer to the last request read (netfn, lun, cmd) is written
    bool none_outstanding;   // ... and only when no other forwarded request awaits ipmid
    uint64_t keepalive_ns;   // after each read, its own 0xCE response to the last request (0: none)
    bool answers_sysif_caps; // Get System Interface Capabilities answered by the bridge itself
    bool drop_after_keepalive; // ipmid's answer after the 0xCE response is dropped
};

// Oldest first, one row per BridgeVersion, in its order.
inline constexpr uint64_t kSecondNs = 1'000'000'000;
inline constexpr BridgeVersionInfo kBridgeVersions[] = {
    {BridgeVersion::CppBridge2020, "faf6a6a", "faf6a6aec9326aaa36ef5af5278f68af9fd3f230",
     "2020-12-28",
     "the C++ bridge: u8 length field, every ipmid answer written, a D-Bus error answered 0xCE", 1,
     4096, 25 * kSecondNs, true, false, false, 0, false, false},
    {BridgeVersion::ReadBuffer255, "b26a9b6", "b26a9b6aea6c578fa71274bed14466607b0d8426",
     "2021-01-29", "read() buffer of 255 bytes", 1, 255, 25 * kSecondNs, true, false, false, 0,
     false, false},
    {BridgeVersion::LastRequestOnly, "14480ee", "14480ee005d287e86ea1d1a8cc58c77a8396eb22",
     "2022-10-18",
     "only the answer to the last request read is written; a D-Bus error (now after 40 s) is "
     "not answered",
     1, 255, 40 * kSecondNs, false, true, false, 0, false, false},
    {BridgeVersion::U32Length, "5183539", "51835394c3e7e46ab66b21e191b70b95361f518b", "2022-10-27",
     "the length field is an unsigned int (struct ipmi_ssif_msg); read() buffer 254 + 4", 4, 258,
     40 * kSecondNs, false, true, false, 0, false, false},
    {BridgeVersion::NoneOutstanding, "507782a", "507782a8be5d35493edc02efa785d946e5de3420",
     "2022-11-20", "an answer is dropped while another forwarded request awaits ipmid", 4, 258,
     40 * kSecondNs, false, true, true, 0, false, false},
    {BridgeVersion::OwnTimeout, "f2994dc", "f2994dc5767e1fd772a72bde6f133ea9dfa082cd", "2022-11-25",
     "14 s after each read, a 0xCE response to the last request before a 15 s driver timer "
     "aborts it; D-Bus timeout 60 s",
     4, 258, 60 * kSecondNs, false, true, true, 14 * kSecondNs, false, false},
    {BridgeVersion::SysIfCaps, "49c757c", "49c757cec5dd7939968dd54fd60f483193aa3cb9", "2026-05-27",
     "Get System Interface Capabilities (SSIF) answered by the bridge: start/middle/end, 255 "
     "bytes each way",
     4, 258, 60 * kSecondNs, false, true, true, 14 * kSecondNs, true, false},
    {BridgeVersion::DropLate, "fe8bb4c", "fe8bb4ce7789d1c596bdee2168a4a23b3cc9e461", "2026-06-03",
     "ipmid's late answer after the 0xCE response is dropped", 4, 258, 60 * kSecondNs, false, true,
     true, 14 * kSecondNs, true, true},
};
const BridgeVersionInfo& bridge_version_info(BridgeVersion v);
// Returns false for an unknown name.
bool parse_bridge_version(const std::string& name, BridgeVersion* out);
std::string bridge_version_names(); // "faf6a6a, b26a9b6, ...", for messages

// The device as the bridge writes to it: write() on its O_NONBLOCK descriptor, the byte count
// or -errno.
class BridgeDevice {
  public:
    virtual ~BridgeDevice() = default;
    virtual long write(const Bytes& buf) = 0;
};

class SsifBridge {
  public:
    // Events go to `log` as src "daemon", at the times the calls give.
    SsifBridge(BridgeVersion version, BridgeDevice& device, EventSink& log);

    const BridgeVersionInfo& info() const { return info_; }
    // Told each request read and each response the driver accepted (with the read it answers).
    void add_observer(DaemonObserver* o) { observers_.add(o); }
    // The count the bridge's read() asks for.
    size_t read_count() const { return info_.read_count; }

    // A request to forward to ipmid: `read` numbers the bridge's successful reads from 1.
    struct Forward {
        uint64_t read = 0;
        Bytes request; // netfn/lun, cmd, data as the bridge parsed them
    };
    // read() returned `got` (bytes or -errno); `buffer` is the bridge's read buffer after it
    // (read_count() bytes: what read() copied over what the previous reads left). A failed
    // or short read stops the bridge (channelAbort: io->stop()). Returns the request to
    // forward, if any.
    std::optional<Forward> on_read(long got, const Bytes& buffer, uint64_t now_ns);
    // ipmid's D-Bus answer to forwarded read `read`: the response (netfn+1/lun, cmd,
    // completion code, data; at least netfn and cmd), or std::nullopt for a D-Bus error (the
    // method call timed out).
    void on_ipmid_answer(uint64_t read, const std::optional<Bytes>& response, uint64_t now_ns);
    // When the bridge's response timer runs (versions with keepalive_ns), if it is armed.
    std::optional<uint64_t> keepalive_at() const { return keepalive_at_; }
    // The response timer ran (at keepalive_at()).
    void on_keepalive(uint64_t now_ns);

    // Requests forwarded and not yet answered or failed by D-Bus (numberOfReqNotRsp).
    int outstanding() const { return outstanding_; }
    // The bridge does nothing more: it stopped (a failed read) or hangs (a write that
    // returned -EAGAIN: boost::asio's blocking write then polls for POLLOUT, which
    // ssif_bmc_poll never reports).
    bool stopped() const { return stopped_; }

  private:
    struct Last {
        uint8_t netfn = 0, lun = 0, cmd = 0;
        uint64_t read = 0;
    };
    // Writes `response` (netfn/lun, cmd, cc, data) with the version's length field.
    void write(const Bytes& response, uint64_t read, const char* from, uint64_t now_ns);
    void drop(uint64_t read, const Bytes& response, const char* why, uint64_t now_ns);

    const BridgeVersionInfo& info_;
    BridgeDevice& device_;
    EventSink& log_;
    DaemonObservers observers_;
    uint64_t reads_ = 0;
    Last last_;           // prevReqCmd: the last request read
    int outstanding_ = 0; // numberOfReqNotRsp
    bool timed_out_ = false;
    std::optional<uint64_t> keepalive_at_;
    std::map<uint64_t, Last> forwarded_; // the D-Bus calls' captured netfn/lun/cmd, by read
    bool stopped_ = false;
};

// ipmid behind the bridge's D-Bus call: its processing time per command (drawn per request
// from the seed) and its queue, in front of an IpmiBackend that decides the answer.
struct IpmidLatency {
    uint8_t netfn = 0, cmd = 0; // the request's
    uint64_t min_ns = 0, max_ns = 0;
};
struct IpmidConfig {
    uint64_t latency_ns = 10'000'000; // every command not listed: [latency_ns, latency_max_ns]
    uint64_t latency_max_ns = 0;      // 0 or below latency_ns: exactly latency_ns
    std::vector<IpmidLatency> commands;
    // One request at a time in arrival order, as ipmid's queue does; false: each request on
    // its own, so a quick one overtakes a slow one.
    bool serial = true;
};

class Ipmid {
  public:
    Ipmid(const IpmidConfig& config, IpmiBackend& backend, uint64_t seed);
    struct Reply {
        uint64_t due_ns = 0;
        std::optional<Bytes> response; // std::nullopt: ipmid never replies
    };
    // An execute call for `request` at now_ns. The backend is asked at once (hold_ns, then
    // respond); its answer is held until due.
    Reply call(const Bytes& request, uint64_t now_ns);

  private:
    IpmidConfig config_;
    IpmiBackend& backend_;
    Rng rng_;
    uint64_t free_at_ns_ = 0; // serial: when the request before is done
};

struct BridgeConfig {
    BridgeVersion version = BridgeVersion::DropLate;
    IpmidConfig ipmid;
};

// The bridge on a BmcModule: one process reads (it waits for the device to be readable as
// its epoll does, then reads without blocking), another delivers ipmid's answers, D-Bus
// timeouts and the bridge's response timer in time order.
class SsifBridgeModule : public sc_core::sc_module, private BridgeDevice {
  public:
    SC_HAS_PROCESS(SsifBridgeModule);
    SsifBridgeModule(sc_core::sc_module_name name, const BridgeConfig& config, BmcModule& bmc,
                     IpmiBackend& backend, uint64_t seed, EventSink& log);
    const SsifBridge& bridge() const { return bridge_; }
    void add_observer(DaemonObserver* o) { bridge_.add_observer(o); }

  private:
    long write(const Bytes& buf) override;
    void reader();     // SC_THREAD
    void dispatcher(); // SC_THREAD

    BmcModule& bmc_;
    EventSink& log_;
    SsifBridge bridge_;
    Ipmid ipmid_;
    Bytes buffer_;
    // D-Bus replies and errors to deliver, by (due time, order made): the read, and the
    // answer (std::nullopt: the call's D-Bus error).
    std::map<std::pair<uint64_t, uint64_t>, std::pair<uint64_t, std::optional<Bytes>>> due_;
    uint64_t made_ = 0;
    sc_core::sc_event wake_;
    sc_core::sc_event never_;
};

} // namespace ssifsim::ssif
