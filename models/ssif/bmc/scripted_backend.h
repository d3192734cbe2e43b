// A scriptable IPMI responder: rules per netfn/cmd (and optionally per nth occurrence) that
// answer with given bytes or a completion code, after a delay, or not at all, in front of
// another backend (the builtin responder) that answers everything the script leaves alone.
// It lets a scenario state what a BMC's IPMI stack did: ipmid leaving Get System Interface
// Capabilities unanswered or answering it 0xC1, one command taking 21 s.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "models/ssif/bmc/ipmi_backend.h"

namespace ssifsim::ssif {

struct ScriptRule {
    uint8_t netfn = 0; // the request's 6-bit network function (even: a request netfn)
    uint8_t cmd = 0;
    // Only the nth request (from 1) with this netfn and cmd; 0: every one.
    unsigned nth = 0;
    uint64_t delay_ns = 0; // added to the caller's latency (IpmiBackend::hold_ns)
    enum class Answer {
        Backend,        // the backend behind the script answers (a delay-only rule)
        CompletionCode, // netfn+1/lun, cmd, completion_code, then `data`
        None,           // no answer: the daemon gets nothing (ipmid never replies)
    };
    Answer answer = Answer::Backend;
    uint8_t completion_code = 0x00;
    Bytes data; // the response bytes after the completion code
};

class ScriptedBackend : public IpmiBackend {
  public:
    // rules: the first rule that matches a request decides it; `next` answers the rest.
    ScriptedBackend(std::vector<ScriptRule> rules, IpmiBackend& next)
        : rules_(std::move(rules)), next_(next) {}

    // Counts the request's occurrence and picks its rule; the rule's delay, plus the next
    // backend's hold if that backend is to answer.
    uint64_t hold_ns(const Bytes& request) override;
    // The rule picked by the matching hold_ns() call (or, if none was made, by this call)
    // answers. A request shorter than netfn and cmd goes to the next backend.
    std::optional<Bytes> respond(const Bytes& request, uint64_t now_ns) override;

  private:
    // The rule for the request's next occurrence (nullptr: none), counting it.
    const ScriptRule* match(const Bytes& request);

    std::vector<ScriptRule> rules_;
    IpmiBackend& next_;
    std::map<std::pair<uint8_t, uint8_t>, unsigned> seen_; // occurrences by (netfn, cmd)
    // Rules picked by hold_ns() whose respond() has not come yet, in arrival order.
    std::vector<const ScriptRule*> held_;
    size_t held_first_ = 0;
};

} // namespace ssifsim::ssif
