// The ssifbridge model's rules without SystemC: what each version reads, forwards, writes and
// drops, its own 0xCE response timer, and ipmid's queue. Expected values follow
// openbmc/ssifbridge's ssifbridged.cpp at the commit each version names.
#include <catch2/catch.hpp>

#include <cerrno>

#include "models/ssif/bmc/responder.h"
#include "models/ssif/bmc/scripted_backend.h"
#include "models/ssif/bmc/ssifbridge.h"
#include "tests/support.h"

using namespace ssifsim;
using namespace ssifsim::ssif;

namespace {

constexpr uint64_t kS = 1'000'000'000;

// Records each write() and answers it with `ret` (the byte count when 0).
class FakeDevice : public BridgeDevice {
  public:
    long write(const Bytes& buf) override {
        writes.push_back(buf);
        return ret ? ret : static_cast<long>(buf.size());
    }
    std::vector<Bytes> writes;
    long ret = 0;
};

struct Rig {
    explicit Rig(BridgeVersion v) : bridge(v, device, log) {}
    // What read() gives the bridge: the driver's struct ipmi_ssif_msg (u32 len, payload)
    // over the bridge's buffer.
    std::optional<SsifBridge::Forward> read(const Bytes& request, uint64_t now) {
        const Bytes msg = encode_ssif_msg(request);
        std::copy(msg.begin(), msg.end(), buffer.begin());
        return bridge.on_read(static_cast<long>(msg.size()), buffer, now);
    }
    FakeDevice device;
    MemorySink log;
    SsifBridge bridge;
    Bytes buffer = Bytes(bridge.read_count(), 0);
};

const Bytes kGetDeviceId{0x18, 0x01};
const Bytes kDeviceIdRsp{0x1c, 0x01, 0x00, 0x20};
const Bytes kSelfTest{0x18, 0x04};
const Bytes kSelfTestRsp{0x1c, 0x04, 0x00, 0x55, 0x00};

} // namespace

TEST_CASE("ssifbridge: one table row per version, oldest first, each named by its commit",
          "[ssifbridge]") {
    std::string previous_date;
    for (size_t i = 0; i < std::size(kBridgeVersions); ++i) {
        const BridgeVersionInfo& row = kBridgeVersions[i];
        CHECK(static_cast<size_t>(row.version) == i);
        CHECK(std::string(row.date) >= previous_date);
        // The full commit hash starts with the short one scenarios use.
        CHECK(std::string(row.commit).size() == 40);
        CHECK(std::string(row.commit).rfind(row.name, 0) == 0);
        previous_date = row.date;
        BridgeVersion parsed;
        REQUIRE(parse_bridge_version(row.name, &parsed));
        CHECK(parsed == row.version);
    }
    BridgeVersion v;
    CHECK_FALSE(parse_bridge_version("HEAD", &v));
}

TEST_CASE("ssifbridge faf6a6a: a u8 length field misreads the driver's u32 one", "[ssifbridge]") {
    Rig rig(BridgeVersion::CppBridge2020);
    // processMessage takes netfn/lun from byte 1 and cmd from byte 2: the u32 len 2 has
    // zeroes there, so ipmid is asked netfn 0, cmd 0 with the rest as data.
    const auto fwd = rig.read(kGetDeviceId, 0);
    REQUIRE(fwd);
    CHECK(fwd->request == Bytes{0x00, 0x00, 0x00, 0x18, 0x01});
    // The answer goes out behind a one-byte length (rsp[0] = payload.size() + 3); every
    // answer is written at this version.
    rig.bridge.on_ipmid_answer(fwd->read, Bytes{0x04, 0x00, 0xc1}, 10);
    REQUIRE(rig.device.writes.size() == 1);
    CHECK(rig.device.writes[0] == Bytes{0x03, 0x04, 0x00, 0xc1});
}

TEST_CASE("ssifbridge faf6a6a answers a D-Bus error 0xCE, 14480ee answers it nothing",
          "[ssifbridge]") {
    Rig old(BridgeVersion::CppBridge2020);
    const auto fwd = old.read(kGetDeviceId, 0);
    old.bridge.on_ipmid_answer(fwd->read, std::nullopt, 25 * kS);
    // ccResponseNotAvailable for the netfn/lun and cmd the call captured: (0 + 1) << 2, 0.
    REQUIRE(old.device.writes.size() == 1);
    CHECK(old.device.writes[0] == Bytes{0x03, 0x04, 0x00, 0xce});

    Rig fixed(BridgeVersion::LastRequestOnly);
    const auto f = fixed.read(kGetDeviceId, 0);
    fixed.bridge.on_ipmid_answer(f->read, std::nullopt, 40 * kS);
    CHECK(fixed.device.writes.empty());
    CHECK(fixed.bridge.outstanding() == 0);
}

