// The models under a time resolution an embedding platform set (models/common/sim_time.h):
// SystemC allows one resolution per process, so this is a program of its own that
// tests/time_resolution.cmake runs once per resolution. It sets the resolution its argument
// names (1fs, 100ps, 1ps, 1ns, 10ns, ...), has a master send a Get Device ID to the BMC (with
// its daemon and responder) and read the response, checks the figures that follow from the
// bus timing and the daemon's latency, and prints the event log (t_ns src ev), which must be
// the same at every resolution of 1 ns or finer. Exit 0 when the figures hold; a resolution
// coarser than 1 ns ends at elaboration with SystemC's error report.
#include <cstdio>
#include <systemc>

#include "models/common/event_log.h"
#include "models/common/sim_time.h"
#include "models/smbus/bus.h"
#include "models/smbus/controller.h"
#include "models/smbus/linux_slave_target.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon.h"
#include "models/ssif/bmc/responder.h"
#include "models/ssif/framing.h"
#include "tests/time_resolution_arg.h"

using namespace ssifsim;

namespace {

constexpr uint8_t kAddress = 0x10;
constexpr uint64_t kLatencyNs = 20'000'000;

class PrintSink : public EventSink {
  public:
    void record(const Event& e) override {
        std::printf("%llu %s %s\n", static_cast<unsigned long long>(e.t_ns),
                    std::string(e.src).c_str(), std::string(e.ev).c_str());
        if (e.id == events::kDaemonWrite)
            daemon_write_ns = e.t_ns;
    }
    uint64_t daemon_write_ns = 0;
};

struct Master : sc_core::sc_module {
    SC_HAS_PROCESS(Master);
    Master(sc_core::sc_module_name n, smbus::SmbusController& c) : sc_module(n), controller(c) {
        SC_THREAD(run);
    }
    void run() {
        write = controller.block_write(kAddress, ssif::kWriteSingle, Bytes{0x18, 0x01}, true);
        // The platform's own time unit, not the models' ns(): 25 ms after the write's STOP.
        sc_core::wait(25, sc_core::SC_MS);
        read_at_ns = sim_now_ns();
        read = controller.block_read(kAddress, ssif::kReadStart, true);
    }
    smbus::SmbusController& controller;
    smbus::SmbusResult write, read;
    uint64_t read_at_ns = 0;
};

bool expect(bool ok, const char* what) {
    if (!ok)
        std::fprintf(stderr, "time_resolution: %s does not hold\n", what);
    return ok;
}

} // namespace

int sc_main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: time_resolution RESOLUTION (e.g. 100ps)\n");
        return 2;
    }
    if (!test::set_time_resolution(argv[1])) {
        std::fprintf(stderr, "time_resolution: '%s' is not a resolution (e.g. 100ps)\n", argv[1]);
        return 2;
    }

    PrintSink log;
    const smbus::SmbusTiming timing{100000};
    smbus::SmbusBus bus("bus", timing, log, nullptr);
    ssif::BmcModule bmc("bmc", ssif::BmcConfig{}, log, nullptr);
    ssif::IpmiResponder responder{ssif::ResponderConfig{}};
    ssif::DaemonConfig daemon_config;
    daemon_config.latency_ns = kLatencyNs;
    ssif::BmcDaemon daemon("daemon", daemon_config, bmc, responder, log);
    smbus::LinuxSlaveTarget bmc_slave("bmc_slave", bmc);
    bus.bind_target(kAddress, bmc_slave.socket);
    smbus::SmbusController controller("controller", log);
    bus.bind_initiator(controller.socket);
    Master master("master", controller);
    sc_core::sc_start();

    bool ok = expect(master.write.ok(), "the write is ACKed");
    ok &= expect(master.write.start_ns == timing.bus_free_ns(), "the write starts after tBUF");
    ok &= expect(master.write.end_ns - master.write.start_ns == timing.block_write_ns(2, true),
                 "the write takes block_write_ns(2, PEC)");
    // The BMC has the request at the write's STOP condition, a quarter period before its end.
    const uint64_t stop_condition =
        master.write.end_ns - timing.stop_ns() + timing.stop_condition_ns();
    ok &= expect(log.daemon_write_ns == stop_condition + kLatencyNs,
                 "the daemon answers its latency after the write's STOP condition");
    ok &= expect(master.read_at_ns == master.write.end_ns + 25'000'000,
                 "sc_time(25, SC_MS) is 25,000,000 ns");
    ok &= expect(master.read.ok() && master.read.data.size() == 14 && master.read.data[0] == 0x1c &&
                     master.read.data[2] == 0x00,
                 "the read returns the Get Device ID response");
    ok &= expect(master.read.end_ns - master.read.start_ns == timing.block_read_ns(14, true),
                 "the read takes block_read_ns(14, PEC)");
    return ok ? 0 : 1;
}
