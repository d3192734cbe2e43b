// The Apr 2026 ssif_bmc series (Jian Zhang), one variant step per patch: 7fc3e2546cf3
// cancels the response timer in ssif_bmc_remove, ea641be7a4fa makes ssif_bmc_read return
// -EFAULT when copy_to_user() fails, 1d38e849adb6 is the desync fix (test_bmc_driver.cpp),
// c9c99b7b7051 turns the slave callback's dev_warn lines into dev_dbg.
#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/bmc_rig.h"

using namespace ssifsim;
using namespace ssifsim::ssif;
using namespace ssifsim::test;

namespace {

struct UafHooks : FakeHooks {
    void use_after_free(const std::string& what) override { uaf.push_back(what); }
    std::vector<std::string> uaf;
};

struct Rig2026 {
    explicit Rig2026(BmcVariant v) : bmc(kAddr7, v, hooks) {}
    void request(const Bytes& payload) {
        uint8_t a = kAddrW;
        bmc.on_event(SlaveEvent::WriteRequested, a);
        Bytes frame{kWriteSingle, static_cast<uint8_t>(payload.size())};
        frame.insert(frame.end(), payload.begin(), payload.end());
        for (uint8_t b : frame)
            bmc.on_event(SlaveEvent::WriteReceived, b);
        uint8_t z = 0;
        bmc.on_event(SlaveEvent::Stop, z);
    }
    UafHooks hooks;
    SsifBmc bmc;
};

} // namespace

TEST_CASE("read(): a copy_to_user fault is -EFAULT from 2026-efault, the count before",
          "[bmc][2026]") {
    // ssif_bmc_read copies n = min(4 + request.len, 260) = 6 bytes for "18 01", clears
    // request_available, then calls copy_to_user(buf, &msg, n), which returns the bytes it
    // could not copy. Before ea641be7a4fa: `return (ret < 0) ? ret : count` gives 6 even
    // though only `copyable` bytes reached the buffer; after it a positive ret is -EFAULT.
    for (const BmcVariant v : {BmcVariant::Fix2026RemoveTimer, BmcVariant::Fix2026CopyToUser}) {
        Rig2026 rig(v);
        rig.request({0x18, 0x01});
        REQUIRE(rig.bmc.poll_readable());
        Bytes out;
        const long ret = rig.bmc.read(rig.bmc.msg_size(), true, out, 2);
        if (v == BmcVariant::Fix2026RemoveTimer)
            CHECK(ret == 6);
        else
            CHECK(ret == -EFAULT);
        // Only the first 2 bytes (of the u32 len 2, little endian) were copied.
        CHECK(out == Bytes{0x02, 0x00});
        // Either way the request is gone: a second read finds nothing (-EAGAIN, nonblocking),
        // and the BMC stays busy until its response timer.
        CHECK(!rig.bmc.poll_readable());
        CHECK(rig.bmc.read(rig.bmc.msg_size(), true, out) == -EAGAIN);
        CHECK(rig.bmc.busy());
    }
}

TEST_CASE("remove(): the armed response timer runs on a freed context before 7fc3e2546cf3",
          "[bmc][2026]") {
    // handle_request arms the timer (response_timer_inited); ssif_bmc_remove before the fix
    // only unregisters the slave and the misc device, so response_timeout runs later on the
    // devm-freed struct ssif_bmc_ctx. From 2026-remove-timer on it is cancelled first.
    {
        Rig2026 rig(BmcVariant::Fix2025RequestLoss);
        rig.request({0x18, 0x01});
        rig.bmc.remove();
        CHECK(rig.hooks.cancelled == 0);
        rig.bmc.on_response_timeout();
        CHECK(rig.bmc.use_after_free() == 1);
        CHECK(rig.hooks.uaf.size() == 1);
    }
    {
        Rig2026 rig(BmcVariant::Fix2026RemoveTimer);
        rig.request({0x18, 0x01});
        rig.bmc.remove();
        CHECK(rig.hooks.cancelled == 1);
        CHECK(rig.bmc.use_after_free() == 0);
    }
    {
        // No request, no armed timer: nothing to cancel.
        Rig2026 rig(BmcVariant::Mainline);
        rig.bmc.remove();
        CHECK(rig.hooks.cancelled == 0);
    }
}

