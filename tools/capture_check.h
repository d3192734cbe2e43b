// `ssifsim check`: a decoded capture (tools/capture.h) held to the checks a run applies, and
// its devices to the drivers' rules. From the transfers to the BMC's address: the SSIF
// parts, each request and its response reassembled into the host's RequestOutcome (its
// transfers and the waits between them), then T6max, all_answered, tTIMEOUT, tLOW:SEXT and
// ssif_framing through the run's own check classes, and the checks only a capture needs:
// pec, ipmi_messages as the wire shows it, host_timing (each wait against ipmi_ssif's
// timers) and bmc_conformance (the BMC's side replayed into ssif_bmc).
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "models/ssif/bmc/controller.h"
#include "models/ssif/bmc/ssif_bmc.h"
#include "models/ssif/host/ipmi_ssif.h"
#include "tools/capture.h"
#include "tools/runner.h"

namespace ssifsim::tools {

// What the capture is held to: the BMC's address, the host driver (its variant's timers at
// its HZ) and the BMC driver (variant, controller, HZ) whose rules the devices are compared
// with. Defaults: the scenario format's.
struct CaptureCheckOptions {
    uint8_t bmc_addr7 = 0x10;
    uint64_t t6_max_ns = 250'000'000; // IPMI v2.0 §12.7 T6max
    ssif::HostVariant host_variant = ssif::HostVariant::Mainline;
    unsigned host_hz = 1000;
    ssif::BmcVariant bmc_variant = ssif::BmcVariant::Mainline;
    ssif::BmcController bmc_controller = ssif::BmcController::AddressNak;
    unsigned bmc_hz = 100;
    // ssif_bmc's RESPONSE_TIMEOUT in ms (mainline 500; downstream trees use 15000), as the
    // scenario key bmc.response_timeout_ms.
    unsigned bmc_response_timeout_ms = ssif::kResponseTimeoutMs;
};

// A point where a captured device did what its Linux driver would not have: when, and
// what the driver would have done instead.
struct Finding {
    uint64_t t_ns = 0;
    std::string what;
};

struct CaptureResult {
    std::vector<ssif::RequestOutcome> outcomes; // every request seen, in order
    size_t submitted = 0, completed = 0;
    uint64_t bmc_transfers = 0;        // to the BMC's address, with a whole address byte
    uint64_t other_transfers = 0;      // to other addresses (other devices on the bus)
    uint64_t incomplete_transfers = 0; // no whole address byte (op "incomplete")
    // The request still open when the capture ends (in `submitted`, not in `outcomes`).
    bool open_at_end = false;
    int open_id = 0;
    uint64_t open_since_ns = 0;
    uint64_t unpaired_reads = 0; // reads with no request of the capture before them
    std::vector<Finding> bmc_findings, host_findings;
    std::vector<Check> checks;
    double wall_seconds = 0;
    bool passed() const;
};

// The BMC's side of a wire capture replayed into ssif_bmc behind the stated controller: its
// ACK or NAK of each byte the host sent and each byte it sent are compared with the
// driver's. The daemon is taken to have answered a request just before the first read the
// captured BMC let go on past its address and command, if the host read a response to that
// request later (its bytes reassembled from the wire) before it wrote another; a request
// whose response was never read is still with the daemon. The response timer runs
// at the BMC's HZ from the STOP that ended the request.
class BmcReplay : private ssif::BmcHooks {
  public:
    // How the daemon takes requests from /dev/ipmi-ssif-host. AtOnce: each the moment
    // ssif_bmc has it (a daemon that reads while earlier requests are still being answered).
    // OneAtATime: the next only once it has written its response to the last (a daemon
    // looping read, answer, write; one that leaves a request unanswered reads the next at
    // once, but the wires show no such moment): a request ssif_bmc took meanwhile waits in
    // it, where ssif_bmc_write's clearing of the request buffer may lose it (the Jan 2025
    // request loss).
    enum class Daemon { AtOnce, OneAtATime };
    // When the daemon answers a request whose response the host never read before its next
    // request, with a stand-in response (stand_in()): only where the wires prove an answer
    // (transfer()), at once, (Shown) just before the first transfer the BMC lets go on
    // past its address and command where busy ssif_bmc would stop it (the host's next
    // request, its daemon slow), or (BeforeTimer) just before ssif_bmc's response timer
    // would fire (a slow daemon whose answer came after the host gave up, before the
    // timeout, and no transfer the BMC let go on in between), or (Discarded) inside the
    // transfer just before the one Shown names, when the BMC ACKed that transfer's address
    // and NAKed its command byte (a controller that NAKs the byte after a busy answer): the
    // answer came between the two bytes, and process_smbus_cmd's complete_response, which
    // runs for the NAKed command byte all the same, threw it away unread (ssif_bmc v8-2022
    // would abort the next write over a response still held, so Shown cannot stand in).
    enum class Answer { Proven, AtOnce, Shown, BeforeTimer, Discarded };
    // A response the host read whole, and when its read began.
    struct ResponseRead {
        uint64_t t_ns;
        Bytes response;
    };
    // `answer_unread`: how each such request (by the time ssif_bmc took it,
    // unread_requests()) is answered; Proven for those not in it. `read`: every response
    // read whole in the capture, in time order; `carried`: every response a read of 0x03
    // carried, whole or filled out (carried_response), in time order (a stand-in response
    // is taken from them).
    BmcReplay(const CaptureCheckOptions& options, std::map<uint64_t, Answer> answer_unread,
              const std::vector<ResponseRead>& read, const std::vector<ResponseRead>& carried,
              Daemon daemon = Daemon::AtOnce);
    // `carried`: for a read, the response it carried itself (null: none); `next`, the
    // response the host read next for the request it is on (null: none); `later`, the
    // response the next read of 0x03 after this transfer carried, before the next request's
    // write (null: none); `following`, the next transfer to the BMC (null: none).
    void transfer(const CapturedTransfer& t, const Bytes* carried, const Bytes* next,
                  const Bytes* later, const CapturedTransfer* following);
    const std::vector<Finding>& findings() const { return findings_; }
    // When ssif_bmc took each request whose response the host never read, in order.
    const std::vector<uint64_t>& unread_requests() const { return unread_requests_; }
    // Where the replay stopped judging (0: it did not): a transfer whose bytes resume after
    // a pause no device waits out (see transfer()); the transfers from there on are not
    // judged, `unjudged` of them.
    uint64_t lost_at_ns() const { return lost_at_ns_; }
    uint64_t unjudged() const { return unjudged_; }
    std::string lost_why() const { return lost_why_; }

