#include "models/smbus/foreign_master.h"

#include "models/common/sim_time.h"

namespace ssifsim::smbus {

ForeignMaster::ForeignMaster(sc_core::sc_module_name name, EventSink& log,
                             std::vector<ForeignTransfer> transfers)
    : sc_module(name), controller_("smbus", log), log_(log), transfers_(std::move(transfers)) {
    SC_THREAD(run);
}

void ForeignMaster::run() {
    for (const ForeignTransfer& t : transfers_) {
        if (sim_now_ns() < t.from_ns)
            wait_for(t.from_ns - sim_now_ns());
        for (int done = 0; done < t.count;) {
            controller_.wait_until_free();
            // Nothing but a transfer changes the target's state, so the condition is
            // looked at again when the next transfer has ended.
            if (t.when && !t.when()) {
                controller_.wait_next_transfer_end();
                continue;
            }
            EventBuilder(log_, sim_now_ns(), events::kFaultForeignMaster)
                .num("fault", t.fault_id)
                .str("op", t.read ? "read" : "write")
                .str("when", t.when_text);
            fault_observers_.fault_applied(t.fault_id, sim_now_ns());
            // Tagged for the fault injectors on its path: read or write, and as command the
            // first byte written (an SMBus command's place; 0x00 for a read).
            TransferTag tag{0, t.read,
                            t.read || t.write_bytes.empty() ? uint8_t{0} : t.write_bytes[0]};
            if (t.read)
                controller_.i2c_read(t.addr7, t.read_length, &tag);
            else
                controller_.i2c_write(t.addr7, t.write_bytes, &tag);
            ++done;
        }
    }
}

} // namespace ssifsim::smbus
