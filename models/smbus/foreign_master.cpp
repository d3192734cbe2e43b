#include "models/smbus/foreign_master.h"

#include "models/common/sim_time.h"

namespace ssifsim::smbus {

ForeignMaster::ForeignMaster(sc_core::sc_module_name name, SmbusBus& bus, EventSink& log,
                             std::vector<ForeignTransfer> transfers)
    : sc_module(name), bus_(bus), log_(log), transfers_(std::move(transfers)) {
    SC_THREAD(run);
}

void ForeignMaster::run() {
    for (const ForeignTransfer& t : transfers_) {
        if (sim_now_ns() < t.from_ns)
            wait_for(t.from_ns - sim_now_ns());
        for (int done = 0; done < t.count;) {
            bus_.wait_until_free();
            // Nothing but a transfer changes the target's state, so the condition is
            // looked at again when the next transfer has ended.
            if (t.when && !t.when()) {
                bus_.wait_next_transfer_end();
                continue;
            }
            EventBuilder(log_, sim_now_ns(), "fault", "foreign_master")
                .num("fault", t.fault_id)
                .str("op", t.read ? "read" : "write")
                .str("when", t.when_text);
            if (t.read)
                bus_.i2c_read(t.addr7, t.read_length);
            else
                bus_.i2c_write(t.addr7, t.write_bytes);
            ++done;
        }
    }
}

} // namespace ssifsim::smbus