  private:
    void arm_response_timer() override;
    void cancel_response_timer() override { timer_armed_ = false; }
    void request_available() override;
    // The daemon reads the request ssif_bmc holds (ssif_bmc_read), which it took at
    // `available_ns` with `next` the response the host read after it (null: none); `late`:
    // after ssif_bmc had it (a OneAtATime daemon), when it may be gone.
    void take_request(uint64_t available_ns, const Bytes* next, bool late);
    void log(const char* level, const std::string& text) override;
    void timers_until(uint64_t t_ns);
    // The daemon writes `response` to /dev/ipmi-ssif-host (ssif_bmc_write); the controller
    // hears of it only if the write took, as BmcModule tells it. While a response is in
    // progress the write sleeps (it blocks: BmcModule::dev_write) until complete_response
    // clears response_in_progress, and lands after the slave event that did
    // (land_blocked_write): at a new request's command byte, mid-transfer, or at a STOP.
    void daemon_write(const Bytes& response);
    void land_blocked_write();
    std::string why_busy() const;
    // Whether the BMC let `t` go on past its address and command where a busy ssif_bmc would
    // have stopped it (the controller NAKs, or disables the address, while busy): the wires
    // alone, by the controller's row.
    bool went_on_past_busy(const CapturedTransfer& t) const;
    // The response taken for one the wires do not show, to the request the daemon has.
    Bytes stand_in() const;
    void differ(uint64_t t_ns, const std::string& what);

    CaptureCheckOptions options_;
    std::map<uint64_t, Answer> answer_unread_;
    const std::vector<ResponseRead>& read_;
    const std::vector<ResponseRead>& carried_;
    // How answer_unread answers the request the daemon took last, until the daemon has
    // written that answer (Proven: none owed).
    Answer answer_ = Answer::Proven;
    Daemon daemon_;
    const Bytes* next_ = nullptr; // transfer()'s `next`, for the transfer being replayed
    std::vector<uint64_t> unread_requests_;
    Jiffies jiffies_;
    ssif::SsifBmc bmc_;
    ssif::SlaveController controller_;
    uint64_t now_ns_ = 0;
    bool timer_armed_ = false;
    uint64_t timer_expires_ns_ = 0;
    uint64_t request_at_ns_ = 0;
    Bytes request_;                   // the request the daemon took last
    bool daemon_has_request_ = false; // it took request_ and has not written a response
    // A request ssif_bmc took while a OneAtATime daemon had one: when, and its `next`.
    struct Waiting {
        uint64_t available_ns;
        const Bytes* next;
    };
    std::optional<Waiting> waiting_;
    std::optional<Bytes> blocked_; // the daemon's write asleep in ssif_bmc_write
    // The last response ssif_bmc_write refused (a BMC whose driver holds more than ssif_bmc's
    // message sent it): what it returned, the response's length, the request it answered.
    struct Refused {
        long ret;
        size_t length;
        uint64_t request_at_ns;
    };
    std::optional<Refused> refused_;
    std::vector<Finding> findings_;
    uint64_t lost_at_ns_ = 0, unjudged_ = 0;
    std::string lost_why_;
};

// Throws InputError (naming the capture and what it holds) when no SSIF request to the
// BMC's address can be rebuilt from it: there would be nothing to judge.
CaptureResult check_capture(const Capture& capture, const CaptureCheckOptions& options);

// The report, in a run's shape: the options as the configuration, the requests, the summary
// figures, the checks, the findings, and what the decoder met.
ojson capture_report(const Capture& capture, const CaptureCheckOptions& options,
                     const CaptureResult& result);
void print_capture_summary(std::ostream& out, const Capture& capture,
                           const CaptureCheckOptions& options, const CaptureResult& result);

} // namespace ssifsim::tools
