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
    REQUIRE(value_of(ssif::kRequestErrorNames, std::string(error), &o.error));
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

TEST_CASE("ipmi_messages: idle flag polling is not kept, a delivered request passes",
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

TEST_CASE("ipmi_messages: a daemon holding two requests, the host takes the earlier one's "
          "answer: a stale answer",
          "[checks][messages]") {
    // ssifbridge before 507782a: request 1 timed out in the host and was resent as request
    // 2; the bridge writes ipmid's late answer to read 1 while read 2 awaits its own. The
    // driver hands the host the response last written, so request 2 takes read 1's answer.
    IpmiMessagesCheck c;
    c.request_started(0);
    c.daemon_read(kGetDeviceId, 600); // read 1
    c.add(outcome(1, 0, 15'000'000, "read_failed", {0x1c, 0x01, 0xff}));
    c.request_started(16'000'000);
    c.daemon_read(kGetDeviceId, 16'000'600);     // read 2
    c.daemon_wrote(kDeviceIdRsp, 21'000'000, 1); // the answer to read 1
    c.add(outcome(2, 16'000'000, 21'050'000, "", kDeviceIdRsp));
    const Check r = c.result();
    CHECK_FALSE(r.pass);
    CHECK(r.detail == "request 2 (18 01, started t=16.000000 ms) took a stale answer: 1c 01 00 "
                      "20, the daemon's answer to its read 1 (18 01, read at t=0.000600 ms), "
                      "written at t=21.000000 ms, before it answered this request's read 2");
}

TEST_CASE("ipmi_messages: two accepted writes for one read are a duplicate, the answer to "
          "the request's own read passes",
          "[checks][messages]") {
    IpmiMessagesCheck c;
    c.request_started(0);
    c.daemon_read(kGetDeviceId, 600);
    c.daemon_wrote({0x1c, 0x01, 0xce}, 14'000'000, 1); // the bridge's own 0xCE
    c.add(outcome(1, 0, 14'050'000, "", {0x1c, 0x01, 0xce}));
    CHECK(c.result().pass);
    c.daemon_wrote(kDeviceIdRsp, 20'000'000, 1); // ipmid's late answer, accepted
    const Check r = c.result();
    CHECK_FALSE(r.pass);
    CHECK(r.detail == "the daemon answered its read 1 (18 01, read at t=0.000600 ms) twice: a "
                      "duplicate response, 1c 01 00 20 at t=20.000000 ms");
}

// A write that fails on the host's side after the BMC took it (arbitration lost at its
// STOP): ipmi_ssif's msg_written_handler writes the request again and the BMC hands the copy
// to the daemon as a second read within the request's window. The request reached the daemon
// twice: a duplicate, whatever the host then took. The host takes the answer to the copy
// (the copy's command byte made ssif_bmc drop the first answer, complete_response), which is
// its own: no second problem, as the detail's count shows.
TEST_CASE("ipmi_messages: a request the daemon read twice is a duplicate, the answer to its "
          "copy its own",
          "[checks][messages]") {
    const Bytes kReadEvent{0x18, 0x35};
    IpmiMessagesCheck c;
    c.request_started(0);
    c.daemon_read(kReadEvent, 1'459'700);                // read 1: event 0xaa dequeued
    c.daemon_wrote({0x1c, 0x35, 0x00, 0xaa}, 2'459'700); // dropped by the copy's 0x02
    c.daemon_read(kReadEvent, 61'555'000);               // read 2, the copy: event 0xbb
    c.daemon_wrote({0x1c, 0x35, 0x00, 0xbb}, 62'555'000);
    ssif::RequestOutcome o = outcome(1, 0, 67'835'000, "", {0x1c, 0x35, 0x00, 0xbb});
    o.request = kReadEvent;
    o.write_attempts = 2;
    c.add(o);
    const Check r = c.result();
    CHECK_FALSE(r.pass);
    CHECK(r.detail == "request 1 (18 35, started t=0.000000 ms) reached the daemon twice, a "
                      "duplicate (its reads 1 at t=1.459700 ms, 2 at t=61.555000 ms): the host "
                      "wrote it again after the BMC had taken it");
}

// ssifbridge on a controller that cannot refuse a busy BMC (npcm) reads both copies, drops
// ipmid's answer to the first ("other requests await ipmid") and writes the answer to the
// second, naming its read: the host took the copy's answer, not one "the daemon never gave
// it".
TEST_CASE("ipmi_messages: a bridge answering only a request's copy is a duplicate, nothing "
          "more",
          "[checks][messages]") {
    IpmiMessagesCheck c;
    c.request_started(0);
    c.daemon_read(kGetDeviceId, 1'549'700);       // read 1
    c.daemon_read(kGetDeviceId, 61'645'000);      // read 2, the copy
    c.daemon_wrote(kDeviceIdRsp, 141'549'700, 2); // the answer to read 2
    c.add(outcome(1, 0, 190'735'000, "", kDeviceIdRsp));
    const Check r = c.result();
    CHECK_FALSE(r.pass);
    CHECK(r.detail == "request 1 (18 01, started t=0.000000 ms) reached the daemon twice, a "
                      "duplicate (its reads 1 at t=1.549700 ms, 2 at t=61.645000 ms): the host "
                      "wrote it again after the BMC had taken it");
}

// ipmi_ssif's resend of a multi-part request after a failed 0x07 part carries that part's
// length byte (0x20) at byte 31 (msg_written_handler's multi_data[multi_pos] = to_write, over
// the byte before the part): the daemon's read has the request's length, netfn and command
// but another byte. The request reached the daemon altered; the host's response answers that
// read, so nothing more is wrong.
TEST_CASE("ipmi_messages: a request the daemon read with a byte changed is altered, not lost",
          "[checks][messages]") {
    Bytes request{0xc0, 0x01};
    for (uint8_t i = 0; i < 34; ++i)
        request.push_back(i);
    Bytes altered = request;
    altered[31] = 0x20; // was 0x1d
    const Bytes response{0xc4, 0x01, 0x00};
    IpmiMessagesCheck c;
    c.request_started(0);
    c.daemon_read(altered, 74'514'100);
    c.daemon_wrote(response, 75'514'100);
    ssif::RequestOutcome o = outcome(1, 0, 148'554'400, "", response);
    o.request = request;
    c.add(o);
    const Check r = c.result();
    CHECK_FALSE(r.pass);
    CHECK(r.detail.find(") reached the daemon altered (its read 1 at t=74.514100 ms): byte 31 "
                        "0x20, not 0x1d") != std::string::npos);
    CHECK(r.detail.find("(and") == std::string::npos); // one problem: the response is its own
}
