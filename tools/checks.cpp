#include "tools/checks.h"

#include <cstdio>

#include "tools/format.h"

namespace ssifsim::tools {

Check check_t6(const Scenario& scenario, const std::vector<ssif::RequestOutcome>& outcomes,
               size_t submitted) {
    Check c;
    c.name = "T6max";
    c.description = "request to response within " + ms(scenario.expect.t6_max_ns) +
                    " (IPMI v2.0 12.7 SSIF timing)";
    c.limit_ns = scenario.expect.t6_max_ns;
    for (const ssif::RequestOutcome& o : outcomes) {
        const uint64_t took = o.response_ns();
        if (took >= c.worst_ns) {
            c.worst_ns = took;
            c.worst_request = o.id;
        }
        if (c.pass && (took > c.limit_ns || !o.error.empty())) {
            c.pass = false;
            c.detail = "request " + std::to_string(o.id) + " at t=" + ms(o.started_ns) +
                       (o.error.empty() ? "" : " failed (" + o.error + ")") + " took " + ms(took) +
                       ", over the limit of " + ms(c.limit_ns) + " by " +
                       ms(took > c.limit_ns ? took - c.limit_ns : 0);
        }
    }
    if (c.pass && outcomes.size() < submitted) {
        c.pass = false;
        c.detail = std::to_string(submitted - outcomes.size()) +
                   " request(s) had no response when the run ended";
    }
    return c;
}

Check check_all_answered(const std::vector<ssif::RequestOutcome>& outcomes, size_t submitted) {
    Check c;
    c.name = "all_answered";
    c.description = "every request got a response (none lost)";
    if (outcomes.size() < submitted) {
        c.pass = false;
        c.detail = std::to_string(submitted - outcomes.size()) + " of " +
                   std::to_string(submitted) + " request(s) had no response when the run ended";
    }
    return c;
}

} // namespace ssifsim::tools
