// A device's interrupt request line wired to one of a zPCI function's MSIs: the receiving
// end an embedding platform, or host.irq "zpci", binds a device's interrupt ports to. A PCI
// function signals an interrupt by a memory write, not a level, so the line's rising edge is
// one MSI, written the moment the device raises the line; `handled` tells the device when the
// kernel's handler for that MSI has run (airq dispatch, then the handler's per_bit_ns).
#pragma once

#include <cstdint>
#include <systemc>

#include "models/zpci/zpci_module.h"

namespace ssifsim::zpci {

class MsiLine : public sc_core::sc_module {
  public:
    // The device's interrupt request as a signal (bind the device's output port to it): a
    // write that raises it raises MSI `index` of function `fid` in the writer's process, at
    // that moment (ZpciSystem::raise_msi), as the function's MSI write would; readers see the
    // level a delta later, as with any signal. Lowering it lowers `handled`. One writer.
    class Request : public sc_core::sc_signal<bool> {
      public:
        Request(const char* name, MsiLine& line) : sc_signal<bool>(name), line_(line) {}
        void write(const bool& level) override;

      private:
        MsiLine& line_;
    };

    Request irq;
    // True once the MSI's handler has run while `irq` is high (written from the CPU's process
    // that ran it), false when `irq` falls: the device lowers its request once its handler
    // has run, a four-phase handshake. Bind the device's input port to it.
    sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> handled;

    // Wires the line to `system`'s function `fid`, MSI `index` (0-based), during
    // elaboration; one line per MSI.
    MsiLine(sc_core::sc_module_name name, ZpciSystem& system, uint32_t fid, unsigned index);

  private:
    ZpciSystem& system_;
    uint32_t fid_;
    unsigned index_;
};

} // namespace ssifsim::zpci
