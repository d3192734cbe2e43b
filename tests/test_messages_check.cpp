// The ipmi_messages check fed by hand, event by event: its verdicts, and that it keeps no
// daemon exchange that can pair with no request (idle flag polling).
#include <catch2/catch.hpp>

#include "tools/checks.h"

using namespace ssifsim;
using namespace ssifsim::tools;

namespace {
const Bytes kGetDeviceId{0x18, 0x01};
const Bytes kGetFlags{0x18, 0x31};
const Bytes kDeviceIdRsp{0x1c, 0x01, 0x00, 0x20};

ssif::RequestOutcome outcome(int id, uint64_t started, uint64_t completed, const char* error,
                             Bytes response) {
    ssif::RequestOutcome o;
    o.id = id;
    o.request = kGetDeviceId;
    o.started_ns = started;
    o.completed_ns = completed;
    o.error = error;
    o.response = std::move(response);
    o.write_attempts = 1;
    return o;
}

void idle_flag_polls(IpmiMessagesCheck& c, uint64_t from, int n) {
    for (int i = 0; i < n; ++i) {
        c.daemon_read(kGetFlags, from + 10 * i);
        c.daemon_wrote({0x1c, 0x31, 0x00, 0x00}, from + 10 * i + 1);
    }
}
} // namespace

TEST_CASE("ipmi_messages: idle flag polling is not kept; a delivered request passes",
          "[checks][messages]") {
    IpmiMessagesCheck c;
    idle_flag_polls(c, 0, 10'000);
    CHECK(c.exchanges_held() == 0);
    c.request_started(200'000);
    c.daemon_read(kGetDeviceId, 200'600);
    c.daemon_wrote(kDeviceIdRsp, 201'600);
    CHECK(c.exchanges_held() == 1);
    c.add(outcome(1, 200'000, 206'700, "", kDeviceIdRsp));
    CHECK(c.exchanges_held() == 0); // judged at completion: its read is known
    idle_flag_polls(c, 300'000, 10'000);
    CHECK(c.exchanges_held() == 0);
    const Check r = c.result();
    CHECK(r.pass);
    CHECK(r.detail.empty());
}

TEST_CASE("ipmi_messages: a request the daemon never read is lost, judged at the next read",
          "[checks][messages]") {
    IpmiMessagesCheck c;
    c.request_started(200'000);
    c.add(outcome(1, 200'000, 15'000'000, "read_failed", {0x1c, 0x01, 0xff}));
    CHECK(c.exchanges_held() == 0);
    // An idle flag poll is the first read since request 1 started: it does not carry it.
    idle_flag_polls(c, 16'000'000, 3);
    CHECK(c.exchanges_held() == 0);
    const Check r = c.result();
    CHECK_FALSE(r.pass);
    CHECK(r.detail == "request 1 (18 01, started t=0.200000 ms) was lost: the host's write went "
                      "through but the daemon never read it");
}

TEST_CASE("ipmi_messages: a late read of the request after the host gave up pairs with it",
          "[checks][messages]") {
    IpmiMessagesCheck c;
    c.request_started(0);
    c.add(outcome(1, 0, 15'000'000, "read_failed", {0x1c, 0x01, 0xff}));
    c.daemon_read(kGetDeviceId, 16'000'000); // a daemon that was stuck reads it now
    CHECK(c.result().pass);
}

TEST_CASE("ipmi_messages: a response the daemon gave to another request fails, with both",
          "[checks][messages]") {
    IpmiMessagesCheck c;
    c.request_started(0);
    c.daemon_read(kGetDeviceId, 600);
    c.daemon_wrote({0x1c, 0x01, 0x00, 0x21}, 1600);
    c.add(outcome(1, 0, 6700, "", kDeviceIdRsp));
    const Check r = c.result();
    CHECK_FALSE(r.pass);
    CHECK(r.detail == "request 1 (18 01, started t=0.000000 ms) took 1c 01 00 20 at "
                      "t=0.006700 ms; the daemon answered 1c 01 00 21");
}
