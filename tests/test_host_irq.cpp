// The host's SMBus controller interrupt as signal ports (SsifHost::irq, irq_handled), driven
// by hand from a test platform; and the zPCI end of such a line (zpci::MsiLine). Bus times
// come from models/smbus/timing.h at 100 kHz: tBUF 4.7 us at power-up, then a transfer whose
// address nobody ACKs is START hold 5 us + the address byte 90 us + STOP 10 us = 105 us.
#include <catch2/catch.hpp>
#include <memory>
#include <systemc>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/sim_time.h"
#include "models/common/thread_reaper.h"
#include "models/smbus/bus.h"
#include "models/ssif/host/ssif_host.h"
#include "models/zpci/msi_line.h"
#include "tests/support.h"

using namespace ssifsim;

namespace {

// One Get Device ID at time 0.
struct OneRequest : ssif::RequestSource {
    bool next(ssif::HostRequest* out) override {
        if (given_)
            return false;
        given_ = true;
        out->id = 1;
        out->at_ns = 0;
        out->payload = {0x18, 0x01};
        return true;
    }
    size_t total() const override { return 1; }

  private:
    bool given_ = false;
};

struct Outcomes : ssif::OutcomeSink {
    void completed(const ssif::RequestOutcome& o) override { done.push_back(o); }
    std::vector<ssif::RequestOutcome> done;
};

// A platform's interrupt controller: notes each rising and falling edge of the host's
// request, and answers each rising edge `handler_ns` later with a rising edge of handled,
// lowered again when the host lowers its request.
struct TestPlatform : sc_core::sc_module {
    sc_core::sc_in<bool> irq{"irq"};
    sc_core::sc_out<bool> handled{"handled"};
    SC_HAS_PROCESS(TestPlatform);
    TestPlatform(sc_core::sc_module_name n, uint64_t handler_ns)
        : sc_module(n), handler_ns_(handler_ns) {
        SC_THREAD(run);
    }
    void run() {
        for (;;) {
            wait_on(irq->posedge_event());
            raised_ns.push_back(sim_now_ns());
            wait_for(handler_ns_);
            handled->write(true);
            wait_on(irq->negedge_event());
            lowered_ns.push_back(sim_now_ns());
            handled->write(false);
        }
    }
    std::vector<uint64_t> raised_ns, lowered_ns;

  private:
    uint64_t handler_ns_;
};

// A host on a bus of its own where nobody answers 0x10: every transfer is NAKed.
struct LonelyHost {
    explicit LonelyHost(const char* name)
        : bus((std::string(name) + "_bus").c_str(), smbus::SmbusTiming{100000}, log, nullptr),
          host(name, ssif::HostConfig{}, log, nullptr) {
        bus.bind_initiator(host.smbus_socket());
        host.set_requests(&requests);
        host.set_outcome_sink(&outcomes);
    }
    // The request's bus transfers, in order.
    std::vector<ssif::Segment> transfers() const {
        std::vector<ssif::Segment> t;
        REQUIRE(outcomes.done.size() == 1);
        for (const ssif::Segment& s : outcomes.done[0].timeline)
            if (s.kind != ssif::SegmentKind::Wait)
                t.push_back(s);
        return t;
    }
    MemorySink log;
    smbus::SmbusBus bus;
    ssif::SsifHost host;
    OneRequest requests;
    Outcomes outcomes;
};

} // namespace

