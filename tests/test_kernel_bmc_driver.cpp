// Kernel in the loop: the real ssif_bmc.c behind the BmcDriver interface (KernelSsifBmc), as
// BmcModule drives it in a scenario run. Built only with -DSSIFSIM_KERNEL_SOURCE.
#include <catch2/catch.hpp>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernel/ssif_bmc/kernel_ssif_bmc_driver.h"
#include "tests/support.h"

using namespace ssifsim;
using namespace ssifsim::test;
using smbus::SlaveAnswer;
using smbus::SlaveEvent;
using ssif::BmcState;

namespace {
struct Recorder : ssif::BmcHooks {
    std::vector<uint64_t> armed; // mod_response_timer's expires
    std::vector<std::string> uaf;
    int cancelled = 0, requests = 0, consumed = 0;
    std::vector<std::string> transitions;
    void arm_response_timer() override { FAIL("the real driver arms through mod_timer"); }
    void mod_response_timer(uint64_t expires) override { armed.push_back(expires); }
    void cancel_response_timer() override { ++cancelled; }
    void request_available() override { ++requests; }
    void response_consumed() override { ++consumed; }
    void use_after_free(const std::string& what) override { uaf.push_back(what); }
    void transition(BmcState from, BmcState to, SlaveEvent) override {
        transitions.push_back(std::string(ssif::bmc_state_name(from)) + ">" +
                              ssif::bmc_state_name(to));
    }
};
} // namespace

TEST_CASE("kernel ssif_bmc.c as a BmcDriver: a single-part request reaches the hooks") {
    Recorder hooks;
    ssif::BmcConfig config; // address 0x10, HZ 100
    uint64_t now = 0;
    auto bmc = kernel::make_kernel_bmc_driver(config, hooks, [&now] { return now; });
    REQUIRE(bmc);
    REQUIRE(bmc->open() == 0);
    uint8_t v = 0x20; // 0x10 << 1, write
    bmc->on_event(SlaveEvent::WriteRequested, v);
    for (uint8_t b : {uint8_t{0x02}, uint8_t{2}, uint8_t{0x18}, uint8_t{0x01}}) {
        v = b;
        CHECK(bmc->on_event(SlaveEvent::WriteReceived, v) == SlaveAnswer::Ack);
    }
    now = 1'000'000; // the STOP at 1 ms: jiffies 0 at HZ 100
    // handle_request: busy, request_available, wake_up_all, then mod_timer(jiffies +
    // msecs_to_jiffies(RESPONSE_TIMEOUT)) = 0 + 500 ms * 100 / 1000 = 50; the callback
    // then answers -EBUSY (busy and not aborting).
    CHECK(bmc->on_event(SlaveEvent::Stop, v) == SlaveAnswer::Busy);
    CHECK(hooks.requests == 1);
    CHECK(hooks.armed == std::vector<uint64_t>{50});
    CHECK(kernel::kernel_bmc_response_timeout_ms() == 500); // the #define the timer used
    CHECK(hooks.transitions == std::vector<std::string>{"READY>START", "START>SMBUS_CMD",
                                                        "SMBUS_CMD>REQ_RECVING",
                                                        "REQ_RECVING>READY"});
    CHECK(bmc->busy());
    CHECK(bmc->poll_readable());
    // read(): u32 len 2, then the two bytes; sizeof(struct ipmi_ssif_msg) is 260.
    CHECK(bmc->msg_size() == 260);
    Bytes out;
    CHECK(bmc->read(bmc->msg_size(), true, out) == 6);
    CHECK(out == Bytes{2, 0, 0, 0, 0x18, 0x01});
    // write(): del_timer (the hook's cancel), busy cleared, the response in progress.
    CHECK(bmc->write(Bytes{3, 0, 0, 0, 0x1c, 0x01, 0x00}, true) == 7);
    CHECK(hooks.cancelled == 1);
    CHECK_FALSE(bmc->busy());
    CHECK(bmc->response_pending());
    // coverage, by the state each event found: the command byte finds START, the count
    // SMBUS_CMD (on_write_received_event moves on to REQ_RECVING), the two data bytes
    // REQ_RECVING.
    CHECK(bmc->coverage()[static_cast<int>(BmcState::SmbusCmd)]
                         [static_cast<int>(SlaveEvent::WriteReceived)] == 1);
    CHECK(bmc->coverage()[static_cast<int>(BmcState::ReqRecving)]
                         [static_cast<int>(SlaveEvent::WriteReceived)] == 2);
}

