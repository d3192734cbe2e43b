#include "models/ssif/bmc/scripted_backend.h"

namespace ssifsim::ssif {

const ScriptRule* ScriptedBackend::match(const Bytes& request) {
    if (request.size() < 2)
        return nullptr;
    const uint8_t netfn = request[0] >> 2;
    const uint8_t cmd = request[1];
    const unsigned nth = ++seen_[{netfn, cmd}];
    for (const ScriptRule& r : rules_)
        if (r.netfn == netfn && r.cmd == cmd && (r.nth == 0 || r.nth == nth))
            return &r;
    return nullptr;
}

uint64_t ScriptedBackend::hold_ns(const Bytes& request) {
    const ScriptRule* rule = match(request);
    held_.push_back(rule);
    // The next backend is asked (and so counts the request) only if it will answer it.
    const bool passed_on = !rule || rule->answer == ScriptRule::Answer::Backend;
    return (rule ? rule->delay_ns : 0) + (passed_on ? next_.hold_ns(request) : 0);
}

std::optional<Bytes> ScriptedBackend::respond(const Bytes& request, uint64_t now_ns) {
    const ScriptRule* rule;
    if (held_first_ < held_.size()) {
        rule = held_[held_first_++];
        if (held_first_ == held_.size()) { // keep memory flat over long runs
            held_.clear();
            held_first_ = 0;
        }
    } else {
        rule = match(request);
    }
    if (!rule || rule->answer == ScriptRule::Answer::Backend)
        return next_.respond(request, now_ns);
    if (rule->answer == ScriptRule::Answer::None)
        return std::nullopt;
    // IPMI v2.0 §9.2: the response's netfn is the request's + 1, same LUN and command.
    Bytes rsp = {static_cast<uint8_t>(((rule->netfn + 1) << 2) | (request[0] & 0x3)), rule->cmd,
                 rule->completion_code};
    rsp.insert(rsp.end(), rule->data.begin(), rule->data.end());
    return rsp;
}

} // namespace ssifsim::ssif
