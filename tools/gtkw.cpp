#include "tools/gtkw.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace ssifsim::tools {

namespace {
std::string without_vcd(const std::string& path) {
    const std::string ext = ".vcd";
    if (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0)
        return path.substr(0, path.size() - ext.size());
    return path;
}

// The group a signal is shown in, by the prefix the models give its name.
const char* group_of(const std::string& name) {
    if (name.rfind("smbus_", 0) == 0)
        return "wires";
    if (name.rfind("host_", 0) == 0)
        return "host";
    if (name.rfind("bmc_", 0) == 0)
        return "BMC";
    return "zPCI";
}

void write_checked(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw std::runtime_error(path + ": cannot write");
}
} // namespace

std::string gtkw_path(const std::string& vcd_path) {
    return without_vcd(vcd_path) + ".gtkw";
}

std::string wires_gtkw_path(const std::string& vcd_path) {
    return without_vcd(vcd_path) + ".wires.gtkw";
}

std::vector<std::string> write_gtkw(const std::string& save_path, const std::string& vcd_path,
                                    const VcdWriter& vcd, uint64_t end_ns) {
    std::vector<std::string> written;
    const std::string base = std::filesystem::absolute(without_vcd(vcd_path)).string();
    std::string text = "[*] ssifsim: GTKWave save file for " + vcd_path + "\n";
    text += "[dumpfile] \"" + std::filesystem::absolute(vcd_path).string() + "\"\n";
    text += "[savefile] \"" + std::filesystem::absolute(save_path).string() + "\"\n";
    text += "[timestart] 0\n[size] 1400 600\n[pos] -1 -1\n";
    // The whole run in about 1200 pixels: GTKWave shows 2^-zoom time units per pixel.
    const double zoom = -std::log2(std::max<double>(1.0, static_cast<double>(end_ns) / 1200.0));
    char zoom_line[64];
    std::snprintf(zoom_line, sizeof zoom_line, "*%.6f -1", zoom);
    text += zoom_line;
    for (int i = 0; i < 26; ++i)
        text += " -1";
    text += "\n[treeopen] " + vcd.scope() + ".\n[signals_width] 220\n";
    int filters = 0;
    for (const char* group : {"wires", "host", "BMC", "zPCI"}) {
        std::string body;
        for (const VcdWriter::SignalInfo& s : vcd.signals()) {
            if (std::string(group_of(s.name)) != group)
                continue;
            const std::string ref =
                vcd.scope() + "." + s.name +
                (s.width > 1 ? "[" + std::to_string(s.width - 1) + ":0]" : std::string());
            if (!s.value_names.empty()) {
                const std::string filter = base + "." + s.name + ".txt";
                std::string table = "# " + s.name + ": values as ssifsim names them\n";
                for (size_t v = 0; v < s.value_names.size(); ++v)
                    table += std::to_string(v) + " " + s.value_names[v] + "\n";
                write_checked(filter, table);
                written.push_back(filter);
                body += "@2024\n^" + std::to_string(++filters) + " " + filter + "\n" + ref + "\n";
            } else {
                body += std::string(s.width > 1 ? "@22\n" : "@28\n") + ref + "\n";
            }
        }
        if (!body.empty())
            text += std::string("@800200\n-") + group + "\n" + body + "@1000200\n-" + group + "\n";
    }
    write_checked(save_path, text);
    written.push_back(save_path);
    return written;
}

} // namespace ssifsim::tools
