#include "models/zpci/msi_line.h"

namespace ssifsim::zpci {

MsiLine::MsiLine(sc_core::sc_module_name name, ZpciSystem& system, uint32_t fid, unsigned index)
    : sc_module(name), irq("irq", *this), handled("handled"), system_(system), fid_(fid),
      index_(index) {
    // A handler run while the line is low answers no request: it leaves `handled` alone.
    system_.on_handled(fid_, index_, [this] {
        if (irq.read())
            handled.write(true);
    });
}

void MsiLine::Request::write(const bool& level) {
    const bool was = read();
    sc_signal<bool>::write(level);
    // In the writer's delta, not on the signal's update a delta later: the MSI is the
    // function's memory write at that moment, so the CPU's interrupt keeps its place among
    // the same-time events that follow (the BMC daemon's read after a host transfer).
    if (level && !was)
        line_.system_.raise_msi(line_.fid_, line_.index_);
    else if (!level && was)
        line_.handled.write(false);
}

} // namespace ssifsim::zpci