TEST_CASE("kernel ssif_bmc.c as a BmcDriver: a read() or write() after remove is reported, not "
          "run") {
    // ssif_bmc_remove's misc_deregister leaves the daemon's file open on the context devres
    // then frees; ssif_bmc_read would lock it. The shim's kbmc_read would follow kshim_misc,
    // which misc_deregister cleared (a NULL dereference in the simulator): the wrapper
    // counts the read and fails it with -ENODEV instead.
    Recorder hooks;
    auto bmc = kernel::make_kernel_bmc_driver(ssif::BmcConfig{}, hooks, [] { return 0; });
    REQUIRE(bmc);
    REQUIRE(bmc->open() == 0);
    bmc->remove();
    Bytes out;
    CHECK(bmc->read(bmc->msg_size(), true, out) == -ENODEV);
    CHECK(out.empty());
    CHECK(bmc->reads_after_remove() == 1);
    CHECK(hooks.uaf == std::vector<std::string>{ssif::kReadAfterRemove});
    // A write: ssif_bmc_write's buffer checks run first (len 0 is -EINVAL, nothing freed
    // touched), then it locks the freed context: counted, -ENODEV, as the model does.
    CHECK(bmc->write(ssif::encode_ssif_msg(0, nullptr, 0), true) == -EINVAL);
    const uint8_t response[] = {0x1c, 0x01, 0x00};
    CHECK(bmc->write(ssif::encode_ssif_msg(3, response, 3), true) == -ENODEV);
    CHECK(bmc->writes_after_remove() == 1);
    CHECK(hooks.uaf == std::vector<std::string>{ssif::kReadAfterRemove, ssif::kWriteAfterRemove});
}

TEST_CASE("kernel ssif_bmc.c as a BmcDriver: an open() after remove finds no device") {
    // misc_open returns -ENODEV for a minor misc_deregister took away; ssif_bmc_open is not
    // reached (the shim's kbmc_open would follow kshim_misc, cleared: a NULL dereference).
    Recorder hooks;
    auto bmc = kernel::make_kernel_bmc_driver(ssif::BmcConfig{}, hooks, [] { return 0; });
    REQUIRE(bmc);
    bmc->remove();
    CHECK(bmc->open() == -ENODEV);
    CHECK(hooks.uaf.empty());
}

TEST_CASE("kernel ssif_bmc.c as a BmcDriver: one per process") {
    Recorder hooks;
    auto first = kernel::make_kernel_bmc_driver(ssif::BmcConfig{}, hooks, [] { return 0; });
    REQUIRE(first);
    CHECK_THROWS_AS(kernel::make_kernel_bmc_driver(ssif::BmcConfig{}, hooks, [] { return 0; }),
                    std::logic_error);
    first.reset(); // removed: another may be made
    CHECK(kernel::make_kernel_bmc_driver(ssif::BmcConfig{}, hooks, [] { return 0; }));
}

TEST_CASE("kernel ssif_bmc.c: bmc.response_timeout_ms other than the model's 500 or the "
          "tree's RESPONSE_TIMEOUT is refused, naming the tree's") {
    // use_kernel_bmc: the model's default (500) and the tree's own RESPONSE_TIMEOUT are
    // accepted; 6.12.117's is 500 (#define RESPONSE_TIMEOUT 500 /* ms */), so 300 is refused
    // (exit 2, the file and JSON path, and the value the tree has) and nothing is written.
    const std::string dir = make_temp_dir("kbmc_timeout");
    write_file(dir + "/s.json", R"({"version": 1, "bmc": {"implementation": "kernel",
        "response_timeout_ms": 300}, "workload": {"requests": [{"netfn": "0x06", "cmd": "0x01"}]}})");
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --log " + dir + "/s.jsonl");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(dir + "/s.json: $.bmc.response_timeout_ms: 300 has no counterpart") !=
          std::string::npos);
    CHECK(r.out.find("its RESPONSE_TIMEOUT is 500 ms") != std::string::npos);
    CHECK_FALSE(std::ifstream(dir + "/s.jsonl").good());
}