TEST_CASE("ssifbridge 5183539: the u32 length field, an answer to an earlier command dropped",
          "[ssifbridge]") {
    Rig rig(BridgeVersion::U32Length);
    const auto a = rig.read(kGetDeviceId, 0);
    REQUIRE(a);
    CHECK(a->request == kGetDeviceId);
    const auto b = rig.read(kSelfTest, 1);
    // 14480ee: ipmid's answer is written only if it answers the last request read (netfn - 1,
    // lun, cmd of prevReqCmd): the Get Device ID answer is not.
    rig.bridge.on_ipmid_answer(a->read, kDeviceIdRsp, 2);
    CHECK(rig.device.writes.empty());
    rig.bridge.on_ipmid_answer(b->read, kSelfTestRsp, 3);
    REQUIRE(rig.device.writes.size() == 1);
    CHECK(rig.device.writes[0] == encode_ssif_msg(kSelfTestRsp));
    CHECK(test::select(rig.log.events, "daemon", "drop").size() == 1);
}

TEST_CASE("ssifbridge: two identical requests held, 5183539 writes both answers, 507782a the "
          "last",
          "[ssifbridge]") {
    // The first answer matches the last request read (the resend has the same netfn and cmd).
    Rig before(BridgeVersion::U32Length);
    const auto a1 = before.read(kGetDeviceId, 0);
    const auto a2 = before.read(kGetDeviceId, 16 * kS);
    before.bridge.on_ipmid_answer(a1->read, kDeviceIdRsp, 21 * kS);
    before.bridge.on_ipmid_answer(a2->read, kDeviceIdRsp, 21 * kS + 1);
    CHECK(before.device.writes.size() == 2);

    // 507782a: with numberOfReqNotRsp above 0 after its decrement, another request awaits
    // ipmid, and the answer is dropped.
    Rig after(BridgeVersion::NoneOutstanding);
    const auto b1 = after.read(kGetDeviceId, 0);
    const auto b2 = after.read(kGetDeviceId, 16 * kS);
    CHECK(after.bridge.outstanding() == 2);
    after.bridge.on_ipmid_answer(b1->read, kDeviceIdRsp, 21 * kS);
    CHECK(after.device.writes.empty());
    after.bridge.on_ipmid_answer(b2->read, kDeviceIdRsp, 21 * kS + 1);
    CHECK(after.device.writes.size() == 1);
    CHECK(after.bridge.outstanding() == 0);
}

TEST_CASE("ssifbridge f2994dc: 0xCE 14 s after the last read, unless an answer was written",
          "[ssifbridge]") {
    Rig none(BridgeVersion::NoneOutstanding);
    none.read(kGetDeviceId, 0);
    CHECK_FALSE(none.bridge.keepalive_at());

    Rig rig(BridgeVersion::OwnTimeout);
    rig.read(kGetDeviceId, 0);
    CHECK(rig.bridge.keepalive_at() == 14 * kS); // hostReqTimeout, 14000000 us
    const auto b = rig.read(kSelfTest, 1 * kS);
    CHECK(rig.bridge.keepalive_at() == 15 * kS); // restarted by each read
    rig.bridge.on_keepalive(15 * kS);
    // netfn + 1 and cmd of the last request read, cc 0xCE, behind a u32 length of 3.
    REQUIRE(rig.device.writes.size() == 1);
    CHECK(rig.device.writes[0] == encode_ssif_msg(Bytes{0x1c, 0x04, 0xce}));
    CHECK(rig.bridge.outstanding() == 2); // the timer leaves numberOfReqNotRsp alone
    CHECK_FALSE(rig.bridge.keepalive_at());

    // A written answer cancels the timer; a dropped one does not.
    Rig w(BridgeVersion::OwnTimeout);
    const auto x = w.read(kGetDeviceId, 0);
    const auto y = w.read(kSelfTest, 1);
    w.bridge.on_ipmid_answer(x->read, kDeviceIdRsp, 2);
    CHECK(w.bridge.keepalive_at());
    w.bridge.on_ipmid_answer(y->read, kSelfTestRsp, 3);
    CHECK(w.device.writes.size() == 1);
    CHECK_FALSE(w.bridge.keepalive_at());
}