TEST_CASE("read() after remove(): ssif_bmc_read would lock the freed context: counted, -ENODEV",
          "[bmc][2026]") {
    // misc_deregister leaves the daemon's file open, its private_data the miscdev inside the
    // devm-freed struct ssif_bmc_ctx: ssif_bmc_read's spin_lock_irqsave and request_available
    // are used after free, in every release (7fc3e2546cf3 only cancels the timer). Not run:
    // reported through the hook and failed with -ENODEV, with or without a request waiting.
    for (const bool waiting : {true, false}) {
        Rig2026 rig(BmcVariant::Mainline);
        if (waiting)
            rig.request({0x18, 0x01});
        rig.bmc.remove();
        Bytes out;
        CHECK(rig.bmc.read(rig.bmc.msg_size(), false, out) == -ENODEV);
        CHECK(out.empty());
        CHECK(rig.bmc.read(rig.bmc.msg_size(), true, out) == -ENODEV);
        CHECK(rig.bmc.reads_after_remove() == 2);
        CHECK(rig.bmc.use_after_free() == 0); // the timer's count: cancelled on remove
        CHECK(rig.hooks.uaf == std::vector<std::string>(2, kReadAfterRemove));
        CHECK(rig.bmc.poll_readable() == waiting); // the request was not taken
    }
}

TEST_CASE("write() after remove(): past the buffer's checks ssif_bmc_write locks the freed "
          "context: counted, -ENODEV",
          "[bmc][2026]") {
    // ssif_bmc_write checks count and msg.len (copy_from_user into its own stack copy) before
    // spin_lock_irqsave(&ssif_bmc->lock): a buffer that fails them is -EINVAL and touches
    // nothing freed; one that passes them uses the context after free.
    Rig2026 rig(BmcVariant::Mainline);
    rig.request({0x18, 0x01});
    rig.bmc.remove();
    CHECK(rig.bmc.write(encode_ssif_msg(0, nullptr, 0), true) == -EINVAL); // len 0
    CHECK(rig.bmc.write(Bytes{0x01, 0x00}, true) == -EINVAL);              // count < 4
    CHECK(rig.hooks.uaf.empty());
    const uint8_t response[] = {0x1c, 0x01, 0x00};
    CHECK(rig.bmc.write(encode_ssif_msg(3, response, 3), true) == -ENODEV);
    CHECK(rig.bmc.writes_after_remove() == 1);
    CHECK(rig.bmc.reads_after_remove() == 0);
    CHECK(rig.hooks.uaf == std::vector<std::string>{kWriteAfterRemove});
}

TEST_CASE("open() after remove(): the device is gone, -ENODEV, nothing used after free",
          "[bmc][2026]") {
    // misc_deregister removes the misc device: misc_open finds nothing at its minor and
    // returns -ENODEV before any file operation of ssif_bmc runs.
    Rig2026 rig(BmcVariant::Mainline);
    rig.bmc.remove();
    CHECK(rig.bmc.open() == -ENODEV);
    CHECK(rig.bmc.reads_after_remove() == 0);
    CHECK(rig.bmc.writes_after_remove() == 0);
    CHECK(rig.hooks.uaf.empty());
}

TEST_CASE("log levels: dev_warn lines become dev_dbg at 2026-dbg, dev_err stays", "[bmc][2026]") {
    // A STOP in READY: on_stop_event's "unexpected SLAVE STOP" (dev_warn in v8, dev_dbg
    // after c9c99b7b7051). A bad PEC: on_stop_event's "invalid pec" (dev_err in both).
    for (const BmcVariant v : {BmcVariant::V8_2022, BmcVariant::Fix2026Desync,
                               BmcVariant::Fix2026DebugLevel, BmcVariant::Mainline}) {
        BmcRig rig(v);
        rig.event(SlaveEvent::Stop);
        rig.write(kWriteSingle, {0x18, 0x01}, true, true);
        REQUIRE(rig.hooks.warnings.size() == 2);
        CHECK(rig.hooks.warnings[0] == "unexpected SLAVE STOP in state=READY");
        const bool dbg = v >= BmcVariant::Fix2026DebugLevel;
        CHECK(rig.hooks.levels[0] == (dbg ? "debug" : "warn"));
        CHECK(rig.hooks.warnings[1] == "invalid pec");
        CHECK(rig.hooks.levels[1] == "err");
    }
}

TEST_CASE("6.12: Debian's 6.12.117 has the 2026 fixes but the remove one", "[bmc][2026]") {
    // Read in linux-source-6.12 (6.12.117): ssif_bmc_read turns a failed copy_to_user into
    // -EFAULT, the slave callback prints at dev_dbg, and ssif_bmc_remove only unregisters the
    // slave and the misc device (no timer_delete_sync/del_timer_sync).
    Rig2026 rig(BmcVariant::Debian612);
    rig.request({0x18, 0x01});
    Bytes out;
    CHECK(rig.bmc.read(rig.bmc.msg_size(), true, out, 0) == -EFAULT);
    rig.bmc.remove();
    CHECK(rig.hooks.cancelled == 0);
    rig.bmc.on_response_timeout();
    CHECK(rig.bmc.use_after_free() == 1);
    BmcRig log_rig(BmcVariant::Debian612);
    log_rig.event(SlaveEvent::Stop);
    REQUIRE(log_rig.hooks.levels.size() == 1);
    CHECK(log_rig.hooks.levels[0] == "debug");
}
