// A testbench of its own around the installed models (README: "Embedding the models"): the
// BMC (Linux ssif_bmc's state machine, its userspace daemon, the builtin IPMI responder
// behind it) on the SMBus at 100 kHz, and a small SystemC master of the testbench's that sends
// IPMI Get Device ID as an SSIF single-part write (SMBus block write, command 0x02, PEC) and
// then reads with block reads (command 0x03) until the BMC has the response, as the host's
// ipmi_ssif does (IPMI v2.0 §12.3, §12.5). It prints each transfer, the daemon's side and the
// response.
//
//   ssif_testbench [RESOLUTION]
//
// RESOLUTION: SystemC's time resolution, a power of ten with fs, ps or ns (e.g. 1ns, 100ps),
// set before anything is built as a platform would; the default is SystemC's 1 ps. The
// times printed are the same for every resolution of 1 ns or finer.
// Exit status: 0 when the Get Device ID response came with completion code 0x00, else 1.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <systemc>
#include <variant>

#include "bus_master.h"
#include "models/common/event_log.h"
#include "models/smbus/bus.h"
#include "models/smbus/linux_slave_target.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon.h"
#include "models/ssif/bmc/responder.h"
#include "models/ssif/framing.h"
#include "models/ssif/ipmi_commands.h"

namespace testbench {

using ssifsim::Bytes;

constexpr uint8_t kBmcAddress = 0x10;
constexpr unsigned kMaxReads = 20;

std::string ms(uint64_t t_ns) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%" PRIu64 ".%06" PRIu64 " ms", t_ns / 1000000, t_ns % 1000000);
    return buf;
}

// What the models log, the daemon's events only: what the BMC's userspace saw.
class DaemonPrinter : public ssifsim::EventSink {
  public:
    bool wants(ssifsim::EventId id) const override {
        return ssifsim::event_name(id).src == ssifsim::EventSource::Daemon;
    }
    void record(const ssifsim::Event& e) override {
        if (ssifsim::event_name(e.id).src != ssifsim::EventSource::Daemon)
            return;
        char time[24];
        std::snprintf(time, sizeof time, "%13s", ms(e.t_ns).c_str());
        std::string line = "  " + std::string(time) + "  daemon " + std::string(e.ev);
        for (const ssifsim::Field& f : e.fields) {
            line += " " + std::string(f.key) + "=";
            std::visit(
                [&line](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, Bytes>)
                        line += "[" + ssifsim::hex_string(v) + "]";
                    else if constexpr (std::is_same_v<T, ssifsim::Hex8>)
                        line += ssifsim::hex_string(Bytes{v.value});
                    else if constexpr (std::is_same_v<T, std::string>)
                        line += v;
                    else
                        line += std::to_string(v);
                },
                f.value);
        }
        std::printf("%s\n", line.c_str());
    }
};

// The testbench's host: one Get Device ID, then a read every 10 ms until it is answered.
class Requester : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Requester);
    Requester(sc_core::sc_module_name name, BusMaster& master) : sc_module(name), master_(master) {
        SC_THREAD(run);
    }

    bool answered = false;
    Bytes response;

  private:
    void run() {
        namespace ipmi = ssifsim::ssif::ipmi;
        const Bytes request{static_cast<uint8_t>(ipmi::kGetDeviceId.netfn << 2),
                            ipmi::kGetDeviceId.cmd};
        const Transfer write =
            master_.block_write(kBmcAddress, ssifsim::ssif::kWriteSingle, request);
        print("write 0x02", write, request);
        for (unsigned n = 0; write.ok && n < kMaxReads && !answered; ++n) {
            wait(10, sc_core::SC_MS);
            const Transfer read = master_.block_read(kBmcAddress, ssifsim::ssif::kReadStart);
            print("read  0x03", read, read.data);
            answered = read.ok;
            response = read.data;
        }
        // Nothing is left to happen then: the daemon waits for the next request, and the
        // simulation ends.
    }

    // At the transfer's end, when it returns: the daemon's events print as they happen, and
    // the BMC has a write's request at its STOP, before the write returns.
    static void print(const char* what, const Transfer& t, const Bytes& data) {
        std::printf("  %13s  %s  %-11s  %s  [%s]\n", ms(t.end_ns).c_str(), what, t.status,
                    ms(t.end_ns - t.start_ns).c_str(), ssifsim::hex_string(data).c_str());
    }

    BusMaster& master_;
};

