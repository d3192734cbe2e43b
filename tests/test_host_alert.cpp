// The model host's SMBus alert against the device lock, driven by hand: the test pulls the
// BMC's SMBALERT# pin while the host probes. smbus_do_alert (drivers/i2c/i2c-smbus.c) takes
// device_lock(&client->dev) before it calls the client's driver's alert, and the driver core
// holds that lock across ssif_probe (really_probe, drivers/base/dd.c), whose
// ipmi_register_smi sends ipmi_add_smi's requests from inside it. So the alert's ARA read
// happens at once, but ssif_alert runs only once ssif_probe has returned, and only if it
// bound the driver; smbus_alert's next ARA read waits with it. Bus times at 100 kHz
// (models/smbus/timing.h): START 5 us, a byte 90 us, STOP 10 us, tBUF 4.7 us.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/sim_time.h"
#include "models/common/thread_reaper.h"
#include "models/smbus/alert.h"
#include "models/smbus/bus.h"
#include "models/smbus/linux_slave_target.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon.h"
#include "models/ssif/bmc/responder.h"
#include "models/ssif/host/ssif_host.h"
#include "tests/support.h"

using namespace ssifsim;

namespace {

constexpr uint64_t kStart = 5'000, kByte = 90'000, kStop = 10'000, kBuf = 4'700;
// When the test pulls SMBALERT#: 1 ms in, the probe's first Get Device ID is written and
// its first read NAKed (the daemon answers after 10 ms), and the driver sleeps in
// msleep(SSIF_MSG_MSEC) before the next: the bus is idle.
constexpr uint64_t kAlertAt = 1'000'000;

// Pulls the BMC's SMBALERT# pin at kAlertAt, once (the ARA read releases it).
struct AlertPuller : sc_core::sc_module {
    smbus::AlertOutPort out;
    SC_HAS_PROCESS(AlertPuller);
    explicit AlertPuller(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
        wait_for(kAlertAt);
        out->write(true);
    }
};

ssif::HostConfig probing() {
    ssif::HostConfig c;
    c.probe = true; // ssif_probe at time 0, then ipmi_register_smi's requests
    return c;
}

// A probing host, the alert line with its ARA target, and with_bmc the BMC model at 0x10
// with its daemon (10 ms latency) and the builtin responder; without, nobody answers 0x10.
struct Rig {
    explicit Rig(bool with_bmc)
        : bus("bus", smbus::SmbusTiming{100000}, log, nullptr), line("smbalert"),
          ara("alert_response", line), host("host", probing(), log, nullptr), puller("puller") {
        bus.bind_target(smbus::AlertLine::kAlertResponseAddress, ara.socket);
        bus.bind_initiator(host.smbus_socket());
        host.smbalert(line.smbalert);
        puller.out(line.pin(0x10));
        if (with_bmc) {
            bmc = std::make_unique<ssif::BmcModule>("bmc", ssif::BmcConfig{}, log, nullptr);
            bmc_target = std::make_unique<smbus::LinuxSlaveTarget>("bmc_slave", *bmc);
            bus.bind_target(0x10, bmc_target->socket);
            daemon = std::make_unique<ssif::BmcDaemon>("daemon", ssif::DaemonConfig{}, *bmc,
                                                       responder, log);
        }
    }
    void run() {
        ThreadReaper reaper("reaper"); // the daemon and the host's threads wait for more
        sc_core::sc_start(sc_core::sc_time(2, sc_core::SC_SEC));
        reaper.reap();
    }
    // The ARA reads (Receive Byte from 0x0C), in order.
    std::vector<Event> ara_reads() const {
        std::vector<Event> out;
        for (const Event& e : test::select(log.events, "bus", "transfer"))
            if (test::hex_field(e, "addr") == smbus::AlertLine::kAlertResponseAddress)
                out.push_back(e);
        return out;
    }
    // The end of the last bus transfer that ended at or before t_ns.
    uint64_t last_transfer_end(uint64_t t_ns) const {
        uint64_t end = 0;
        for (const Event& e : test::select(log.events, "bus", "transfer"))
            if (e.t_ns <= t_ns)
                end = e.t_ns;
        return end;
    }

    MemorySink log;
    smbus::SmbusBus bus;
    smbus::AlertLine line;
    smbus::LinuxSlaveTarget ara;
    ssif::SsifHost host;
    AlertPuller puller;
    ssif::IpmiResponder responder{ssif::ResponderConfig{}};
    std::unique_ptr<ssif::BmcModule> bmc;
    std::unique_ptr<smbus::LinuxSlaveTarget> bmc_target;
    std::unique_ptr<ssif::BmcDaemon> daemon;
};

uint64_t start_of(const Event& transfer) {
    return transfer.t_ns - static_cast<uint64_t>(test::num_field(transfer, "dur_ns"));
}

} // namespace

TEST_CASE("host alert: an alert during the probe is served once ssif_probe has returned",
          "[host][alert]") {
    Rig rig(true);
    rig.run();
    const std::vector<Event> links = test::select(rig.log.events, "host", "link");
    REQUIRE(links.size() == 1);
    CHECK(test::flag_field(links[0], "found"));
    const uint64_t returned = links[0].t_ns; // ssif_probe returned (registration included)
    const std::vector<Event> ara = rig.ara_reads();
    REQUIRE(ara.size() == 2);
    // The ARA read is not held: it starts when the line falls, the bus being idle, and the
    // BMC answers its address (START, 0x19, the address byte, STOP).
    CHECK(start_of(ara[0]) == kAlertAt);
    CHECK(ara[0].t_ns == kAlertAt + kStart + 2 * kByte + kStop);
    CHECK(test::str_field(ara[0], "status") == "ok");
    REQUIRE(ara[0].t_ns < returned); // the alert came during the probe
    // ssif_alert runs at the moment the probe returns, not at the ARA read's end: the driver
    // is registered and idle then, so it has nothing to read at once ("ignored").
    const std::vector<Event> alerts = test::select(rig.log.events, "host", "alert");
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].t_ns == returned);
    CHECK(test::str_field(alerts[0], "action") == "ignored");
    CHECK(rig.host.stats().alerts == 1);
    // smbus_alert's next ARA read waited with it: it starts tBUF after the registration's
    // last transfer (which ended by the time the probe returned), and nobody answers (START,
    // 0x19 NAKed, STOP).
    CHECK(start_of(ara[1]) == std::max(returned, rig.last_transfer_end(returned) + kBuf));
    CHECK(ara[1].t_ns == start_of(ara[1]) + kStart + kByte + kStop);
    CHECK(test::str_field(ara[1], "status") != "ok");
}

TEST_CASE("host alert: an alert during a probe that fails finds no driver", "[host][alert]") {
    Rig rig(false); // nobody at 0x10: ssif_probe's Get Device ID fails, "Not present"
    rig.run();
    const std::vector<Event> links = test::select(rig.log.events, "host", "link");
    REQUIRE(links.size() == 1);
    CHECK_FALSE(test::flag_field(links[0], "found"));
    const uint64_t returned = links[0].t_ns;
    const std::vector<Event> ara = rig.ara_reads();
    REQUIRE(ara.size() == 2);
    CHECK(ara[0].t_ns < returned);
    CHECK(test::str_field(ara[0], "status") == "ok");
    // The held alert goes on once ssif_probe has failed: the client has no driver
    // (smbus_do_alert's "alert with no driver"), so ssif_alert never runs; the next ARA read
    // comes after the probe's return.
    CHECK(test::select(rig.log.events, "host", "alert").empty());
    CHECK(rig.host.stats().alerts == 0);
    CHECK(start_of(ara[1]) >= returned);
}