TEST_CASE("host irq: a platform sees a rising edge per transfer and the host waits for its "
          "handled edge, and unbound a transfer ends with its STOP",
          "[host][irq]") {
    constexpr uint64_t kHandlerNs = 7'000;
    LonelyHost polled("polled"); // irq and irq_handled left unbound
    LonelyHost wired("wired");
    sc_core::sc_signal<bool> request("request"), handled("handled");
    TestPlatform platform("platform", kHandlerNs);
    wired.host.irq(request);
    platform.irq(request);
    platform.handled(handled);
    wired.host.irq_handled(handled);
    sc_core::sc_start();

    const std::vector<ssif::Segment> p = polled.transfers();
    const std::vector<ssif::Segment> w = wired.transfers();
    // The driver tries the NAKed write SSIF_SEND_RETRIES times (HostKernel::send_attempts, 5
    // in mainline), waiting or not for the interrupt.
    REQUIRE(p.size() == 5);
    REQUIRE(w.size() == 5);
    // Unbound (an ideal polled controller): the first write ends with its STOP, at tBUF
    // 4.7 us + 105 us.
    CHECK(p[0].end_ns == 109'700);
    // Wired: the controller raises its interrupt at that same moment, and the transfer (the
    // i2c driver asleep on its completion until the ISR has run) ends when the platform's
    // handled rises kHandlerNs later, when the host also lowers its request.
    CHECK(w[0].start_ns == p[0].start_ns);
    CHECK(w[0].end_ns == p[0].end_ns + kHandlerNs);
    // One rising edge per transfer, each at the transfer's STOP, kHandlerNs before its end;
    // the request falls at the transfer's end.
    REQUIRE(platform.raised_ns.size() == w.size());
    REQUIRE(platform.lowered_ns.size() == w.size());
    for (size_t k = 0; k < w.size(); ++k) {
        INFO("transfer " << k);
        CHECK(platform.raised_ns[k] + kHandlerNs == w[k].end_ns);
        CHECK(platform.lowered_ns[k] == w[k].end_ns);
    }
}

TEST_CASE("host irq: irq bound without irq_handled is refused at elaboration", "[host][irq]") {
    LonelyHost host("host");
    sc_core::sc_signal<bool> request("request");
    host.host.irq(request);
    CHECK_THROWS_WITH(sc_core::sc_start(),
                      Catch::Contains("host: irq and irq_handled are bound together"));
}

// A platform that never runs the handler. The driver's first transfer is the write's
// (nobody answers 0x10: a NAKed address), its START tBUF after power-up, at 4.7 us; its
// STOP ends at kBuf + kStart + kByte + kStop = 109.7 us, where irq rises. The bus driver
// waits for its completion at most adap->timeout (HZ: 1 s) from when it started the
// transfer (i2c_dw_xfer's wait_for_completion_timeout), so the transfer fails with
// -ETIMEDOUT at 4.7 us + 1 s, and irq falls then (i2c_dw_init resets the controller).
TEST_CASE("host irq: an interrupt nobody handles times the transfer out after the adapter's "
          "timeout",
          "[host][irq]") {
    LonelyHost host("host");
    sc_core::sc_signal<bool> request("request"), handled("handled");
    host.host.irq(request);
    host.host.irq_handled(handled);
    ThreadReaper reaper("reaper"); // the run ends mid-request: unwind the host's threads
    sc_core::sc_start(sc_core::sc_time(1'500, sc_core::SC_MS));
    reaper.reap();
    const std::vector<Event> timeouts = test::select(host.log.events, "host", "irq_timeout");
    REQUIRE_FALSE(timeouts.empty());
    CHECK(timeouts[0].t_ns == 4'700 + 1'000'000'000);
    CHECK(test::num_field(timeouts[0], "raised_ns") == 109'700);
}

// A run that ends while the driver sleeps on its interrupt (here half a second in, the
// adapter's timeout being 1 s) names it as the host is destroyed, with how long it slept:
// 500 ms - 109.7 us = 499,890,300 ns.
TEST_CASE("host irq: a driver still asleep on an unhandled interrupt is named at the end",
          "[host][irq]") {
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_CACHE_REPORT);
    {
        LonelyHost host("host");
        sc_core::sc_signal<bool> request("request"), handled("handled");
        host.host.irq(request);
        host.host.irq_handled(handled);
        sc_core::sc_start(sc_core::sc_time(500, sc_core::SC_MS));
        CHECK(request.read()); // raised, not yet lowered
        CHECK(host.outcomes.done.empty());
        CHECK(sc_core::sc_report_handler::get_cached_report() == nullptr);
    }
    const sc_core::sc_report* warning = sc_core::sc_report_handler::get_cached_report();
    REQUIRE(warning != nullptr);
    CHECK_THAT(warning->get_msg(),
               Catch::Contains("host: the driver is still asleep on its transfer interrupt, "
                               "raised at 109700 ns, 499890300 ns before the simulation ended: "
                               "irq_handled did not rise in that time"));
}

namespace {
// A device that raises its line at 10 us and lowers it when handled rises.
struct TestDevice : sc_core::sc_module {
    sc_core::sc_out<bool> irq{"irq"};
    sc_core::sc_in<bool> handled{"handled"};
    SC_HAS_PROCESS(TestDevice);
    explicit TestDevice(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
        wait_for(10'000);
        irq->write(true);
        wait_on(handled->posedge_event());
        handled_ns = sim_now_ns();
        irq->write(false);
    }
    uint64_t handled_ns = 0;
};
} // namespace

namespace {
// The function's own MSI 0 once, at 1 us, before the device raises its line.
struct OneEarlyMsi : zpci::MsiSchedule {
    bool next(zpci::Msi* out) override {
        if (given_)
            return false;
        given_ = true;
        *out = zpci::Msi{1'000, 0x20, 0, false, false};
        return true;
    }

  private:
    bool given_ = false;
};

zpci::ZpciConfig one_function_on_cpu1() {
    zpci::ZpciConfig config;
    config.kernel.cpus = 2;
    zpci::FunctionConfig f;
    f.fid = 0x20;
    f.nvec = 1;
    f.affinity = {1};
    config.functions.push_back(f);
    config.timing.entry_ns = 4'000;
    config.timing.per_bit_ns = 1'000;
    return config;
}
} // namespace

TEST_CASE("MsiLine: a rising edge raises the function's MSI, handled rises when its handler "
          "has run",
          "[zpci][irq]") {
    NullSink log;
    zpci::ZpciSystem zpci("zpci", one_function_on_cpu1(), log, nullptr);
    zpci::MsiLine line("line", zpci, 0x20, 0);
    TestDevice device("device");
    device.irq(line.irq);
    device.handled(line.handled);
    sc_core::sc_start();
    // The MSI is directed to the idle CPU 1: interrupt entry 4 us, then the handler 1 us.
    CHECK(device.handled_ns == 10'000 + 4'000 + 1'000);
    CHECK(zpci.accounting().counts().raised == 1);
    CHECK(zpci.accounting().counts().delivered == 1);
    CHECK(line.handled.read() == false); // lowered again once the device lowered its request
}

TEST_CASE("MsiLine: a handler run while the line is low does not raise handled", "[zpci][irq]") {
    NullSink log;
    zpci::ZpciSystem zpci("zpci", one_function_on_cpu1(), log, nullptr);
    OneEarlyMsi early;
    zpci.set_schedule(&early);
    zpci::MsiLine line("line", zpci, 0x20, 0);
    TestDevice device("device");
    device.irq(line.irq);
    device.handled(line.handled);
    sc_core::sc_start();
    // The early MSI's handler runs at 1 + 4 + 1 us with the line low: no answer to anyone.
    // Had it raised handled, the device's own request at 10 us would find it already high and
    // never see a rising edge; it sees one when its own MSI's handler has run, at 15 us.
    CHECK(device.handled_ns == 10'000 + 4'000 + 1'000);
    CHECK(zpci.accounting().counts().raised == 2);
    CHECK(zpci.accounting().counts().delivered == 2);
}

// A line that nothing can answer leaves its device asleep for good, so it is refused when it
// is made: a fid the configuration lacks, an MSI index the function was not given (it asked
// for nvec = 1: MSI 0 only), and a second line on an MSI that has one.
TEST_CASE("MsiLine: a line on no function, past the function's MSIs, or on a wired MSI is "
          "refused",
          "[zpci][irq]") {
    NullSink log;
    zpci::ZpciSystem zpci("zpci", one_function_on_cpu1(), log, nullptr);
    CHECK_THROWS_WITH(zpci::MsiLine("no_function", zpci, 0x21, 0),
                      Catch::Contains("fid 33 MSI 0: no such function"));
    CHECK_THROWS_WITH(zpci::MsiLine("past_nvec", zpci, 0x20, 1),
                      Catch::Contains("fid 32 MSI 1: the function has MSIs 0..0"));
    zpci::MsiLine first("first", zpci, 0x20, 0);
    CHECK_THROWS_WITH(zpci::MsiLine("second", zpci, 0x20, 0),
                      Catch::Contains("fid 32 MSI 0: a second line on the same MSI"));
}
