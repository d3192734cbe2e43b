#include "tools/scenario.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kernel/ipmi_ssif/kernel_ssif_host.h"
#include "kernel/ssif_bmc/kernel_ssif_bmc_driver.h"
#include "models/ssif/framing.h"
#include "models/ssif/ipmi_commands.h"
#include "tools/format.h"

namespace ssifsim::tools {

namespace {
// Whether a scenario whose host is the real ipmi_ssif.c may count event `id`: any but a host
// event the kernel host never logs (kernel::kKernelHostEvents).
bool kernel_host_countable(EventId id) {
    return event_name(id).src != EventSource::Host || kernel::kernel_host_logs(id);
}

// The most requests a workload has (ids are ints; generators make them lazily, so the
// limit is the id's range, not memory).
constexpr size_t kMaxRequests = 1'000'000'000;

// IPMI_MAX_MSG_LENGTH: the largest request the message handler passes to the driver.
constexpr unsigned kIpmiMaxRequest = 272;

// A 6-bit network function.
uint8_t read_netfn(ObjectReader& r, uint8_t fallback) {
    const uint8_t netfn = r.byte("netfn", fallback);
    if (netfn > 0x3f)
        r.fail("netfn", "out of range (accepted: 0..0x3f, a 6-bit network function)");
    return netfn;
}

void read_bus(ObjectReader bus, Scenario& s) {
    s.bus.freq_hz = static_cast<uint32_t>(bus.integer(
        "freq_hz", s.bus.freq_hz, smbus::SmbusTiming::kMinFreqHz, smbus::SmbusTiming::kMaxFreqHz));
    bus.finish();
}

// A kernel's CONFIG_HZ, one of the kernel's Kconfig choices (kernel/Kconfig.hz).
unsigned read_hz(ObjectReader& r, unsigned fallback) {
    const auto hz = static_cast<unsigned>(r.integer("hz", fallback, 100, 1000));
    if (hz != 100 && hz != 250 && hz != 300 && hz != 1000)
        r.fail("hz", "unsupported HZ " + std::to_string(hz) +
                         " (accepted: 100, 250, 300, 1000, as the kernel's Kconfig offers)");
    return hz;
}

void read_host(ObjectReader host, Scenario& s) {
    s.host.hz = read_hz(host, s.host.hz);
    const std::string variant = host.choice("variant", ssif::host_variant_name(s.host.variant),
                                            {"mainline", "pre-2023", "2023-timers", "2023-flags",
                                             "2024-msleep", "2024-probe", "6.1", "6.12"});
    ssif::parse_host_variant(variant, &s.host.variant);
    s.host.probe = host.boolean("probe", s.host.probe);
    ssif::parse_enumeration(
        host.choice("enumeration", ssif::enumeration_name(s.host.enumeration), {"acpi", "detect"}),
        &s.host.enumeration);
    if (!s.host.probe && host.has("enumeration"))
        host.fail("enumeration", "only the probe uses it: set host.probe to true");
    smbus::parse_adapter(host.choice("adapter", smbus::adapter_name(s.host.adapter),
                                     {"generic", "i801", "designware"}),
                         &s.host.adapter);
    s.bus.adapter_timeout_ns = host.millis(
        "adapter_timeout_ms", smbus::host_adapter(s.host.adapter).timeout_ms, 1, 3'600'000);
    // Without the probe the scenario states what it would have found.
    ssif::LinkSetup& link = s.host.link;
    for (const char* key : {"pec", "max_transmit", "multipart_end", "alerts"})
        if (s.host.probe && host.has(key))
            host.fail(key, "the probe finds this (host.probe is true); remove it, or set "
                           "host.probe to false and state it");
    link.pec = host.boolean("pec", link.pec);
    link.max_transmit =
        static_cast<unsigned>(host.integer("max_transmit", link.max_transmit, 2, 255));
    // Not found by the probe: a property of the host's own driver, not of the BMC.
    link.max_part = static_cast<unsigned>(
        host.integer("max_part", link.max_part, ssif::kPartMax, ssif::kPartMax + 3));
    link.cmd8_works = host.choice("multipart_end", link.cmd8_works ? "0x08" : "short-0x07",
                                  {"0x08", "short-0x07"}) == "0x08";
    link.supports_alert = host.boolean("alerts", link.supports_alert);
    const std::string watch = host.choice("watch", "off", {"off", "messages", "watchdog"});
    ssif::parse_watch(watch, &s.host.watch);
    host.accepts({"irq_fid"});
    if (host.choice("irq", "poll", {"poll", "zpci"}) == "zpci") {
        if (!host.has("irq_fid"))
            host.fail("irq_fid", "missing: irq \"zpci\" needs the fid of the SMBus controller's "
                                 "PCI function (one of zpci.functions)");
        s.host_irq_fid = static_cast<uint32_t>(host.integer("irq_fid", 0, 0, 0xffffffff));
    } else if (host.has("irq_fid")) {
        host.fail("irq_fid", "only with irq \"zpci\"");
    }
    if (host.choice("implementation", "model", {"model", "kernel"}) == "kernel")
        use_kernel_host(s);
    host.finish();
}

void read_device(ObjectReader d, ssif::DeviceIdentity& id) {
    id.device_id = d.byte("device_id", id.device_id);
    id.device_revision = d.byte("device_revision", id.device_revision);
    id.firmware_major = d.byte("firmware_major", id.firmware_major);
    if (id.firmware_major > 0x7f)
        d.fail("firmware_major", "out of range (accepted: 0..127, bits 6:0 of the field)");
    id.firmware_minor = d.byte("firmware_minor", id.firmware_minor);
    id.ipmi_version = d.byte("ipmi_version", id.ipmi_version);
    id.additional_support = d.byte("additional_support", id.additional_support);
    id.manufacturer_id =
        static_cast<uint32_t>(d.integer("manufacturer_id", id.manufacturer_id, 0, 0xfffff));
    id.product_id = static_cast<uint16_t>(d.integer("product_id", id.product_id, 0, 0xffff));
    d.finish();
}

constexpr const char* kTransactionNames[] = {"single-part", "start-end", "start-middle-end"};

void read_responder(ObjectReader r, ssif::ResponderConfig& c, unsigned max_message) {
    const std::string transactions =
        r.choice("transactions", kTransactionNames[static_cast<int>(c.transactions)],
                 {kTransactionNames[0], kTransactionNames[1], kTransactionNames[2]});
    for (int i = 0; i < 3; ++i)
        if (transactions == kTransactionNames[i])
            c.transactions = static_cast<ssif::SsifTransactions>(i);
    c.pec = r.boolean("pec", c.pec);
    c.max_input = r.byte("max_input", c.max_input);
    c.max_output = r.byte("max_output", c.max_output);
    c.message_flags = r.byte("message_flags", c.message_flags);
    c.global_enables = r.byte("global_enables", c.global_enables);
    for (const auto& [element, path] : r.array("incoming")) {
        ObjectReader item(*element, path, r.file());
        ssif::IncomingItem in;
        in.at_ns = item.millis("at_ms", 0, 0, 3'600'000);
        in.kind = item.choice("kind", "message", {"message", "event"}) == "message"
                      ? ssif::IncomingItem::Kind::Message
                      : ssif::IncomingItem::Kind::Event;
        for (const auto& [byte, byte_path] : item.array("data"))
            in.data.push_back(element_byte(*byte, byte_path, r.file()));
        if (in.data.size() > ssif::kMessageMax - 3)
            item.fail("data", "too long (accepted: at most 251 bytes after netfn, cmd and "
                              "completion code)");
        item.finish();
        if (!c.incoming.empty() && in.at_ns < c.incoming.back().at_ns)
            item.fail("at_ms", "earlier than the item before it (list items in time order)");
        c.incoming.push_back(in);
    }
    ObjectReader t = r.object("test_command");
    c.test.netfn = read_netfn(t, c.test.netfn);
    c.test.cmd = t.byte("cmd", c.test.cmd);
    if (t.is_string("length")) {
        if (t.text("length", "") != "request")
            t.fail("length", "accepted: 1.." + std::to_string(max_message) +
                                 " (bmc.max_message), or \"request\" (the request's first data "
                                 "byte)");
        c.test.length_from_request = true;
    } else {
        c.test.length = static_cast<unsigned>(t.integer("length", c.test.length, 1, max_message));
    }
    c.test.incrementing = t.choice("pattern", c.test.incrementing ? "incrementing" : "constant",
                                   {"incrementing", "constant"}) == "incrementing";
    c.test.first = t.byte("first", c.test.first);
    t.finish();
    r.finish();
}

// latency_ms: a number, or {"min": a, "max": b} drawn uniformly per request.
void read_latency(ObjectReader& r, uint64_t& min_ns, uint64_t& max_ns) {
    if (r.is_object("latency_ms")) {
        ObjectReader range = r.object("latency_ms");
        min_ns = range.millis("min", 0, 0, 3'600'000);
        max_ns = range.millis("max", min_ns / 1e6, 0, 3'600'000);
        if (max_ns < min_ns)
            range.fail("max", "smaller than min (" + ms(min_ns) + ")");
        range.finish();
    } else {
        min_ns = r.millis("latency_ms", min_ns / 1e6, 0, 3'600'000);
        max_ns = 0;
    }
}

// bmc.script: per netfn/cmd (and nth occurrence), an answer (data, completion_code, or
// "answer": "none") and a delay.
void read_script(ObjectReader& bmc, std::vector<ssif::ScriptRule>& rules) {
    for (const auto& [element, path] : bmc.array("script")) {
        ObjectReader r(*element, path, bmc.file());
        ssif::ScriptRule rule;
        r.accepts({"completion_code", "data"}); // read only with an answer to give
        if (!r.has("netfn") || !r.has("cmd"))
            r.fail(r.has("netfn") ? "cmd" : "netfn", "missing (each rule names netfn and cmd)");
        rule.netfn = read_netfn(r, 0);
        if (rule.netfn & 1)
            r.fail("netfn", "odd: a response's network function (name the request's, even)");
        rule.cmd = r.byte("cmd", 0);
        rule.nth = static_cast<unsigned>(r.integer("nth", 0, 1, 1'000'000'000));
        rule.delay_ns = r.millis("delay_ms", 0, 0, 3'600'000);
        const std::string answer = r.choice("answer", "backend", {"backend", "none"});
        if (r.has("answer") && answer == "backend" && (r.has("completion_code") || r.has("data")))
            r.fail("answer", "\"backend\" leaves the answer to the responder; drop it, or "
                             "completion_code and data");
        if (answer == "none") {
            rule.answer = ssif::ScriptRule::Answer::None;
            for (const char* key : {"completion_code", "data"})
                if (r.has(key))
                    r.fail(key, "with \"answer\": \"none\" there is no response to give it");
        } else if (r.has("completion_code") || r.has("data")) {
            rule.answer = ssif::ScriptRule::Answer::CompletionCode;
            rule.completion_code = r.byte("completion_code", 0x00);
            for (const auto& [byte, byte_path] : r.array("data"))
                rule.data.push_back(element_byte(*byte, byte_path, r.file()));
            if (rule.data.size() > ssif::kMessageMax - 3)
                r.fail("data", "too long (accepted: at most 251 bytes after netfn, cmd and "
                               "completion code)");
        }
        r.finish();
        rules.push_back(rule);
    }
}

// Lines for ipmi_sim's files: strings without line breaks (each is one line of the file).
std::vector<std::string> read_lines(ObjectReader& r, const char* key) {
    std::vector<std::string> lines;
    for (const auto& [element, path] : r.array(key)) {
        if (!element->is_string())
            throw InputError(r.file() + ": " + path + ": not a string (one line of the file)");
        const std::string line = element->get<std::string>();
        if (line.find_first_of("\r\n") != std::string::npos)
            throw InputError(r.file() + ": " + path +
                             ": a line break inside a line (give each line as its own string)");
        lines.push_back(line);
    }
    return lines;
}

void read_ipmi_sim(ObjectReader r, Scenario& s) {
    DaemonBackend& b = s.backend;
    if (!r.has("emulator"))
        r.fail("emulator", "missing: ipmi_sim's emulator commands (ipmi_sim_cmd(5)), a list "
                           "of lines or a file relative to the scenario, e.g. mc_setbmc, "
                           "mc_add, mc_enable");
    if (r.is_string("emulator")) {
        std::filesystem::path file(r.text("emulator", ""));
        if (file.is_relative())
            file = std::filesystem::path(s.file).parent_path() / file;
        std::ifstream in(file, std::ios::binary);
        if (!in)
            r.fail("emulator", "cannot read the emulator command file " + file.string());
        for (std::string line; std::getline(in, line);) {
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            b.emulator.push_back(line);
        }
    } else {
        b.emulator = read_lines(r, "emulator");
    }
    if (b.emulator.empty())
        r.fail("emulator", "empty: ipmi_sim has no BMC without mc_add and mc_enable");
    b.lan_conf = read_lines(r, "lan_conf");
    b.start_timeout_ms = static_cast<uint64_t>(
        r.integer("start_timeout_ms", static_cast<int64_t>(b.start_timeout_ms), 100, 600'000));
    b.ipmi_sim.timeout_ms = static_cast<uint64_t>(
        r.integer("timeout_ms", static_cast<int64_t>(b.ipmi_sim.timeout_ms), 100, 600'000));
    r.finish();
}

void read_bmc(ObjectReader bmc, Scenario& s) {
    s.bmc.addr7 = bmc.byte("address", s.bmc.addr7);
    if (s.bmc.addr7 < 0x08 || s.bmc.addr7 > 0x77)
        bmc.fail("address", "7-bit address outside 0x08..0x77 (the rest are reserved)");
    const bool kernel = bmc.choice("implementation", "model", {"model", "kernel"}) == "kernel";
    // The real driver is the one release the build has: its variant is the default there.
    const std::string variant = bmc.text("variant", kernel ? "6.12" : "mainline");
    if (!ssif::parse_bmc_variant(variant, &s.bmc.variant))
        bmc.fail("variant",
                 "unknown value \"" + variant + "\" (accepted: " + ssif::bmc_variant_names() + ")");
    if (kernel && s.bmc.variant != ssif::BmcVariant::Debian612)
        bmc.fail("variant", "\"" + variant +
                                "\" has no real counterpart: with implementation \"kernel\" "
                                "the driver is the ssif_bmc.c the build has (Debian's 6.12.117), "
                                "variant \"6.12\" (the default there)");
    const std::string controller = bmc.text("controller", "address-nak");
    if (!ssif::parse_bmc_controller(controller, &s.bmc.controller))
        bmc.fail("controller", "unknown value \"" + controller +
                                   "\" (accepted: " + ssif::bmc_controller_names() + ")");
    s.bmc.response_timeout_ms = static_cast<unsigned>(
        bmc.integer("response_timeout_ms", s.bmc.response_timeout_ms, 1, 3'600'000));
    s.bmc.hz = read_hz(bmc, s.bmc.hz);
    const std::string end =
        bmc.choice("multipart_end", "0x08",
                   {"0x08", "0x08-or-short-0x07", "short-0x07", "short-0x07-nonzero"});
    ssif::parse_multipart_end(end, &s.bmc.multipart_end);
    s.bmc.smbus_alert = bmc.boolean("smbus_alert", s.bmc.smbus_alert);
    s.bmc.max_message = static_cast<unsigned>(bmc.integer(
        "max_message", s.bmc.max_message, ssif::kMessageMax, ssif::SsifBmc::kLargestMessage));

    ObjectReader daemon = bmc.object("daemon");
    s.daemon_kind = daemon.choice("kind", "simple", {"simple", "ssifbridge"}) == "simple"
                        ? Scenario::DaemonKind::Simple
                        : Scenario::DaemonKind::SsifBridge;
    const bool bridge = s.daemon_kind == Scenario::DaemonKind::SsifBridge;
    // The simple daemon's latency, or ipmid's behind the bridge for commands not listed.
    read_latency(daemon, s.daemon.latency_ns, s.daemon.latency_max_ns);
    if (bridge) {
        if (daemon.has("silent"))
            daemon.fail("silent", "the simple daemon's (kind \"simple\"); behind ssifbridge, "
                                  "script the commands ipmid leaves unanswered (bmc.script)");
        const std::string version =
            daemon.text("version", ssif::bridge_version_info(s.bridge.version).name);
        if (!ssif::parse_bridge_version(version, &s.bridge.version))
            daemon.fail("version", "unknown value \"" + version +
                                       "\" (accepted: " + ssif::bridge_version_names() + ")");
        s.bridge.ipmid.latency_ns = s.daemon.latency_ns;
        s.bridge.ipmid.latency_max_ns = s.daemon.latency_max_ns;
        ObjectReader ipmid = daemon.object("ipmid");
        s.bridge.ipmid.serial = ipmid.boolean("serial", s.bridge.ipmid.serial);
        for (const auto& [element, path] : ipmid.array("commands")) {
            ObjectReader c(*element, path, daemon.file());
            ssif::IpmidLatency l;
            l.netfn = read_netfn(c, 0);
            l.cmd = c.byte("cmd", 0);
            if (!c.has("netfn") || !c.has("cmd") || !c.has("latency_ms"))
                c.fail(c.has("netfn") ? (c.has("cmd") ? "latency_ms" : "cmd") : "netfn",
                       "missing (each command names netfn, cmd and latency_ms)");
            read_latency(c, l.min_ns, l.max_ns);
            c.finish();
            s.bridge.ipmid.commands.push_back(l);
        }
        ipmid.finish();
    } else {
        s.daemon.silent = daemon.boolean("silent", s.daemon.silent);
        for (const char* key : {"version", "ipmid"})
            if (daemon.has(key))
                daemon.fail(key, "only with kind \"ssifbridge\"");
    }
    if (daemon.choice("backend", "builtin", {"builtin", "ipmi_sim"}) == "ipmi_sim")
        s.backend.kind = DaemonBackend::Kind::IpmiSim;
    if (s.backend.kind == DaemonBackend::Kind::IpmiSim)
        read_ipmi_sim(daemon.object("ipmi_sim"), s);
    else if (daemon.has("ipmi_sim"))
        daemon.fail("ipmi_sim", "only with \"backend\": \"ipmi_sim\"");
    daemon.finish();
    read_script(bmc, s.script);

    if (s.backend.kind == DaemonBackend::Kind::IpmiSim)
        for (const char* key : {"device", "responder"})
            if (bmc.has(key))
                bmc.fail(key, "belongs to the builtin responder; with bmc.daemon.backend "
                              "\"ipmi_sim\" ipmi_sim answers (its identity is in the emulator "
                              "commands' mc_add)");
    read_device(bmc.object("device"), s.responder.device);
    read_responder(bmc.object("responder"), s.responder, s.bmc.max_message);
    bmc.finish();
    if (kernel)
        use_kernel_bmc(s);
}

// A size: a number, or {"min": a, "max": b} drawn uniformly.
SizeRange read_size(ObjectReader& g, const char* key, SizeRange fallback, unsigned min,
                    unsigned max) {
    if (!g.is_object(key)) {
        const unsigned n = static_cast<unsigned>(g.integer(key, 0, min, max));
        return g.has(key) ? SizeRange{n, n} : fallback;
    }
    ObjectReader o = g.object(key);
    SizeRange r;
    r.min = static_cast<unsigned>(o.integer("min", min, min, max));
    r.max = static_cast<unsigned>(o.integer("max", r.min, min, max));
    if (r.max < r.min)
        o.fail("max", "smaller than min (" + std::to_string(r.min) + ")");
    o.finish();
    return r;
}

// An `ipmitool raw` line: netfn, cmd, data bytes, each 0x-prefixed hex or decimal.
Bytes parse_raw(const std::string& line, const std::string& where) {
    std::istringstream in(line);
    Bytes bytes;
    for (std::string token; in >> token;) {
        const bool hex =
            token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X');
        const std::string digits = hex ? token.substr(2) : token;
        const char* allowed = hex ? "0123456789abcdefABCDEF" : "0123456789";
        if (digits.empty() || digits.size() > 3 ||
            digits.find_first_not_of(allowed) != std::string::npos ||
            std::stoul(digits, nullptr, hex ? 16 : 10) > 0xff)
            throw InputError(where + ": \"" + token +
                             "\" is not a byte (0x00..0xff or 0..255, as ipmitool raw takes)");
        bytes.push_back(static_cast<uint8_t>(std::stoul(digits, nullptr, hex ? 16 : 10)));
    }
    if (bytes.size() < 2)
        throw InputError(where + ": an ipmitool raw line needs at least a netfn and a cmd");
    if (bytes[0] > 0x3f)
        throw InputError(where + ": netfn " + hex8(bytes[0]) +
                         " out of range (accepted: 0..0x3f, a 6-bit network function)");
    bytes[0] = ssif::ipmi::netfn_lun(bytes[0]); // LUN 0
    return bytes;
}

uint8_t lo(uint16_t v) {
    return static_cast<uint8_t>(v & 0xff);
}
uint8_t hi(uint16_t v) {
    return static_cast<uint8_t>(v >> 8);
}

// A named command's requests (IPMI v2.0's request layouts; ipmi_commands.h names the
// sections). Get SDR with "chunk" is several: the record's bytes from "offset", "chunk" at
// a time, as ipmitool reads an SDR.
std::vector<Bytes> named_requests(ObjectReader& r, const ssif::ipmi::NamedCommand& named) {
    namespace ipmi = ssif::ipmi;
    const ipmi::Command c = named.command;
    const auto is = [&c](ipmi::Command o) { return c.netfn == o.netfn && c.cmd == o.cmd; };
    const auto u16 = [&r](const char* key, int64_t fallback) {
        return static_cast<uint16_t>(r.integer(key, fallback, 0, 0xffff));
    };
    const auto required = [&r, &named](const char* key) {
        if (!r.has(key))
            r.fail(key, std::string("missing; ") + named.name + " needs it");
    };
    const Bytes head{ssif::ipmi::netfn_lun(c.netfn), c.cmd};
    const auto with = [&head](std::initializer_list<uint8_t> data) {
        Bytes b = head;
        b.insert(b.end(), data);
        return b;
    };
    if (is(ipmi::kGetSensorReading)) {
        required("sensor");
        return {with({r.byte("sensor", 0)})};
    }
    if (is(ipmi::kGetChannelInfo))
        return {with({r.byte("channel", 0)})};
    if (is(ipmi::kGetFruInventoryAreaInfo))
        return {with({r.byte("fru", 0)})};
    if (is(ipmi::kReadFruData)) {
        required("bytes");
        const uint8_t fru = r.byte("fru", 0);
        const uint16_t offset = u16("offset", 0);
        const auto bytes = static_cast<uint8_t>(r.integer("bytes", 1, 1, 255));
        return {with({fru, lo(offset), hi(offset), bytes})};
    }
    if (is(ipmi::kGetSdr) || is(ipmi::kGetSelEntry)) {
        const uint16_t reservation = u16("reservation", 0);
        const uint16_t record = u16(is(ipmi::kGetSdr) ? "record" : "entry", 0);
        const auto offset = static_cast<unsigned>(r.integer("offset", 0, 0, 255));
        // 0xff: the whole record (§33.12).
        const auto bytes = static_cast<unsigned>(r.integer("bytes", 0xff, 1, 255));
        const auto chunk =
            static_cast<unsigned>(r.integer("chunk", static_cast<int64_t>(bytes), 1, 255));
        if (r.has("chunk") && bytes == 0xff)
            r.fail("chunk", "needs \"bytes\": how much of the record to read in chunks");
        if (bytes != 0xff && offset + bytes > 256)
            r.fail("bytes", "offset + bytes passes 256: the last byte a request can name is 255");
        std::vector<Bytes> out;
        for (unsigned at = offset; at < offset + bytes; at += chunk)
            out.push_back(with({lo(reservation), hi(reservation), lo(record), hi(record),
                                static_cast<uint8_t>(at),
                                static_cast<uint8_t>(std::min(chunk, offset + bytes - at))}));
        return out;
    }
    return {head}; // no request data
}

void read_workload(ObjectReader workload, Scenario& s) {
    int id = 1;
    for (const auto& [element, path] : workload.array("requests")) {
        std::vector<Bytes> payloads;
        uint64_t at_ns = 0;
        if (element->is_string()) { // an ipmitool raw line, due at 0
            payloads.push_back(parse_raw(element->get<std::string>(), s.file + ": " + path));
        } else {
            ObjectReader r(*element, path, s.file);
            at_ns = r.millis("at_ms", 0, 0, 3'600'000);
            const int forms = r.has("raw") + r.has("command") + (r.has("netfn") || r.has("cmd"));
            if (forms > 1)
                r.fail("", "give one of \"raw\" (an ipmitool raw line), \"command\" (a named "
                           "command) and \"netfn\" with \"cmd\"");
            if (r.has("raw")) {
                payloads.push_back(parse_raw(r.text("raw", ""), s.file + ": " + path + ".raw"));
            } else if (r.has("command")) {
                const std::string name = r.text("command", "");
                const ssif::ipmi::NamedCommand* named = ssif::ipmi::find_command(name.c_str());
                if (!named) {
                    std::string list;
                    for (const auto& c : ssif::ipmi::kNamedCommands)
                        list += (list.empty() ? "" : ", ") + std::string(c.name);
                    r.fail("command", "unknown command \"" + name + "\" (accepted: " + list + ")");
                }
                r.accepts({"sensor", "channel", "fru", "offset", "bytes", "reservation", "record",
                           "entry", "chunk"});
                payloads = named_requests(r, *named);
            } else {
                const uint8_t netfn = read_netfn(r, 0);
                const uint8_t lun = r.byte("lun", 0);
                if (lun > 3)
                    r.fail("lun", "out of range (accepted: 0..3)");
                if (!r.has("netfn") || !r.has("cmd"))
                    r.fail("", "a request needs \"netfn\" and \"cmd\" (or \"raw\", or "
                               "\"command\")");
                Bytes payload{ssif::ipmi::netfn_lun(netfn, lun), r.byte("cmd", 0)};
                for (const auto& [byte, byte_path] : r.array("data"))
                    payload.push_back(element_byte(*byte, byte_path, s.file));
                if (payload.size() > kIpmiMaxRequest)
                    r.fail("data", "the request is " + std::to_string(payload.size()) +
                                       " bytes; the IPMI message handler takes at most 272 "
                                       "(netfn, cmd and 270 data bytes)");
                payloads.push_back(payload);
            }
            r.finish();
        }
        for (Bytes& payload : payloads) {
            if (payload.size() > kIpmiMaxRequest)
                throw InputError(s.file + ": " + path + ": the request is " +
                                 std::to_string(payload.size()) +
                                 " bytes; the IPMI message handler takes at most 272");
            ssif::HostRequest request;
            request.id = id++;
            request.at_ns = at_ns;
            request.payload = std::move(payload);
            s.requests.push_back(request);
        }
    }
    for (const auto& [element, path] : workload.array("generators")) {
        ObjectReader r(*element, path, s.file);
        Generator g;
        g.path = path;
        g.count = static_cast<int>(r.integer("count", 0, 1, 10'000'000));
        if (!r.has("count"))
            r.fail("count", "missing; how many requests this generator makes");
        g.start_ns = r.millis("start_ms", 0, 0, 3'600'000);
        if (r.has("interval_ms") == r.has("mean_interval_ms"))
            r.fail("", "give exactly one of \"interval_ms\" (a fixed gap) and "
                       "\"mean_interval_ms\" (random gaps, exponentially distributed)");
        g.poisson = r.has("mean_interval_ms");
        g.interval_ns = g.poisson ? r.millis("mean_interval_ms", 0, 0, 3'600'000)
                                  : r.millis("interval_ms", 0, 0, 3'600'000);
        g.netfn = read_netfn(r, s.responder.test.netfn);
        g.cmd = r.byte("cmd", s.responder.test.cmd);
        // The last request's time, in checked arithmetic: a Poisson gap is at most about 37
        // times its mean (the Rng's exponential draws from 53 bits, -ln(2^-53) = 36.7).
        uint64_t last_ns = 0;
        const uint64_t gaps = static_cast<uint64_t>(g.count - (g.poisson ? 0 : 1));
        if (!checked_schedule_end(g.start_ns, gaps, g.poisson ? g.interval_ns * 37 : g.interval_ns,
                                  &last_ns))
            r.fail(g.poisson ? "mean_interval_ms" : "interval_ms",
                   std::string("the generator's requests would reach past ") + kMaxSimText +
                       (g.poisson ? " (its random gaps can be up to 37 times their mean)" : "") +
                       "; fewer requests or a shorter gap");
        g.request_size = read_size(r, "request_size", g.request_size, 3, kIpmiMaxRequest);
        g.response_size = read_size(r, "response_size", g.response_size, 3, ssif::kMessageMax);
        r.finish();
        // Request ids are ints; the generators' counts add up in checked arithmetic.
        if (s.total_requests() + static_cast<size_t>(g.count) > kMaxRequests)
            r.fail("count", "the workload would have " +
                                std::to_string(s.total_requests() + static_cast<size_t>(g.count)) +
                                " requests, over the limit of " + std::to_string(kMaxRequests));
        s.generators.push_back(g);
    }
    s.until_ns = workload.millis("until_ms", 0, 0, 36'000'000);
    workload.finish();
}

RequestExpectation read_request_expectation(ObjectReader r, const Scenario& s) {
    RequestExpectation e;
    e.path = r.path();
    r.accepts({"completion_code", "error", "response", "response_length", "write_attempts",
               "read_attempts", "parts_written", "parts_read", "started_ms"});
    if (!r.has("id"))
        r.fail("id", "missing; the request's id (its place in workload.requests, from 1)");
    e.id = static_cast<int>(r.integer("id", 0, 1, static_cast<int64_t>(s.total_requests())));
    if (r.has("completion_code"))
        e.completion_code = r.byte("completion_code", 0);
    if (r.has("error")) {
        const std::string error = r.text("error", "");
        ssif::RequestError known;
        if (!value_of(ssif::kRequestErrorNames, error, &known)) {
            std::string accepted;
            for (const auto& entry : ssif::kRequestErrorNames)
                accepted += accepted.empty() ? "\"\"" : std::string(", ") + entry.name;
            r.fail("error", "unknown error \"" + error + "\" (accepted: " + accepted + ")");
        }
        e.error = known;
    }
    if (r.has("response")) {
        Bytes bytes;
        for (const auto& [byte, byte_path] : r.array("response"))
            bytes.push_back(element_byte(*byte, byte_path, s.file));
        e.response = bytes;
    }
    const auto count = [&r](const char* key, std::optional<int>& out, int max) {
        if (r.has(key))
            out = static_cast<int>(r.integer(key, 0, 0, max));
    };
    count("response_length", e.response_length, 272);
    count("write_attempts", e.write_attempts, 1'000'000);
    count("read_attempts", e.read_attempts, 1'000'000);
    count("parts_written", e.parts_written, 1'000'000);
    count("parts_read", e.parts_read, 1'000'000);
    if (r.has("started_ms"))
        e.started_ns = r.millis("started_ms", 0, 0, 36'000'000);
    r.finish();
    return e;
}

void read_expect(ObjectReader expect, Scenario& s) {
    s.expect.t6_max_ns = expect.millis("t6_max_ms", 250, 0, 3'600'000);
    ObjectReader spec = expect.object("spec");
    for (const CheckId id : kSpecChecks) {
        const char* name = check_name(id);
        const std::string verdict = spec.choice(name, "pass", {"pass", "fail", "any"});
        if (spec.has(name))
            s.expect.spec[name] = verdict == "pass"   ? Expectations::Verdict::Pass
                                  : verdict == "fail" ? Expectations::Verdict::Fail
                                                      : Expectations::Verdict::Any;
    }
    spec.finish();
    for (const auto& [element, path] : expect.array("requests")) {
        RequestExpectation e = read_request_expectation(ObjectReader(*element, path, s.file), s);
        for (const RequestExpectation& earlier : s.expect.requests)
            if (earlier.id == e.id)
                ObjectReader(*element, path, s.file)
                    .fail("id", "request " + std::to_string(e.id) +
                                    " already has expectations at " + earlier.path +
                                    "; put them in one object");
        s.expect.requests.push_back(e);
    }
    ObjectReader bmc = expect.object("bmc");
    bmc.accepts({"final_state", "aborting"});
    if (bmc.has("final_state")) {
        const std::string name = bmc.text("final_state", "");
        ssif::BmcState state;
        if (!ssif::parse_bmc_state(name, &state))
            bmc.fail("final_state",
                     "unknown state \"" + name + "\" (accepted: " + ssif::bmc_state_names() + ")");
        s.expect.bmc_final_state = state;
    }
    if (bmc.has("aborting"))
        s.expect.bmc_aborting = bmc.boolean("aborting", false);
    bmc.finish();
    ObjectReader counts = expect.object("counts");
    // The real driver as the host logs fewer host events: only those are offered.
    const EventFilter offered =
        s.host_implementation == Implementation::Kernel ? kernel_host_countable : nullptr;
    for (const std::string& event : counts.keys()) {
        EventId id;
        if (!find_event(event, &id)) {
            std::string close;
            for (const std::string& k : close_event_keys(event, 3, offered))
                close += (close.empty() ? "" : " or ") + k;
            counts.fail(event,
                        "unknown event" +
                            (close.empty() ? std::string() : "; did you mean " + close + "?") +
                            " (accepted: " + event_keys(offered) + ")");
        }
        // Its count would read 0 with the real driver whatever it did: refused, as any other
        // option the real driver cannot honour (--compare-kernel leaves such counts out of its
        // kernel copy and says so).
        if (offered && !offered(id)) {
            std::string logged;
            for (events::Id e : kernel::kKernelHostEvents)
                logged += (logged.empty() ? "" : ", ") + event_key(e);
            counts.fail(event, "the model host's own event, which the real ipmi_ssif.c "
                               "(host.implementation \"kernel\") never logs: its count would "
                               "be 0 whatever the driver did (the kernel host logs " +
                                   logged + ")");
        }
        s.expect.counts[event] = static_cast<uint64_t>(counts.integer(event, 0, 0, INT64_MAX));
    }
    counts.finish();
    if (expect.choice("counts_from", "start", {"start", "registered"}) == "registered")
        s.expect.counts_from = Expectations::CountsFrom::Registered;
    expect.accepts({"zpci"});
    if (expect.has("zpci")) {
        if (!s.zpci.enabled)
            expect.fail("zpci", "the scenario has no zpci section");
        read_zpci_expect(expect.object("zpci"), s.zpci);
    }
    expect.finish();
}

} // namespace

Scenario load_scenario(const std::string& file) {
    return parse_scenario(load_json_file(file), file);
}

Scenario parse_scenario(const json& doc, const std::string& file) {
    Scenario s;
    s.file = file;
    ObjectReader root(doc, "$", s.file);
    if (!root.has("version"))
        root.fail("version",
                  "missing; this simulator reads version " + std::to_string(Scenario::kVersion));
    s.version =
        static_cast<int>(root.integer("version", 0, Scenario::kVersion, Scenario::kVersion));
    s.description = root.text("description", "");
    s.seed = static_cast<uint64_t>(root.integer("seed", 1, 0, INT64_MAX));
    read_bus(root.object("bus"), s);
    read_host(root.object("host"), s);
    read_bmc(root.object("bmc"), s);
    s.host.bmc_addr7 = s.bmc.addr7; // the host's i2c client sits at the BMC's address
    read_workload(root.object("workload"), s);
    if (!s.generators.empty()) {
        // Generated requests carry the response size they ask the test command for.
        const json* length = nullptr;
        if (doc.contains("bmc") && doc["bmc"].contains("responder") &&
            doc["bmc"]["responder"].contains("test_command") &&
            doc["bmc"]["responder"]["test_command"].contains("length"))
            length = &doc["bmc"]["responder"]["test_command"]["length"];
        if (length && length->is_number())
            root.fail_path("$.bmc.responder.test_command.length",
                           "a fixed length contradicts "
                           "workload.generators, whose requests set the response size (use "
                           "\"request\" or leave it out)");
        s.responder.test.length_from_request = true;
    }
    if (root.has("zpci"))
        read_zpci(root.object("zpci"), s.zpci);
    else
        root.accepts({"zpci"});
    if (s.host_irq_fid) {
        bool found = false, boots = false;
        for (const zpci::FunctionConfig& f : s.zpci.config.functions)
            if (f.fid == *s.host_irq_fid) {
                found = true;
                boots = f.boot;
            }
        if (!found)
            root.fail_path("$.host.irq_fid",
                           "fid " + std::to_string(*s.host_irq_fid) +
                               (root.has("zpci") ? " is not in zpci.functions"
                                                 : ": the scenario has no zpci section"));
        if (!boots)
            root.fail_path("$.host.irq_fid",
                           "fid " + std::to_string(*s.host_irq_fid) +
                               " has \"boot\": false; the host's SMBus controller must be set "
                               "up at boot");
    }
    s.faults = read_faults(root);
    for (const Fault& f : s.faults)
        if (f.daemon() && s.daemon_kind != Scenario::DaemonKind::Simple)
            root.fail_path(f.path + ".type",
                           "a daemon fault acts on the simple daemon; "
                           "$.bmc.daemon.kind is \"ssifbridge\" (use bmc.script)");
    for (const Fault& f : s.faults)
        if (!f.daemon() && f.request > static_cast<int>(s.total_requests()))
            root.fail_path(f.path + ".request", std::to_string(f.request) +
                                                    " names no request (the workload has " +
                                                    std::to_string(s.total_requests()) + ")");
    read_expect(root.object("expect"), s);
    root.finish();
    // A scenario that makes no traffic would pass every check: a CI scenario that lost its
    // workload must not stay green. It may still mean it, and say so in expect.
    const bool stated =
        doc.contains("expect") && doc["expect"].is_object() &&
        (doc["expect"].contains("requests") || !s.expect.counts.empty() ||
         s.expect.bmc_final_state || s.expect.bmc_aborting || doc["expect"].contains("zpci"));
    if (s.total_requests() == 0 && s.zpci.msis.empty() && !stated)
        root.fail("", "the scenario has no requests (workload.requests, workload.generators) "
                      "and no zPCI MSIs, so every check would pass on nothing; add a workload, "
                      "or say that none is intended with an expectation (e.g. \"expect\": "
                      "{\"requests\": []}, or expect.counts)");
    return s;
}

WorkloadSize workload_size(const Scenario& s) {
    WorkloadSize w;
    w.listed = s.requests.size();
    for (const ssif::HostRequest& r : s.requests)
        w.span_ns = std::max(w.span_ns, r.at_ns);
    // Validation bounded every product below by kMaxSimNs: none overflows.
    for (const Generator& g : s.generators) {
        w.generated += static_cast<uint64_t>(g.count);
        const uint64_t gaps = static_cast<uint64_t>(g.poisson ? g.count : g.count - 1);
        w.span_ns = std::max(w.span_ns, g.start_ns + gaps * g.interval_ns);
        w.random_gaps = w.random_gaps || g.poisson;
    }
    for (const MsiGenerator& m : s.zpci.msis) {
        const bool burst = m.pattern == MsiGenerator::Pattern::Burst;
        w.msis += m.count * (burst ? m.bursts : 1) * (m.duplicated ? 2 : 1);
        const uint64_t last =
            burst ? m.at_ns + (m.bursts - 1) * m.period_ns + (m.count - 1) * m.interval_ns
                  : m.at_ns + (m.count - 1) * m.interval_ns;
        w.span_ns = std::max(w.span_ns, last);
        w.random_gaps = w.random_gaps || m.pattern == MsiGenerator::Pattern::Poisson;
    }
    for (const zpci::ZpciAction& a : s.zpci.config.actions)
        w.span_ns = std::max(w.span_ns, a.t_ns);
    w.until_sets_span = s.until_ns > w.span_ns;
    w.span_ns = std::max(w.span_ns, s.until_ns);
    return w;
}

std::vector<std::string> unreached_warnings(const Scenario& s, uint64_t run_until_ns) {
    std::vector<std::string> warnings;
    if (s.host.watch == ssif::Watch::Off)
        return warnings;
    const uint64_t until_ns = run_until_ns ? run_until_ns : s.until_ns;
    const std::string watch = std::string("\"") + ssif::watch_name(s.host.watch) + "\"";
    if (until_ns == 0) {
        warnings.push_back("$.host.watch: " + watch +
                           " polls only while the run lasts: without $.workload.until_ms the "
                           "run ends when nothing else is left to do (the last response, the "
                           "probe, the last MSI), so no poll after that runs; set until_ms, or "
                           "run --until TIME");
        return warnings;
    }
    // The watch timer is armed when the driver registers, after the probe: at time 0 at the
    // earliest, and mod_timer(jiffies + period) there runs on the wheel's tick
    // (Jiffies::wheel_expiry: 11 ms for 10 at HZ 1000, 256 ms for 250); armed later, it runs
    // no earlier. A run that ends at a time runs nothing due then (sc_start(T)).
    const Jiffies jiffies(s.host.hz);
    const uint64_t first_poll_ns = jiffies.start_ns(
        jiffies.wheel_expiry(ssif::watch_period_jiffies(s.host.watch, jiffies), 0));
    if (until_ns <= first_poll_ns)
        warnings.push_back(
            std::string(run_until_ns ? "--until" : "$.workload.until_ms") + ": the run ends at " +
            ms(until_ns) + ", before host.watch's first poll can run (" + watch + ": at " +
            ms(first_poll_ns) + " at the earliest, at HZ " + std::to_string(s.host.hz) +
            "; nothing due at the end runs), so no poll runs");
    return warnings;
}

std::string describe_size(const WorkloadSize& w, std::vector<std::string>* warnings) {
    char span[48];
    std::snprintf(span, sizeof span, "%.6f s", static_cast<double>(w.span_ns) / 1e9);
    const uint64_t requests = w.listed + w.generated;
    if (requests > WorkloadSize::kManyRequests)
        warnings->push_back(std::to_string(requests) + " requests (over " +
                            std::to_string(WorkloadSize::kManyRequests) +
                            "): expect a long run; ssifsim run --until TIME bounds it");
    if (w.msis > WorkloadSize::kManyMsis)
        warnings->push_back(std::to_string(w.msis) + " MSIs (over " +
                            std::to_string(WorkloadSize::kManyMsis) + "): expect a long run");
    if (w.span_ns > WorkloadSize::kLongSpanNs)
        warnings->push_back(std::string("the workload spans ") + span +
                            " of simulated time (over a day): expect a long run");
    return std::to_string(requests) + " request(s) (" + std::to_string(w.listed) + " listed, " +
           std::to_string(w.generated) + " generated), " + std::to_string(w.msis) +
           " MSI(s), simulated span " + span +
           (w.until_sets_span ? std::string(" (workload.until_ms)")
                              : std::string(" (when the last is due") +
                                    (w.random_gaps ? "; random gaps at their mean" : "") + ")");
}

size_t Scenario::total_requests() const {
    size_t n = requests.size();
    for (const Generator& g : generators)
        n += static_cast<size_t>(g.count);
    return n;
}

namespace {
ojson latency_json(uint64_t min_ns, uint64_t max_ns) {
    return max_ns > min_ns ? ojson{{"min", min_ns / 1e6}, {"max", max_ns / 1e6}}
                           : ojson(min_ns / 1e6);
}

ojson daemon_to_json(const Scenario& s) {
    const char* backend = s.backend.kind == DaemonBackend::Kind::IpmiSim ? "ipmi_sim" : "builtin";
    if (s.daemon_kind == Scenario::DaemonKind::Simple)
        return {{"kind", "simple"},
                {"latency_ms", latency_json(s.daemon.latency_ns, s.daemon.latency_max_ns)},
                {"silent", s.daemon.silent},
                {"backend", backend}};
    ojson commands = ojson::array();
    for (const ssif::IpmidLatency& c : s.bridge.ipmid.commands)
        commands.push_back({{"netfn", hex8(c.netfn)},
                            {"cmd", hex8(c.cmd)},
                            {"latency_ms", latency_json(c.min_ns, c.max_ns)}});
    return {{"kind", "ssifbridge"},
            {"backend", backend},
            {"version", ssif::bridge_version_info(s.bridge.version).name},
            {"latency_ms", latency_json(s.bridge.ipmid.latency_ns, s.bridge.ipmid.latency_max_ns)},
            {"ipmid", {{"serial", s.bridge.ipmid.serial}, {"commands", commands}}}};
}

ojson script_to_json(const std::vector<ssif::ScriptRule>& rules) {
    ojson out = ojson::array();
    for (const ssif::ScriptRule& r : rules) {
        ojson rule = {{"netfn", hex8(r.netfn)}, {"cmd", hex8(r.cmd)}};
        if (r.nth)
            rule["nth"] = r.nth;
        if (r.delay_ns)
            rule["delay_ms"] = r.delay_ns / 1e6;
        if (r.answer == ssif::ScriptRule::Answer::None) {
            rule["answer"] = "none";
        } else if (r.answer == ssif::ScriptRule::Answer::CompletionCode) {
            rule["completion_code"] = hex8(r.completion_code);
            ojson data = ojson::array();
            for (uint8_t b : r.data)
                data.push_back(hex8(b));
            rule["data"] = data;
        }
        out.push_back(rule);
    }
    return out;
}
} // namespace

const char* implementation_name(Implementation i) {
    return i == Implementation::Kernel ? "kernel" : "model";
}

void use_kernel_bmc(Scenario& s) {
    const auto fail = [&s](const std::string& key, const std::string& what) {
        throw InputError(s.file + ": $.bmc." + key + ": " + what);
    };
    if (!kernel::kernel_bmc_available())
        fail("implementation",
             "\"kernel\" needs the kernel source, which this build does not have: run\n"
             "  bash scripts/kernel-source.sh build/kernel-source\n"
             "  cmake -S . -B build -DSSIFSIM_KERNEL_SOURCE=$PWD/build/kernel-source\n"
             "and build again (README: Kernel in the loop)");
    const ssif::BmcConfig& b = s.bmc;
    const std::string no_counterpart = " has no counterpart in the real ssif_bmc.c (implementation "
                                       "\"kernel\"): ";
    // The model's default (500, 6.12.117's) stays a reference for a patched tree's; the tree's
    // own value runs the model as the patch does (--compare-kernel then compares like with like).
    const unsigned tree_timeout_ms = kernel::kernel_bmc_response_timeout_ms();
    if (b.response_timeout_ms != ssif::kResponseTimeoutMs &&
        b.response_timeout_ms != tree_timeout_ms)
        fail("response_timeout_ms", std::to_string(b.response_timeout_ms) + no_counterpart +
                                        "its RESPONSE_TIMEOUT is " +
                                        std::to_string(tree_timeout_ms) + " ms");
    if (b.multipart_end != ssif::MultipartEnd::End08)
        fail("multipart_end", std::string("\"") + ssif::multipart_end_name(b.multipart_end) + "\"" +
                                  no_counterpart + "only 0x08 ends a multi-part write");
    if (b.smbus_alert)
        fail("smbus_alert", "true" + no_counterpart + "it never asserts SMBALERT#");
    if (b.max_message != ssif::kMessageMax)
        fail("max_message",
             std::to_string(b.max_message) + no_counterpart + "its IPMI_SSIF_PAYLOAD_MAX is 254");
    if (ssif::controller_row(b.controller).slave_disabled_while_busy)
        fail("controller", std::string("\"") + ssif::bmc_controller_name(b.controller) + "\"" +
                               no_counterpart +
                               "the slave disable/enable calls are Nuvoton's downstream patches");
    s.bmc.variant = ssif::BmcVariant::Debian612;
    s.bmc_implementation = Implementation::Kernel;
}

void use_kernel_host(Scenario& s) {
    const auto fail = [&s](const std::string& key, const std::string& what) {
        throw InputError(s.file + ": $.host." + key + ": " + what);
    };
    if (!kernel::kernel_host_available())
        fail("implementation", std::string("\"kernel\": ") + kernel::kKernelHostHowTo);
    if (const char* missing = kernel::kernel_host_missing_release(s.host.variant))
        fail("variant", std::string("its row, ") + ssif::host_variant_name(s.host.variant) +
                            ", runs linux-source-" + missing +
                            "'s ipmi_ssif.c with implementation \"kernel\", which this build "
                            "does not have: bash scripts/kernel-source.sh build/kernel-source "
                            "(it extracts it into build/kernel-source/" +
                            missing +
                            ") && bash scripts/setup.sh, or with a tree of your own "
                            "-DSSIFSIM_KERNEL_SOURCE_6_1=DIR (README: Kernel in the loop)");
    if (s.host_irq_fid)
        fail("irq", "the kernel host has no interrupt-driven adapter yet: use \"poll\"");
    s.host_implementation = Implementation::Kernel;
}

bool model_host_only_event(const std::string& name) {
    EventId id{};
    return find_event(name, &id) && !kernel_host_countable(id);
}

bool host_probes(const Scenario& s) {
    return s.host.probe || s.host_implementation == Implementation::Kernel;
}

ojson scenario_to_json(const Scenario& s) {
    ojson j = ojson::object();
    j["version"] = s.version;
    j["description"] = s.description;
    j["seed"] = s.seed;
    j["bus"] = {{"freq_hz", s.bus.freq_hz}};
    j["host"] = {{"hz", s.host.hz},
                 {"variant", ssif::host_variant_name(s.host.variant)},
                 {"probe", s.host.probe},
                 {"adapter", smbus::adapter_name(s.host.adapter)},
                 {"adapter_timeout_ms", s.bus.adapter_timeout_ns / 1e6},
                 {"max_part", s.host.link.max_part}};
    if (s.host.probe)
        j["host"]["enumeration"] = ssif::enumeration_name(s.host.enumeration);
    if (!s.host.probe) {
        j["host"]["pec"] = s.host.link.pec;
        j["host"]["max_transmit"] = s.host.link.max_transmit;
        j["host"]["multipart_end"] = s.host.link.cmd8_works ? "0x08" : "short-0x07";
        j["host"]["alerts"] = s.host.link.supports_alert;
    }
    j["host"]["watch"] = ssif::watch_name(s.host.watch);
    j["host"]["irq"] = s.host_irq_fid ? "zpci" : "poll";
    if (s.host_irq_fid)
        j["host"]["irq_fid"] = *s.host_irq_fid;
    if (s.host_implementation == Implementation::Kernel)
        j["host"]["implementation"] = implementation_name(s.host_implementation);
    const ssif::DeviceIdentity& d = s.responder.device;
    const ssif::ResponderConfig& rc = s.responder;
    j["bmc"] = {{"address", s.bmc.addr7},
                {"implementation", implementation_name(s.bmc_implementation)},
                {"variant", ssif::bmc_variant_name(s.bmc.variant)},
                {"controller", ssif::bmc_controller_name(s.bmc.controller)},
                {"response_timeout_ms", s.bmc.response_timeout_ms},
                {"hz", s.bmc.hz},
                {"multipart_end", ssif::multipart_end_name(s.bmc.multipart_end)},
                {"smbus_alert", s.bmc.smbus_alert},
                {"max_message", s.bmc.max_message},
                {"daemon", daemon_to_json(s)},
                {"script", script_to_json(s.script)},
                {"device",
                 {{"device_id", d.device_id},
                  {"device_revision", d.device_revision},
                  {"firmware_major", d.firmware_major},
                  {"firmware_minor", d.firmware_minor},
                  {"ipmi_version", d.ipmi_version},
                  {"additional_support", d.additional_support},
                  {"manufacturer_id", d.manufacturer_id},
                  {"product_id", d.product_id}}}};
    if (s.backend.kind == DaemonBackend::Kind::IpmiSim) {
        const DaemonBackend& b = s.backend;
        j["bmc"]["daemon"]["ipmi_sim"] = {
            // The lines themselves, not the file they came from: the printed configuration
            // (and a sweep's scenario written elsewhere) stands on its own.
            {"emulator", b.emulator},
            {"lan_conf", b.lan_conf},
            {"start_timeout_ms", b.start_timeout_ms},
            {"timeout_ms", b.ipmi_sim.timeout_ms}};
        j["bmc"].erase("device");
    }
    ojson incoming = ojson::array();
    for (const ssif::IncomingItem& in : rc.incoming)
        incoming.push_back(
            {{"at_ms", in.at_ns / 1e6},
             {"kind", in.kind == ssif::IncomingItem::Kind::Message ? "message" : "event"},
             {"data", in.data}});
    if (s.backend.kind == DaemonBackend::Kind::Builtin)
        j["bmc"]["responder"] = {
            {"transactions", kTransactionNames[static_cast<int>(rc.transactions)]},
            {"pec", rc.pec},
            {"max_input", rc.max_input},
            {"max_output", rc.max_output},
            {"message_flags", rc.message_flags},
            {"global_enables", rc.global_enables},
            {"incoming", incoming},
            {"test_command",
             {{"netfn", rc.test.netfn},
              {"cmd", rc.test.cmd},
              {"length", rc.test.length_from_request ? ojson("request") : ojson(rc.test.length)},
              {"pattern", rc.test.incrementing ? "incrementing" : "constant"},
              {"first", rc.test.first}}}};
    ojson requests = ojson::array();
    for (const ssif::HostRequest& r : s.requests) {
        ojson data = ojson::array();
        for (size_t i = 2; i < r.payload.size(); ++i)
            data.push_back(r.payload[i]);
        requests.push_back({{"at_ms", r.at_ns / 1e6},
                            {"netfn", r.payload[0] >> 2},
                            {"lun", r.payload[0] & 3},
                            {"cmd", r.payload[1]},
                            {"data", data}});
    }
    ojson generators = ojson::array();
    for (const Generator& g : s.generators) {
        const auto size = [](const SizeRange& r) { return ojson{{"min", r.min}, {"max", r.max}}; };
        generators.push_back({{"count", g.count},
                              {"start_ms", g.start_ns / 1e6},
                              {g.poisson ? "mean_interval_ms" : "interval_ms", g.interval_ns / 1e6},
                              {"netfn", g.netfn},
                              {"cmd", g.cmd},
                              {"request_size", size(g.request_size)},
                              {"response_size", size(g.response_size)}});
    }
    j["workload"] = {
        {"requests", requests}, {"generators", generators}, {"until_ms", s.until_ns / 1e6}};
    j["faults"] = faults_to_json(s.faults);
    if (s.zpci.enabled)
        j["zpci"] = zpci_to_json(s.zpci);
    ojson expect = {{"t6_max_ms", s.expect.t6_max_ns / 1e6}};
    ojson spec = ojson::object();
    for (const CheckId id : kSpecChecks) {
        const char* name = check_name(id);
        const auto it = s.expect.spec.find(name);
        const Expectations::Verdict v =
            it == s.expect.spec.end() ? Expectations::Verdict::Pass : it->second;
        spec[name] = v == Expectations::Verdict::Pass   ? "pass"
                     : v == Expectations::Verdict::Fail ? "fail"
                                                        : "any";
    }
    expect["spec"] = spec;
    ojson requests_expected = ojson::array();
    for (const RequestExpectation& e : s.expect.requests) {
        ojson r = {{"id", e.id}};
        if (e.completion_code)
            r["completion_code"] = *e.completion_code;
        if (e.error)
            r["error"] = ssif::request_error_name(*e.error);
        if (e.response)
            r["response"] = *e.response;
        const std::pair<const char*, const std::optional<int>*> counts[] = {
            {"response_length", &e.response_length},
            {"write_attempts", &e.write_attempts},
            {"read_attempts", &e.read_attempts},
            {"parts_written", &e.parts_written},
            {"parts_read", &e.parts_read}};
        for (const auto& [key, value] : counts)
            if (*value)
                r[key] = **value;
        if (e.started_ns)
            r["started_ms"] = *e.started_ns / 1e6;
        requests_expected.push_back(r);
    }
    expect["requests"] = requests_expected;
    ojson bmc = ojson::object();
    if (s.expect.bmc_final_state)
        bmc["final_state"] = ssif::bmc_state_name(*s.expect.bmc_final_state);
    if (s.expect.bmc_aborting)
        bmc["aborting"] = *s.expect.bmc_aborting;
    expect["bmc"] = bmc;
    expect["counts"] = s.expect.counts;
    expect["counts_from"] =
        s.expect.counts_from == Expectations::CountsFrom::Registered ? "registered" : "start";
    if (s.zpci.enabled) {
        ojson z = {{"violations", s.zpci.expect_violations}, {"counts", s.zpci.expect_counts}};
        if (s.zpci.expect_setup_failed)
            z["setup_failed"] = *s.zpci.expect_setup_failed;
        expect["zpci"] = z;
    }
    j["expect"] = expect;
    return j;
}

} // namespace ssifsim::tools
