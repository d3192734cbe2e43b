#include "models/zpci/msi_line.h"

namespace ssifsim::zpci {

MsiLine::MsiLine(sc_core::sc_module_name name, ZpciSystem& system, uint32_t fid, unsigned index)
    : sc_module(name), irq("irq", *this), handled("handled"), system_(system), fid_(fid),
      index_(index) {
    system_.on_handled(fid_, index_, [this] { handled.write(true); });
}

void MsiLine::Request::write(const bool& level) {
    const bool was = read();
    sc_signal<bool>::write(level);
    if (level && !was)
        line_.system_.raise_msi(line_.fid_, line_.index_);
    else if (!level && was)
        line_.handled.write(false);
}

} // namespace ssifsim::zpci