TEST_CASE("ssifbridge: ipmid's late answer after the 0xCE is written by 49c757c, dropped by "
          "fe8bb4c until the next read",
          "[ssifbridge]") {
    Rig before(BridgeVersion::SysIfCaps);
    const auto a = before.read(kGetDeviceId, 0);
    before.bridge.on_keepalive(14 * kS);
    before.bridge.on_ipmid_answer(a->read, kDeviceIdRsp, 20 * kS);
    CHECK(before.device.writes.size() == 2); // two responses for one request

    Rig after(BridgeVersion::DropLate);
    const auto b = after.read(kGetDeviceId, 0);
    after.bridge.on_keepalive(14 * kS);
    after.bridge.on_ipmid_answer(b->read, kDeviceIdRsp, 20 * kS);
    CHECK(after.device.writes.size() == 1);
    // timedOut is cleared by the next request read.
    const auto c = after.read(kSelfTest, 21 * kS);
    after.bridge.on_ipmid_answer(c->read, kSelfTestRsp, 21 * kS + 1);
    CHECK(after.device.writes.size() == 2);
}

TEST_CASE("ssifbridge 49c757c answers Get System Interface Capabilities (SSIF) itself",
          "[ssifbridge]") {
    Rig rig(BridgeVersion::SysIfCaps);
    CHECK_FALSE(rig.read({0x18, 0x57, 0x00}, 0));
    // handleGetSysIfCap: cc 0, reserved 0, 0x80 (start/middle/end, no PEC), 0xFF, 0xFF.
    REQUIRE(rig.device.writes.size() == 1);
    CHECK(rig.device.writes[0] == encode_ssif_msg(Bytes{0x1c, 0x57, 0x00, 0x00, 0x80, 0xff, 0xff}));
    CHECK(rig.bridge.outstanding() == 0);
    CHECK_FALSE(rig.bridge.keepalive_at());
    // Another interface type (data byte 1: KCS) goes to ipmid, as every request did before.
    CHECK(rig.read({0x18, 0x57, 0x01}, 1));
    CHECK(Rig(BridgeVersion::OwnTimeout).read({0x18, 0x57, 0x00}, 0));
}

TEST_CASE("ssifbridge: a write that returns -EAGAIN hangs the bridge, a failed read stops it",
          "[ssifbridge]") {
    Rig rig(BridgeVersion::DropLate);
    rig.device.ret = -EAGAIN;
    const auto a = rig.read(kGetDeviceId, 0);
    rig.bridge.on_ipmid_answer(a->read, kDeviceIdRsp, 1);
    CHECK(rig.bridge.stopped());
    CHECK(test::select(rig.log.events, "daemon", "stuck").size() == 1);
    CHECK_FALSE(rig.read(kSelfTest, 2));
    rig.bridge.on_keepalive(14 * kS);
    CHECK(rig.device.writes.size() == 1);

    Rig r(BridgeVersion::DropLate);
    CHECK_FALSE(r.bridge.on_read(-EINVAL, r.buffer, 0));
    CHECK(r.bridge.stopped());
    CHECK(test::select(r.log.events, "daemon", "exit").size() == 1);
}

TEST_CASE("ipmid: serial or concurrent, per-command latency, a script's delay on top",
          "[ssifbridge][ipmid]") {
    IpmiResponder responder{ResponderConfig{}};
    IpmidConfig config;
    config.latency_ns = 10;
    config.commands = {{0x06, 0x04, 100, 100}};
    Ipmid serial(config, responder, 1);
    // One at a time: the second starts when the first is done.
    CHECK(serial.call(kSelfTest, 0).due_ns == 100);
    CHECK(serial.call(kGetDeviceId, 0).due_ns == 110);
    config.serial = false;
    Ipmid concurrent(config, responder, 1);
    CHECK(concurrent.call(kSelfTest, 0).due_ns == 100);
    const Ipmid::Reply quick = concurrent.call(kGetDeviceId, 0);
    CHECK(quick.due_ns == 10); // overtakes the slow one
    REQUIRE(quick.response);
    CHECK((*quick.response)[2] == 0x00);

    ScriptedBackend script({{0x06, 0x01, 0, 5000, ScriptRule::Answer::None, 0, {}}}, responder);
    Ipmid held(config, script, 1);
    const Ipmid::Reply r = held.call(kGetDeviceId, 0);
    CHECK(r.due_ns == 5010);
    CHECK_FALSE(r.response);
}
