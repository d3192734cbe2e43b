// IpmiSimBackend against a scripted peer on a socketpair, without ipmi_sim: the opening
// (version, capabilities), control commands on the way to a response, a wrong version, a
// silent peer past the timeout, and a closed connection.
#include <catch2/catch.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include "models/ssif/bmc/ipmi_sim_backend.h"
#include "tests/support.h"

using namespace ssifsim;
using namespace ssifsim::ssif;
using namespace ssifsim::test;

namespace {
struct Pair {
    int ours = -1, peer = -1;
    Pair() {
        int fds[2];
        REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        ours = fds[0];
        peer = fds[1];
    }
    ~Pair() {
        close(ours);
        if (peer >= 0)
            close(peer);
    }
    void send(const Bytes& b) const {
        REQUIRE(write(peer, b.data(), b.size()) == ssize_t(b.size()));
    }
    Bytes received() const {
        Bytes b(512);
        const ssize_t n = read(peer, b.data(), b.size());
        b.resize(n > 0 ? size_t(n) : 0);
        return b;
    }
};
} // namespace

TEST_CASE("the backend opens as QEMU does and passes control commands on", "[vm]") {
    Pair p;
    MemorySink log;
    IpmiSimConfig config;
    IpmiSimBackend backend(p.ours, config, log);
    // ipmi_sim's opening: version 1 (0xff 0x01, 0xa1), then "no attention" (0x00, 0xa1).
    p.send({0xff, 0x01, 0xa1, 0x00, 0xa1});
    REQUIRE(backend.start(0));
    // Our capabilities: 0x08 and attn 0x10 | power 0x01 | reset 0x02 | graceful 0x20 = 0x33.
    CHECK(p.received() == Bytes{0x08, 0x33, 0xa1});
    REQUIRE(select(log.events, "ipmi_sim", "version").size() == 1);

    // A reset request arrives before the response to seq 1: logged, handed on, and the
    // response still taken.
    std::vector<vm::Control> handled;
    backend.set_control_handler([&](vm::Control c, uint64_t) { handled.push_back(c); });
    // Get Device ID's answer, cc 0xc1 for brevity: 01 1c 01 c1, checksum -(0x01 + 0x1c +
    // 0x01 + 0xc1) = -0xdf = 0x21.
    p.send({0x04, 0xa1, 0x01, 0x1c, 0x01, 0xc1, 0x21, 0xa0});
    const auto answer = backend.respond({0x18, 0x01}, 5'000'000);
    REQUIRE(answer);
    CHECK(*answer == Bytes{0x1c, 0x01, 0xc1});
    CHECK(p.received() == Bytes{0x01, 0x18, 0x01, 0xe6, 0xa0});
    REQUIRE(handled.size() == 1);
    CHECK(handled[0] == vm::Control::Reset);
    const auto controls = select(log.events, "ipmi_sim", "control");
    REQUIRE(controls.size() == 2); // no_attn at the opening, reset now
    CHECK(str_field(controls[1], "command") == "reset");
    CHECK(controls[1].t_ns == 5'000'000);
    CHECK_FALSE(backend.failed());
}

TEST_CASE("a response with another sequence number or a bad checksum is dropped", "[vm]") {
    Pair p;
    MemorySink log;
    IpmiSimBackend backend(p.ours, IpmiSimConfig{}, log);
    p.send({0xff, 0x01, 0xa1});
    REQUIRE(backend.start(0));
    // seq 7 (not in flight), then seq 1 with a checksum off by one, then seq 1 right
    // (01 1c 01 c1 21, as above).
    p.send({0x07, 0x1c, 0x01, 0xc1, 0x1b, 0xa0, 0x01, 0x1c, 0x01, 0xc1, 0x22, 0xa0, 0x01, 0x1c,
            0x01, 0xc1, 0x21, 0xa0});
    const auto answer = backend.respond({0x18, 0x01}, 0);
    REQUIRE(answer);
    CHECK(*answer == Bytes{0x1c, 0x01, 0xc1});
    CHECK(select(log.events, "ipmi_sim", "frame_error").size() == 2);
}

TEST_CASE("a wrong version, a silent peer and a closed connection fail the backend", "[vm]") {
    SECTION("version 2") {
        Pair p;
        MemorySink log;
        IpmiSimBackend backend(p.ours, IpmiSimConfig{}, log);
        p.send({0xff, 0x02, 0xa1});
        CHECK_FALSE(backend.start(0));
        CHECK_THAT(backend.failure(), Catch::Contains("version 2"));
    }
    SECTION("no answer within the timeout") {
        Pair p;
        MemorySink log;
        IpmiSimConfig config;
        config.timeout_ms = 100;
        IpmiSimBackend backend(p.ours, config, log);
        p.send({0xff, 0x01, 0xa1});
        REQUIRE(backend.start(0));
        CHECK_FALSE(backend.respond({0x18, 0x01}, 7));
        CHECK_THAT(backend.failure(), Catch::Contains("no answer within 100 ms (wall clock)"));
        const auto failed = select(log.events, "ipmi_sim", "failed");
        REQUIRE(failed.size() == 1);
        CHECK(failed[0].t_ns == 7);
        // Every later request goes unanswered at once, and nothing more is logged.
        CHECK_FALSE(backend.respond({0x18, 0x01}, 8));
        CHECK(select(log.events, "ipmi_sim", "failed").size() == 1);
    }
    SECTION("the peer closes") {
        Pair p;
        MemorySink log;
        IpmiSimBackend backend(p.ours, IpmiSimConfig{}, log);
        p.send({0xff, 0x01, 0xa1});
        REQUIRE(backend.start(0));
        close(p.peer);
        p.peer = -1;
        CHECK_FALSE(backend.respond({0x18, 0x01}, 0));
        CHECK_THAT(backend.failure(), Catch::Contains("closed the connection"));
    }
}
