// The scriptable responder in front of the builtin one: rules per netfn/cmd and nth
// occurrence; what no rule decides is the responder's.
#include <catch2/catch.hpp>

#include "models/ssif/bmc/responder.h"
#include "models/ssif/bmc/scripted_backend.h"

using namespace ssifsim;
using namespace ssifsim::ssif;

namespace {
ScriptRule rule(uint8_t netfn, uint8_t cmd, unsigned nth, ScriptRule::Answer answer, uint8_t cc = 0,
                Bytes data = {}, uint64_t delay_ns = 0) {
    ScriptRule r;
    r.netfn = netfn;
    r.cmd = cmd;
    r.nth = nth;
    r.answer = answer;
    r.completion_code = cc;
    r.data = std::move(data);
    r.delay_ns = delay_ns;
    return r;
}
} // namespace

TEST_CASE("scripted backend: a completion code, given bytes, no answer, by occurrence",
          "[script]") {
    IpmiResponder responder{ResponderConfig{}};
    ScriptedBackend script(
        {rule(0x06, 0x57, 0, ScriptRule::Answer::CompletionCode, 0xc1),
         rule(0x06, 0x42, 1, ScriptRule::Answer::None, 0, {}, 21'000'000'000),
         rule(0x06, 0x42, 2, ScriptRule::Answer::CompletionCode, 0x00, {0x01, 0x04})},
        responder);
    // Response: the request's netfn + 1 with its LUN (IPMI v2.0 §9.2), cmd, cc, data.
    CHECK(script.hold_ns({0x1a, 0x57, 0x00}) == 0);
    CHECK(script.respond({0x1a, 0x57, 0x00}, 0) == Bytes{0x1e, 0x57, 0xc1});
    CHECK(script.hold_ns({0x18, 0x42, 0x00}) == 21'000'000'000);
    CHECK(script.hold_ns({0x18, 0x42, 0x01}) == 0);
    CHECK_FALSE(script.respond({0x18, 0x42, 0x00}, 0));
    CHECK(script.respond({0x18, 0x42, 0x01}, 0) == Bytes{0x1c, 0x42, 0x00, 0x01, 0x04});
    // The third Get Channel Info matches no rule: the responder does not know the command.
    CHECK(script.respond({0x18, 0x42, 0x02}, 0) == Bytes{0x1c, 0x42, 0xc1});
}

TEST_CASE("scripted backend: a delay-only rule leaves the answer to the responder", "[script]") {
    IpmiResponder responder{ResponderConfig{}};
    ScriptedBackend script({rule(0x06, 0x01, 0, ScriptRule::Answer::Backend, 0, {}, 7)}, responder);
    CHECK(script.hold_ns({0x18, 0x01}) == 7);
    CHECK(script.respond({0x18, 0x01}, 0) == responder.answer({0x18, 0x01}));
    // No rules: the responder's answer for everything.
    ScriptedBackend empty({}, responder);
    CHECK(empty.hold_ns({0x18, 0x04}) == 0);
    CHECK(empty.respond({0x18, 0x04}, 0) == responder.answer({0x18, 0x04}));
}
