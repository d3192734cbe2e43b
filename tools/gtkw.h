// GTKWave save files beside the VCDs: the signals a VcdWriter declared (the one table),
// grouped (wires; host; BMC; zPCI), the run's time range, and translate filter files so that
// states read by name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/vcd_writer.h"

namespace ssifsim::tools {

// out/q.vcd -> out/q.gtkw; out/q.tl.vcd -> out/q.tl.gtkw.
std::string gtkw_path(const std::string& vcd_path);

// Writes gtkw_path(vcd_path) and, for each signal with value names, a filter file
// "<vcd without .vcd>.<signal>.txt"; returns every file written, or throws std::runtime_error
// naming the one that could not be.
std::vector<std::string> write_gtkw(const std::string& vcd_path, const VcdWriter& vcd,
                                    uint64_t end_ns);

} // namespace ssifsim::tools