// The top level: every model a member, bound in the constructor (as in Accellera's TLM
// examples).
class Top : public sc_core::sc_module {
  public:
    Top(sc_core::sc_module_name name)
        : sc_module(name), bus("bus", ssifsim::smbus::SmbusTiming{100000}, log, nullptr),
          bmc("bmc", bmc_config(), log, nullptr), responder(ssifsim::ssif::ResponderConfig{}),
          daemon("daemon", daemon_config(), bmc, responder, log), bmc_slave("bmc_slave", bmc),
          master("master"), requester("requester", master) {
        // The SMBus sockets (models/smbus/socket.h): the master's initiator socket and the
        // BMC's target socket, the BMC's slave events through a Linux slave-event target.
        bus.bind_initiator(master.socket);
        bus.bind_target(kBmcAddress, bmc_slave.socket);
    }

    DaemonPrinter log;
    ssifsim::smbus::SmbusBus bus;
    ssifsim::ssif::BmcModule bmc;
    ssifsim::ssif::IpmiResponder responder;
    ssifsim::ssif::BmcDaemon daemon;
    ssifsim::smbus::LinuxSlaveTarget bmc_slave;
    BusMaster master;
    Requester requester;

  private:
    static ssifsim::ssif::BmcConfig bmc_config() {
        ssifsim::ssif::BmcConfig c;
        c.addr7 = kBmcAddress;
        return c;
    }
    static ssifsim::ssif::DaemonConfig daemon_config() {
        ssifsim::ssif::DaemonConfig c;
        c.latency_ns = 20'000'000; // the daemon answers 20 ms after it read the request
        return c;
    }
};

// "100ps" -> sc_set_time_resolution(100, SC_PS); false if it is not that form.
bool set_resolution(const std::string& arg) {
    char* end = nullptr;
    const double value = std::strtod(arg.c_str(), &end);
    const std::string unit = end;
    const sc_core::sc_time_unit u = unit == "fs"   ? sc_core::SC_FS
                                    : unit == "ps" ? sc_core::SC_PS
                                    : unit == "ns" ? sc_core::SC_NS
                                                   : sc_core::SC_SEC;
    if (end == arg.c_str() || u == sc_core::SC_SEC)
        return false;
    sc_core::sc_set_time_resolution(value, u);
    return true;
}

} // namespace testbench

int sc_main(int argc, char* argv[]) {
    if (argc > 2 || (argc == 2 && !testbench::set_resolution(argv[1]))) {
        std::fprintf(stderr, "usage: ssif_testbench [RESOLUTION, e.g. 1ns or 100ps]\n");
        return 2;
    }
    std::printf("SSIF Get Device ID to the BMC at 0x%02x, SMBus 100 kHz with PEC, time "
                "resolution %s\n",
                testbench::kBmcAddress, sc_core::sc_get_time_resolution().to_string().c_str());
    std::printf("  end of each transfer, command, status, duration, bytes; and what the "
                "BMC's daemon did\n");
    testbench::Top top("top");
    sc_core::sc_start();
    if (!top.requester.answered) {
        std::printf("no response\n");
        return 1;
    }
    const ssifsim::Bytes& r = top.requester.response;
    std::printf("response %s\n", ssifsim::hex_string(r).c_str());
    // Get Device ID response (IPMI v2.0 §20.1): netfn 0x07 << 2, cmd, cc, device id, device
    // revision, firmware major and minor, IPMI version, support, manufacturer (3 bytes, LS
    // first), product (2 bytes, LS first).
    if (r.size() < 14 || r[0] != (0x07 << 2) || r[1] != 0x01 || r[2] != 0x00) {
        std::printf("not a Get Device ID response with completion code 0x00\n");
        return 1;
    }
    std::printf("device id 0x%02x revision 0x%02x firmware %u.%02x IPMI %u.%u manufacturer "
                "0x%06x product 0x%04x\n",
                r[3], r[4], r[5] & 0x7fu, r[6], r[7] & 0x0fu, r[7] >> 4,
                r[9] | r[10] << 8 | r[11] << 16, r[12] | r[13] << 8);
    return 0;
}
