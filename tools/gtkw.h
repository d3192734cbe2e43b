// GTKWave save files beside the VCDs: the signals a VcdWriter declared (the one table),
// grouped (wires; host; BMC; zPCI), the run's time range, and translate filter files so that
// states read by name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/vcd_writer.h"

namespace ssifsim::tools {

// The save files of a run with --vcd out/q.vcd: out/q.gtkw shows out/q.tl.vcd, which holds
// the wires and the states on one time axis; out/q.wires.gtkw shows the wires' own file.
std::string gtkw_path(const std::string& vcd_path);
std::string wires_gtkw_path(const std::string& vcd_path);

// Writes save_path, a save file for the VCD at vcd_path that `vcd` wrote, and for each signal
// with value names a filter file "<vcd_path without .vcd>.<signal>.txt"; returns every file
// written, or throws std::runtime_error naming the one that could not be.
std::vector<std::string> write_gtkw(const std::string& save_path, const std::string& vcd_path,
                                    const VcdWriter& vcd, uint64_t end_ns);

} // namespace ssifsim::tools
